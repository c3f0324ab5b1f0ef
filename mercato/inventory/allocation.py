"""Taking stock for orders (allocations) and holding it for checkouts (reservations).

Both run inside the caller's transaction and lock the stock rows they may take
from with ``SELECT ... FOR UPDATE`` in primary-key order, so two orders for the
same units queue up instead of overselling, and two orders for different
variants never deadlock. Which warehouse gives first follows the channel's
allocation strategy: the channel's warehouse order, or the most stock first.

What a checkout can still take from a stock row is its quantity, less what is
allocated to orders, less what other checkouts hold in active reservations.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, Sum
from django.utils import timezone

from mercato.channel.models import AllocationStrategy, Channel
from mercato.core.errors import FieldError, ValidationFailed
from mercato.inventory.models import Allocation, Reservation, Stock, Warehouse
from mercato.product.models import ProductVariant

if TYPE_CHECKING:
    from mercato.checkout.models import Checkout, CheckoutLine

INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
CLICK_AND_COLLECT_LOCAL = "local"


@dataclass(frozen=True)
class StockRequest:
    """``quantity`` units of ``variant_id`` wanted by ``line_id`` (an order line
    for allocations, a checkout line for reservations)."""

    line_id: int
    variant_id: int
    quantity: int


class InsufficientStock(ValidationFailed):
    """Some variants lack stock; ``variant_ids`` names them."""

    def __init__(self, variant_ids: Sequence[int]) -> None:
        self.variant_ids = list(variant_ids)
        super().__init__(
            [
                FieldError(
                    "quantity",
                    INSUFFICIENT_STOCK,
                    "Not enough stock for the requested quantity.",
                    {"variants": self.variant_ids},
                )
            ]
        )


def _tracked_variant_ids(variant_ids: Iterable[int]) -> set[int]:
    return set(
        ProductVariant.objects.filter(
            pk__in=set(variant_ids), track_inventory=True
        ).values_list("pk", flat=True)
    )


def lock_channel_stocks(
    *, channel: Channel, variant_ids: Iterable[int], warehouse_id: int | None = None
) -> list[Stock]:
    """The stock rows of ``variant_ids`` in the channel's warehouses (or in
    ``warehouse_id`` only), row-locked in primary-key order, each annotated with
    its warehouse's ``channel_sort_order``."""
    stocks = Stock.objects.filter(
        product_variant_id__in=set(variant_ids),
        warehouse__channelwarehouse__channel_id=channel.pk,
    )
    if warehouse_id is not None:
        stocks = stocks.filter(warehouse_id=warehouse_id)
    return list(
        stocks.annotate(channel_sort_order=F("warehouse__channelwarehouse__sort_order"))
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def reserved_by_others(
    stock_ids: Iterable[int], *, checkout_token: uuid.UUID | None
) -> dict[int, int]:
    """Units of each stock row held by active reservations of checkouts other than
    ``checkout_token``."""
    rows = Reservation.objects.filter(
        stock_id__in=list(stock_ids), reserved_until__gt=timezone.now()
    )
    if checkout_token is not None:
        rows = rows.exclude(checkout_line__checkout_id=checkout_token)
    totals = rows.values("stock_id").annotate(total=Sum("quantity_reserved"))
    return {row["stock_id"]: row["total"] for row in totals}


def _sort_order(stock: Stock) -> int:
    annotated: Any = stock  # lock_channel_stocks annotates channel_sort_order
    return int(annotated.channel_sort_order)


def _ordered(stocks: list[Stock], free: dict[int, int], strategy: str) -> list[Stock]:
    if strategy == AllocationStrategy.PRIORITIZE_HIGH_STOCK:
        return sorted(stocks, key=lambda s: (-free[s.pk], _sort_order(s), s.pk))
    return sorted(stocks, key=lambda s: (_sort_order(s), s.pk))


def _distribute(
    requests: Sequence[StockRequest],
    stocks: list[Stock],
    free: dict[int, int],
    strategy: str,
) -> list[tuple[StockRequest, Stock, int]]:
    """Split each request over the stock rows of its variant; raise
    ``InsufficientStock`` naming every variant that cannot be served."""
    by_variant: dict[int, list[Stock]] = {}
    for stock in _ordered(stocks, free, strategy):
        by_variant.setdefault(stock.product_variant_id, []).append(stock)
    taken: list[tuple[StockRequest, Stock, int]] = []
    short: list[int] = []
    for request in requests:
        wanted = request.quantity
        for stock in by_variant.get(request.variant_id, []):
            if wanted == 0:
                break
            quantity = min(wanted, free[stock.pk])
            if quantity > 0:
                free[stock.pk] -= quantity
                wanted -= quantity
                taken.append((request, stock, quantity))
        if wanted > 0 and request.variant_id not in short:
            short.append(request.variant_id)
    if short:
        raise InsufficientStock(short)
    return taken


def _free_stock(
    stocks: list[Stock], checkout_token: uuid.UUID | None
) -> dict[int, int]:
    reserved = reserved_by_others([s.pk for s in stocks], checkout_token=checkout_token)
    return {
        s.pk: max(s.quantity - s.quantity_allocated - reserved.get(s.pk, 0), 0)
        for s in stocks
    }


def _collection_warehouse(collection_point_id: int | None) -> int | None:
    """The one warehouse a click-and-collect order takes from, if it is local."""
    if collection_point_id is None:
        return None
    option = (
        Warehouse.objects.filter(pk=collection_point_id)
        .values_list("click_and_collect_option", flat=True)
        .first()
    )
    return collection_point_id if option == CLICK_AND_COLLECT_LOCAL else None


def allocate_stocks(
    *,
    channel: Channel,
    requests: Sequence[StockRequest],
    checkout_token: uuid.UUID | None = None,
    collection_point_id: int | None = None,
    tracked_variant_ids: Collection[int] | None = None,
) -> list[Allocation]:
    """Allocate stock to order lines (``StockRequest.line_id`` = order line id).

    Runs in the caller's transaction. Locks the stock rows of the tracked variants
    in the channel's warehouses in primary-key order, takes units by the channel's
    allocation strategy (never units held by other checkouts' active
    reservations; ``checkout_token``'s own reservations do not count against it)
    and raises ``InsufficientStock`` before writing anything if a variant lacks
    stock. Variants that do not track inventory (``tracked_variant_ids``, when
    the caller knows them, else read here) get no allocation. A local collection
    point takes only from its own warehouse.
    """
    tracked = (
        set(tracked_variant_ids)
        if tracked_variant_ids is not None
        else _tracked_variant_ids(r.variant_id for r in requests)
    )
    wanted = [r for r in requests if r.variant_id in tracked and r.quantity > 0]
    if not wanted:
        return []
    stocks = lock_channel_stocks(
        channel=channel,
        variant_ids=tracked,
        warehouse_id=_collection_warehouse(collection_point_id),
    )
    free = _free_stock(stocks, checkout_token)
    taken = _distribute(wanted, stocks, free, channel.allocation_strategy)
    allocations = Allocation.objects.bulk_create(
        Allocation(order_line_id=request.line_id, stock=stock, quantity_allocated=n)
        for request, stock, n in taken
    )
    changed: dict[int, Stock] = {}
    for _, stock, quantity in taken:
        stock.quantity_allocated += quantity
        changed[stock.pk] = stock
    Stock.objects.bulk_update(list(changed.values()), ["quantity_allocated"])
    return allocations


def deallocate_stocks(*, order_line_ids: Sequence[int]) -> None:
    """Give the units allocated to ``order_line_ids`` back to their stock rows.

    Runs in the caller's transaction; locks the stock rows in primary-key order.
    """
    allocations = list(
        Allocation.objects.filter(order_line_id__in=order_line_ids).order_by("pk")
    )
    if not allocations:
        return
    stocks = {
        s.pk: s
        for s in Stock.objects.select_for_update()
        .filter(pk__in={a.stock_id for a in allocations})
        .order_by("pk")
    }
    for allocation in allocations:
        stock = stocks[allocation.stock_id]
        stock.quantity_allocated = max(
            stock.quantity_allocated - allocation.quantity_allocated, 0
        )
    Stock.objects.bulk_update(list(stocks.values()), ["quantity_allocated"])
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()


# ---------------------------------------------------------------- reservations


def reservation_length(channel: Channel) -> datetime.timedelta | None:
    minutes = channel.reservation_minutes
    return datetime.timedelta(minutes=minutes) if minutes else None


def reserve_stocks(
    *,
    channel: Channel,
    checkout_token: uuid.UUID,
    requests: Sequence[StockRequest],
) -> list[Reservation]:
    """Hold stock for checkout lines (``StockRequest.line_id`` = checkout line id)
    for the channel's reservation time, replacing the checkout's earlier holds.

    Does nothing when the channel does not reserve (``reservation_minutes`` 0).
    Runs in the caller's transaction, which holds the checkout's lock; locks the
    stock rows in primary-key order and raises ``InsufficientStock`` (writing
    nothing) if a variant lacks the units.
    """
    length = reservation_length(channel)
    if length is None:
        return []
    Reservation.objects.filter(checkout_line__checkout_id=checkout_token).delete()
    tracked = _tracked_variant_ids(r.variant_id for r in requests)
    wanted = [r for r in requests if r.variant_id in tracked and r.quantity > 0]
    if not wanted:
        return []
    stocks = lock_channel_stocks(channel=channel, variant_ids=tracked)
    free = _free_stock(stocks, checkout_token)
    taken = _distribute(wanted, stocks, free, channel.allocation_strategy)
    until = timezone.now() + length
    return Reservation.objects.bulk_create(
        Reservation(
            checkout_line_id=request.line_id,
            stock=stock,
            quantity_reserved=quantity,
            reserved_until=until,
        )
        for request, stock, quantity in taken
    )


def release_stocks(*, checkout_token: uuid.UUID) -> int:
    """Drop every reservation of the checkout; return how many there were."""
    deleted, _ = Reservation.objects.filter(
        checkout_line__checkout_id=checkout_token
    ).delete()
    return deleted


def reserve_for_checkout(
    *, checkout: Checkout, lines: Sequence[CheckoutLine]
) -> list[Reservation]:
    """Hold stock for all of ``lines`` (the checkout's current lines) when the
    checkout's channel reserves stock; see ``reserve_stocks``. Caller holds the
    checkout's row lock."""
    return reserve_stocks(
        channel=checkout.channel,
        checkout_token=checkout.pk,
        requests=[
            StockRequest(line.pk, line.variant_id, line.quantity) for line in lines
        ],
    )


def release_for_checkout(*, checkout: Checkout) -> int:
    """Drop the checkout's reservations (its lines left, or it is gone)."""
    return release_stocks(checkout_token=checkout.pk)


def delete_expired_reservations() -> int:
    """Drop reservations whose time is up (they no longer count anyway)."""
    deleted, _ = Reservation.objects.filter(reserved_until__lte=timezone.now()).delete()
    return deleted
