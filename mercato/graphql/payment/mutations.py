"""Payment mutations: decode the input, call one service, map the result.

transactionInitialize, transactionProcess and paymentGatewayInitialize are open to
anyone holding the checkout's ID (a bearer secret); the others need
HANDLE_PAYMENTS, and the service checks which transactions an actor may change
(transactionRequestAction may be asked of any transaction, as in Saleor).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.payment.queries import payment_source, transaction_token
from mercato.payment import actions, services, sessions
from mercato.payment.methods import CARD, GIFT_CARD, OTHER, PaymentMethodDetails
from mercato.payment.services import (
    EventData,
    EventReport,
    MoneyInput,
    NotTransactionOwner,
    TransactionData,
)
from mercato.payment.sessions import SessionResult

mutations = MutationType()
F = TypeVar("F", bound=Callable[..., Any])


def owner_checked(resolver: F) -> F:
    """Changing a transaction another app owns is a permission error."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(root, info, **kwargs)
        except NotTransactionOwner:
            raise PermissionDenied([Permission.HANDLE_PAYMENTS.value]) from None

    return wrapper  # type: ignore[return-value]


def _session_payload(result: SessionResult) -> dict[str, Any]:
    return {
        "transaction": result.transaction,
        "transaction_event": result.event,
        "data": result.data,
    }


def _metadata(entries: list[dict[str, str]] | None) -> dict[str, str] | None:
    if entries is None:
        return None
    return {entry["key"]: entry["value"] for entry in entries}


def _money(value: dict[str, Any] | None) -> MoneyInput | None:
    if value is None:
        return None
    return MoneyInput(amount=Decimal(value["amount"]), currency=str(value["currency"]))


def _method_details(value: dict[str, Any] | None) -> PaymentMethodDetails | None:
    """The one method given in a PaymentMethodDetailsInput; type "" (INVALID in
    the service) when none or several are given."""
    if value is None:
        return None
    given = [
        (kind, value[key])
        for key, kind in (("card", CARD), ("gift_card", GIFT_CARD), ("other", OTHER))
        if value.get(key) is not None
    ]
    if len(given) != 1:
        return PaymentMethodDetails(type="", name="")
    kind, fields = given[0]
    return PaymentMethodDetails(type=kind, **fields)


def _transaction_data(data: dict[str, Any] | None) -> TransactionData | None:
    if data is None:
        return None
    return TransactionData(
        name=data.get("name"),
        message=data.get("message"),
        psp_reference=data.get("psp_reference"),
        available_actions=data.get("available_actions"),
        amount_authorized=_money(data.get("amount_authorized")),
        amount_charged=_money(data.get("amount_charged")),
        amount_refunded=_money(data.get("amount_refunded")),
        amount_canceled=_money(data.get("amount_canceled")),
        metadata=_metadata(data.get("metadata")),
        private_metadata=_metadata(data.get("private_metadata")),
        external_url=data.get("external_url"),
        payment_method_details=_method_details(data.get("payment_method_details")),
    )


def _event_data(data: dict[str, Any] | None) -> EventData | None:
    if data is None:
        return None
    return EventData(
        psp_reference=data.get("psp_reference"), message=data.get("message")
    )


@mutations.field("paymentGatewayInitialize")
@mutation()
def resolve_payment_gateway_initialize(
    _: None,
    info: GraphQLResolveInfo,
    id: str,
    amount: Decimal | None = None,
    payment_gateways: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    answers = sessions.initialize_payment_gateways(
        source=payment_source(id),
        gateway_ids=[g["id"] for g in payment_gateways] if payment_gateways else None,
        amount=amount,
    )
    configs = [
        {
            "id": answer.id,
            "data": answer.data,
            "errors": (
                [{"field": "id", "message": answer.error, "code": "NOT_FOUND"}]
                if answer.error
                else []
            ),
        }
        for answer in answers
    ]
    return {"gateway_configs": configs}


@mutations.field("transactionInitialize")
@mutation()
def resolve_transaction_initialize(
    _: None,
    info: GraphQLResolveInfo,
    id: str,
    payment_gateway: dict[str, Any],
    action: str | None = None,
    amount: Decimal | None = None,
    idempotency_key: str | None = None,
    customer_ip_address: str | None = None,
) -> dict[str, Any]:
    result = sessions.initialize_transaction(
        actor=actor_of(info),
        source=payment_source(id),
        gateway_id=payment_gateway["id"],
        data=payment_gateway.get("data"),
        action=action,
        amount=amount,
        idempotency_key=idempotency_key,
    )
    return _session_payload(result)


@mutations.field("transactionProcess")
@mutation()
def resolve_transaction_process(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    token: Any = None,
    data: Any = None,
    customer_ip_address: str | None = None,
) -> dict[str, Any]:
    result = sessions.process_transaction(
        actor=actor_of(info), token=transaction_token(id, token), data=data
    )
    return _session_payload(result)


@mutations.field("transactionCreate")
@require_any(Permission.HANDLE_PAYMENTS)
@mutation()
def resolve_transaction_create(
    _: None,
    info: GraphQLResolveInfo,
    id: str,
    transaction: dict[str, Any],
    transaction_event: dict[str, Any] | None = None,
) -> dict[str, Any]:
    item = services.create_transaction(
        actor=actor_of(info),
        source=payment_source(id),
        data=_transaction_data(transaction) or TransactionData(),
        event=_event_data(transaction_event),
    )
    return {"transaction": item}


@mutations.field("transactionUpdate")
@require_any(Permission.HANDLE_PAYMENTS)
@owner_checked
@mutation()
def resolve_transaction_update(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    token: Any = None,
    transaction: dict[str, Any] | None = None,
    transaction_event: dict[str, Any] | None = None,
) -> dict[str, Any]:
    item = services.update_transaction(
        actor=actor_of(info),
        token=transaction_token(id, token),
        data=_transaction_data(transaction),
        event=_event_data(transaction_event),
    )
    return {"transaction": item}


@mutations.field("transactionEventReport")
@require_any(Permission.HANDLE_PAYMENTS)
@owner_checked
@mutation()
def resolve_transaction_event_report(
    _: None,
    info: GraphQLResolveInfo,
    type: str,
    psp_reference: str,
    id: str | None = None,
    token: Any = None,
    amount: Decimal | None = None,
    time: Any = None,
    message: str | None = None,
    external_url: str | None = None,
    available_actions: list[str] | None = None,
    transaction_metadata: list[dict[str, str]] | None = None,
    transaction_private_metadata: list[dict[str, str]] | None = None,
    payment_method_details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    result = services.report_transaction_event(
        actor=actor_of(info),
        token=transaction_token(id, token),
        report=EventReport(
            type=type,
            psp_reference=psp_reference,
            amount=amount,
            time=time,
            message=message,
            external_url=external_url,
            available_actions=available_actions,
            metadata=_metadata(transaction_metadata),
            private_metadata=_metadata(transaction_private_metadata),
            payment_method_details=_method_details(payment_method_details),
        ),
    )
    return {
        "transaction": result.transaction,
        "transaction_event": result.event,
        "already_processed": result.already_processed,
    }


@mutations.field("transactionRequestAction")
@require_any(Permission.HANDLE_PAYMENTS)
@mutation()
def resolve_transaction_request_action(
    _: None,
    info: GraphQLResolveInfo,
    action_type: str,
    id: str | None = None,
    token: Any = None,
    amount: Decimal | None = None,
    refund_reason: str | None = None,
) -> dict[str, Any]:
    result = actions.request_transaction_action(
        actor=actor_of(info),
        token=transaction_token(id, token),
        action=action_type,
        amount=amount,
        reason=refund_reason,
    )
    return {"transaction": result.transaction}


bindables = [mutations]
