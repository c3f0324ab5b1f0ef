"""The ``order``, ``orders`` and ``orderByToken`` queries and ``User.orders``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ariadne import ObjectType, QueryType
from django.db.models import QuerySet
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.account.models import User
from mercato.core.permissions import Permission
from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import decode_id, decode_ids, from_global_id
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.order.models import Order
from mercato.order.queries import (
    get_order,
    list_orders,
    list_user_orders,
    may_list_user_orders,
    order_filter_q,
    order_where_q,
    search_orders,
)

query = QueryType()
user_type = ObjectType("User")

# OrderSortField -> sort keys before the unique tie-breaker (number).
SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "NUMBER": (),
    "RANK": (),
    "CREATION_DATE": ("created_at",),
    "CREATED_AT": ("created_at",),
    "LAST_MODIFIED_AT": ("updated_at",),
    "CUSTOMER": ("user_email",),
    "PAYMENT": ("status",),
    "FULFILLMENT_STATUS": ("status",),
    "STATUS": ("status",),
}


def _uuid(value: Any, shown: str, type_name: str = "Order") -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise GraphQLError(f"Invalid ID: {shown}. Expected: {type_name}.") from exc


def decode_uuid_id(global_id: str, expected_type: str) -> uuid.UUID:
    """The UUID primary key of ``global_id``, which must name ``expected_type``."""
    type_name, pk = from_global_id(global_id)
    if type_name != expected_type:
        raise GraphQLError(
            f"Invalid ID: {global_id}. Expected: {expected_type}, "
            f"received: {type_name}."
        )
    return _uuid(pk, global_id, expected_type)


@query.field("order")
def resolve_order(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
) -> Order | None:
    if id is None:
        # mercato keeps no external references on orders: nothing matches.
        return None
    return get_order(decode_uuid_id(id, "Order"))


@query.field("orderByToken")
def resolve_order_by_token(
    _: None, info: GraphQLResolveInfo, token: Any
) -> Order | None:
    return get_order(_uuid(token, str(token)))


def _sort_keys(sort_by: Mapping[str, Any] | None) -> list[tuple[str, bool]]:
    if not sort_by:
        return [("number", True)]
    descending = sort_by["direction"] == "DESC"
    fields = SORT_FIELDS[sort_by["field"]]
    return [*((name, descending) for name in fields), ("number", descending)]


def _decoded_filter(data: Mapping[str, Any]) -> dict[str, Any]:
    decoded = dict(data)
    if data.get("channels"):
        decoded["channels"] = decode_ids(data["channels"], "Channel")
    if data.get("ids"):
        decoded["ids"] = [decode_uuid_id(i, "Order") for i in data["ids"]]
    if data.get("checkout_ids"):
        decoded["checkout_ids"] = [
            decode_uuid_id(i, "Checkout") for i in data["checkout_ids"]
        ]
    return decoded


def _decoded_id_filter(
    spec: Mapping[str, Any] | None, decode: Any
) -> dict[str, Any] | None:
    if not spec:
        return None
    decoded: dict[str, Any] = {}
    if spec.get("eq") is not None:
        decoded["eq"] = decode(spec["eq"])
    if spec.get("one_of") is not None:
        decoded["one_of"] = [decode(value) for value in spec["one_of"]]
    return decoded


def _decoded_where(where: Mapping[str, Any]) -> dict[str, Any]:
    decoded = dict(where)
    if where.get("ids"):
        decoded["ids"] = [decode_uuid_id(i, "Order") for i in where["ids"]]
    decoded["channel_id"] = _decoded_id_filter(
        where.get("channel_id"), lambda v: decode_id(v, "Channel")
    )
    decoded["user"] = _decoded_id_filter(
        where.get("user"), lambda v: decode_id(v, "User")
    )
    decoded["checkout_id"] = _decoded_id_filter(
        where.get("checkout_id"), lambda v: decode_uuid_id(v, "Checkout")
    )
    decoded["and"] = [_decoded_where(part) for part in where.get("and") or []]
    decoded["or"] = [_decoded_where(part) for part in where.get("or") or []]
    return decoded


def _filtered(
    orders: QuerySet[Order],
    *,
    filter: Mapping[str, Any] | None = None,
    where: Mapping[str, Any] | None = None,
    search: str | None = None,
) -> QuerySet[Order]:
    if filter:
        orders = orders.filter(order_filter_q(_decoded_filter(filter)))
        if filter.get("search"):
            orders = search_orders(orders, filter["search"])
    if where:
        orders = orders.filter(order_where_q(_decoded_where(where)))
    if search:
        orders = search_orders(orders, search)
    return orders


@query.field("orders")
@require_any(Permission.MANAGE_ORDERS)
def resolve_orders(
    _: None,
    info: GraphQLResolveInfo,
    sort_by: Mapping[str, Any] | None = None,
    filter: Mapping[str, Any] | None = None,
    where: Mapping[str, Any] | None = None,
    channel: str | None = None,
    search: str | None = None,
    **page: Any,
) -> Connection:
    orders = _filtered(list_orders(), filter=filter, where=where, search=search)
    if channel:
        orders = orders.filter(channel_id=channel_from_arg(info, channel).pk)
    return connection_from_queryset(
        orders, page, keys=_sort_keys(sort_by), name="orders"
    )


@user_type.field("orders")
def resolve_user_orders(
    root: User,
    info: GraphQLResolveInfo,
    where: Mapping[str, Any] | None = None,
    **page: Any,
) -> Connection:
    if not may_list_user_orders(actor_of(info), root.pk):
        raise PermissionDenied([Permission.MANAGE_ORDERS.value])
    orders = _filtered(list_user_orders(root.pk), where=where)
    return connection_from_queryset(
        orders, page, keys=[("number", True)], name="orders"
    )


bindables = [query, user_type]
