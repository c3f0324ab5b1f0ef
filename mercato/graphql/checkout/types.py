"""Object types of checkouts; every relation goes through a loader."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.account.models import Address, User
from mercato.channel.models import Channel
from mercato.checkout.calculations import checkout_totals
from mercato.checkout.delivery import DeliveryOption
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.checkout.queries import Problem, may_see_checkout_user
from mercato.core.languages import to_enum_value
from mercato.core.money import Money, TaxedMoney
from mercato.core.permissions import Permission
from mercato.discount.models import Voucher
from mercato.graphql.channel.loaders import ChannelByIdLoader
from mercato.graphql.checkout.delivery import DeliveryView, delivery_view
from mercato.graphql.checkout.loaders import (
    CheckoutDeliveryLoader,
    CheckoutProblemsLoader,
    CollectionPointsLoader,
    DeliveryOptionsLoader,
    LineProblemsLoader,
    LinesByCheckoutLoader,
    ReservationExpiryLoader,
    ShippingRequiredByVariantLoader,
    UserByIdLoader,
    VoucherByCodeLoader,
)
from mercato.graphql.core.dataloaders import channel_of, get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.inventory.loaders import AddressByIdLoader, WarehouseByIdLoader
from mercato.graphql.product.loaders import VariantByIdLoader
from mercato.inventory.models import Warehouse
from mercato.product.models import ProductVariant
from mercato.tax.queries import get_cached_channel_taxes

checkout_type = ObjectType("Checkout")
line_type = ObjectType("CheckoutLine")

bind_metadata(checkout_type, Permission.MANAGE_CHECKOUTS)
bind_metadata(line_type, Permission.MANAGE_CHECKOUTS)


def _channel(info: GraphQLResolveInfo, checkout: Checkout) -> Channel:
    loader = get_loader(info.context, ChannelByIdLoader)
    channel = loader.load_for(checkout, lambda c: c.channel_id)
    assert channel is not None  # the foreign key protects it
    return channel


def _lines(info: GraphQLResolveInfo, checkout: Checkout) -> list[CheckoutLine]:
    loader = get_loader(info.context, LinesByCheckoutLoader, _channel(info, checkout))
    return loader.load_for(checkout, lambda c: c.pk) or []


@checkout_type.field("id")
def resolve_id(root: Checkout, info: GraphQLResolveInfo) -> str:
    return to_global_id("Checkout", root.pk)


@checkout_type.field("created")
def resolve_created(root: Checkout, info: GraphQLResolveInfo) -> Any:
    return root.created_at


@checkout_type.field("channel")
def resolve_channel(root: Checkout, info: GraphQLResolveInfo) -> Channel:
    return _channel(info, root)


@checkout_type.field("user")
def resolve_user(root: Checkout, info: GraphQLResolveInfo) -> User | None:
    if root.user_id is None or not may_see_checkout_user(actor_of(info), root):
        return None
    return get_loader(info.context, UserByIdLoader).load_for(root, lambda c: c.user_id)


@checkout_type.field("shippingAddress")
def resolve_shipping_address(
    root: Checkout, info: GraphQLResolveInfo
) -> Address | None:
    loader = get_loader(info.context, AddressByIdLoader)
    return loader.load_for(root, lambda c: c.shipping_address_id)


@checkout_type.field("billingAddress")
def resolve_billing_address(root: Checkout, info: GraphQLResolveInfo) -> Address | None:
    loader = get_loader(info.context, AddressByIdLoader)
    return loader.load_for(root, lambda c: c.billing_address_id)


@checkout_type.field("email")
def resolve_email(root: Checkout, info: GraphQLResolveInfo) -> str | None:
    return root.email or None


@checkout_type.field("discount")
def resolve_discount(root: Checkout, info: GraphQLResolveInfo) -> Money:
    return Money(root.discount_amount, root.currency)


@checkout_type.field("voucher")
@require_any(Permission.MANAGE_DISCOUNTS)
def resolve_voucher(root: Checkout, info: GraphQLResolveInfo) -> Voucher | None:
    if not root.voucher_code:
        return None
    loader = get_loader(info.context, VoucherByCodeLoader, _channel(info, root))
    return loader.load_for(root, lambda c: c.voucher_code)


@checkout_type.field("customerNote")
@checkout_type.field("note")
def resolve_customer_note(root: Checkout, info: GraphQLResolveInfo) -> str:
    return root.customer_note


@checkout_type.field("shippingMethods")
@checkout_type.field("availableShippingMethods")
def resolve_shipping_methods(
    root: Checkout, info: GraphQLResolveInfo
) -> list[DeliveryOption]:
    loader = get_loader(info.context, DeliveryOptionsLoader)
    return loader.load_for(root, lambda c: c) or []


@checkout_type.field("availableCollectionPoints")
def resolve_collection_points(
    root: Checkout, info: GraphQLResolveInfo
) -> list[Warehouse]:
    loader = get_loader(info.context, CollectionPointsLoader)
    return loader.load_for(root, lambda c: c) or []


def _chosen_method(root: Checkout, info: GraphQLResolveInfo) -> DeliveryOption | None:
    if root.shipping_method_id is None:
        return None
    return get_loader(info.context, CheckoutDeliveryLoader).load_for(root, lambda c: c)


@checkout_type.field("delivery")
def resolve_delivery(root: Checkout, info: GraphQLResolveInfo) -> DeliveryView | None:
    option = _chosen_method(root, info)
    return None if option is None else delivery_view(root, option)


@checkout_type.field("shippingMethod")
def resolve_shipping_method(
    root: Checkout, info: GraphQLResolveInfo
) -> DeliveryOption | None:
    return _chosen_method(root, info)


@checkout_type.field("deliveryMethod")
def resolve_delivery_method(
    root: Checkout, info: GraphQLResolveInfo
) -> DeliveryOption | Warehouse | None:
    if root.collection_point_id is not None:
        loader = get_loader(info.context, WarehouseByIdLoader)
        return loader.load_for(root, lambda c: c.collection_point_id)
    return _chosen_method(root, info)


@checkout_type.field("stockReservationExpires")
def resolve_stock_reservation_expires(root: Checkout, info: GraphQLResolveInfo) -> Any:
    loader = get_loader(info.context, ReservationExpiryLoader)
    return loader.load_for(root, lambda c: c.pk)


@checkout_type.field("taxExemption")
def resolve_tax_exemption(root: Checkout, info: GraphQLResolveInfo) -> bool:
    return False


@checkout_type.field("problems")
def resolve_problems(root: Checkout, info: GraphQLResolveInfo) -> list[Problem]:
    return (
        get_loader(info.context, CheckoutProblemsLoader).load_for(root, lambda c: c)
        or []
    )


@checkout_type.field("lines")
def resolve_lines(root: Checkout, info: GraphQLResolveInfo) -> list[CheckoutLine]:
    return _lines(info, root)


@checkout_type.field("quantity")
def resolve_quantity(root: Checkout, info: GraphQLResolveInfo) -> int:
    return sum(line.quantity for line in _lines(info, root))


@checkout_type.field("isShippingRequired")
def resolve_is_shipping_required(root: Checkout, info: GraphQLResolveInfo) -> bool:
    lines = _lines(info, root)
    if not lines:
        return False
    loader = get_loader(info.context, ShippingRequiredByVariantLoader)
    return any(loader.load_for(line, lambda li: li.variant_id) for line in lines)


@checkout_type.field("subtotalPrice")
def resolve_subtotal(root: Checkout, info: GraphQLResolveInfo) -> TaxedMoney:
    return checkout_totals(root).subtotal


@checkout_type.field("shippingPrice")
def resolve_shipping_price(root: Checkout, info: GraphQLResolveInfo) -> TaxedMoney:
    return checkout_totals(root).shipping


@checkout_type.field("totalPrice")
def resolve_total(root: Checkout, info: GraphQLResolveInfo) -> TaxedMoney:
    return checkout_totals(root).total


@checkout_type.field("languageCode")
def resolve_language_code(root: Checkout, info: GraphQLResolveInfo) -> str:
    return to_enum_value(root.language_code)


@checkout_type.field("displayGrossPrices")
def resolve_display_gross_prices(root: Checkout, info: GraphQLResolveInfo) -> bool:
    channel = _channel(info, root)
    addresses = get_loader(info.context, AddressByIdLoader)
    country = channel.default_country
    for key in (lambda c: c.shipping_address_id, lambda c: c.billing_address_id):
        address = addresses.load_for(root, key)
        if address is not None and address.country:
            country = address.country
            break
    taxes = get_cached_channel_taxes(channel=channel, country_code=country)
    return taxes.display_gross_prices


# ---------------------------------------------------------------- CheckoutLine


def _currency(line: CheckoutLine) -> str:
    channel = channel_of(line)
    return str(channel.currency_code) if channel is not None else ""


@line_type.field("id")
def resolve_line_id(root: CheckoutLine, info: GraphQLResolveInfo) -> str:
    return to_global_id("CheckoutLine", root.pk)


@line_type.field("variant")
def resolve_line_variant(
    root: CheckoutLine, info: GraphQLResolveInfo
) -> ProductVariant | None:
    loader = get_loader(info.context, VariantByIdLoader, channel_of(root))
    return loader.load_for(root, lambda line: line.variant_id)


def _taxed(net: Any, gross: Any, currency: str) -> TaxedMoney:
    return TaxedMoney(net=Money(net, currency), gross=Money(gross, currency))


@line_type.field("unitPrice")
def resolve_unit_price(root: CheckoutLine, info: GraphQLResolveInfo) -> TaxedMoney:
    return _taxed(
        root.unit_price_net_amount, root.unit_price_gross_amount, _currency(root)
    )


@line_type.field("undiscountedUnitPrice")
def resolve_undiscounted_unit_price(
    root: CheckoutLine, info: GraphQLResolveInfo
) -> Money:
    return Money(root.undiscounted_unit_price_amount, _currency(root))


@line_type.field("totalPrice")
def resolve_line_total(root: CheckoutLine, info: GraphQLResolveInfo) -> TaxedMoney:
    return _taxed(
        root.total_price_net_amount, root.total_price_gross_amount, _currency(root)
    )


@line_type.field("undiscountedTotalPrice")
def resolve_line_undiscounted_total(
    root: CheckoutLine, info: GraphQLResolveInfo
) -> Money:
    return Money(root.undiscounted_total_price_amount, _currency(root))


@line_type.field("requiresShipping")
def resolve_requires_shipping(root: CheckoutLine, info: GraphQLResolveInfo) -> bool:
    loader = get_loader(info.context, ShippingRequiredByVariantLoader)
    return bool(loader.load_for(root, lambda line: line.variant_id))


@line_type.field("problems")
def resolve_line_problems(root: CheckoutLine, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, LineProblemsLoader).load_for(root, lambda li: li)


@line_type.field("isGift")
def resolve_is_gift(root: CheckoutLine, info: GraphQLResolveInfo) -> bool:
    return root.is_gift


bindables = [checkout_type, line_type]
