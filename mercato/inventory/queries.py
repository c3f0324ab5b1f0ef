"""Reads of warehouses and stock."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from mercato.inventory.models import Reservation, Stock, Warehouse


def filter_warehouses(filters: dict[str, Any]) -> QuerySet[Warehouse]:
    qs = Warehouse.objects.all()
    if filters.get("search"):
        term = filters["search"]
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(address__city__icontains=term)
        )
    if filters.get("ids"):
        qs = qs.filter(pk__in=filters["ids"])
    if filters.get("slugs"):
        qs = qs.filter(slug__in=filters["slugs"])
    if filters.get("is_private") is not None:
        qs = qs.filter(is_private=filters["is_private"])
    if filters.get("click_and_collect_option"):
        qs = qs.filter(
            click_and_collect_option=filters["click_and_collect_option"].lower()
        )
    if filters.get("channels"):
        qs = qs.filter(channels__in=filters["channels"]).distinct()
    return qs


def available_quantity(stocks: list[Stock]) -> int:
    """What can still be sold from ``stocks``: per row, its quantity less what orders
    hold (allocations) and, for rows read ``with_reserved_quantity``, what checkouts
    hold (active reservations), never below zero."""
    return sum(
        max(s.quantity - s.quantity_allocated - getattr(s, "quantity_reserved", 0), 0)
        for s in stocks
    )


def _reserved_per_stock(checkout_token: uuid.UUID | None = None) -> Subquery:
    """Units active reservations hold on the outer stock row (NULL when none);
    ``checkout_token``'s own reservations are left out."""
    reservations = Reservation.objects.filter(
        stock=OuterRef("pk"), reserved_until__gt=timezone.now()
    )
    if checkout_token is not None:
        reservations = reservations.exclude(checkout_line__checkout_id=checkout_token)
    return Subquery(
        reservations.order_by()
        .values("stock")
        .annotate(total=Sum("quantity_reserved"))
        .values("total")
    )


def with_reserved_quantity(stocks: QuerySet[Stock]) -> QuerySet[Stock]:
    """``stocks`` with ``quantity_reserved``: what active checkout reservations hold
    on each row, computed in the same statement."""
    return stocks.annotate(quantity_reserved=Coalesce(_reserved_per_stock(), 0))


def quantity_available_by_variant(
    variant_ids: list[int], channel_id: int, checkout_token: uuid.UUID | None = None
) -> dict[int, int]:
    """Units of each variant a checkout can still get in the channel's warehouses:
    per stock row, its quantity less what orders hold (allocations) and what other
    checkouts hold (active reservations; ``checkout_token``'s own do not count),
    never below zero."""
    rows = (
        Stock.objects.filter(
            product_variant_id__in=variant_ids, warehouse__channels=channel_id
        )
        .annotate(reserved=Coalesce(_reserved_per_stock(checkout_token), 0))
        .values_list("product_variant_id", "quantity", "quantity_allocated", "reserved")
    )
    available: dict[int, int] = {}
    for variant_id, quantity, allocated, held in rows:
        free = max(quantity - allocated - held, 0)
        available[variant_id] = available.get(variant_id, 0) + free
    return available


def reserved_by_lines(line_ids: list[int]) -> dict[int, int]:
    """Units each checkout line holds in active reservations."""
    rows = (
        Reservation.objects.filter(
            checkout_line_id__in=line_ids, reserved_until__gt=timezone.now()
        )
        .order_by()
        .values("checkout_line_id")
        .annotate(total=Sum("quantity_reserved"))
        .values_list("checkout_line_id", "total")
    )
    return {line_id: int(total) for line_id, total in rows}
