"""The ``transaction`` query and decoding payment IDs."""

from __future__ import annotations

import uuid
from typing import Any

from ariadne import QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import from_global_id
from mercato.graphql.core.permissions import require_any
from mercato.payment.models import TransactionItem
from mercato.payment.queries import get_transaction
from mercato.payment.recording import Source

query = QueryType()


def _uuid(value: Any, shown: str, expected: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise GraphQLError(f"Invalid ID: {shown}. Expected: {expected}.") from exc


def transaction_token(id: str | None = None, token: Any = None) -> uuid.UUID:
    """The token of the transaction named by ``id`` (or ``token``)."""
    if id:
        type_name, pk = from_global_id(id)
        if type_name != "TransactionItem":
            raise GraphQLError(
                f"Invalid ID: {id}. Expected: TransactionItem, received: {type_name}."
            )
        return _uuid(pk, id, "TransactionItem")
    if token:
        return _uuid(token, str(token), "TransactionItem")
    raise GraphQLError("Give the transaction's `id` or `token`.")


def payment_source(id: str) -> Source:
    """A checkout or order ID as what a payment is for."""
    type_name, pk = from_global_id(id)
    if type_name == "Checkout":
        return Source(checkout_token=_uuid(pk, id, "Checkout"))
    if type_name == "Order":
        return Source(order_id=_uuid(pk, id, "Order"))
    raise GraphQLError(
        f"Invalid ID: {id}. Expected: Checkout or Order, received: {type_name}."
    )


@query.field("transaction")
@require_any(Permission.HANDLE_PAYMENTS)
def resolve_transaction(
    _: None, info: GraphQLResolveInfo, id: str | None = None, token: Any = None
) -> TransactionItem | None:
    return get_transaction(transaction_token(id, token))
