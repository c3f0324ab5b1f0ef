"""Orders: what a shopper bought, frozen at the moment the checkout was completed.

Names, SKUs, prices and addresses are copied from the checkout so that later
catalogue or address-book changes never rewrite an order.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Func
from django.utils import timezone

from mercato.core.models import ModelWithMetadata

ORDER_NUMBER_SEQUENCE = "order_order_number_seq"


class NextOrderNumber(Func):
    """``nextval`` of the order number sequence, evaluated by PostgreSQL on insert."""

    template = f"nextval('{ORDER_NUMBER_SEQUENCE}')"
    output_field = models.BigIntegerField()

    def __init__(self) -> None:
        super().__init__()


class OrderStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    UNCONFIRMED = "UNCONFIRMED", "Unconfirmed"
    UNFULFILLED = "UNFULFILLED", "Unfulfilled"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED", "Partially fulfilled"
    PARTIALLY_RETURNED = "PARTIALLY_RETURNED", "Partially returned"
    RETURNED = "RETURNED", "Returned"
    FULFILLED = "FULFILLED", "Fulfilled"
    CANCELED = "CANCELED", "Canceled"
    EXPIRED = "EXPIRED", "Expired"


class OrderOrigin(models.TextChoices):
    CHECKOUT = "CHECKOUT", "Checkout"
    DRAFT = "DRAFT", "Draft"
    REISSUE = "REISSUE", "Reissue"
    BULK_CREATE = "BULK_CREATE", "Bulk create"


class OrderEventType(models.TextChoices):
    """The subset of Saleor's OrderEventsEnum that mercato writes today."""

    PLACED = "PLACED", "Placed"
    PLACED_AUTOMATICALLY_FROM_PAID_CHECKOUT = (
        "PLACED_AUTOMATICALLY_FROM_PAID_CHECKOUT",
        "Placed automatically from a paid checkout",
    )
    CONFIRMED = "CONFIRMED", "Confirmed"
    EMAIL_SENT = "EMAIL_SENT", "Email sent"
    OVERSOLD_ITEMS = "OVERSOLD_ITEMS", "Oversold items"
    CANCELED = "CANCELED", "Canceled"
    EXPIRED = "EXPIRED", "Expired"
    ORDER_FULLY_PAID = "ORDER_FULLY_PAID", "Fully paid"
    ORDER_MARKED_AS_PAID = "ORDER_MARKED_AS_PAID", "Marked as paid"
    NOTE_ADDED = "NOTE_ADDED", "Note added"
    FULFILLMENT_FULFILLED_ITEMS = "FULFILLMENT_FULFILLED_ITEMS", "Fulfilled items"
    FULFILLMENT_CANCELED = "FULFILLMENT_CANCELED", "Fulfillment canceled"
    FULFILLMENT_RESTOCKED_ITEMS = "FULFILLMENT_RESTOCKED_ITEMS", "Restocked items"
    TRACKING_UPDATED = "TRACKING_UPDATED", "Tracking updated"
    OTHER = "OTHER", "Other"


def _money() -> models.DecimalField[Decimal | int | str, Decimal]:
    return models.DecimalField(max_digits=20, decimal_places=3, default=0)


class Order(ModelWithMetadata):
    """A placed order. ``id`` is a UUID (as in Saleor 3.x); ``number`` is the
    human-facing sequence number.

    ``checkout_token`` is the checkout the order came from; it is unique, so
    completing the same checkout twice finds the existing order.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.BigIntegerField(
        unique=True, db_default=NextOrderNumber(), editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    status = models.CharField(
        max_length=32, choices=OrderStatus.choices, default=OrderStatus.UNFULFILLED
    )
    origin = models.CharField(
        max_length=32, choices=OrderOrigin.choices, default=OrderOrigin.CHECKOUT
    )
    channel = models.ForeignKey(
        "channel.Channel", related_name="orders", on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        "account.User",
        related_name="orders",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    user_email = models.CharField(max_length=254, blank=True, db_index=True)
    language_code = models.CharField(max_length=35, default="en")
    billing_address = models.ForeignKey(
        "account.Address",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    shipping_address = models.ForeignKey(
        "account.Address",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    shipping_method_name = models.CharField(max_length=255, null=True, blank=True)
    collection_point = models.ForeignKey(
        "inventory.Warehouse",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    collection_point_name = models.CharField(max_length=255, null=True, blank=True)
    currency = models.CharField(max_length=3)
    base_shipping_price_amount = _money()
    shipping_price_net_amount = _money()
    shipping_price_gross_amount = _money()
    shipping_tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    subtotal_net_amount = _money()
    subtotal_gross_amount = _money()
    total_net_amount = _money()
    total_gross_amount = _money()
    undiscounted_total_net_amount = _money()
    undiscounted_total_gross_amount = _money()
    voucher_code = models.CharField(max_length=255, null=True, blank=True)
    discount_amount = _money()
    discount_name = models.CharField(max_length=255, null=True, blank=True)
    customer_note = models.TextField(blank=True, default="")
    redirect_url = models.URLField(max_length=2048, null=True, blank=True)
    display_gross_prices = models.BooleanField(default=True)
    # Kilograms: each line's variant weight (else its product's, else its
    # product type's) times its quantity, as it was when the order was placed.
    weight = models.FloatField(default=0)
    checkout_token = models.UUIDField(unique=True, null=True, blank=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("-number",)

    def __str__(self) -> str:
        return f"#{self.number}"


class OrderLine(ModelWithMetadata):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "product.ProductVariant",
        related_name="order_lines",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    product_name = models.CharField(max_length=386)
    variant_name = models.CharField(max_length=255, blank=True)
    product_sku = models.CharField(max_length=255, null=True, blank=True)
    product_variant_id = models.CharField(max_length=255, null=True, blank=True)
    is_shipping_required = models.BooleanField(default=True)
    is_gift = models.BooleanField(default=False)
    quantity = models.PositiveIntegerField()
    quantity_fulfilled = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    unit_price_net_amount = _money()
    unit_price_gross_amount = _money()
    undiscounted_unit_price_net_amount = _money()
    undiscounted_unit_price_gross_amount = _money()
    total_price_net_amount = _money()
    total_price_gross_amount = _money()
    undiscounted_total_price_net_amount = _money()
    undiscounted_total_price_gross_amount = _money()
    unit_discount_amount = _money()
    unit_discount_reason = models.TextField(null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    voucher_code = models.CharField(max_length=255, null=True, blank=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class OrderDiscountType(models.TextChoices):
    """Where an order's discount came from (Saleor's OrderDiscountType)."""

    SALE = "SALE", "Sale"
    VOUCHER = "VOUCHER", "Voucher"
    MANUAL = "MANUAL", "Manual"
    PROMOTION = "PROMOTION", "Promotion"
    ORDER_PROMOTION = "ORDER_PROMOTION", "Order promotion"


class DiscountValueType(models.TextChoices):
    FIXED = "FIXED", "Fixed"
    PERCENTAGE = "PERCENTAGE", "Percentage"


class OrderDiscount(models.Model):
    """A discount the order got as a whole, recorded when it was placed.

    ``value`` is what the discount was defined as (an amount or a percentage,
    per ``value_type``); ``amount`` is what it took off the order, in the
    order's currency.
    """

    order = models.ForeignKey(Order, related_name="discounts", on_delete=models.CASCADE)
    type = models.CharField(max_length=32, choices=OrderDiscountType.choices)
    value_type = models.CharField(
        max_length=16,
        choices=DiscountValueType.choices,
        default=DiscountValueType.FIXED,
    )
    value = _money()
    amount_value = _money()
    currency = models.CharField(max_length=3)
    name = models.CharField(max_length=255, null=True, blank=True)
    translated_name = models.CharField(max_length=255, null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    voucher_code = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.type} {self.amount_value} {self.currency}"


class OrderEvent(models.Model):
    """Something that happened to an order; ``parameters`` hold the details."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    date = models.DateTimeField(default=timezone.now, editable=False)
    type = models.CharField(max_length=255, choices=OrderEventType.choices)
    user = models.ForeignKey(
        "account.User",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    app = models.ForeignKey(
        "app.App", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    parameters = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ("date", "pk")

    def __str__(self) -> str:
        return self.type


class FulfillmentStatus(models.TextChoices):
    FULFILLED = "FULFILLED", "Fulfilled"
    REFUNDED = "REFUNDED", "Refunded"
    RETURNED = "RETURNED", "Returned"
    REPLACED = "REPLACED", "Replaced"
    REFUNDED_AND_RETURNED = "REFUNDED_AND_RETURNED", "Refunded and returned"
    CANCELED = "CANCELED", "Canceled"
    WAITING_FOR_APPROVAL = "WAITING_FOR_APPROVAL", "Waiting for approval"


class Fulfillment(ModelWithMetadata):
    """Units of an order's lines sent out together from one warehouse.

    ``fulfillment_order`` counts an order's fulfillments from 1; with the order
    number it makes the shown name (``#12-2``).
    """

    order = models.ForeignKey(
        Order, related_name="fulfillments", on_delete=models.CASCADE
    )
    fulfillment_order = models.PositiveIntegerField()
    status = models.CharField(
        max_length=32,
        choices=FulfillmentStatus.choices,
        default=FulfillmentStatus.FULFILLED,
    )
    tracking_number = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=("order", "fulfillment_order"),
                name="order_fulfillment_order_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Fulfillment #{self.fulfillment_order}"


class FulfillmentLine(models.Model):
    """``quantity`` units of an order line in a fulfillment, taken from ``stock``."""

    fulfillment = models.ForeignKey(
        Fulfillment, related_name="lines", on_delete=models.CASCADE
    )
    order_line = models.ForeignKey(
        OrderLine, related_name="fulfillment_lines", on_delete=models.CASCADE
    )
    quantity = models.PositiveIntegerField()
    stock = models.ForeignKey(
        "inventory.Stock",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}"
