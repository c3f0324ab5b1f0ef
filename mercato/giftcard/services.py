"""Writes of gift cards by staff and apps: issue, change, (de)activate, delete, notes,
and emailing a card's code to a customer.

Every entry point owns one transaction and writes a ``GiftCardEvent`` for each
change it makes. Balances change only under the card's row lock.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import babel.numbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from mercato.account.models import User
from mercato.channel.models import Channel
from mercato.core.email import defer_email
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import quantize
from mercato.core.permissions import Actor
from mercato.core.slugs import has_nul
from mercato.giftcard.models import (
    GiftCard,
    GiftCardEvent,
    GiftCardEventType,
    GiftCardTag,
)

ALREADY_EXISTS = "ALREADY_EXISTS"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
EXPIRED_GIFT_CARD = "EXPIRED_GIFT_CARD"
INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
EMAIL_TEMPLATE = "gift_card_sent"

# Letters and digits that cannot be mistaken for one another when read aloud or
# typed from paper (no 0/O, 1/I/L): 31 symbols, about 5 bits each.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
CODE_MAX_LENGTH = 16
MAX_AMOUNT = Decimal("1e15")
MAX_BULK_COUNT = 1000
MAX_TAG_LENGTH = 255
MAX_NOTE_LENGTH = 10_000
UNSET: Any = object()


def generate_code() -> str:
    """A random code of 16 unambiguous characters (about 79 bits: unguessable)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class CardChanges:
    """What ``update_gift_card`` sets; ``UNSET`` keeps the current value."""

    balance_amount: Decimal | None = None
    expiry_date: datetime.date | None = UNSET
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    metadata: Sequence[tuple[str, str]] = ()
    private_metadata: Sequence[tuple[str, str]] = ()


# ---------------------------------------------------------------- validation


def _check_amount(
    errors: ErrorCollector, field: str, amount: Decimal, *, allow_zero: bool = False
) -> None:
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        errors.add(field, INVALID, "The amount must be greater than zero.")
    elif amount >= MAX_AMOUNT:
        errors.add(field, INVALID, "The amount is too large.")


def _check_balance(errors: ErrorCollector, balance: Balance) -> None:
    currency = balance.currency
    if not (len(currency) == 3 and babel.numbers.is_currency(currency)):
        errors.add("balance", INVALID, f"'{currency}' is not an ISO 4217 currency.")
        return
    _check_amount(errors, "balance", balance.amount)


def _check_expiry(errors: ErrorCollector, expiry_date: datetime.date | None) -> None:
    if expiry_date is not None and expiry_date < timezone.localdate():
        errors.add("expiryDate", INVALID, "The expiry date cannot be in the past.")


def _clean_tags(errors: ErrorCollector, field: str, tags: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags))
    if any(not tag for tag in cleaned):
        errors.add(field, INVALID, "Tags cannot be empty.")
    if any(len(tag) > MAX_TAG_LENGTH or has_nul(tag) for tag in cleaned):
        errors.add(field, INVALID, f"Tags are at most {MAX_TAG_LENGTH} characters.")
    return [tag for tag in cleaned if tag]


def _check_metadata(
    errors: ErrorCollector, field: str, items: Sequence[tuple[str, str]]
) -> None:
    if any(not key.strip() for key, _ in items):
        errors.add(field, REQUIRED, "Metadata keys cannot be empty.")
    if any(has_nul(key) or has_nul(value) for key, value in items):
        errors.add(field, INVALID, "Metadata cannot contain NUL characters.")


def _clean_code(errors: ErrorCollector, code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    if not code or len(code) > CODE_MAX_LENGTH or not code.isascii():
        errors.add(
            "code", INVALID, f"A code has 1 to {CODE_MAX_LENGTH} ASCII characters."
        )
        return None
    if not all(char.isalnum() or char in "-_" for char in code):
        errors.add("code", INVALID, "A code has only letters, digits, - and _.")
        return None
    if GiftCard.objects.filter(code__iexact=code).exists():
        errors.add("code", ALREADY_EXISTS, "A gift card with this code exists.")
    return code


def _check_email(
    errors: ErrorCollector, email: str | None, field: str = "userEmail"
) -> bool:
    """Whether ``email`` (when given) is a valid address; adds INVALID if not."""
    if email is None:
        return True
    try:
        validate_email(email)
    except ValidationError:
        errors.add(field, INVALID, "Enter a valid email address.")
        return False
    return True


def _sending_channel(errors: ErrorCollector, slug: str | None) -> Channel | None:
    """The channel an email is sent from (its name signs the message)."""
    if not (slug or "").strip():
        errors.add("channel", REQUIRED, "Give the channel to send the email from.")
        return None
    channel = Channel.objects.filter(slug=(slug or "").strip()).first()
    if channel is None:
        errors.add("channel", NOT_FOUND, "Channel not found.")
    return channel


# ---------------------------------------------------------------- helpers


def lock_gift_cards(ids: Sequence[int]) -> list[GiftCard]:
    """The cards with ``ids`` that exist, row-locked in primary-key order."""
    return list(GiftCard.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def lock_gift_card(gift_card_id: int) -> GiftCard:
    cards = lock_gift_cards([gift_card_id])
    if not cards:
        raise ValidationFailed.one("id", NOT_FOUND, "The gift card does not exist.")
    return cards[0]


def _event(
    card: GiftCard,
    type: GiftCardEventType,
    actor: Actor,
    **parameters: Any,
) -> GiftCardEvent:
    return GiftCardEvent(
        gift_card=card,
        type=type,
        user_id=actor.user_id,
        app_id=actor.app_id,
        parameters=parameters,
    )


def _balance_parameters(
    card: GiftCard,
    old_initial: Decimal | None = None,
    old_current: Decimal | None = None,
) -> dict[str, str | None]:
    return {
        "currency": card.currency,
        "initial_balance": str(card.initial_balance_amount),
        "current_balance": str(card.current_balance_amount),
        "old_initial_balance": None if old_initial is None else str(old_initial),
        "old_current_balance": None if old_current is None else str(old_current),
    }


def _tags(names: Sequence[str]) -> list[GiftCardTag]:
    existing = {tag.name: tag for tag in GiftCardTag.objects.filter(name__in=names)}
    missing = [GiftCardTag(name=name) for name in names if name not in existing]
    GiftCardTag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(GiftCardTag.objects.filter(name__in=names))


def _creator(actor: Actor) -> dict[str, Any]:
    email: str | None = None
    if actor.user_id is not None:
        emails = User.objects.filter(pk=actor.user_id).values_list("email", flat=True)
        email = emails.first()
    return {
        "created_by_id": actor.user_id if email is not None else None,
        "created_by_email": email,
        "app_id": actor.app_id,
    }


def _unique_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        batch = {generate_code() for _ in range(count - len(codes))}
        taken = (
            GiftCard.objects.annotate(upper_code=Upper("code"))
            .filter(upper_code__in=batch)
            .values_list("upper_code", flat=True)
        )
        codes |= batch - set(taken)
    return list(codes)


def _prune_unused_tags() -> None:
    GiftCardTag.objects.filter(gift_cards__isnull=True).delete()


def _send_card(
    card: GiftCard,
    *,
    actor: Actor,
    email: str,
    channel: Channel,
    type: GiftCardEventType,
) -> GiftCardEvent:
    """Defer the email with the card's code to ``email`` (sent once the caller's
    transaction commits); return the event that records it, unsaved."""
    first_name = (
        User.objects.filter(email__iexact=email)
        .values_list("first_name", flat=True)
        .first()
    )
    balance = quantize(card.current_balance_amount, card.currency)
    defer_email(
        to=email,
        template=EMAIL_TEMPLATE,
        context={
            "code": card.code,
            "balance": f"{balance} {card.currency}",
            "email": email,
            "expiry_date": card.expiry_date.isoformat() if card.expiry_date else "",
            "site_name": channel.name,
            "first_name": first_name or "",
            "resent": type == GiftCardEventType.RESENT,
        },
    )
    return _event(card, type, actor, email=email, channel=channel.slug)


# ---------------------------------------------------------------- writes


def create_gift_card(
    *,
    actor: Actor,
    balance: Balance,
    is_active: bool,
    code: str | None = None,
    expiry_date: datetime.date | None = None,
    tags: Sequence[str] = (),
    note: str | None = None,
    user_email: str | None = None,
    channel: str | None = None,
    metadata: Sequence[tuple[str, str]] = (),
    private_metadata: Sequence[tuple[str, str]] = (),
) -> GiftCard:
    """Issue one card (an ``ISSUED`` event, plus ``NOTE_ADDED`` with a note).

    With ``user_email``, the card's code is emailed there from ``channel`` (a
    slug, then required) and a ``SENT_TO_CUSTOMER`` event records it.
    """
    errors = ErrorCollector()
    _check_balance(errors, balance)
    _check_expiry(errors, expiry_date)
    tags = _clean_tags(errors, "addTags", tags)
    code = _clean_code(errors, code)
    sender: Channel | None = None
    if user_email is not None and _check_email(errors, user_email):
        sender = _sending_channel(errors, channel)
    _check_metadata(errors, "metadata", metadata)
    _check_metadata(errors, "privateMetadata", private_metadata)
    if note is not None and (len(note) > MAX_NOTE_LENGTH or has_nul(note)):
        errors.add("note", INVALID, "The note is too long.")
    errors.raise_if_any()
    amount = quantize(balance.amount, balance.currency)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a concurrent create may take the code
                card = GiftCard.objects.create(
                    code=code or _unique_codes(1)[0],
                    currency=balance.currency,
                    initial_balance_amount=amount,
                    current_balance_amount=amount,
                    expiry_date=expiry_date,
                    is_active=is_active,
                    metadata={key.strip(): v for key, v in metadata},
                    private_metadata={key.strip(): v for key, v in private_metadata},
                    **_creator(actor),
                )
        except IntegrityError as exc:
            raise ValidationFailed.one(
                "code", ALREADY_EXISTS, "A gift card with this code exists."
            ) from exc
        if tags:
            card.tags.set(_tags(tags))
        events = [
            _event(
                card,
                GiftCardEventType.ISSUED,
                actor,
                balance=_balance_parameters(card),
                expiry_date=None if expiry_date is None else expiry_date.isoformat(),
            )
        ]
        if note:
            events.append(
                _event(card, GiftCardEventType.NOTE_ADDED, actor, message=note)
            )
        if user_email is not None and sender is not None:
            events.append(
                _send_card(
                    card,
                    actor=actor,
                    email=user_email,
                    channel=sender,
                    type=GiftCardEventType.SENT_TO_CUSTOMER,
                )
            )
        GiftCardEvent.objects.bulk_create(events)
    return card


def bulk_create_gift_cards(
    *,
    actor: Actor,
    count: int,
    balance: Balance,
    is_active: bool,
    expiry_date: datetime.date | None = None,
    tags: Sequence[str] = (),
) -> list[GiftCard]:
    """Issue ``count`` cards with generated codes, each with an ``ISSUED`` event."""
    errors = ErrorCollector()
    if not 1 <= count <= MAX_BULK_COUNT:
        errors.add("count", INVALID, f"Issue between 1 and {MAX_BULK_COUNT} cards.")
    _check_balance(errors, balance)
    _check_expiry(errors, expiry_date)
    tags = _clean_tags(errors, "tags", tags)
    errors.raise_if_any()
    amount = quantize(balance.amount, balance.currency)
    creator = _creator(actor)
    with transaction.atomic():
        cards = GiftCard.objects.bulk_create(
            GiftCard(
                code=code,
                currency=balance.currency,
                initial_balance_amount=amount,
                current_balance_amount=amount,
                expiry_date=expiry_date,
                is_active=is_active,
                **creator,
            )
            for code in _unique_codes(count)
        )
        if tags:
            links = GiftCard.tags.through
            links.objects.bulk_create(
                links(giftcard_id=card.pk, giftcardtag_id=tag.pk)
                for card in cards
                for tag in _tags(tags)
            )
        GiftCardEvent.objects.bulk_create(
            _event(
                card,
                GiftCardEventType.ISSUED,
                actor,
                balance=_balance_parameters(card),
                expiry_date=None if expiry_date is None else expiry_date.isoformat(),
            )
            for card in cards
        )
    return sorted(cards, key=lambda card: card.pk)


def _check_changes(changes: CardChanges) -> tuple[list[str], list[str]]:
    errors = ErrorCollector()
    if changes.balance_amount is not None:
        # Resetting to zero empties a card; issuing one empty makes no sense.
        _check_amount(errors, "balanceAmount", changes.balance_amount, allow_zero=True)
    if changes.expiry_date is not UNSET:
        _check_expiry(errors, changes.expiry_date)
    add = _clean_tags(errors, "addTags", changes.add_tags)
    remove = _clean_tags(errors, "removeTags", changes.remove_tags)
    if set(add) & set(remove):
        errors.add(
            "addTags",
            DUPLICATED_INPUT_ITEM,
            "The same tag cannot be both added and removed.",
            tags=sorted(set(add) & set(remove)),
        )
    _check_metadata(errors, "metadata", changes.metadata)
    _check_metadata(errors, "privateMetadata", changes.private_metadata)
    errors.raise_if_any()
    return add, remove


def update_gift_card(
    *, actor: Actor, gift_card_id: int, changes: CardChanges
) -> GiftCard:
    """Reset the balance, move the expiry date, change tags or metadata.

    Locks the card; writes ``BALANCE_RESET``, ``EXPIRY_DATE_UPDATED`` and
    ``TAGS_UPDATED`` events for what changed.
    """
    add, remove = _check_changes(changes)
    with transaction.atomic():
        card = lock_gift_card(gift_card_id)
        events: list[GiftCardEvent] = []
        fields: list[str] = []
        if changes.balance_amount is not None:
            events.append(_reset_balance(card, changes.balance_amount, actor))
            fields += ["initial_balance_amount", "current_balance_amount"]
        if changes.expiry_date is not UNSET and changes.expiry_date != card.expiry_date:
            events.append(_move_expiry(card, changes.expiry_date, actor))
            fields.append("expiry_date")
        for name, items in (
            ("metadata", changes.metadata),
            ("private_metadata", changes.private_metadata),
        ):
            if items:
                data = dict(getattr(card, name) or {})
                data.update({key.strip(): value for key, value in items})
                setattr(card, name, data)
                fields.append(name)
        if fields:
            card.save(update_fields=fields)
        if add or remove:
            events.extend(_change_tags(card, add, remove, actor))
        GiftCardEvent.objects.bulk_create(events)
    return card


def _reset_balance(card: GiftCard, amount: Decimal, actor: Actor) -> GiftCardEvent:
    old_initial = card.initial_balance_amount
    old_current = card.current_balance_amount
    card.initial_balance_amount = card.current_balance_amount = quantize(
        amount, card.currency
    )
    return _event(
        card,
        GiftCardEventType.BALANCE_RESET,
        actor,
        balance=_balance_parameters(card, old_initial, old_current),
    )


def _move_expiry(
    card: GiftCard, expiry_date: datetime.date | None, actor: Actor
) -> GiftCardEvent:
    old = card.expiry_date
    card.expiry_date = expiry_date
    return _event(
        card,
        GiftCardEventType.EXPIRY_DATE_UPDATED,
        actor,
        expiry_date=None if expiry_date is None else expiry_date.isoformat(),
        old_expiry_date=None if old is None else old.isoformat(),
    )


def _change_tags(
    card: GiftCard, add: list[str], remove: list[str], actor: Actor
) -> list[GiftCardEvent]:
    old = sorted(card.tags.values_list("name", flat=True))
    if add:
        card.tags.add(*_tags(add))
    if remove:
        card.tags.remove(*GiftCardTag.objects.filter(name__in=remove))
        _prune_unused_tags()
    new = sorted(card.tags.values_list("name", flat=True))
    if new == old:
        return []
    return [_event(card, GiftCardEventType.TAGS_UPDATED, actor, tags=new, old_tags=old)]


def set_gift_cards_active(
    *, actor: Actor, gift_card_ids: Sequence[int], is_active: bool
) -> list[GiftCard]:
    """(De)activate the cards that exist; ``ACTIVATED``/``DEACTIVATED`` events for
    those whose state changed. Locks them in primary-key order."""
    type = GiftCardEventType.ACTIVATED if is_active else GiftCardEventType.DEACTIVATED
    with transaction.atomic():
        cards = lock_gift_cards(gift_card_ids)
        changed = [card for card in cards if card.is_active != is_active]
        GiftCard.objects.filter(pk__in=[card.pk for card in changed]).update(
            is_active=is_active
        )
        for card in changed:
            card.is_active = is_active
        GiftCardEvent.objects.bulk_create(_event(c, type, actor) for c in changed)
    return cards


def set_gift_card_active(
    *, actor: Actor, gift_card_id: int, is_active: bool
) -> GiftCard:
    cards = set_gift_cards_active(
        actor=actor, gift_card_ids=[gift_card_id], is_active=is_active
    )
    if not cards:
        raise ValidationFailed.one("id", NOT_FOUND, "The gift card does not exist.")
    return cards[0]


def delete_gift_cards(*, actor: Actor, gift_card_ids: Sequence[int]) -> list[GiftCard]:
    """Delete the cards that exist (with their events); returns them, pks kept."""
    with transaction.atomic():
        cards = lock_gift_cards(gift_card_ids)
        ids = [card.pk for card in cards]
        GiftCard.objects.filter(pk__in=ids).delete()
        _prune_unused_tags()
    return cards


def delete_gift_card(*, actor: Actor, gift_card_id: int) -> GiftCard:
    cards = delete_gift_cards(actor=actor, gift_card_ids=[gift_card_id])
    if not cards:
        raise ValidationFailed.one("id", NOT_FOUND, "The gift card does not exist.")
    return cards[0]


def add_note(*, actor: Actor, gift_card_id: int, message: str) -> GiftCardEvent:
    """Write a ``NOTE_ADDED`` event on the card."""
    message = message.strip()
    if not message:
        raise ValidationFailed.one("message", REQUIRED, "The note cannot be empty.")
    if len(message) > MAX_NOTE_LENGTH or has_nul(message):
        raise ValidationFailed.one("message", INVALID, "The note is too long.")
    with transaction.atomic():
        card = lock_gift_card(gift_card_id)
        return GiftCardEvent.objects.create(
            gift_card=card,
            type=GiftCardEventType.NOTE_ADDED,
            user_id=actor.user_id,
            app_id=actor.app_id,
            parameters={"message": message},
        )


def adjust_balance(*, actor: Actor, gift_card_id: int, amount: Decimal) -> GiftCard:
    """Top up (positive ``amount``) or deduct from the current balance.

    A deduction stops at zero; a top-up past the initial balance raises the
    initial balance with it. Locks the card; writes a ``BALANCE_ADJUSTED`` event.
    """
    if not amount.is_finite() or amount == 0 or abs(amount) >= MAX_AMOUNT:
        raise ValidationFailed.one(
            "amount", INVALID, "The adjustment must be a non-zero amount."
        )
    with transaction.atomic():
        card = lock_gift_card(gift_card_id)
        old_initial = card.initial_balance_amount
        old_current = card.current_balance_amount
        delta = quantize(amount, card.currency)
        card.current_balance_amount = max(old_current + delta, Decimal(0))
        card.initial_balance_amount = max(old_initial, card.current_balance_amount)
        card.save(update_fields=["current_balance_amount", "initial_balance_amount"])
        GiftCardEvent.objects.create(
            gift_card=card,
            type=GiftCardEventType.BALANCE_ADJUSTED,
            user_id=actor.user_id,
            app_id=actor.app_id,
            parameters={"balance": _balance_parameters(card, old_initial, old_current)},
        )
    return card


def resend_gift_card(
    *, actor: Actor, gift_card_id: int, channel: str, email: str | None = None
) -> GiftCard:
    """Email the card's code again, from ``channel`` (a slug), to ``email`` or else
    to whom the card is for (who used it, else who issued it); a ``RESENT`` event
    records it. Expired cards are refused (``EXPIRED_GIFT_CARD``)."""
    email = (email or "").strip() or None
    errors = ErrorCollector()
    _check_email(errors, email, "email")
    sender = _sending_channel(errors, channel)
    errors.raise_if_any()
    assert sender is not None
    with transaction.atomic():
        card = lock_gift_card(gift_card_id)
        if card.expiry_date is not None and card.expiry_date < timezone.localdate():
            raise ValidationFailed.one(
                "id", EXPIRED_GIFT_CARD, "The gift card has expired."
            )
        target = email or card.used_by_email or card.created_by_email
        if not target:
            raise ValidationFailed.one(
                "email", REQUIRED, "Give the email address to send the card to."
            )
        _send_card(
            card,
            actor=actor,
            email=target,
            channel=sender,
            type=GiftCardEventType.RESENT,
        ).save()
    return card


def assign_gift_card(*, actor: Actor, gift_card_id: int, user_id: int) -> GiftCard:
    """Reserve the card for one customer; writes an ``ASSIGNED_TO_USER`` event."""
    with transaction.atomic():
        card = lock_gift_card(gift_card_id)
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise ValidationFailed.one("userId", NOT_FOUND, "The user does not exist.")
        old_id, old_email = card.assigned_to_id, card.assigned_to_email
        card.assigned_to = user
        card.assigned_to_email = user.email
        card.save(update_fields=["assigned_to", "assigned_to_email"])
        _assignment_event(
            card, actor, old_id, old_email, GiftCardEventType.ASSIGNED_TO_USER
        )
    return card


def unassign_gift_card(*, actor: Actor, gift_card_id: int) -> GiftCard:
    """Let anyone use the card again; writes an ``UNASSIGNED_FROM_USER`` event."""
    with transaction.atomic():
        card = lock_gift_card(gift_card_id)
        old_id, old_email = card.assigned_to_id, card.assigned_to_email
        if old_id is None and old_email is None:
            return card
        card.assigned_to = None
        card.assigned_to_email = None
        card.save(update_fields=["assigned_to", "assigned_to_email"])
        _assignment_event(
            card, actor, old_id, old_email, GiftCardEventType.UNASSIGNED_FROM_USER
        )
    return card


def _assignment_event(
    card: GiftCard,
    actor: Actor,
    old_id: int | None,
    old_email: str | None,
    type: GiftCardEventType,
) -> None:
    _event(
        card,
        type,
        actor,
        assigned_to={
            "old_user_id": old_id,
            "old_email": old_email,
            "user_id": card.assigned_to_id,
            "email": card.assigned_to_email,
        },
    ).save()
