"""Fulfilling orders: staff send units of an order's lines out of warehouses.

Each entry point owns one transaction. It locks the order row first, then the
stock rows it touches in primary-key order (the same order as allocation), so a
fulfillment never deadlocks with checkouts or other fulfillments and two staff
members fulfilling the same order queue up instead of fulfilling a line twice.

Fulfilling takes the units out of ``Stock.quantity`` in the chosen warehouse and
releases as many units of the line's allocations (the allocation in that
warehouse first), keeping ``Stock.quantity_allocated`` equal to the sum of its
allocations. Canceling a fulfillment puts its units back into one warehouse.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q

from mercato.core.errors import ErrorCollector, FieldError, ValidationFailed
from mercato.core.permissions import Actor
from mercato.inventory.models import Allocation, Stock, Warehouse
from mercato.order.models import (
    Fulfillment,
    FulfillmentLine,
    FulfillmentStatus,
    Order,
    OrderEvent,
    OrderEventType,
    OrderLine,
    OrderStatus,
)
from mercato.order.tasks import send_fulfillment_confirmation_job
from mercato.product.models import ProductVariant

# OrderErrorCode values raised here.
CANNOT_CANCEL_FULFILLMENT = "CANNOT_CANCEL_FULFILLMENT"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
FULFILL_ORDER_LINE = "FULFILL_ORDER_LINE"
INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
INVALID_QUANTITY = "INVALID_QUANTITY"
NOT_EDITABLE = "NOT_EDITABLE"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
ZERO_QUANTITY = "ZERO_QUANTITY"

# Orders whose lines may be fulfilled; for a fully fulfilled one the line
# checks answer (nothing remains to fulfil: FULFILL_ORDER_LINE).
FULFILLABLE_STATUSES = (
    OrderStatus.UNFULFILLED,
    OrderStatus.PARTIALLY_FULFILLED,
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_RETURNED,
    OrderStatus.RETURNED,
)


@dataclass(frozen=True)
class FulfillStock:
    """``quantity`` units sent out of ``warehouse_id``."""

    warehouse_id: int
    quantity: int


@dataclass(frozen=True)
class FulfillLine:
    order_line_id: int
    stocks: Sequence[FulfillStock]


@dataclass(frozen=True)
class FulfillResult:
    order: Order
    fulfillments: list[Fulfillment]


def lock_order(order_id: uuid.UUID) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or order.status == OrderStatus.DRAFT:
        raise ValidationFailed.one("order", NOT_FOUND, "The order does not exist.")
    return order


def _lock_stocks(
    *, variant_warehouses: set[tuple[int, int]], extra_ids: set[int]
) -> dict[int, Stock]:
    """Stock rows by pk: those of (variant, warehouse) pairs and ``extra_ids``,
    locked in primary-key order."""
    wanted = Q(pk__in=extra_ids)
    for variant_id, warehouse_id in variant_warehouses:
        wanted |= Q(product_variant_id=variant_id, warehouse_id=warehouse_id)
    rows = Stock.objects.select_for_update().filter(wanted).order_by("pk")
    return {stock.pk: stock for stock in rows}


def _tracked_variant_ids(variant_ids: Iterable[int | None]) -> set[int]:
    wanted = {pk for pk in variant_ids if pk is not None}
    if not wanted:
        return set()
    return set(
        ProductVariant.objects.filter(pk__in=wanted, track_inventory=True).values_list(
            "pk", flat=True
        )
    )


def _event(order: Order, actor: Actor, type: str, **parameters: object) -> OrderEvent:
    return OrderEvent(
        order=order,
        type=type,
        user_id=actor.user_id,
        app_id=actor.app_id,
        parameters=parameters,
    )


def _order_status_after(lines: Sequence[OrderLine]) -> str:
    if all(line.quantity_fulfilled >= line.quantity for line in lines):
        return OrderStatus.FULFILLED
    if any(line.quantity_fulfilled > 0 for line in lines):
        return OrderStatus.PARTIALLY_FULFILLED
    return OrderStatus.UNFULFILLED


def _check_input(
    order: Order, lines_by_id: dict[int, OrderLine], requested: Sequence[FulfillLine]
) -> None:
    errors = ErrorCollector()
    if order.status not in FULFILLABLE_STATUSES:
        message = (
            "Cannot fulfill an unconfirmed order."
            if order.status == OrderStatus.UNCONFIRMED
            else f"Cannot fulfill an order with status {order.status}."
        )
        errors.add("order", NOT_EDITABLE, message)
        errors.raise_if_any()
    seen_lines: set[int] = set()
    total = 0
    for item in requested:
        line = lines_by_id.get(item.order_line_id)
        if line is None:
            errors.add(
                "orderLineId",
                NOT_FOUND,
                "The line is not in this order.",
                order_lines=[item.order_line_id],
            )
            continue
        if line.pk in seen_lines:
            errors.add(
                "orderLineId",
                DUPLICATED_INPUT_ITEM,
                "The line is given more than once.",
                order_lines=[line.pk],
            )
            continue
        seen_lines.add(line.pk)
        warehouses = [stock.warehouse_id for stock in item.stocks]
        if len(set(warehouses)) != len(warehouses):
            errors.add(
                "warehouse",
                DUPLICATED_INPUT_ITEM,
                "A warehouse is given more than once for the line.",
                order_lines=[line.pk],
            )
        if any(stock.quantity < 0 for stock in item.stocks):
            errors.add(
                "quantity",
                INVALID_QUANTITY,
                "Quantities cannot be negative.",
                order_lines=[line.pk],
            )
            continue
        quantity = sum(stock.quantity for stock in item.stocks)
        total += quantity
        remaining = line.quantity - line.quantity_fulfilled
        if quantity > remaining:
            errors.add(
                "orderLineId",
                FULFILL_ORDER_LINE,
                f"Only {remaining} item(s) remaining to fulfill: {line.product_name}.",
                order_lines=[line.pk],
            )
    if not errors.errors and total == 0:
        errors.add("lines", ZERO_QUANTITY, "Total quantity must be larger than 0.")
    errors.raise_if_any()


def _release_allocations(
    line: OrderLine,
    quantity: int,
    stock_id: int | None,
    allocations: list[Allocation],
    stocks: dict[int, Stock],
) -> None:
    """Release up to ``quantity`` units allocated to ``line``, the allocation in
    ``stock_id`` first."""
    own = sorted(
        (a for a in allocations if a.order_line_id == line.pk),
        key=lambda a: (a.stock_id != stock_id, a.pk),
    )
    for allocation in own:
        if quantity == 0:
            break
        taken = min(quantity, allocation.quantity_allocated)
        allocation.quantity_allocated -= taken
        stock = stocks[allocation.stock_id]
        stock.quantity_allocated = max(stock.quantity_allocated - taken, 0)
        quantity -= taken


def _check_warehouses(warehouse_ids: set[int]) -> None:
    known = set(
        Warehouse.objects.filter(pk__in=warehouse_ids).values_list("pk", flat=True)
    )
    missing = sorted(warehouse_ids - known)
    if missing:
        raise ValidationFailed(
            FieldError(
                "warehouse",
                NOT_FOUND,
                "The warehouse does not exist.",
                {"warehouse": pk},
            )
            for pk in missing
        )


def _take_from(
    wanted: Sequence[tuple[OrderLine, FulfillStock]],
    tracked: set[int],
    stocks: dict[int, Stock],
    allocations: Sequence[Allocation],
    allow_stock_to_be_exceeded: bool,
) -> list[tuple[OrderLine, FulfillStock, Stock | None]]:
    """The stock row each requested quantity comes from (None when the variant
    takes no stock); raises INSUFFICIENT_STOCK for a warehouse lacking units
    that other orders do not hold, unless the stock may be exceeded."""
    stock_at = {(s.product_variant_id, s.warehouse_id): s for s in stocks.values()}

    errors = ErrorCollector()
    taken_from: list[tuple[OrderLine, FulfillStock, Stock | None]] = []
    used: dict[int, int] = {}
    for line, request in wanted:
        if line.variant_id not in tracked:
            taken_from.append((line, request, None))
            continue
        stock = stock_at.get((line.variant_id, request.warehouse_id))
        if stock is None:
            if not allow_stock_to_be_exceeded:
                errors.add(
                    "stocks",
                    INSUFFICIENT_STOCK,
                    f"Insufficient product stock: {line.product_name}.",
                    order_lines=[line.pk],
                    warehouse=request.warehouse_id,
                )
            taken_from.append((line, request, None))
            continue
        own_here = sum(
            a.quantity_allocated
            for a in allocations
            if a.order_line_id == line.pk and a.stock_id == stock.pk
        )
        # Units here that other orders do not hold.
        free = (
            stock.quantity
            - (stock.quantity_allocated - own_here)
            - used.get(stock.pk, 0)
        )
        if request.quantity > free and not allow_stock_to_be_exceeded:
            errors.add(
                "stocks",
                INSUFFICIENT_STOCK,
                f"Insufficient product stock: {line.product_name}.",
                order_lines=[line.pk],
                warehouse=request.warehouse_id,
            )
            continue
        used[stock.pk] = used.get(stock.pk, 0) + request.quantity
        taken_from.append((line, request, stock))
    errors.raise_if_any()
    return taken_from


def fulfill_order(
    *,
    actor: Actor,
    order_id: uuid.UUID,
    lines: Sequence[FulfillLine],
    tracking_number: str = "",
    allow_stock_to_be_exceeded: bool = False,
    notify_customer: bool = True,
) -> FulfillResult:
    """Send out the given units, one fulfillment per warehouse.

    Raises ``ValidationFailed`` (changing nothing) for an order that cannot be
    fulfilled (NOT_EDITABLE), lines of other orders, more units than remain to
    fulfil (FULFILL_ORDER_LINE), nothing to fulfil (ZERO_QUANTITY), unknown
    warehouses (NOT_FOUND) or a warehouse that lacks the units
    (INSUFFICIENT_STOCK, unless ``allow_stock_to_be_exceeded``).

    With ``notify_customer`` (and a buyer's email) each fulfillment's shipping
    email is deferred in this transaction and an EMAIL_SENT event written.
    """
    with transaction.atomic():
        order = lock_order(order_id)
        order_lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
        lines_by_id = {line.pk: line for line in order_lines}
        _check_input(order, lines_by_id, lines)

        _check_warehouses({s.warehouse_id for item in lines for s in item.stocks})

        wanted = [
            (lines_by_id[item.order_line_id], stock)
            for item in lines
            for stock in item.stocks
            if stock.quantity > 0
        ]
        allocations = list(
            Allocation.objects.filter(
                order_line_id__in={line.pk for line, _ in wanted}
            ).order_by("pk")
        )
        # Only variants that track inventory take stock (as allocation does).
        tracked = _tracked_variant_ids(line.variant_id for line, _ in wanted)
        stocks = _lock_stocks(
            variant_warehouses={
                (line.variant_id, s.warehouse_id)
                for line, s in wanted
                if line.variant_id in tracked
            },
            extra_ids={a.stock_id for a in allocations},
        )
        taken_from = _take_from(
            wanted, tracked, stocks, allocations, allow_stock_to_be_exceeded
        )

        for line, request, stock in taken_from:
            _release_allocations(
                line,
                request.quantity,
                stock.pk if stock else None,
                allocations,
                stocks,
            )
            if stock is not None:
                stock.quantity = max(stock.quantity - request.quantity, 0)
            line.quantity_fulfilled += request.quantity

        next_number = (
            order.fulfillments.aggregate(n=Max("fulfillment_order"))["n"] or 0
        ) + 1
        fulfillments: list[Fulfillment] = []
        fulfillment_lines: list[FulfillmentLine] = []
        by_warehouse: dict[int, Fulfillment] = {}
        warehouse_of: dict[int, int] = {}
        for line, request, stock in taken_from:
            fulfillment = by_warehouse.get(request.warehouse_id)
            if fulfillment is None:
                fulfillment = Fulfillment.objects.create(
                    order=order,
                    fulfillment_order=next_number + len(fulfillments),
                    tracking_number=tracking_number,
                )
                by_warehouse[request.warehouse_id] = fulfillment
                warehouse_of[fulfillment.pk] = request.warehouse_id
                fulfillments.append(fulfillment)
            fulfillment_lines.append(
                FulfillmentLine(
                    fulfillment=fulfillment,
                    order_line=line,
                    quantity=request.quantity,
                    stock=stock,
                )
            )
        FulfillmentLine.objects.bulk_create(fulfillment_lines)

        Stock.objects.bulk_update(
            list(stocks.values()), ["quantity", "quantity_allocated"]
        )
        emptied = [a.pk for a in allocations if a.quantity_allocated == 0]
        kept = [a for a in allocations if a.quantity_allocated > 0]
        Allocation.objects.filter(pk__in=emptied).delete()
        Allocation.objects.bulk_update(kept, ["quantity_allocated"])
        OrderLine.objects.bulk_update(order_lines, ["quantity_fulfilled"])

        order.status = _order_status_after(order_lines)
        order.save(update_fields=["status", "updated_at"])
        OrderEvent.objects.bulk_create(
            _event(
                order,
                actor,
                OrderEventType.FULFILLMENT_FULFILLED_ITEMS,
                fulfilled_items=[
                    fl.pk for fl in fulfillment_lines if fl.fulfillment_id == f.pk
                ],
                composed_id=f"{order.number}-{f.fulfillment_order}",
                warehouse=warehouse_of[f.pk],
                quantity=sum(
                    fl.quantity for fl in fulfillment_lines if fl.fulfillment_id == f.pk
                ),
            )
            for f in fulfillments
        )
        if notify_customer and order.user_email:
            for f in fulfillments:
                send_fulfillment_confirmation_job.defer(fulfillment_id=f.pk)
            _event(
                order,
                actor,
                OrderEventType.EMAIL_SENT,
                email=order.user_email,
                email_type="FULFILLMENT_CONFIRMATION",
            ).save()
        return FulfillResult(order=order, fulfillments=fulfillments)


def _lock_fulfillment(fulfillment_id: int) -> tuple[Order, Fulfillment]:
    order_id = (
        Fulfillment.objects.filter(pk=fulfillment_id)
        .values_list("order_id", flat=True)
        .first()
    )
    if order_id is None:
        raise ValidationFailed.one("id", NOT_FOUND, "The fulfillment does not exist.")
    order = lock_order(order_id)
    fulfillment = Fulfillment.objects.select_for_update().get(pk=fulfillment_id)
    return order, fulfillment


def update_fulfillment_tracking(
    *,
    actor: Actor,
    fulfillment_id: int,
    tracking_number: str,
    notify_customer: bool = False,
) -> tuple[Order, Fulfillment]:
    """Set the fulfillment's tracking number; writes a TRACKING_UPDATED event and,
    with ``notify_customer``, emails the buyer the new number."""
    with transaction.atomic():
        order, fulfillment = _lock_fulfillment(fulfillment_id)
        fulfillment.tracking_number = tracking_number
        fulfillment.save(update_fields=["tracking_number"])
        _event(
            order,
            actor,
            OrderEventType.TRACKING_UPDATED,
            tracking_number=tracking_number,
            fulfillment=fulfillment.pk,
            composed_id=f"{order.number}-{fulfillment.fulfillment_order}",
        ).save()
        if notify_customer and order.user_email:
            send_fulfillment_confirmation_job.defer(
                fulfillment_id=fulfillment.pk, tracking_updated=True
            )
            _event(
                order,
                actor,
                OrderEventType.EMAIL_SENT,
                email=order.user_email,
                email_type="TRACKING_UPDATED",
            ).save()
        return order, fulfillment


def cancel_fulfillment(
    *, actor: Actor, fulfillment_id: int, warehouse_id: int | None
) -> tuple[Order, Fulfillment]:
    """Cancel a FULFILLED fulfillment: its units go back into ``warehouse_id``
    (required) and, as its lines are unfulfilled again, are allocated to them
    there; the order's status follows. Variants that do not track inventory
    (or no longer exist) take no stock back.
    """
    with transaction.atomic():
        order, fulfillment = _lock_fulfillment(fulfillment_id)
        if fulfillment.status != FulfillmentStatus.FULFILLED:
            raise ValidationFailed.one(
                "fulfillment",
                CANNOT_CANCEL_FULFILLMENT,
                f"A fulfillment with status {fulfillment.status} cannot be canceled.",
            )
        if warehouse_id is None:
            raise ValidationFailed.one(
                "warehouseId",
                REQUIRED,
                "Give the warehouse the units go back to.",
            )
        if not Warehouse.objects.filter(pk=warehouse_id).exists():
            raise ValidationFailed.one(
                "warehouseId", NOT_FOUND, "The warehouse does not exist."
            )
        fulfillment_lines = list(
            fulfillment.lines.select_related("order_line").order_by("pk")
        )
        tracked = _tracked_variant_ids(
            fl.order_line.variant_id for fl in fulfillment_lines
        )
        stocks: dict[int, Stock] = {}
        if tracked:
            existing = set(
                Stock.objects.filter(
                    warehouse_id=warehouse_id, product_variant_id__in=tracked
                ).values_list("product_variant_id", flat=True)
            )
            Stock.objects.bulk_create(
                [
                    Stock(warehouse_id=warehouse_id, product_variant_id=v, quantity=0)
                    for v in sorted(tracked - existing)
                ],
                ignore_conflicts=True,
            )
            stocks = {
                s.product_variant_id: s
                for s in Stock.objects.select_for_update()
                .filter(warehouse_id=warehouse_id, product_variant_id__in=tracked)
                .order_by("pk")
            }
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.filter(order=order).order_by("pk")
        }
        allocations = {
            a.order_line_id: a
            for a in Allocation.objects.filter(
                order_line_id__in=order_lines, stock__in=list(stocks.values())
            )
        }
        restocked = 0
        for fl in fulfillment_lines:
            line = order_lines[fl.order_line_id]
            line.quantity_fulfilled = max(line.quantity_fulfilled - fl.quantity, 0)
            stock = stocks.get(line.variant_id) if line.variant_id else None
            if stock is None:
                continue
            stock.quantity += fl.quantity
            stock.quantity_allocated += fl.quantity
            restocked += fl.quantity
            allocation = allocations.get(line.pk)
            if allocation is None:
                allocation = allocations[line.pk] = Allocation(
                    order_line=line, stock=stock, quantity_allocated=0
                )
            allocation.quantity_allocated += fl.quantity
        Stock.objects.bulk_update(
            list(stocks.values()), ["quantity", "quantity_allocated"]
        )
        for allocation in allocations.values():
            allocation.save()
        OrderLine.objects.bulk_update(
            list(order_lines.values()), ["quantity_fulfilled"]
        )
        fulfillment.status = FulfillmentStatus.CANCELED
        fulfillment.save(update_fields=["status"])
        order.status = _order_status_after(list(order_lines.values()))
        order.save(update_fields=["status", "updated_at"])
        composed = f"{order.number}-{fulfillment.fulfillment_order}"
        events = [
            _event(
                order,
                actor,
                OrderEventType.FULFILLMENT_CANCELED,
                composed_id=composed,
            )
        ]
        if restocked:
            events.append(
                _event(
                    order,
                    actor,
                    OrderEventType.FULFILLMENT_RESTOCKED_ITEMS,
                    quantity=restocked,
                    warehouse=warehouse_id,
                    composed_id=composed,
                )
            )
        OrderEvent.objects.bulk_create(events)
        return order, fulfillment
