"""The payment method a transaction was paid with, as its provider reports it
(transactionCreate, transactionUpdate, transactionEventReport).

Stored on ``TransactionItem.payment_method_details`` as a small JSON object with a
``type`` (CARD, GIFT_CARD or OTHER) and the method's display details; never a full
card number: at most four first and four last digits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from mercato.core.errors import ErrorCollector

INVALID = "INVALID"

CARD = "CARD"
GIFT_CARD = "GIFT_CARD"
OTHER = "OTHER"

NAME_MAX_LENGTH = 256
BRAND_MAX_LENGTH = 40
DIGITS_MAX_LENGTH = 4


@dataclass(frozen=True)
class PaymentMethodDetails:
    type: str
    name: str
    brand: str | None = None
    first_digits: str | None = None
    last_digits: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    last_chars: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in dataclasses.asdict(self).items()
            if value is not None
        }


def check_details(
    errors: ErrorCollector, field: str, details: PaymentMethodDetails | None
) -> None:
    """Add an INVALID error on ``field`` (or one of its sub-fields) for each
    detail out of bounds."""
    if details is None:
        return
    if details.type not in (CARD, GIFT_CARD, OTHER):
        errors.add(field, INVALID, "Give exactly one of card, giftCard or other.")
        return
    kind = {CARD: "card", GIFT_CARD: "giftCard", OTHER: "other"}[details.type]
    prefix = f"{field}.{kind}"
    if not details.name.strip() or len(details.name) > NAME_MAX_LENGTH:
        errors.add(
            f"{prefix}.name",
            INVALID,
            f"The name needs 1 to {NAME_MAX_LENGTH} characters.",
        )
    if details.brand is not None and len(details.brand) > BRAND_MAX_LENGTH:
        errors.add(
            f"{prefix}.brand", INVALID, f"Use at most {BRAND_MAX_LENGTH} characters."
        )
    for attr, name in (
        ("first_digits", "firstDigits"),
        ("last_digits", "lastDigits"),
        ("last_chars", "lastChars"),
    ):
        value = getattr(details, attr)
        if value is not None and len(value) > DIGITS_MAX_LENGTH:
            errors.add(
                f"{prefix}.{name}",
                INVALID,
                f"Use at most {DIGITS_MAX_LENGTH} characters.",
            )
    if details.exp_month is not None and not 1 <= details.exp_month <= 12:
        errors.add(f"{prefix}.expMonth", INVALID, "The month must be 1 to 12.")
    if details.exp_year is not None and not 2000 <= details.exp_year <= 9999:
        errors.add(f"{prefix}.expYear", INVALID, "The year must be 2000 to 9999.")
