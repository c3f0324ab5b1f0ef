"""Reads of promotions and vouchers for staff lists."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from mercato.discount.models import Promotion, Voucher, VoucherCode
from mercato.product.queries import metadata_q


@dataclass(frozen=True)
class PromotionWhere:
    """Promotion filters; every given one must hold; ``any_of``/``all_of`` nest."""

    ids: Sequence[int] | None = None
    name_eq: str | None = None
    name_one_of: Sequence[str] | None = None
    types: Sequence[str] | None = None
    start: tuple[Any, Any, Any] | None = None  # (eq, one_of, (gte, lte))
    end: tuple[Any, Any, Any] | None = None
    metadata: Sequence[tuple[str, str | None]] = ()
    all_of: Sequence[PromotionWhere] = ()
    any_of: Sequence[PromotionWhere] = ()


def _date_q(name: str, spec: tuple[Any, Any, Any]) -> Q:
    eq, one_of, bounds = spec
    condition = Q()
    if eq is not None:
        condition &= Q(**{name: eq})
    if one_of is not None:
        condition &= Q(**{f"{name}__in": one_of})
    if bounds is not None:
        gte, lte = bounds
        if gte is not None:
            condition &= Q(**{f"{name}__gte": gte})
        if lte is not None:
            condition &= Q(**{f"{name}__lte": lte})
    return condition


def promotion_q(where: PromotionWhere) -> Q:
    condition = Q()
    if where.ids is not None:
        condition &= Q(pk__in=where.ids)
    if where.name_eq is not None:
        condition &= Q(name=where.name_eq)
    if where.name_one_of is not None:
        condition &= Q(name__in=where.name_one_of)
    if where.types is not None:
        condition &= Q(type__in=where.types)
    if where.start is not None:
        condition &= _date_q("start_date", where.start)
    if where.end is not None:
        condition &= _date_q("end_date", where.end)
    if where.metadata:
        condition &= metadata_q(where.metadata)
    for sub in where.all_of:
        condition &= promotion_q(sub)
    if where.any_of:
        alternatives = Q(pk__in=[])
        for sub in where.any_of:
            alternatives |= promotion_q(sub)
        condition &= alternatives
    return condition


def list_promotions(where: PromotionWhere | None = None) -> QuerySet[Promotion]:
    promotions = Promotion.objects.all()
    if where is not None:
        promotions = promotions.filter(promotion_q(where))
    return promotions


@dataclass(frozen=True)
class VoucherFilter:
    ids: Sequence[int] | None = None
    search: str | None = None
    statuses: Sequence[str] = ()  # ACTIVE, EXPIRED, SCHEDULED
    discount_types: Sequence[str] = ()  # FIXED, PERCENTAGE, SHIPPING
    times_used: tuple[int | None, int | None] | None = None
    started: tuple[datetime.datetime | None, datetime.datetime | None] | None = None
    metadata: Sequence[tuple[str, str | None]] = field(default_factory=tuple)


def _status_q(statuses: Sequence[str]) -> Q:
    now = timezone.now()
    condition = Q(pk__in=[])
    if "ACTIVE" in statuses:
        condition |= Q(start_date__lte=now) & (
            Q(end_date__isnull=True) | Q(end_date__gt=now)
        )
    if "EXPIRED" in statuses:
        condition |= Q(end_date__lte=now)
    if "SCHEDULED" in statuses:
        condition |= Q(start_date__gt=now)
    return condition


def _type_q(types: Sequence[str]) -> Q:
    condition = Q(pk__in=[])
    if "SHIPPING" in types:
        condition |= Q(type="SHIPPING")
    for value_type in {"FIXED", "PERCENTAGE"} & set(types):
        condition |= Q(discount_value_type=value_type) & ~Q(type="SHIPPING")
    return condition


def _range_q(name: str, bounds: tuple[Any, Any]) -> Q:
    low, high = bounds
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{name}__gte": low})
    if high is not None:
        condition &= Q(**{f"{name}__lte": high})
    return condition


def list_vouchers(
    where: VoucherFilter | None = None, *, channel_id: int | None = None
) -> QuerySet[Voucher]:
    """Vouchers, with ``used_total`` (uses of all codes) and, for sorting by the
    channel's values, ``channel_value`` and ``channel_min_spent``."""
    listing_channel = {} if channel_id is None else {"channel_id": channel_id}
    vouchers = Voucher.objects.annotate(
        used_total=Coalesce(
            Subquery(
                VoucherCode.objects.filter(voucher_id=OuterRef("pk"))
                .values("voucher_id")
                .annotate(total=Sum("used"))
                .values("total")[:1]
            ),
            0,
        ),
        channel_value=Min(
            "channel_listings__discount_value",
            filter=Q(
                **{f"channel_listings__{k}": v for k, v in listing_channel.items()}
            ),
        ),
        channel_min_spent=Min(
            "channel_listings__min_spent_amount",
            filter=Q(
                **{f"channel_listings__{k}": v for k, v in listing_channel.items()}
            ),
        ),
    )
    if where is None:
        return vouchers
    if where.ids is not None:
        vouchers = vouchers.filter(pk__in=where.ids)
    if where.search:
        text = where.search.replace("\x00", "")
        vouchers = vouchers.filter(
            Q(name__icontains=text)
            | Q(
                pk__in=VoucherCode.objects.filter(code__icontains=text).values(
                    "voucher_id"
                )
            )
        )
    if where.statuses:
        vouchers = vouchers.filter(_status_q(where.statuses))
    if where.discount_types:
        vouchers = vouchers.filter(_type_q(where.discount_types))
    if where.times_used is not None:
        vouchers = vouchers.filter(_range_q("used_total", where.times_used))
    if where.started is not None:
        vouchers = vouchers.filter(_range_q("start_date", where.started))
    if where.metadata:
        vouchers = vouchers.filter(metadata_q(where.metadata))
    return vouchers


def voucher_usage(voucher_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        VoucherCode.objects.filter(voucher_id__in=voucher_ids)
        .values("voucher_id")
        .annotate(total=Sum("used"))
    )
    return {row["voucher_id"]: row["total"] or 0 for row in rows}


def voucher_code_counts(voucher_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        VoucherCode.objects.filter(voucher_id__in=voucher_ids)
        .values("voucher_id")
        .annotate(total=Count("pk"))
    )
    return {row["voucher_id"]: row["total"] for row in rows}
