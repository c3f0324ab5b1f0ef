"""Reads of warehouses and stock."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Sum

from mercato.inventory.models import Stock, Warehouse


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
    """What can still be sold from ``stocks``: quantity less what is allocated."""
    return max(sum(s.quantity - s.quantity_allocated for s in stocks), 0)


def quantity_available_by_variant(
    variant_ids: list[int], channel_id: int
) -> dict[int, int]:
    rows = (
        Stock.objects.filter(
            product_variant_id__in=variant_ids, warehouse__channels=channel_id
        )
        .values("product_variant_id")
        .annotate(total=Sum("quantity"), allocated=Sum("quantity_allocated"))
    )
    return {r["product_variant_id"]: max(r["total"] - r["allocated"], 0) for r in rows}
