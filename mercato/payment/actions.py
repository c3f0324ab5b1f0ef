"""Staff and apps asking a transaction's gateway to charge, refund or cancel
(transactionRequestAction).

A request goes in three steps, so that the gateway is never called inside a
database transaction and two concurrent requests cannot both take the same money:

1. lock the checkout (or order), then the transaction; check the amount against
   what is left; record the ``<ACTION>_REQUEST`` event. With a provisional PSP
   reference the request counts as pending at once, which takes its amount out of
   what the next request may use;
2. call the gateway;
3. lock again and record its answer: a success or failure event under the
   gateway's PSP reference (the request is moved to that reference too), or
   nothing more when the gateway only accepted the request (the provider reports
   the outcome later through transactionEventReport).

The transaction's amounts, and so the checkout's or order's payment statuses,
follow from ``recalculate_transaction_amounts``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from mercato.checkout.models import Checkout
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.order.models import Order
from mercato.payment.gateways import (
    GatewayInputError,
    GatewayResult,
    PaymentGateway,
    get_gateway,
)
from mercato.payment.models import (
    TransactionAction,
    TransactionEvent,
    TransactionItem,
)
from mercato.payment.recording import (
    INVALID,
    NOT_FOUND,
    TEXT_MAX_LENGTH,
    add_event,
    check_amount,
    check_text,
    recalculate,
)

MISSING_WEBHOOK = "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK"

# What each action uses up: charges and cancels take authorized money, refunds
# take charged money. Both amounts already leave out pending requests.
_AVAILABLE_FROM = {
    TransactionAction.CHARGE: "authorized_amount",
    TransactionAction.CANCEL: "authorized_amount",
    TransactionAction.REFUND: "charged_amount",
}
_VERB = {
    TransactionAction.CHARGE: "charge",
    TransactionAction.CANCEL: "cancel",
    TransactionAction.REFUND: "refund",
}


@dataclass(frozen=True)
class ActionResult:
    transaction: TransactionItem
    request: TransactionEvent
    # The gateway's answer; None when it only accepted the request.
    outcome: TransactionEvent | None


def available_amount(item: TransactionItem, action: str) -> Decimal:
    """How much ``action`` may still take from ``item``."""
    amount: Decimal = getattr(item, _AVAILABLE_FROM[TransactionAction(action)])
    return max(amount, Decimal(0))


def actions_after(item: TransactionItem) -> list[str]:
    """The actions ``item``'s amounts allow: charge and cancel while something is
    authorized, refund while something is charged."""
    actions = []
    if item.authorized_amount > 0:
        actions += [TransactionAction.CHARGE.value, TransactionAction.CANCEL.value]
    if item.charged_amount > 0:
        actions.append(TransactionAction.REFUND.value)
    return actions


def _check_input(action: str, amount: Decimal | None, reason: str | None) -> None:
    errors = ErrorCollector()
    if action not in TransactionAction.values:
        errors.add("actionType", INVALID, f"Unknown action {action}.")
    elif reason is not None and action != TransactionAction.REFUND:
        errors.add("refundReason", INVALID, "A reason can be given only for a refund.")
    check_text(errors, "refundReason", reason)
    errors.raise_if_any()


def _gateway_of(item: TransactionItem) -> PaymentGateway:
    gateway = get_gateway(item.app_identifier) if item.app_identifier else None
    if gateway is None:
        raise ValidationFailed.one(
            None,
            MISSING_WEBHOOK,
            "No active payment gateway handles this transaction's action requests.",
        )
    return gateway


def _check_request(
    item: TransactionItem, action: str, amount: Decimal | None
) -> Decimal:
    """The amount to request (default: all that is available), once checked
    against ``item``'s current amounts."""
    if action not in item.available_actions:
        raise ValidationFailed.one(
            "actionType",
            INVALID,
            f"The transaction does not offer the {action} action.",
        )
    available = available_amount(item, action)
    verb = _VERB[TransactionAction(action)]
    if amount is None:
        if available <= 0:
            raise ValidationFailed.one(
                "amount", INVALID, f"There is nothing left to {verb}."
            )
        return available
    errors = ErrorCollector()
    check_amount(errors, "amount", amount, item.currency)
    errors.raise_if_any()
    if amount <= 0:
        raise ValidationFailed.one("amount", INVALID, "The amount must be positive.")
    if amount > available:
        raise ValidationFailed.one(
            "amount",
            INVALID,
            f"At most {available} {item.currency} can be asked to {verb}.",
        )
    return amount


def _lock(item: TransactionItem) -> TransactionItem:
    """Lock the transaction's checkout or order, then the transaction."""
    if item.checkout_id is not None:
        Checkout.objects.select_for_update().filter(pk=item.checkout_id).first()
    elif item.order_id is not None:
        Order.objects.select_for_update().filter(pk=item.order_id).first()
    return TransactionItem.objects.select_for_update().get(pk=item.pk)


def _record_request(
    *,
    actor: Actor,
    item: TransactionItem,
    action: str,
    amount: Decimal | None,
    reason: str | None,
) -> tuple[TransactionItem, TransactionEvent]:
    with transaction.atomic():
        locked = _lock(item)
        requested = _check_request(locked, action, amount)
        request = add_event(
            locked,
            f"{action}_REQUEST",
            requested,
            actor=actor,
            psp_reference=f"request-{uuid.uuid4()}",
            message=reason or "",
        )
        recalculate(locked)
    return locked, request


def _failure(action: str, amount: Decimal, message: str) -> GatewayResult:
    return GatewayResult(
        event_type=f"{action}_FAILURE", amount=amount, message=message[:TEXT_MAX_LENGTH]
    )


def _record_outcome(
    item: TransactionItem, request: TransactionEvent, result: GatewayResult
) -> tuple[TransactionItem, TransactionEvent | None]:
    action = request.type.removesuffix("_REQUEST")
    if result.event_type not in (
        request.type,
        f"{action}_SUCCESS",
        f"{action}_FAILURE",
    ):
        result = _failure(
            action,
            request.amount,
            f"The gateway answered {result.event_type} to a {action} request.",
        )
    with transaction.atomic():
        locked = _lock(item)
        reference = result.psp_reference[:TEXT_MAX_LENGTH] or request.psp_reference
        if reference != request.psp_reference:
            request.psp_reference = reference
            request.save(update_fields=["psp_reference"])
        outcome = None
        if result.event_type != request.type:
            outcome = add_event(
                locked,
                result.event_type,
                result.amount,
                psp_reference=reference,
                message=result.message[:TEXT_MAX_LENGTH],
                external_url=result.external_url,
            )
        recalculate(locked)
        locked.available_actions = list(result.actions) or actions_after(locked)
        locked.message = result.message[:TEXT_MAX_LENGTH]
        locked.save(update_fields=["available_actions", "message", "modified_at"])
    return locked, outcome


def request_transaction_action(
    *,
    actor: Actor,
    token: uuid.UUID,
    action: str,
    amount: Decimal | None = None,
    reason: str | None = None,
) -> ActionResult:
    """Ask the gateway that runs transaction ``token`` to CHARGE, REFUND or CANCEL
    ``amount`` (default: all that can be). ``reason`` (refunds only) is kept as the
    request's message. Errors: NOT_FOUND (id), INVALID (actionType: not offered by
    the transaction; amount: more than is left, or nothing left),
    MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK (no active gateway runs the
    transaction: it was recorded by staff or an app, or paid by gift card).
    Locks the checkout or order, then the transaction, twice (around the call)."""
    _check_input(action, amount, reason)
    item = TransactionItem.objects.filter(token=token).first()
    if item is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Transaction {token} not found.")
    gateway = _gateway_of(item)
    _check_request(item, action, amount)
    locked, request = _record_request(
        actor=actor, item=item, action=action, amount=amount, reason=reason
    )
    try:
        result = gateway.request_action(
            transaction=locked, action=action, amount=request.amount
        )
    except GatewayInputError as exc:
        result = _failure(action, request.amount, exc.message)
    final, outcome = _record_outcome(locked, request, result)
    return ActionResult(transaction=final, request=request, outcome=outcome)
