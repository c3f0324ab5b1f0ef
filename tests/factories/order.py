"""A small shop to place orders in, and checkouts ready to complete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mercato.channel.models import Channel
from mercato.checkout.calculations import recalculate_checkout
from mercato.checkout.models import Checkout
from mercato.checkout.services import LineInput, create_checkout
from mercato.core.permissions import Actor
from mercato.inventory.models import ChannelWarehouse, Stock, Warehouse
from mercato.payment.models import TransactionEventType, TransactionItem
from mercato.product.models import ProductType, ProductVariant
from mercato.shipping.models import ShippingMethod
from tests.factories.catalog import (
    ChannelFactory,
    ProductFactory,
    ProductTypeFactory,
    VariantFactory,
    WarehouseFactory,
    list_product,
    price_variant,
)
from tests.factories.payment import add_event
from tests.factories.shipping import ShippingMethodFactory, list_method

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1 Main St",
    "city": "New York",
    "postal_code": "10001",
    "country": "US",
    "country_area": "NY",
}


@dataclass
class Shop:
    channel: Channel
    warehouse: Warehouse
    product_type: ProductType
    variants: list[ProductVariant] = field(default_factory=list)

    @property
    def variant(self) -> ProductVariant:
        return self.variants[0]


def make_shop(
    *,
    quantity: int = 10,
    price: str = "10.00",
    shipping_required: bool = False,
    allow_unpaid: bool = True,
    **channel_fields: Any,
) -> Shop:
    """A channel with one warehouse and one variant holding ``quantity`` units."""
    channel = ChannelFactory(allow_unpaid_orders=allow_unpaid, **channel_fields)
    warehouse = WarehouseFactory()
    ChannelWarehouse.objects.create(channel=channel, warehouse=warehouse)
    product_type = ProductTypeFactory(is_shipping_required=shipping_required)
    shop = Shop(channel, warehouse, product_type)
    add_variant(shop, quantity=quantity, price=price)
    return shop


def add_variant(
    shop: Shop, *, quantity: int = 10, price: str = "10.00", **fields: Any
) -> ProductVariant:
    product = ProductFactory(product_type=shop.product_type)
    list_product(product, shop.channel)
    variant: ProductVariant = VariantFactory(product=product, **fields)
    price_variant(variant, shop.channel, price)
    Stock.objects.create(
        warehouse=shop.warehouse, product_variant=variant, quantity=quantity
    )
    shop.variants.append(variant)
    return variant


def add_warehouse(shop: Shop, *, sort_order: int, **fields: Any) -> Warehouse:
    warehouse: Warehouse = WarehouseFactory(**fields)
    ChannelWarehouse.objects.create(
        channel=shop.channel, warehouse=warehouse, sort_order=sort_order
    )
    return warehouse


def ready_checkout(
    shop: Shop,
    lines: Sequence[tuple[ProductVariant, int]] | None = None,
    *,
    email: str = "buyer@example.com",
    user_id: int | None = None,
    shipping_method: ShippingMethod | None = None,
) -> Checkout:
    """A checkout with lines, email and addresses (and ``shipping_method``)."""
    checkout = create_checkout(
        actor=Actor(user_id=user_id),
        channel_slug=shop.channel.slug,
        lines=[
            LineInput(variant_id=variant.pk, quantity=quantity)
            for variant, quantity in (lines or [(shop.variant, 1)])
        ],
        email=email,
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
    )
    if shipping_method is not None:
        checkout.shipping_method = shipping_method
        checkout.save(update_fields=["shipping_method"])
        recalculate_checkout(checkout, list(checkout.lines.all()))
    return checkout


def make_method(shop: Shop, price: str = "5.00") -> ShippingMethod:
    method: ShippingMethod = ShippingMethodFactory(name="Courier")
    list_method(method, shop.channel, price)
    return method


def pay(checkout: Checkout, amount: Decimal | str | None = None) -> TransactionItem:
    """A transaction that charged ``amount`` (default: the checkout's total)."""
    value = Decimal(amount) if amount is not None else checkout.total_gross_amount
    item = TransactionItem.objects.create(
        checkout=checkout, currency=checkout.currency, charged_amount=value
    )
    add_event(item, TransactionEventType.CHARGE_SUCCESS, value)
    return item
