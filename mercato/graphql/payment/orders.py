"""Payment fields of orders (``extend type Order``) and ``TransactionItem.order``."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.money import Money
from mercato.core.permissions import Permission
from mercato.graphql.core.dataloaders import get_loader
from mercato.graphql.core.permissions import require_any
from mercato.graphql.payment.loaders import OrderByIdLoader, TransactionsByOrderLoader
from mercato.order.models import Order
from mercato.payment.models import TransactionItem
from mercato.payment.queries import (
    PaymentState,
    legacy_payment_status,
    order_payment_state,
    paid_amounts_of,
)

order_type = ObjectType("Order")
transaction_type = ObjectType("TransactionItem")

PAYMENT_STATUS_DISPLAY = {
    "NOT_CHARGED": "Not charged",
    "PENDING": "Pending",
    "PARTIALLY_CHARGED": "Partially charged",
    "FULLY_CHARGED": "Fully charged",
    "PARTIALLY_REFUNDED": "Partially refunded",
    "FULLY_REFUNDED": "Fully refunded",
    "REFUSED": "Refused",
    "CANCELLED": "Cancelled",
}


def _transactions(info: GraphQLResolveInfo, order: Order) -> list[TransactionItem]:
    loader = get_loader(info.context, TransactionsByOrderLoader)
    return loader.load_for(order, lambda o: o.pk) or []


def order_state(info: GraphQLResolveInfo, order: Order) -> PaymentState:
    return order_payment_state(
        total=order.total_gross_amount,
        paid=paid_amounts_of(_transactions(info, order)),
    )


@order_type.field("transactions")
@require_any(Permission.MANAGE_ORDERS, Permission.HANDLE_PAYMENTS)
def resolve_order_transactions(
    root: Order, info: GraphQLResolveInfo
) -> list[TransactionItem]:
    return _transactions(info, root)


@order_type.field("isPaid")
def resolve_is_paid(root: Order, info: GraphQLResolveInfo) -> bool:
    state = order_state(info, root)
    return state.paid.charged >= state.total


@order_type.field("paymentStatus")
def resolve_payment_status(root: Order, info: GraphQLResolveInfo) -> str:
    return legacy_payment_status(order_state(info, root))


@order_type.field("paymentStatusDisplay")
def resolve_payment_status_display(root: Order, info: GraphQLResolveInfo) -> str:
    return PAYMENT_STATUS_DISPLAY[legacy_payment_status(order_state(info, root))]


@order_type.field("chargeStatus")
def resolve_order_charge_status(root: Order, info: GraphQLResolveInfo) -> str:
    return order_state(info, root).charge_status.value


@order_type.field("authorizeStatus")
def resolve_order_authorize_status(root: Order, info: GraphQLResolveInfo) -> str:
    return order_state(info, root).authorize_status.value


@order_type.field("totalBalance")
def resolve_order_total_balance(root: Order, info: GraphQLResolveInfo) -> Money:
    return Money(order_state(info, root).balance, root.currency)


def _total(attr: str) -> Any:
    def resolve(root: Order, info: GraphQLResolveInfo) -> Money:
        return Money(getattr(order_state(info, root).paid, attr), root.currency)

    return resolve


for _field, _attr in (
    ("totalAuthorized", "authorized"),
    ("totalCaptured", "charged"),
    ("totalCharged", "charged"),
    ("totalCanceled", "canceled"),
    ("totalRefunded", "refunded"),
    ("totalRefundPending", "refund_pending"),
    ("totalAuthorizePending", "authorize_pending"),
    ("totalChargePending", "charge_pending"),
    ("totalCancelPending", "cancel_pending"),
):
    order_type.set_field(_field, _total(_attr))


@transaction_type.field("order")
def resolve_transaction_order(
    root: TransactionItem, info: GraphQLResolveInfo
) -> Order | None:
    return get_loader(info.context, OrderByIdLoader).load_for(
        root, lambda r: r.order_id
    )


bindables = [order_type, transaction_type]
