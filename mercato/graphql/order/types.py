"""Object types of orders; every relation goes through a loader.

Anyone holding an order's ID reads it (its UUID is unguessable, as in Saleor);
the buyer's email, name and addresses are masked unless the reader is the buyer
or staff managing orders, and the events need MANAGE_ORDERS.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.account.models import Address, User
from mercato.app.models import App
from mercato.channel.models import Channel
from mercato.checkout.delivery import DeliveryOption
from mercato.core.languages import to_enum_value
from mercato.core.money import Money, TaxedMoney
from mercato.core.permissions import Permission
from mercato.discount.models import Voucher
from mercato.graphql.channel.loaders import ChannelByIdLoader
from mercato.graphql.checkout.loaders import UserByIdLoader, VoucherByCodeLoader
from mercato.graphql.core.dataloaders import Loader, channel_of, get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.images import image
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.inventory.loaders import AddressByIdLoader, WarehouseByIdLoader
from mercato.graphql.order.loaders import (
    AllocationsByLineLoader,
    AppByIdLoader,
    DiscountsByOrderLoader,
    EventsByOrderLoader,
    LinesByOrderLoader,
    ShippingMethodByIdLoader,
)
from mercato.graphql.product.loaders import (
    MediaByProductLoader,
    MediaByVariantLoader,
    VariantByIdLoader,
)
from mercato.inventory.models import Allocation, Warehouse
from mercato.order.models import (
    Order,
    OrderDiscount,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from mercato.order.queries import (
    may_see_order_details,
    may_see_order_user,
    obfuscated_address,
    obfuscated_email,
)
from mercato.product.models import ProductVariant

order_type = ObjectType("Order")
line_type = ObjectType("OrderLine")
event_type = ObjectType("OrderEvent")
discount_type = ObjectType("OrderDiscount")
allocation_type = ObjectType("Allocation")

bind_metadata(order_type, Permission.MANAGE_ORDERS)
bind_metadata(line_type, Permission.MANAGE_ORDERS)


def taxed_money(net: Decimal, gross: Decimal, currency: str) -> TaxedMoney:
    return TaxedMoney(net=Money(net, currency), gross=Money(gross, currency))


class OrderNumberLoader(Loader[uuid.UUID, int]):
    def batch_load(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        return dict(Order.objects.filter(pk__in=keys).values_list("pk", "number"))


def order_channel(info: GraphQLResolveInfo, order: Order) -> Channel:
    channel = get_loader(info.context, ChannelByIdLoader).load_for(
        order, lambda o: o.channel_id
    )
    assert channel is not None  # protected foreign key
    return channel


def order_lines(info: GraphQLResolveInfo, order: Order) -> list[OrderLine]:
    loader = get_loader(info.context, LinesByOrderLoader, order_channel(info, order))
    return loader.load_for(order, lambda o: o.pk) or []


# ---------------------------------------------------------------- Order


@order_type.field("id")
def resolve_id(root: Order, info: GraphQLResolveInfo) -> str:
    return to_global_id("Order", root.pk)


@order_type.field("created")
def resolve_created(root: Order, info: GraphQLResolveInfo) -> Any:
    return root.created_at


@order_type.field("number")
def resolve_number(root: Order, info: GraphQLResolveInfo) -> str:
    return str(root.number)


@order_type.field("token")
def resolve_token(root: Order, info: GraphQLResolveInfo) -> str:
    return str(root.pk)


@order_type.field("user")
def resolve_user(root: Order, info: GraphQLResolveInfo) -> User | None:
    if root.user_id is None or not may_see_order_user(actor_of(info), root):
        return None
    return get_loader(info.context, UserByIdLoader).load_for(root, lambda o: o.user_id)


@order_type.field("userEmail")
def resolve_user_email(root: Order, info: GraphQLResolveInfo) -> str | None:
    if not root.user_email:
        return None
    if may_see_order_details(actor_of(info), root):
        return root.user_email
    return obfuscated_email(root.user_email)


def _address(
    info: GraphQLResolveInfo, root: Order, address_id: int | None
) -> Address | None:
    if address_id is None:
        return None
    address = get_loader(info.context, AddressByIdLoader).load(address_id)
    if address is None or may_see_order_details(actor_of(info), root):
        return address
    return obfuscated_address(address)


@order_type.field("billingAddress")
def resolve_billing_address(root: Order, info: GraphQLResolveInfo) -> Address | None:
    return _address(info, root, root.billing_address_id)


@order_type.field("shippingAddress")
def resolve_shipping_address(root: Order, info: GraphQLResolveInfo) -> Address | None:
    return _address(info, root, root.shipping_address_id)


@order_type.field("trackingClientId")
def resolve_tracking_client_id(root: Order, info: GraphQLResolveInfo) -> str:
    return ""


@order_type.field("channel")
def resolve_channel(root: Order, info: GraphQLResolveInfo) -> Channel:
    return order_channel(info, root)


@order_type.field("lines")
def resolve_lines(root: Order, info: GraphQLResolveInfo) -> list[OrderLine]:
    return order_lines(info, root)


@order_type.field("isShippingRequired")
def resolve_is_shipping_required(root: Order, info: GraphQLResolveInfo) -> bool:
    return any(line.is_shipping_required for line in order_lines(info, root))


@order_type.field("original")
def resolve_original(root: Order, info: GraphQLResolveInfo) -> str | None:
    return None


@order_type.field("externalReference")
def resolve_external_reference(root: Order, info: GraphQLResolveInfo) -> str | None:
    return None


@order_type.field("checkoutId")
def resolve_checkout_id(root: Order, info: GraphQLResolveInfo) -> str | None:
    if root.checkout_token is None:
        return None
    return to_global_id("Checkout", root.checkout_token)


@order_type.field("total")
def resolve_total(root: Order, info: GraphQLResolveInfo) -> TaxedMoney:
    return taxed_money(root.total_net_amount, root.total_gross_amount, root.currency)


@order_type.field("undiscountedTotal")
def resolve_undiscounted_total(root: Order, info: GraphQLResolveInfo) -> TaxedMoney:
    return taxed_money(
        root.undiscounted_total_net_amount,
        root.undiscounted_total_gross_amount,
        root.currency,
    )


@order_type.field("subtotal")
def resolve_subtotal(root: Order, info: GraphQLResolveInfo) -> TaxedMoney:
    return taxed_money(
        root.subtotal_net_amount, root.subtotal_gross_amount, root.currency
    )


@order_type.field("shippingPrice")
def resolve_shipping_price(root: Order, info: GraphQLResolveInfo) -> TaxedMoney:
    return taxed_money(
        root.shipping_price_net_amount,
        root.shipping_price_gross_amount,
        root.currency,
    )


@order_type.field("undiscountedShippingPrice")
def resolve_undiscounted_shipping_price(root: Order, info: GraphQLResolveInfo) -> Money:
    return Money(root.base_shipping_price_amount, root.currency)


@order_type.field("shippingTaxRate")
def resolve_shipping_tax_rate(root: Order, info: GraphQLResolveInfo) -> float:
    return float(root.shipping_tax_rate)


@order_type.field("statusDisplay")
def resolve_status_display(root: Order, info: GraphQLResolveInfo) -> str:
    return str(OrderStatus(root.status).label)


@order_type.field("events")
@require_any(Permission.MANAGE_ORDERS)
def resolve_events(root: Order, info: GraphQLResolveInfo) -> list[OrderEvent]:
    loader = get_loader(info.context, EventsByOrderLoader)
    return loader.load_for(root, lambda o: o.pk) or []


@order_type.field("languageCode")
def resolve_language_code(root: Order, info: GraphQLResolveInfo) -> str:
    return root.language_code


@order_type.field("languageCodeEnum")
def resolve_language_code_enum(root: Order, info: GraphQLResolveInfo) -> str:
    return to_enum_value(root.language_code)


@order_type.field("discount")
def resolve_discount(root: Order, info: GraphQLResolveInfo) -> Money | None:
    if not root.discount_amount:
        return None
    return Money(root.discount_amount, root.currency)


def _shipping_method(info: GraphQLResolveInfo, root: Order) -> DeliveryOption | None:
    """The order's shipping method (while it exists) at the price the order
    was placed with."""
    if root.shipping_method_id is None:
        return None
    method = get_loader(info.context, ShippingMethodByIdLoader).load_for(
        root, lambda o: o.shipping_method_id
    )
    if method is None:
        return None
    return DeliveryOption(
        method=method, price=Money(root.base_shipping_price_amount, root.currency)
    )


@order_type.field("deliveryMethod")
def resolve_delivery_method(
    root: Order, info: GraphQLResolveInfo
) -> Warehouse | DeliveryOption | None:
    if root.collection_point_id is not None:
        return get_loader(info.context, WarehouseByIdLoader).load_for(
            root, lambda o: o.collection_point_id
        )
    return _shipping_method(info, root)


@order_type.field("shippingMethod")
def resolve_shipping_method(
    root: Order, info: GraphQLResolveInfo
) -> DeliveryOption | None:
    return _shipping_method(info, root)


@order_type.field("discounts")
def resolve_discounts(root: Order, info: GraphQLResolveInfo) -> list[OrderDiscount]:
    return (
        get_loader(info.context, DiscountsByOrderLoader).load_for(root, lambda o: o.pk)
        or []
    )


@order_type.field("voucher")
@require_any(Permission.MANAGE_DISCOUNTS)
def resolve_voucher(root: Order, info: GraphQLResolveInfo) -> Voucher | None:
    if not root.voucher_code:
        return None
    loader = get_loader(info.context, VoucherByCodeLoader, order_channel(info, root))
    return loader.load_for(root, lambda o: o.voucher_code)


@order_type.field("weight")
def resolve_weight(root: Order, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"unit": "KG", "value": root.weight}


# ---------------------------------------------------------------- OrderLine


@line_type.field("id")
def resolve_line_id(root: OrderLine, info: GraphQLResolveInfo) -> str:
    return to_global_id("OrderLine", root.pk)


@line_type.field("productVariantId")
def resolve_product_variant_id(root: OrderLine, info: GraphQLResolveInfo) -> str | None:
    if not root.product_variant_id:
        return None
    return to_global_id("ProductVariant", root.product_variant_id)


@line_type.field("taxRate")
def resolve_tax_rate(root: OrderLine, info: GraphQLResolveInfo) -> float:
    return float(root.tax_rate)


@line_type.field("unitPrice")
def resolve_unit_price(root: OrderLine, info: GraphQLResolveInfo) -> TaxedMoney:
    return taxed_money(
        root.unit_price_net_amount, root.unit_price_gross_amount, root.currency
    )


@line_type.field("undiscountedUnitPrice")
def resolve_undiscounted_unit_price(
    root: OrderLine, info: GraphQLResolveInfo
) -> TaxedMoney:
    return taxed_money(
        root.undiscounted_unit_price_net_amount,
        root.undiscounted_unit_price_gross_amount,
        root.currency,
    )


@line_type.field("totalPrice")
def resolve_total_price(root: OrderLine, info: GraphQLResolveInfo) -> TaxedMoney:
    return taxed_money(
        root.total_price_net_amount, root.total_price_gross_amount, root.currency
    )


@line_type.field("undiscountedTotalPrice")
def resolve_undiscounted_total_price(
    root: OrderLine, info: GraphQLResolveInfo
) -> TaxedMoney:
    return taxed_money(
        root.undiscounted_total_price_net_amount,
        root.undiscounted_total_price_gross_amount,
        root.currency,
    )


@line_type.field("unitDiscount")
def resolve_unit_discount(root: OrderLine, info: GraphQLResolveInfo) -> Money:
    return Money(root.unit_discount_amount, root.currency)


@line_type.field("variant")
def resolve_variant(root: OrderLine, info: GraphQLResolveInfo) -> ProductVariant | None:
    loader = get_loader(info.context, VariantByIdLoader, channel_of(root))
    return loader.load_for(root, lambda line: line.variant_id)


@line_type.field("thumbnail")
def resolve_line_thumbnail(
    root: OrderLine,
    info: GraphQLResolveInfo,
    size: int | None = None,
    format: str | None = None,
) -> dict[str, Any] | None:
    """The variant's first image, else its product's; none once the variant
    is deleted."""
    variant = get_loader(info.context, VariantByIdLoader, channel_of(root)).load_for(
        root, lambda line: line.variant_id
    )
    if variant is None:
        return None
    media = get_loader(info.context, MediaByVariantLoader).load_for(
        variant, lambda v: v.pk
    ) or get_loader(info.context, MediaByProductLoader).load_for(
        variant, lambda v: v.product_id
    )
    if not media:
        return None
    first = media[0]
    return image(
        info,
        kind="ProductMedia",
        pk=first.pk,
        stored_name=first.image.name or "",
        alt=first.alt,
        size=size,
        format=format,
    )


@line_type.field("unitDiscountValue")
def resolve_unit_discount_value(root: OrderLine, info: GraphQLResolveInfo) -> Decimal:
    return root.unit_discount_amount


@line_type.field("unitDiscountType")
def resolve_unit_discount_type(root: OrderLine, info: GraphQLResolveInfo) -> str | None:
    return "FIXED" if root.unit_discount_amount > 0 else None


@line_type.field("translatedProductName")
def resolve_translated_product_name(root: OrderLine, info: GraphQLResolveInfo) -> str:
    return root.product_name


@line_type.field("translatedVariantName")
def resolve_translated_variant_name(root: OrderLine, info: GraphQLResolveInfo) -> str:
    return root.variant_name


@line_type.field("quantityToFulfill")
def resolve_quantity_to_fulfill(root: OrderLine, info: GraphQLResolveInfo) -> int:
    return max(root.quantity - root.quantity_fulfilled, 0)


@line_type.field("allocations")
@require_any(Permission.MANAGE_PRODUCTS, Permission.MANAGE_ORDERS)
def resolve_allocations(root: OrderLine, info: GraphQLResolveInfo) -> list[Allocation]:
    loader = get_loader(info.context, AllocationsByLineLoader)
    return loader.load_for(root, lambda line: line.pk) or []


# ---------------------------------------------------------------- Allocation


@allocation_type.field("id")
def resolve_allocation_id(root: Allocation, info: GraphQLResolveInfo) -> str:
    return to_global_id("Allocation", root.pk)


@allocation_type.field("quantity")
def resolve_allocation_quantity(root: Allocation, info: GraphQLResolveInfo) -> int:
    return root.quantity_allocated


@allocation_type.field("warehouse")
def resolve_allocation_warehouse(
    root: Allocation, info: GraphQLResolveInfo
) -> Warehouse | None:
    loader = get_loader(info.context, WarehouseByIdLoader)
    return loader.load_for(root, lambda a: a.stock.warehouse_id)


# ---------------------------------------------------------------- OrderDiscount


@discount_type.field("id")
def resolve_discount_id(root: OrderDiscount, info: GraphQLResolveInfo) -> str:
    return to_global_id("OrderDiscount", root.pk)


@discount_type.field("valueType")
def resolve_discount_value_type(root: OrderDiscount, info: GraphQLResolveInfo) -> str:
    return root.value_type


@discount_type.field("translatedName")
def resolve_discount_translated_name(
    root: OrderDiscount, info: GraphQLResolveInfo
) -> str | None:
    return root.translated_name or root.name


@discount_type.field("amount")
@discount_type.field("total")
def resolve_discount_total(root: OrderDiscount, info: GraphQLResolveInfo) -> Money:
    return Money(root.amount_value, root.currency)


# ---------------------------------------------------------------- OrderEvent


@event_type.field("id")
def resolve_event_id(root: OrderEvent, info: GraphQLResolveInfo) -> str:
    return to_global_id("OrderEvent", root.pk)


@event_type.field("user")
def resolve_event_user(root: OrderEvent, info: GraphQLResolveInfo) -> User | None:
    return get_loader(info.context, UserByIdLoader).load_for(root, lambda e: e.user_id)


@event_type.field("app")
def resolve_event_app(root: OrderEvent, info: GraphQLResolveInfo) -> App | None:
    return get_loader(info.context, AppByIdLoader).load_for(root, lambda e: e.app_id)


def _parameter(name: str) -> Any:
    def resolve(root: OrderEvent, info: GraphQLResolveInfo) -> Any:
        return (root.parameters or {}).get(name)

    return resolve


for _field, _key in (
    ("message", "message"),
    ("email", "email"),
    ("amount", "amount"),
    ("quantity", "quantity"),
):
    event_type.set_field(_field, _parameter(_key))


@event_type.field("orderNumber")
def resolve_event_order_number(root: OrderEvent, info: GraphQLResolveInfo) -> str:
    number = get_loader(info.context, OrderNumberLoader).load_for(
        root, lambda e: e.order_id
    )
    return str(number)


bindables = [order_type, line_type, event_type, allocation_type, discount_type]
