"""Fulfillments: ``orderFulfill``, tracking and cancel mutations (staff with
MANAGE_ORDERS), ``Order.fulfillments`` and the ``Fulfillment`` type.

Anyone who may read an order reads its fulfillments (the storefront shows them
on "my orders"); their private metadata needs MANAGE_ORDERS.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import MutationType, ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.errors import FieldError, ValidationFailed
from mercato.core.permissions import Permission
from mercato.graphql.core.dataloaders import (
    Loader,
    RelatedListLoader,
    attach_batch,
    batch_of,
    get_loader,
)
from mercato.graphql.core.ids import decode_id, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.inventory.loaders import WarehouseByIdLoader
from mercato.graphql.order.queries import decode_uuid_id
from mercato.inventory.models import Warehouse
from mercato.order import fulfillment as services
from mercato.order.models import (
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderEvent,
    OrderLine,
)

mutations = MutationType()
order_type = ObjectType("Order")
fulfillment_type = ObjectType("Fulfillment")
fulfillment_line_type = ObjectType("FulfillmentLine")
event_type = ObjectType("OrderEvent")

bind_metadata(fulfillment_type, Permission.MANAGE_ORDERS)

F = TypeVar("F", bound=Callable[..., Any])


# ---------------------------------------------------------------- loaders


class FulfillmentsByOrderLoader(RelatedListLoader):
    model = Fulfillment
    owner = "order"
    ordering = ("fulfillment_order", "pk")


class LinesByFulfillmentLoader(Loader[int, list[FulfillmentLine]]):
    """Each fulfillment's lines, with their stock rows (for the warehouse)."""

    def default(self) -> list[FulfillmentLine]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[FulfillmentLine]]:
        rows = (
            FulfillmentLine.objects.filter(fulfillment_id__in=keys)
            .select_related("stock")
            .order_by("pk")
        )
        grouped: dict[int, list[FulfillmentLine]] = {}
        for row in attach_batch(list(rows)):
            grouped.setdefault(row.fulfillment_id, []).append(row)
        return grouped


class FulfillmentLineByIdLoader(Loader[int, FulfillmentLine]):
    def batch_load(self, keys: list[int]) -> dict[int, FulfillmentLine]:
        found = attach_batch(list(FulfillmentLine.objects.filter(pk__in=keys)))
        return {line.pk: line for line in found}


class OrderLineByIdLoader(Loader[int, OrderLine]):
    def batch_load(self, keys: list[int]) -> dict[int, OrderLine]:
        found = attach_batch(list(OrderLine.objects.filter(pk__in=keys)))
        return {line.pk: line for line in found}


# ---------------------------------------------------------------- reads


@order_type.field("fulfillments")
def resolve_order_fulfillments(root: Order, info: GraphQLResolveInfo) -> list[Any]:
    loader = get_loader(info.context, FulfillmentsByOrderLoader)
    return loader.load_for(root, lambda o: o.pk) or []


@fulfillment_type.field("id")
def resolve_fulfillment_id(root: Fulfillment, info: GraphQLResolveInfo) -> str:
    return to_global_id("Fulfillment", root.pk)


@fulfillment_type.field("created")
def resolve_fulfillment_created(root: Fulfillment, info: GraphQLResolveInfo) -> Any:
    return root.created_at


@fulfillment_type.field("statusDisplay")
def resolve_fulfillment_status_display(
    root: Fulfillment, info: GraphQLResolveInfo
) -> str:
    return root.get_status_display()


def _lines(info: GraphQLResolveInfo, root: Fulfillment) -> list[FulfillmentLine]:
    loader = get_loader(info.context, LinesByFulfillmentLoader)
    return loader.load_for(root, lambda f: f.pk) or []


@fulfillment_type.field("lines")
def resolve_fulfillment_lines(
    root: Fulfillment, info: GraphQLResolveInfo
) -> list[FulfillmentLine]:
    return _lines(info, root)


@fulfillment_type.field("warehouse")
def resolve_fulfillment_warehouse(
    root: Fulfillment, info: GraphQLResolveInfo
) -> Warehouse | None:
    """The warehouse of the fulfillment's first line that took stock."""
    stocks = [line.stock for line in _lines(info, root) if line.stock is not None]
    if not stocks:
        return None
    return get_loader(info.context, WarehouseByIdLoader).load(stocks[0].warehouse_id)


@fulfillment_line_type.field("id")
def resolve_fulfillment_line_id(root: FulfillmentLine, info: GraphQLResolveInfo) -> str:
    return to_global_id("FulfillmentLine", root.pk)


@fulfillment_line_type.field("orderLine")
def resolve_fulfillment_line_order_line(
    root: FulfillmentLine, info: GraphQLResolveInfo
) -> OrderLine | None:
    loader = get_loader(info.context, OrderLineByIdLoader)
    return loader.load_for(root, lambda line: line.order_line_id)


# ---------------------------------------------------------------- OrderEvent


def _parameters(event: OrderEvent) -> dict[str, Any]:
    return event.parameters if isinstance(event.parameters, dict) else {}


@event_type.field("composedId")
def resolve_event_composed_id(root: OrderEvent, info: GraphQLResolveInfo) -> Any:
    return _parameters(root).get("composed_id")


@event_type.field("emailType")
def resolve_event_email_type(root: OrderEvent, info: GraphQLResolveInfo) -> Any:
    return _parameters(root).get("email_type")


@event_type.field("fulfilledItems")
def resolve_event_fulfilled_items(
    root: OrderEvent, info: GraphQLResolveInfo
) -> list[FulfillmentLine] | None:
    ids = _parameters(root).get("fulfilled_items")
    if not ids:
        return None
    loader = get_loader(info.context, FulfillmentLineByIdLoader)
    loader.load_many_keys(
        pk
        for event in batch_of(root).items
        for pk in _parameters(event).get("fulfilled_items") or []
    )
    return [line for pk in ids if (line := loader.load(pk)) is not None]


@event_type.field("warehouse")
def resolve_event_warehouse(
    root: OrderEvent, info: GraphQLResolveInfo
) -> Warehouse | None:
    loader = get_loader(info.context, WarehouseByIdLoader)
    return loader.load_for(root, lambda e: _parameters(e).get("warehouse"))


# ---------------------------------------------------------------- mutations


def _global_error(error: FieldError) -> FieldError:
    extra = dict(error.extra)
    if "order_lines" in extra:
        extra["order_lines"] = [
            to_global_id("OrderLine", pk) for pk in extra["order_lines"]
        ]
    if extra.get("warehouse") is not None:
        extra["warehouse"] = to_global_id("Warehouse", extra["warehouse"])
    return dataclasses.replace(error, extra=extra)


def order_errors(resolver: F) -> F:
    """Line and warehouse pks in errors become global IDs."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(root, info, **kwargs)
        except ValidationFailed as failed:
            raise ValidationFailed(map(_global_error, failed.errors)) from None

    return wrapper  # type: ignore[return-value]


def _fulfill_lines(lines: list[dict[str, Any]]) -> list[services.FulfillLine]:
    result = []
    for line in lines:
        if not line.get("order_line_id"):
            raise ValidationFailed.one(
                "orderLineId", services.REQUIRED, "Give the order line."
            )
        result.append(
            services.FulfillLine(
                order_line_id=decode_id(line["order_line_id"], "OrderLine"),
                stocks=[
                    services.FulfillStock(
                        warehouse_id=decode_id(stock["warehouse"], "Warehouse"),
                        quantity=stock["quantity"],
                    )
                    for stock in line["stocks"]
                ],
            )
        )
    return result


@mutations.field("orderFulfill")
@require_any(Permission.MANAGE_ORDERS)
@mutation("order_errors")
@order_errors
def resolve_order_fulfill(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    order: str | None = None,
) -> dict[str, Any]:
    if not order:
        raise ValidationFailed.one("order", services.REQUIRED, "Give the order.")
    result = services.fulfill_order(
        actor=actor_of(info),
        order_id=decode_uuid_id(order, "Order"),
        lines=_fulfill_lines(input["lines"]),
        tracking_number=input.get("tracking_number") or "",
        allow_stock_to_be_exceeded=bool(input.get("allow_stock_to_be_exceeded")),
        notify_customer=input.get("notify_customer") is not False,
    )
    return {"order": result.order, "fulfillments": result.fulfillments}


@mutations.field("orderFulfillmentUpdateTracking")
@require_any(Permission.MANAGE_ORDERS)
@mutation("order_errors")
@order_errors
def resolve_fulfillment_update_tracking(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    order, fulfillment = services.update_fulfillment_tracking(
        actor=actor_of(info),
        fulfillment_id=decode_id(id, "Fulfillment"),
        tracking_number=input.get("tracking_number") or "",
        notify_customer=bool(input.get("notify_customer")),
    )
    return {"order": order, "fulfillment": fulfillment}


@mutations.field("orderFulfillmentCancel")
@require_any(Permission.MANAGE_ORDERS)
@mutation("order_errors")
@order_errors
def resolve_fulfillment_cancel(
    _: None,
    info: GraphQLResolveInfo,
    id: str,
    input: dict[str, Any] | None = None,
) -> dict[str, Any]:
    warehouse = (input or {}).get("warehouse_id")
    order, fulfillment = services.cancel_fulfillment(
        actor=actor_of(info),
        fulfillment_id=decode_id(id, "Fulfillment"),
        warehouse_id=decode_id(warehouse, "Warehouse") if warehouse else None,
    )
    return {"order": order, "fulfillment": fulfillment}


bindables = [
    mutations,
    order_type,
    fulfillment_type,
    fulfillment_line_type,
    event_type,
]
