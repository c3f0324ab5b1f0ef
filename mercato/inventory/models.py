from __future__ import annotations

from django.db import models

from mercato.core.models import ModelWithMetadata


class Warehouse(ModelWithMetadata):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True)
    email = models.EmailField(blank=True, default="")
    address = models.ForeignKey("account.Address", on_delete=models.PROTECT)
    is_private = models.BooleanField(default=True)
    click_and_collect_option = models.CharField(max_length=30, default="disabled")
    external_reference = models.CharField(
        max_length=250, unique=True, null=True, blank=True
    )
    channels = models.ManyToManyField(
        "channel.Channel", through="ChannelWarehouse", related_name="warehouses"
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.name


class ChannelWarehouse(models.Model):
    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE)
    sort_order = models.IntegerField(default=0)

    class Meta:
        unique_together = (("channel", "warehouse"),)
        ordering = ("sort_order", "pk")


class Stock(models.Model):
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="stocks"
    )
    product_variant = models.ForeignKey(
        "product.ProductVariant", on_delete=models.CASCADE, related_name="stocks"
    )
    quantity = models.IntegerField(default=0)
    quantity_allocated = models.IntegerField(default=0)

    class Meta:
        unique_together = (("warehouse", "product_variant"),)
        ordering = ("pk",)


class Allocation(models.Model):
    """Units of a stock row promised to an order line.

    ``Stock.quantity_allocated`` is kept equal to the sum of these per stock.
    """

    order_line = models.ForeignKey(
        "order.OrderLine", related_name="allocations", on_delete=models.CASCADE
    )
    stock = models.ForeignKey(
        Stock, related_name="allocations", on_delete=models.CASCADE
    )
    quantity_allocated = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = (("order_line", "stock"),)
        ordering = ("pk",)


class Reservation(models.Model):
    """Units of a stock row held for a checkout line until ``reserved_until``."""

    checkout_line = models.ForeignKey(
        "checkout.CheckoutLine", related_name="reservations", on_delete=models.CASCADE
    )
    stock = models.ForeignKey(
        Stock, related_name="reservations", on_delete=models.CASCADE
    )
    quantity_reserved = models.PositiveIntegerField(default=0)
    reserved_until = models.DateTimeField(db_index=True)

    class Meta:
        unique_together = (("checkout_line", "stock"),)
        ordering = ("pk",)
