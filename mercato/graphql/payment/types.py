"""Object types of payments, and the payment fields of checkouts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ariadne import InterfaceType, ObjectType, UnionType
from graphql import GraphQLResolveInfo

from mercato.account.models import User
from mercato.app.models import App
from mercato.channel.models import Channel
from mercato.channel.queries import list_channels
from mercato.checkout.models import Checkout
from mercato.core.money import Money
from mercato.core.permissions import Permission
from mercato.graphql.channel.loaders import ChannelByIdLoader
from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.dataloaders import get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of
from mercato.graphql.payment.loaders import (
    CheckoutByTokenLoader,
    CheckoutHasLinesLoader,
    CreatorAppLoader,
    CreatorUserLoader,
    EventsByTransactionLoader,
    TransactionsByCheckoutLoader,
)
from mercato.payment.gateways import GatewayConfig, list_gateway_configs
from mercato.payment.models import TransactionEvent, TransactionItem
from mercato.payment.queries import (
    PaymentState,
    checkout_payment_state,
    checkout_total,
    paid_amounts_of,
)

transaction_type = ObjectType("TransactionItem")
event_type = ObjectType("TransactionEvent")
gateway_type = ObjectType("PaymentGateway")
checkout_type = ObjectType("Checkout")
user_or_app = UnionType("UserOrApp")
method_details = InterfaceType("PaymentMethodDetails")

_METHOD_TYPES = {
    "CARD": "CardPaymentMethodDetails",
    "GIFT_CARD": "GiftCardPaymentMethodDetails",
    "OTHER": "OtherPaymentMethodDetails",
}

bind_metadata(transaction_type, Permission.HANDLE_PAYMENTS)

# Who recorded a transaction is shown to staff and apps that work with payments.
CREATOR_READERS = (
    Permission.HANDLE_PAYMENTS,
    Permission.MANAGE_CHECKOUTS,
    Permission.MANAGE_ORDERS,
)


@user_or_app.type_resolver
def resolve_user_or_app_type(obj: Any, *_: Any) -> str | None:
    if isinstance(obj, User):
        return "User"
    if isinstance(obj, App):
        return "App"
    return None


def _creator(info: GraphQLResolveInfo, root: Any) -> User | App | None:
    if not actor_of(info).has_any_permission(*CREATOR_READERS):
        return None
    if root.app_id is not None:
        return get_loader(info.context, CreatorAppLoader).load_for(
            root, lambda r: r.app_id
        )
    return get_loader(info.context, CreatorUserLoader).load_for(
        root, lambda r: r.user_id
    )


# ---------------------------------------------------------------- TransactionItem


def _money_field(attr: str) -> Any:
    def resolve(root: TransactionItem, info: GraphQLResolveInfo) -> Money:
        return Money(getattr(root, attr), root.currency)

    return resolve


for _field, _attr in (
    ("authorizedAmount", "authorized_amount"),
    ("authorizePendingAmount", "authorize_pending_amount"),
    ("chargedAmount", "charged_amount"),
    ("chargePendingAmount", "charge_pending_amount"),
    ("refundedAmount", "refunded_amount"),
    ("refundPendingAmount", "refund_pending_amount"),
    ("canceledAmount", "canceled_amount"),
    ("cancelPendingAmount", "cancel_pending_amount"),
):
    transaction_type.set_field(_field, _money_field(_attr))


@transaction_type.field("id")
def resolve_transaction_id(root: TransactionItem, info: GraphQLResolveInfo) -> str:
    return to_global_id("TransactionItem", root.token)


@transaction_type.field("actions")
def resolve_actions(root: TransactionItem, info: GraphQLResolveInfo) -> list[str]:
    return list(root.available_actions)


@transaction_type.field("checkout")
def resolve_transaction_checkout(
    root: TransactionItem, info: GraphQLResolveInfo
) -> Checkout | None:
    return get_loader(info.context, CheckoutByTokenLoader).load_for(
        root, lambda r: r.checkout_id
    )


@transaction_type.field("events")
def resolve_events(
    root: TransactionItem, info: GraphQLResolveInfo
) -> list[TransactionEvent]:
    loader = get_loader(info.context, EventsByTransactionLoader)
    return loader.load_for(root, lambda r: r.pk) or []


@transaction_type.field("createdBy")
def resolve_transaction_created_by(
    root: TransactionItem, info: GraphQLResolveInfo
) -> User | App | None:
    return _creator(info, root)


@transaction_type.field("paymentMethodDetails")
def resolve_payment_method_details(
    root: TransactionItem, info: GraphQLResolveInfo
) -> dict[str, Any] | None:
    details = root.payment_method_details
    if not isinstance(details, dict) or details.get("type") not in _METHOD_TYPES:
        return None
    return {"is_saleor_giftcard": False, **details}


@method_details.type_resolver
def resolve_method_details_type(obj: dict[str, Any], *_: Any) -> str | None:
    return _METHOD_TYPES.get(obj.get("type", ""))


# ---------------------------------------------------------------- TransactionEvent


@event_type.field("id")
def resolve_event_id(root: TransactionEvent, info: GraphQLResolveInfo) -> str:
    return to_global_id("TransactionEvent", root.pk)


@event_type.field("amount")
def resolve_event_amount(root: TransactionEvent, info: GraphQLResolveInfo) -> Money:
    return Money(root.amount, root.currency)


@event_type.field("createdBy")
def resolve_event_created_by(
    root: TransactionEvent, info: GraphQLResolveInfo
) -> User | App | None:
    return _creator(info, root)


# ---------------------------------------------------------------- PaymentGateway


def gateway_payload(config: GatewayConfig) -> dict[str, Any]:
    return {
        "id": config.id,
        "name": config.name,
        "currencies": list(config.currencies),
        "config": [{"field": f, "value": v} for f, v in config.config],
    }


# ---------------------------------------------------------------- Checkout


def _transactions(
    info: GraphQLResolveInfo, checkout: Checkout
) -> list[TransactionItem]:
    loader = get_loader(info.context, TransactionsByCheckoutLoader)
    return loader.load_for(checkout, lambda c: c.pk) or []


def checkout_state(info: GraphQLResolveInfo, checkout: Checkout) -> PaymentState:
    has_lines = get_loader(info.context, CheckoutHasLinesLoader).load_for(
        checkout, lambda c: c.pk
    )
    return checkout_payment_state(
        total=checkout_total(checkout),
        paid=paid_amounts_of(_transactions(info, checkout)),
        has_lines=bool(has_lines),
    )


@checkout_type.field("transactions")
def resolve_checkout_transactions(
    root: Checkout, info: GraphQLResolveInfo
) -> list[TransactionItem]:
    return _transactions(info, root)


@checkout_type.field("chargeStatus")
def resolve_charge_status(root: Checkout, info: GraphQLResolveInfo) -> str:
    return checkout_state(info, root).charge_status.value


@checkout_type.field("authorizeStatus")
def resolve_authorize_status(root: Checkout, info: GraphQLResolveInfo) -> str:
    return checkout_state(info, root).authorize_status.value


@checkout_type.field("totalBalance")
def resolve_total_balance(root: Checkout, info: GraphQLResolveInfo) -> Money:
    state = checkout_state(info, root)
    charged = state.paid.charged + state.paid.charge_pending
    return Money(charged - state.total, root.currency)


@checkout_type.field("availablePaymentGateways")
def resolve_available_gateways(
    root: Checkout, info: GraphQLResolveInfo
) -> list[dict[str, Any]]:
    channel: Channel | None = get_loader(info.context, ChannelByIdLoader).load_for(
        root, lambda c: c.channel_id
    )
    if channel is None:
        return []
    return [
        gateway_payload(config)
        for config in list_gateway_configs(channel)
        if root.currency in config.currencies
    ]


shop_type = ObjectType("Shop")


@shop_type.field("availablePaymentGateways")
def resolve_shop_gateways(
    root: Any,
    info: GraphQLResolveInfo,
    currency: str | None = None,
    channel: str | None = None,
) -> list[dict[str, Any]]:
    if channel is not None:
        channels = [channel_from_arg(info, channel)]
    else:
        channels = [c for c in list_channels() if c.is_active]
    found: dict[str, GatewayConfig] = {}
    for scope in channels:
        for config in list_gateway_configs(scope):
            if currency is None or currency in config.currencies:
                found.setdefault(config.id, config)
    return [gateway_payload(config) for config in found.values()]


@checkout_type.field("storedPaymentMethods")
def resolve_stored_payment_methods(
    root: Checkout, info: GraphQLResolveInfo, amount: Decimal | None = None
) -> list[Any]:
    return []


bindables = [
    transaction_type,
    event_type,
    gateway_type,
    checkout_type,
    shop_type,
    user_or_app,
    method_details,
]
