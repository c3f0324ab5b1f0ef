"""Gift cards as a means of payment for checkouts (called by checkout and order).

These functions join the caller's transaction; none of them opens its own.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from mercato.giftcard.models import GiftCard, GiftCardEvent, GiftCardEventType

__all__ = [
    "attach_gift_card",
    "charge_gift_cards",
    "detach_gift_card",
    "find_usable_gift_card",
    "gift_cards_balance",
    "is_usable",
    "may_use",
]


def may_use(card: GiftCard, *, user_id: int | None, email: str | None) -> bool:
    """Whether the shopper may pay with ``card``: anyone unless it is assigned.

    A card assigned to a customer is theirs alone; once that account is deleted
    the kept address is matched against the shopper's email instead.
    """
    if card.assigned_to_id is not None:
        return card.assigned_to_id == user_id
    if card.assigned_to_email:
        return bool(email) and card.assigned_to_email.lower() == (email or "").lower()
    return True


def _usable(cards: QuerySet[GiftCard], currency: str) -> QuerySet[GiftCard]:
    today = timezone.localdate()
    return cards.filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=today),
        is_active=True,
        currency=currency,
        current_balance_amount__gt=0,
    )


def is_usable(card: GiftCard, currency: str, today: date | None = None) -> bool:
    """Whether ``card`` can pay now in ``currency``: active, unexpired, not empty."""
    today = today or timezone.localdate()
    return (
        card.is_active
        and card.currency == currency
        and card.current_balance_amount > 0
        and (card.expiry_date is None or card.expiry_date >= today)
    )


def find_usable_gift_card(
    *,
    code: str,
    currency: str,
    user_id: int | None = None,
    email: str | None = None,
) -> GiftCard | None:
    """The card with ``code`` (any letter case) if it can pay in ``currency`` now
    for the shopper (``user_id``/``email``); a card assigned to someone else is
    treated as unknown."""
    code = code.strip()
    if not code or "\x00" in code:
        return None
    card = _usable(GiftCard.objects.filter(code__iexact=code), currency).first()
    if card is None or not may_use(card, user_id=user_id, email=email):
        return None
    return card


def attach_gift_card(*, checkout_token: uuid.UUID, gift_card: GiftCard) -> None:
    """Apply ``gift_card`` to the checkout (idempotent); the caller locks it."""
    GiftCard.checkouts.through.objects.get_or_create(
        giftcard_id=gift_card.pk, checkout_id=checkout_token
    )


def detach_gift_card(*, checkout_token: uuid.UUID, gift_card_id: int) -> bool:
    """Remove a card from the checkout; False when it was not applied to it."""
    deleted, _ = GiftCard.checkouts.through.objects.filter(
        giftcard_id=gift_card_id, checkout_id=checkout_token
    ).delete()
    return bool(deleted)


def gift_cards_balance(*, checkout_token: uuid.UUID, currency: str) -> Decimal:
    """The sum of the usable balances of the cards applied to the checkout."""
    cards = _usable(GiftCard.objects.filter(checkouts=checkout_token), currency)
    total = cards.aggregate(total=Sum("current_balance_amount"))["total"]
    return total if total is not None else Decimal(0)


def charge_gift_cards(
    *,
    checkout_token: uuid.UUID,
    amount: Decimal,
    currency: str,
    order_id: uuid.UUID,
    user_id: int | None,
    email: str | None,
) -> list[tuple[int, Decimal]]:
    """Pay up to ``amount`` of an order from the checkout's gift cards.

    Runs in the caller's transaction. Locks the applied cards in primary-key order
    (concurrent charges of one card wait for each other and see the balance left),
    takes from each in that order no more than its balance, writes a
    ``USED_IN_ORDER`` event per card charged and detaches every card from the
    checkout. Returns ``[(gift_card_id, amount_taken)]`` for the cards charged.
    """
    cards = list(
        GiftCard.objects.select_for_update(of=("self",))
        .filter(checkouts=checkout_token)
        .order_by("pk")
    )
    GiftCard.checkouts.through.objects.filter(checkout_id=checkout_token).delete()
    remaining = amount
    now = timezone.now()
    today = timezone.localdate()
    taken: list[tuple[int, Decimal]] = []
    for card in cards:
        if remaining <= 0:
            break
        if not is_usable(card, currency, today):
            continue
        if not may_use(card, user_id=user_id, email=email):
            continue
        take = min(card.current_balance_amount, remaining)
        _take(card, take, now=now, user_id=user_id, email=email, order_id=order_id)
        remaining -= take
        taken.append((card.pk, take))
    return taken


def _take(
    card: GiftCard,
    take: Decimal,
    *,
    now: datetime,
    user_id: int | None,
    email: str | None,
    order_id: uuid.UUID,
) -> None:
    old_balance = card.current_balance_amount
    card.current_balance_amount = old_balance - take
    card.last_used_on = now
    fields = ["current_balance_amount", "last_used_on"]
    if card.used_by_id is None and card.used_by_email is None:
        card.used_by_id = user_id
        card.used_by_email = email or None
        fields += ["used_by", "used_by_email"]
    card.save(update_fields=fields)
    GiftCardEvent.objects.create(
        gift_card=card,
        type=GiftCardEventType.USED_IN_ORDER,
        user_id=user_id,
        order_id=order_id,
        parameters={
            "order_id": str(order_id),
            "email": email,
            "balance": {
                "currency": card.currency,
                "current_balance": str(card.current_balance_amount),
                "old_current_balance": str(old_balance),
            },
        },
    )
