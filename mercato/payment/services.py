"""Writes of payments: sessions with gateways, transactions reported by staff and
apps, and hand-over of a checkout's transactions to its order.

Locks: the checkout (or order) row first, then transaction rows in primary-key
order. A gateway is called before the database transaction that records its
answer, never inside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.checkout.models import Checkout
from mercato.checkout.queries import get_checkout
from mercato.checkout.services import lock_checkout
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import quantize
from mercato.core.permissions import Actor
from mercato.order.models import Order
from mercato.payment.amounts import recalculate_transaction_amounts
from mercato.payment.gateways import (
    GatewayInputError,
    GatewayResult,
    get_gateway,
    list_gateway_configs,
)
from mercato.payment.models import (
    TransactionAction,
    TransactionEvent,
    TransactionEventType,
    TransactionFlow,
    TransactionItem,
)
from mercato.payment.queries import (
    PaidAmounts,
    checkout_paid_amounts,
    checkout_total,
    order_paid_amounts,
    remaining_to_pay,
)

E = TransactionEventType

GRAPHQL_ERROR = "GRAPHQL_ERROR"
INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
UNIQUE = "UNIQUE"
INCORRECT_CURRENCY = "INCORRECT_CURRENCY"
INCORRECT_DETAILS = "INCORRECT_DETAILS"
REQUIRED = "REQUIRED"
MISSING_PAYMENT_APP = "MISSING_PAYMENT_APP"
MISSING_PAYMENT_APP_RELATION = "MISSING_PAYMENT_APP_RELATION"

GIFT_CARD_GATEWAY_ID = "mercato.giftcard"
TEXT_MAX_LENGTH = 512  # name, message and PSP reference columns
URL_MAX_LENGTH = 2048


class NotTransactionOwner(Exception):
    """The actor may not change a transaction another app owns."""


@dataclass(frozen=True)
class SessionResult:
    transaction: TransactionItem
    event: TransactionEvent | None
    data: Any


@dataclass(frozen=True)
class Source:
    """What a transaction pays for: a checkout or an order."""

    checkout_token: uuid.UUID | None = None
    order_id: uuid.UUID | None = None


# ---------------------------------------------------------------- helpers


def _recalculate(item: TransactionItem) -> None:
    recalculate_transaction_amounts(item, list(item.events.all()))


def _add_event(
    item: TransactionItem,
    event_type: str,
    amount: Decimal,
    *,
    actor: Actor | None = None,
    psp_reference: str = "",
    message: str = "",
    external_url: str = "",
    include: bool = True,
    created_at: Any = None,
) -> TransactionEvent:
    return TransactionEvent.objects.create(
        transaction=item,
        type=event_type,
        amount=amount,
        currency=item.currency,
        psp_reference=psp_reference,
        message=message,
        external_url=external_url,
        include_in_calculations=include,
        created_at=created_at or timezone.now(),
        user_id=actor.user_id if actor and not actor.app_id else None,
        app_id=actor.app_id if actor else None,
        app_identifier=item.app_identifier,
    )


def _check_amount(
    errors: ErrorCollector, field: str, amount: Decimal, currency: str
) -> None:
    if not amount.is_finite() or amount >= Decimal(10) ** 16:
        errors.add(field, INVALID, "The amount is too large.")
    elif amount < 0 or quantize(amount, currency) != amount:
        errors.add(
            field,
            INVALID,
            f"The amount must be positive with at most the decimal places of "
            f"{currency}.",
        )


def _check_text(errors: ErrorCollector, field: str, value: str | None) -> None:
    if value is not None and len(value) > TEXT_MAX_LENGTH:
        errors.add(
            field, INVALID, f"Use at most {TEXT_MAX_LENGTH} characters in `{field}`."
        )


def _check_url(errors: ErrorCollector, field: str, value: str | None) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    if not value:
        return
    try:
        if len(value) > URL_MAX_LENGTH:
            raise ValidationError("too long")
        URLValidator()(value)
    except ValidationError:
        errors.add(field, INVALID, f"`{field}` must be a valid URL.")


def _session_request(item: TransactionItem) -> TransactionEvent | None:
    """The event that opened ``item``'s gateway session, if it had one."""
    return (
        item.events.filter(
            include_in_calculations=False,
            type__in=(E.CHARGE_REQUEST, E.AUTHORIZATION_REQUEST),
        )
        .order_by("created_at", "pk")
        .first()
    )


def _session_outcome(item: TransactionItem, action: str) -> TransactionEvent | None:
    """The final answer of the gateway session, if it came."""
    final = (f"{action}_SUCCESS", f"{action}_FAILURE", f"{action}_REQUEST")
    return (
        item.events.filter(include_in_calculations=True, type__in=final)
        .order_by("-created_at", "-pk")
        .first()
    )


def _apply_result(
    item: TransactionItem, result: GatewayResult, *, created_at: Any = None
) -> TransactionEvent:
    include = not result.event_type.endswith("_ACTION_REQUIRED")
    event = _add_event(
        item,
        result.event_type,
        result.amount,
        psp_reference=result.psp_reference[:TEXT_MAX_LENGTH],
        message=result.message[:TEXT_MAX_LENGTH],
        external_url=result.external_url[:URL_MAX_LENGTH],
        include=include,
        created_at=created_at,
    )
    if result.psp_reference and not item.psp_reference:
        item.psp_reference = result.psp_reference[:TEXT_MAX_LENGTH]
    item.available_actions = list(result.actions)
    item.message = result.message[:TEXT_MAX_LENGTH]
    item.save(update_fields=["psp_reference", "available_actions", "message"])
    _recalculate(item)
    return event


# ---------------------------------------------------------------- sessions


def _load_checkout(token: uuid.UUID) -> Checkout:
    checkout = get_checkout(token)  # recalculates expired prices
    if checkout is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Checkout {token} not found.")
    return checkout


@dataclass(frozen=True)
class Payable:
    """The checkout or order a payment is for, with what it costs."""

    checkout_token: uuid.UUID | None
    order_id: uuid.UUID | None
    channel: Channel
    currency: str
    total: Decimal

    def paid(self) -> PaidAmounts:
        if self.checkout_token is not None:
            return checkout_paid_amounts(checkout_token=self.checkout_token)
        return order_paid_amounts(order_id=self.order_id)

    def owns(self, item: TransactionItem) -> bool:
        if self.checkout_token is not None:
            return item.checkout_id == self.checkout_token
        return item.order_id == self.order_id

    def lock(self) -> None:
        """Row-lock the checkout or order for the caller's transaction."""
        if self.checkout_token is not None:
            lock_checkout(self.checkout_token)
            return
        assert self.order_id is not None
        if not Order.objects.select_for_update().filter(pk=self.order_id).exists():
            raise ValidationFailed.one("id", NOT_FOUND, "The order no longer exists.")

    def new_transaction(self, **fields: Any) -> TransactionItem:
        return TransactionItem(
            checkout_id=self.checkout_token,
            order_id=self.order_id,
            currency=self.currency,
            **fields,
        )


def get_payable(source: Source) -> Payable:
    """What ``source`` names, with its current total; ``NOT_FOUND`` on ``id``."""
    if source.checkout_token is not None:
        checkout = _load_checkout(source.checkout_token)
        return Payable(
            checkout_token=checkout.token,
            order_id=None,
            channel=checkout.channel,
            currency=checkout.currency,
            total=checkout_total(checkout),
        )
    order_id = source.order_id
    order = None
    if order_id is not None:
        order = Order.objects.select_related("channel").filter(pk=order_id).first()
    if order is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Order {order_id} not found.")
    return Payable(
        checkout_token=None,
        order_id=order.pk,
        channel=order.channel,
        currency=order.currency,
        total=order.total_gross_amount,
    )


def _existing_session(
    *, gateway_id: str, idempotency_key: str, payable: Payable
) -> SessionResult | None:
    item = TransactionItem.objects.filter(
        app_identifier=gateway_id, idempotency_key=idempotency_key
    ).first()
    if item is None:
        return None
    if not payable.owns(item):
        raise ValidationFailed.one(
            "idempotencyKey",
            UNIQUE,
            "This idempotency key was already used for another payment.",
        )
    last = item.events.filter(include_in_calculations=True).order_by("-pk").first()
    return SessionResult(transaction=item, event=last, data=None)


def initialize_transaction(
    *,
    actor: Actor,
    source: Source,
    gateway_id: str,
    data: Any = None,
    action: str | None = None,
    amount: Decimal | None = None,
    idempotency_key: str | None = None,
) -> SessionResult:
    """Start a payment session with a gateway for a checkout or order: record the
    session's transaction, its request and the gateway's answer. Locks the checkout
    or order."""
    gateway = get_gateway(gateway_id)
    if gateway is None:
        raise ValidationFailed.one(
            "paymentGateway", NOT_FOUND, f"Payment gateway {gateway_id} is not active."
        )
    errors = ErrorCollector()
    _check_text(errors, "idempotencyKey", idempotency_key)
    errors.raise_if_any()
    payable = get_payable(source)
    if idempotency_key:
        existing = _existing_session(
            gateway_id=gateway_id, idempotency_key=idempotency_key, payable=payable
        )
        if existing is not None:
            return existing
    flow = action or str(payable.channel.default_transaction_flow_strategy)
    if flow not in TransactionFlow.values:
        raise ValidationFailed.one("action", INVALID, f"Unknown action {flow}.")
    if amount is None:
        amount = remaining_to_pay(total=payable.total, paid=payable.paid())
    _check_amount(errors, "amount", amount, payable.currency)
    errors.raise_if_any()
    item = payable.new_transaction(
        name=getattr(gateway, "name", gateway_id),
        app_identifier=gateway_id,
        idempotency_key=idempotency_key or None,
    )
    try:
        result = gateway.initialize_session(
            transaction=item, action=flow, amount=amount, data=data
        )
    except GatewayInputError as exc:
        raise ValidationFailed.one(exc.field, INVALID, exc.message) from None
    try:
        with transaction.atomic():
            payable.lock()
            item.save()
            requested_at = timezone.now()
            _add_event(
                item,
                f"{flow}_REQUEST",
                amount,
                actor=actor,
                include=False,
                created_at=requested_at,
            )
            event = _apply_result(item, result)
    except IntegrityError:  # a concurrent request used the same idempotency key
        raise ValidationFailed.one(
            "idempotencyKey", UNIQUE, "This idempotency key is already in use."
        ) from None
    return SessionResult(transaction=item, event=event, data=result.data)


def process_transaction(
    *, actor: Actor, token: uuid.UUID, data: Any = None
) -> SessionResult:
    """Continue a gateway session that needed the shopper's action (3-D Secure
    and the like). A session that already has its answer returns it unchanged.
    Locks the checkout, then the transaction."""
    item = TransactionItem.objects.filter(token=token).first()
    if item is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Transaction {token} not found.")
    request = _session_request(item)
    if request is None:
        raise ValidationFailed.one(
            "id",
            MISSING_PAYMENT_APP_RELATION,
            "This transaction was not started with a payment gateway.",
        )
    action = request.type.removesuffix("_REQUEST")
    done = _session_outcome(item, action)
    if done is not None:
        return SessionResult(transaction=item, event=done, data=None)
    gateway = get_gateway(item.app_identifier)
    if gateway is None:
        raise ValidationFailed.one(
            "id",
            MISSING_PAYMENT_APP,
            f"Payment gateway {item.app_identifier} is not active.",
        )
    try:
        result = gateway.process_session(
            transaction=item, action=action, amount=request.amount, data=data
        )
    except GatewayInputError as exc:
        raise ValidationFailed.one("data", INVALID, exc.message) from None
    with transaction.atomic():
        if item.checkout_id is not None:
            Checkout.objects.select_for_update().filter(pk=item.checkout_id).first()
        elif item.order_id is not None:
            Order.objects.select_for_update().filter(pk=item.order_id).first()
        locked = TransactionItem.objects.select_for_update().get(pk=item.pk)
        done = _session_outcome(locked, action)
        if done is not None:  # a concurrent call recorded the answer first
            return SessionResult(transaction=locked, event=done, data=None)
        event = _apply_result(locked, result)
    return SessionResult(transaction=locked, event=event, data=result.data)


# ---------------------------------------------------------------- gateways


@dataclass(frozen=True)
class GatewayAnswer:
    """One gateway's answer to paymentGatewayInitialize."""

    id: str
    data: Any = None
    error: str | None = None


def initialize_payment_gateways(
    *,
    source: Source,
    gateway_ids: Sequence[str] | None = None,
    amount: Decimal | None = None,
) -> list[GatewayAnswer]:
    """What each requested gateway (default: every gateway offered) needs a
    storefront to know before a payment for the checkout or order. Writes
    nothing."""
    payable = get_payable(source)
    if amount is not None:
        errors = ErrorCollector()
        _check_amount(errors, "amount", amount, payable.currency)
        errors.raise_if_any()
    offered = {
        config.id: config
        for config in list_gateway_configs(payable.channel)
        if payable.currency in config.currencies
    }
    wanted = list(dict.fromkeys(gateway_ids)) if gateway_ids else list(offered)
    return [
        GatewayAnswer(id=gid, data=offered[gid].data)
        if gid in offered
        else GatewayAnswer(id=gid, error=f"Payment gateway {gid} is not offered.")
        for gid in wanted
    ]


# ---------------------------------------------------------------- staff and apps


@dataclass(frozen=True)
class MoneyInput:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class TransactionData:
    """Fields of transactionCreate / transactionUpdate; None leaves a field as is."""

    name: str | None = None
    message: str | None = None
    psp_reference: str | None = None
    available_actions: Sequence[str] | None = None
    amount_authorized: MoneyInput | None = None
    amount_charged: MoneyInput | None = None
    amount_refunded: MoneyInput | None = None
    amount_canceled: MoneyInput | None = None
    metadata: dict[str, str] | None = None
    private_metadata: dict[str, str] | None = None
    external_url: str | None = None


@dataclass(frozen=True)
class EventData:
    psp_reference: str | None = None
    message: str | None = None


_AMOUNTS = (
    ("amount_authorized", "amountAuthorized", "authorized_amount"),
    ("amount_charged", "amountCharged", "charged_amount"),
    ("amount_refunded", "amountRefunded", "refunded_amount"),
    ("amount_canceled", "amountCanceled", "canceled_amount"),
)


def _check_data(data: TransactionData, currency: str, prefix: str) -> None:
    errors = ErrorCollector()
    for attr in ("name", "message", "psp_reference"):
        _check_text(errors, f"{prefix}.{attr}", getattr(data, attr))
    _check_url(errors, f"{prefix}.externalUrl", data.external_url)
    for attr, field, _ in _AMOUNTS:
        money: MoneyInput | None = getattr(data, attr)
        if money is None:
            continue
        if money.currency != currency:
            errors.add(
                f"{prefix}.{field}",
                INCORRECT_CURRENCY,
                f"The currency must be {currency}, the currency of the "
                "checkout or order.",
            )
        else:
            _check_amount(errors, f"{prefix}.{field}", money.amount, currency)
    for key in {**(data.metadata or {}), **(data.private_metadata or {})}:
        if not key.strip():
            errors.add(f"{prefix}.metadata", "METADATA_KEY_REQUIRED", "Empty key.")
    errors.raise_if_any()


def _apply_fields(item: TransactionItem, data: TransactionData) -> None:
    for attr in ("name", "message", "psp_reference", "external_url"):
        value = getattr(data, attr)
        if value is not None:
            setattr(item, attr, value)
    if data.available_actions is not None:
        item.available_actions = list(dict.fromkeys(data.available_actions))
    if data.metadata:
        item.metadata = {**item.metadata, **data.metadata}
    if data.private_metadata:
        item.private_metadata = {**item.private_metadata, **data.private_metadata}


def _adjust_amounts(item: TransactionItem, data: TransactionData, actor: Actor) -> None:
    """Manual adjustments: events without a PSP reference that bring each amount
    to the value given."""
    deltas = {
        "amount_charged": (E.CHARGE_SUCCESS, E.CHARGE_BACK),
        "amount_refunded": (E.REFUND_SUCCESS, E.REFUND_REVERSE),
        "amount_canceled": (E.CANCEL_SUCCESS, None),
    }
    for attr, _, current_attr in _AMOUNTS:
        money: MoneyInput | None = getattr(data, attr)
        if money is None:
            continue
        current: Decimal = getattr(item, current_attr)
        if attr == "amount_authorized":
            if money.amount != current:
                _add_event(item, E.AUTHORIZATION_ADJUSTMENT, money.amount, actor=actor)
            continue
        up, down = deltas[attr]
        difference = money.amount - current
        if difference > 0:
            _add_event(item, up, difference, actor=actor)
        elif difference < 0 and down is not None:
            _add_event(item, down, -difference, actor=actor)


def _info_event(item: TransactionItem, event: EventData | None, actor: Actor) -> None:
    if event is None or (not event.message and not event.psp_reference):
        return
    _add_event(
        item,
        E.INFO,
        Decimal(0),
        actor=actor,
        psp_reference=event.psp_reference or "",
        message=event.message or "",
    )


def _check_event(event: EventData | None) -> None:
    if event is None:
        return
    errors = ErrorCollector()
    _check_text(errors, "transactionEvent.message", event.message)
    _check_text(errors, "transactionEvent.pspReference", event.psp_reference)
    errors.raise_if_any()


def create_transaction(
    *,
    actor: Actor,
    source: Source,
    data: TransactionData,
    event: EventData | None = None,
) -> TransactionItem:
    """Record a payment made elsewhere (by an app or staff) for a checkout or
    order. Locks the checkout or order."""
    payable = get_payable(source)
    _check_data(data, payable.currency, "transaction")
    _check_event(event)
    with transaction.atomic():
        payable.lock()
        item = payable.new_transaction(
            user_id=None if actor.app_id else actor.user_id,
            app_id=actor.app_id,
        )
        _apply_fields(item, data)
        item.save()
        _adjust_amounts(item, data, actor)
        _info_event(item, event, actor)
        _recalculate(item)
    return item


def lock_transaction(token: uuid.UUID) -> TransactionItem:
    item = TransactionItem.objects.select_for_update().filter(token=token).first()
    if item is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Transaction {token} not found.")
    return item


def _check_owner(actor: Actor, item: TransactionItem) -> None:
    """Apps change only their own transactions; staff only those no app owns."""
    if actor.app_id is not None:
        if item.app_id != actor.app_id:
            raise NotTransactionOwner()
    elif item.app_id is not None:
        raise NotTransactionOwner()


def update_transaction(
    *,
    actor: Actor,
    token: uuid.UUID,
    data: TransactionData | None,
    event: EventData | None = None,
) -> TransactionItem:
    """Change a transaction's details and bring its amounts to the values given.
    Locks the transaction."""
    with transaction.atomic():
        item = lock_transaction(token)
        _check_owner(actor, item)
        data = data or TransactionData()
        _check_data(data, item.currency, "transaction")
        _check_event(event)
        _apply_fields(item, data)
        item.save()
        _adjust_amounts(item, data, actor)
        _info_event(item, event, actor)
        _recalculate(item)
    return item


_OPTIONAL_AMOUNT = {
    E.AUTHORIZATION_FAILURE,
    E.AUTHORIZATION_ACTION_REQUIRED,
    E.CHARGE_FAILURE,
    E.CHARGE_ACTION_REQUIRED,
    E.REFUND_FAILURE,
    E.CANCEL_FAILURE,
    E.INFO,
}


@dataclass(frozen=True)
class EventReport:
    type: str
    psp_reference: str
    amount: Decimal | None = None
    time: Any = None
    message: str | None = None
    external_url: str | None = None
    available_actions: Sequence[str] | None = None
    metadata: dict[str, str] | None = None
    private_metadata: dict[str, str] | None = None


@dataclass(frozen=True)
class ReportResult:
    transaction: TransactionItem
    event: TransactionEvent
    already_processed: bool


def _check_report(report: EventReport, currency: str) -> None:
    errors = ErrorCollector()
    if report.type not in E.values:
        errors.add("type", INVALID, f"Unknown event type {report.type}.")
    _check_text(errors, "pspReference", report.psp_reference)
    _check_text(errors, "message", report.message)
    _check_url(errors, "externalUrl", report.external_url)
    if report.amount is None and report.type not in _OPTIONAL_AMOUNT:
        errors.add("amount", REQUIRED, f"{report.type} needs an amount.")
    elif report.amount is not None:
        _check_amount(errors, "amount", report.amount, currency)
    for key in {**(report.metadata or {}), **(report.private_metadata or {})}:
        if not key.strip():
            errors.add("transactionMetadata", INVALID, "Empty metadata key.")
    errors.raise_if_any()


def _report_amount(item: TransactionItem, report: EventReport) -> Decimal:
    if report.amount is not None:
        return report.amount
    # A failure without an amount fails what its request asked for.
    request_type = report.type.rsplit("_", 1)[0] + "_REQUEST"
    request = (
        item.events.filter(type=request_type, psp_reference=report.psp_reference)
        .order_by("-created_at", "-pk")
        .first()
    )
    return request.amount if request is not None else Decimal(0)


def report_transaction_event(
    *, actor: Actor, token: uuid.UUID, report: EventReport
) -> ReportResult:
    """Record what a provider says happened to a transaction. Reporting the same
    event (type, PSP reference and amount) again changes nothing. Locks the
    transaction."""
    with transaction.atomic():
        item = lock_transaction(token)
        _check_owner(actor, item)
        _check_report(report, item.currency)
        amount = _report_amount(item, report)
        same = item.events.filter(
            type=report.type, psp_reference=report.psp_reference
        ).order_by("pk")
        for existing in same:
            if existing.amount == amount:
                return ReportResult(item, existing, already_processed=True)
        if same.exists() and report.type != E.INFO:
            raise ValidationFailed.one(
                "amount",
                INCORRECT_DETAILS,
                "An event of this type and PSP reference was reported with "
                "another amount.",
            )
        event = _add_event(
            item,
            report.type,
            amount,
            actor=actor,
            psp_reference=report.psp_reference,
            message=report.message or "",
            external_url=report.external_url or "",
            include=not report.type.endswith("_ACTION_REQUIRED"),
            created_at=report.time,
        )
        if report.available_actions is not None:
            item.available_actions = list(dict.fromkeys(report.available_actions))
        if not item.psp_reference:
            item.psp_reference = report.psp_reference
        if report.metadata:
            item.metadata = {**item.metadata, **report.metadata}
        if report.private_metadata:
            item.private_metadata = {**item.private_metadata, **report.private_metadata}
        item.save()
        _recalculate(item)
    return ReportResult(item, event, already_processed=False)


# ---------------------------------------------------------------- orders


def move_checkout_transactions_to_order(
    *, checkout_token: uuid.UUID, order_id: Any
) -> None:
    """Hand the checkout's transactions to the order made from it. Runs inside the
    caller's transaction, which holds the checkout's row lock."""
    TransactionItem.objects.filter(checkout_id=checkout_token).update(
        checkout_id=None, order_id=order_id, modified_at=timezone.now()
    )


def record_gift_card_payment(
    *, order_id: Any, currency: str, amount: Decimal, codes: Sequence[str]
) -> None:
    """A charged "Gift card" transaction on the order, so its charge status counts
    what the gift cards paid. Runs inside the caller's transaction. Only the last
    four characters of each code are kept."""
    if amount <= 0:
        return
    endings = ", ".join(f"...{code[-4:]}" for code in codes)
    item = TransactionItem.objects.create(
        order_id=order_id,
        currency=currency,
        name="Gift card",
        message=f"Paid with gift cards {endings}"[:TEXT_MAX_LENGTH],
        app_identifier=GIFT_CARD_GATEWAY_ID,
    )
    _add_event(item, E.CHARGE_SUCCESS, amount, message="Gift card payment")
    _recalculate(item)


__all__ = [
    "EventData",
    "EventReport",
    "GatewayAnswer",
    "MoneyInput",
    "NotTransactionOwner",
    "Payable",
    "ReportResult",
    "SessionResult",
    "Source",
    "TransactionAction",
    "TransactionData",
    "create_transaction",
    "get_payable",
    "initialize_payment_gateways",
    "initialize_transaction",
    "move_checkout_transactions_to_order",
    "process_transaction",
    "record_gift_card_payment",
    "report_transaction_event",
    "update_transaction",
]
