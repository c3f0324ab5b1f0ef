"""Writes of payments by staff and apps (transactionCreate, transactionUpdate,
transactionEventReport) and the hand-over of a checkout's transactions to its order.
Gateway sessions are in ``sessions``.

Locks: the checkout (or order) row first, then transaction rows in primary-key
order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.payment.methods import PaymentMethodDetails, check_details
from mercato.payment.models import (
    TransactionEvent,
    TransactionEventType,
    TransactionItem,
)
from mercato.payment.recording import (
    GIFT_CARD_GATEWAY_ID,
    INCORRECT_CURRENCY,
    INCORRECT_DETAILS,
    INVALID,
    NOT_FOUND,
    REQUIRED,
    TEXT_MAX_LENGTH,
    Source,
    add_event,
    check_amount,
    check_text,
    check_url,
    get_payable,
    recalculate,
)

E = TransactionEventType


class NotTransactionOwner(Exception):
    """The actor may not change a transaction another app owns."""


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
    payment_method_details: PaymentMethodDetails | None = None


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
        check_text(errors, f"{prefix}.{attr}", getattr(data, attr))
    check_url(errors, f"{prefix}.externalUrl", data.external_url)
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
            check_amount(errors, f"{prefix}.{field}", money.amount, currency)
    for key in {**(data.metadata or {}), **(data.private_metadata or {})}:
        if not key.strip():
            errors.add(f"{prefix}.metadata", "METADATA_KEY_REQUIRED", "Empty key.")
    check_details(errors, f"{prefix}.paymentMethodDetails", data.payment_method_details)
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
    if data.payment_method_details is not None:
        item.payment_method_details = data.payment_method_details.to_json()


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
                add_event(item, E.AUTHORIZATION_ADJUSTMENT, money.amount, actor=actor)
            continue
        up, down = deltas[attr]
        difference = money.amount - current
        if difference > 0:
            add_event(item, up, difference, actor=actor)
        elif difference < 0 and down is not None:
            add_event(item, down, -difference, actor=actor)


def _info_event(item: TransactionItem, event: EventData | None, actor: Actor) -> None:
    if event is None or (not event.message and not event.psp_reference):
        return
    add_event(
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
    check_text(errors, "transactionEvent.message", event.message)
    check_text(errors, "transactionEvent.pspReference", event.psp_reference)
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
        recalculate(item)
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
        recalculate(item)
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
    payment_method_details: PaymentMethodDetails | None = None


@dataclass(frozen=True)
class ReportResult:
    transaction: TransactionItem
    event: TransactionEvent
    already_processed: bool


def _check_report(report: EventReport, currency: str) -> None:
    errors = ErrorCollector()
    if report.type not in E.values:
        errors.add("type", INVALID, f"Unknown event type {report.type}.")
    check_text(errors, "pspReference", report.psp_reference)
    check_text(errors, "message", report.message)
    check_url(errors, "externalUrl", report.external_url)
    if report.amount is None and report.type not in _OPTIONAL_AMOUNT:
        errors.add("amount", REQUIRED, f"{report.type} needs an amount.")
    elif report.amount is not None:
        check_amount(errors, "amount", report.amount, currency)
    for key in {**(report.metadata or {}), **(report.private_metadata or {})}:
        if not key.strip():
            errors.add("transactionMetadata", INVALID, "Empty metadata key.")
    check_details(errors, "paymentMethodDetails", report.payment_method_details)
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
        event = add_event(
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
        if report.payment_method_details is not None:
            item.payment_method_details = report.payment_method_details.to_json()
        item.save()
        recalculate(item)
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
    add_event(item, E.CHARGE_SUCCESS, amount, message="Gift card payment")
    recalculate(item)
