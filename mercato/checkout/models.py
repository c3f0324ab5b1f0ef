"""A shopper's cart: the checkout, its lines and the prices last computed for them."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from mercato.core.models import ModelWithMetadata


class Checkout(ModelWithMetadata):
    """A cart in one channel. ``token`` is both the key and the bearer secret.

    The price fields hold what ``calculations.recalculate_checkout`` last stored;
    they are current until ``price_expiration``.
    """

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    last_change = models.DateTimeField(default=timezone.now)
    # A deleted channel takes its carts with it: they cannot be completed elsewhere.
    channel = models.ForeignKey(
        "channel.Channel", related_name="checkouts", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        "account.User",
        related_name="checkouts",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    email = models.CharField(max_length=254, blank=True)
    shipping_address = models.ForeignKey(
        "account.Address",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    billing_address = models.ForeignKey(
        "account.Address",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    language_code = models.CharField(max_length=35, default="en")
    customer_note = models.TextField(blank=True, default="")
    # Delivery: a shipping method or a collection point (a warehouse), never both.
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    collection_point = models.ForeignKey(
        "inventory.Warehouse",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Whether the chosen delivery still applies to the address and lines, as of
    # the last recalculation (shown as a problem when it does not).
    is_delivery_valid = models.BooleanField(default=True)
    voucher_code = models.CharField(max_length=255, null=True, blank=True)
    discount_amount = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    discount_name = models.CharField(max_length=255, null=True, blank=True)
    translated_discount_name = models.CharField(max_length=255, null=True, blank=True)
    currency = models.CharField(max_length=3)
    subtotal_net_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    subtotal_gross_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    shipping_price_net_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    shipping_price_gross_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    # What remains to pay: after discounts and the applied gift cards' balance.
    total_net_amount = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    total_gross_amount = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    undiscounted_total_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    price_expiration = models.DateTimeField(default=timezone.now)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("-last_change", "token")

    def __str__(self) -> str:
        return str(self.token)


class CheckoutLine(ModelWithMetadata):
    checkout = models.ForeignKey(
        Checkout, related_name="lines", on_delete=models.CASCADE
    )
    variant = models.ForeignKey(
        "product.ProductVariant", related_name="+", on_delete=models.CASCADE
    )
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    unit_price_net_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    unit_price_gross_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    undiscounted_unit_price_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    total_price_net_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    total_price_gross_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    undiscounted_total_price_amount = models.DecimalField(
        max_digits=20, decimal_places=3, default=0
    )
    # The line's tax rate as a fraction (0.2300 for 23%).
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    # A free gift of an order promotion: added and removed by the recalculation,
    # never by the shopper.
    is_gift = models.BooleanField(default=False)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"
