"""Reads of gift cards: filters, search and the lists shown to staff and owners."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from mercato.core.permissions import Actor, Permission
from mercato.giftcard.models import GiftCard, GiftCardTag


@dataclass(frozen=True)
class GiftCardFilter:
    is_active: bool | None = None
    tags: Sequence[str] | None = None
    product_ids: Sequence[int] | None = None
    used_by_ids: Sequence[int] | None = None
    assigned_to_ids: Sequence[int] | None = None
    used: bool | None = None
    currency: str | None = None
    current_balance: tuple[Decimal | None, Decimal | None] | None = None
    initial_balance: tuple[Decimal | None, Decimal | None] | None = None
    code: str | None = None
    created_by_email: str | None = None
    metadata: Sequence[tuple[str, str | None]] = ()


def _range_q(field: str, bounds: tuple[Decimal | None, Decimal | None]) -> Q:
    low, high = bounds
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lte": high})
    return condition


def _metadata_q(items: Sequence[tuple[str, str | None]]) -> Q:
    condition = Q()
    for key, value in items:
        if value is None:
            condition &= Q(metadata__has_key=key)
        else:
            condition &= Q(metadata__contains={key: value})
    return condition


def _simple_q(f: GiftCardFilter) -> Q:
    condition = _metadata_q(f.metadata)
    if f.is_active is not None:
        condition &= Q(is_active=f.is_active)
    if f.currency:
        condition &= Q(currency__iexact=f.currency)
    if f.code:
        condition &= Q(code__iexact=f.code)
    if f.created_by_email:
        condition &= Q(created_by_email__iexact=f.created_by_email)
    if f.used is not None:
        used = Q(used_by_email__isnull=False) | Q(used_by__isnull=False)
        condition &= used if f.used else ~used
    if f.current_balance:
        condition &= _range_q("current_balance_amount", f.current_balance)
    if f.initial_balance:
        condition &= _range_q("initial_balance_amount", f.initial_balance)
    return condition


def filter_gift_cards(
    cards: QuerySet[GiftCard], f: GiftCardFilter
) -> QuerySet[GiftCard]:
    cards = cards.filter(_simple_q(f))
    if f.tags:
        tagged = GiftCard.tags.through.objects.filter(giftcardtag__name__in=f.tags)
        cards = cards.filter(pk__in=tagged.values("giftcard_id"))
    if f.product_ids is not None:
        cards = cards.filter(product_id__in=f.product_ids)
    if f.used_by_ids is not None:
        cards = cards.filter(used_by_id__in=f.used_by_ids)
    if f.assigned_to_ids is not None:
        cards = cards.filter(assigned_to_id__in=f.assigned_to_ids)
    return cards


def search_gift_cards(cards: QuerySet[GiftCard], search: str) -> QuerySet[GiftCard]:
    """Cards whose code, tag or customer email contains ``search``."""
    search = search.replace("\x00", "").strip()
    if not search:
        return cards
    tagged = GiftCard.tags.through.objects.filter(giftcardtag__name__icontains=search)
    return cards.filter(
        Q(code__icontains=search)
        | Q(used_by_email__icontains=search)
        | Q(created_by_email__icontains=search)
        | Q(used_by__email__icontains=search)
        | Q(pk__in=tagged.values("giftcard_id"))
    )


def list_gift_card_tags(search: str | None = None) -> QuerySet[GiftCardTag]:
    tags = GiftCardTag.objects.all()
    if search:
        tags = tags.filter(name__icontains=search.replace("\x00", ""))
    return tags


def list_gift_card_currencies() -> list[str]:
    """The currencies of existing cards, alphabetically."""
    return list(
        GiftCard.objects.order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )


def may_see_customer_gift_cards(*, actor: Actor, user_id: int) -> bool:
    """The cards a customer used are for that customer and for staff managing
    users or gift cards."""
    return actor.user_id == user_id or actor.has_any_permission(
        Permission.MANAGE_USERS, Permission.MANAGE_GIFT_CARD
    )


def may_see_code(actor: Actor, card: GiftCard) -> bool:
    """Staff with gift card rights, and the customer who used or bought the card."""
    if actor.has_any_permission(Permission.MANAGE_GIFT_CARD):
        return True
    return actor.user_id is not None and actor.user_id in (
        card.used_by_id,
        card.created_by_id,
    )
