"""The ``checkout`` and ``checkouts`` queries, and decoding checkout IDs."""

from __future__ import annotations

import uuid
from typing import Any

from ariadne import QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.checkout.models import Checkout
from mercato.checkout.queries import get_checkout, list_checkouts
from mercato.core.permissions import Permission
from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.ids import from_global_id
from mercato.graphql.core.permissions import require_any

query = QueryType()


def _uuid(value: Any, shown: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise GraphQLError(f"Invalid ID: {shown}. Expected: Checkout.") from exc


def checkout_token(
    id: str | None = None,
    token: Any = None,
    checkout_id: str | None = None,
) -> uuid.UUID:
    """The token of the checkout named by ``id`` (or the deprecated arguments)."""
    global_id = id or checkout_id
    if global_id:
        type_name, pk = from_global_id(global_id)
        if type_name != "Checkout":
            raise GraphQLError(
                f"Invalid ID: {global_id}. Expected: Checkout, received: {type_name}."
            )
        return _uuid(pk, global_id)
    if token:
        return _uuid(token, str(token))
    raise GraphQLError("Give the checkout's `id`.")


@query.field("checkout")
def resolve_checkout(
    _: None, info: GraphQLResolveInfo, id: str | None = None, token: Any = None
) -> Checkout | None:
    return get_checkout(checkout_token(id, token))


@query.field("checkouts")
@require_any(Permission.MANAGE_CHECKOUTS)
def resolve_checkouts(
    _: None, info: GraphQLResolveInfo, channel: str | None = None, **page: Any
) -> Connection:
    channel_id = channel_from_arg(info, channel).pk if channel else None
    return connection_from_queryset(
        list_checkouts(channel_id),
        page,
        keys=(("last_change", True), ("token", False)),
        name="checkouts",
    )
