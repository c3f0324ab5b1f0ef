"""Writes of a checkout's promo codes: voucher codes and gift cards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from mercato.checkout.calculations import discount_lines, recalculate_checkout
from mercato.checkout.models import Checkout
from mercato.checkout.services.cart import (
    INVALID,
    checkout_lines,
    lock_checkout,
    touch_checkout,
)
from mercato.core.errors import ValidationFailed
from mercato.discount.checkout import validate_voucher_code
from mercato.discount.models import VoucherCode
from mercato.giftcard.checkout import (
    attach_gift_card,
    detach_gift_card,
    find_usable_gift_card,
)
from mercato.giftcard.models import GiftCard

GRAPHQL_ERROR = "GRAPHQL_ERROR"

INVALID_PROMO_CODE = "INVALID_PROMO_CODE"


def add_checkout_promo_code(*, token: uuid.UUID, promo_code: str) -> Checkout:
    """Apply a voucher code, else a gift card, to the checkout. Raises on
    ``promoCode``: ``INVALID`` for a code that is neither, ``VOUCHER_NOT_APPLICABLE``
    for a voucher that does not apply. Locks the checkout."""
    code = promo_code.strip()
    with transaction.atomic():
        checkout = lock_checkout(token)
        lines = checkout_lines(checkout)
        try:
            voucher_code = validate_voucher_code(
                code=code,
                channel_id=checkout.channel_id,
                currency=checkout.currency,
                lines=discount_lines(checkout, lines),
                email=checkout.email or None,
                user_id=checkout.user_id,
            )
        except ValidationFailed as failed:
            if {e.code for e in failed.errors} != {INVALID_PROMO_CODE}:
                raise
            _apply_gift_card(checkout, code)
        else:
            checkout.voucher_code = voucher_code.code
        touch_checkout(checkout, "voucher_code")
        recalculate_checkout(checkout, lines)
        return checkout


def _apply_gift_card(checkout: Checkout, code: str) -> None:
    card = find_usable_gift_card(
        code=code,
        currency=checkout.currency,
        user_id=checkout.user_id,
        email=checkout.email or None,
    )
    if card is None:
        raise ValidationFailed.one("promoCode", INVALID, "Promo code is invalid.")
    attach_gift_card(checkout_token=checkout.pk, gift_card=card)


@dataclass(frozen=True)
class PromoCodeRef:
    """What to remove: a code, or a gift card or voucher by id."""

    code: str | None = None
    gift_card_id: int | None = None
    voucher_id: int | None = None


def remove_checkout_promo_code(*, token: uuid.UUID, ref: PromoCodeRef) -> Checkout:
    """Remove a voucher code or a gift card from the checkout; one that is not
    applied is ignored. Locks the checkout."""
    if ref.code is None and ref.gift_card_id is None and ref.voucher_id is None:
        raise ValidationFailed.one(
            "promoCode", GRAPHQL_ERROR, "Give either promoCode or promoCodeId."
        )
    with transaction.atomic():
        checkout = lock_checkout(token)
        if _voucher_matches(checkout, ref):
            checkout.voucher_code = None
        elif ref.gift_card_id is not None:
            detach_gift_card(checkout_token=checkout.pk, gift_card_id=ref.gift_card_id)
        elif ref.code:
            card = GiftCard.objects.filter(
                code__iexact=ref.code.strip(), checkouts=checkout.pk
            ).first()
            if card is not None:
                detach_gift_card(checkout_token=checkout.pk, gift_card_id=card.pk)
        touch_checkout(checkout, "voucher_code")
        recalculate_checkout(checkout, checkout_lines(checkout))
        return checkout


def _voucher_matches(checkout: Checkout, ref: PromoCodeRef) -> bool:
    if not checkout.voucher_code:
        return False
    if ref.code is not None:
        return ref.code.strip().lower() == checkout.voucher_code.lower()
    if ref.voucher_id is not None:
        return VoucherCode.objects.filter(
            code=checkout.voucher_code, voucher_id=ref.voucher_id
        ).exists()
    return False
