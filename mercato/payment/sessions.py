"""Payment sessions with gateways: transactionInitialize, transactionProcess and
paymentGatewayInitialize.

A gateway is called before the database transaction that records its answer,
never inside it. Locks: the checkout (or order) row, then the transaction row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mercato.checkout.models import Checkout
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.order.models import Order
from mercato.payment.gateways import (
    GatewayInputError,
    GatewayResult,
    get_gateway,
    list_gateway_configs,
)
from mercato.payment.models import (
    TransactionEvent,
    TransactionEventType,
    TransactionFlow,
    TransactionItem,
)
from mercato.payment.queries import remaining_to_pay
from mercato.payment.recording import (
    INVALID,
    MISSING_PAYMENT_APP,
    MISSING_PAYMENT_APP_RELATION,
    NOT_FOUND,
    TEXT_MAX_LENGTH,
    UNIQUE,
    URL_MAX_LENGTH,
    Payable,
    Source,
    add_event,
    check_amount,
    check_text,
    get_payable,
    recalculate,
)

E = TransactionEventType


@dataclass(frozen=True)
class SessionResult:
    transaction: TransactionItem
    event: TransactionEvent | None
    data: Any


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
    event = add_event(
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
    recalculate(item)
    return event


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
    check_text(errors, "idempotencyKey", idempotency_key)
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
    check_amount(errors, "amount", amount, payable.currency)
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
            add_event(
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
        check_amount(errors, "amount", amount, payable.currency)
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
