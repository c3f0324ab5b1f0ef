"""Money inside mercato: ``Decimal`` with an ISO currency, rounded in one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision
from prices import Money, MoneyRange, TaxedMoney, TaxedMoneyRange

__all__ = [
    "Money",
    "MoneyRange",
    "TaxedMoney",
    "TaxedMoneyRange",
    "currency_precision",
    "money",
    "quantize",
    "taxed",
]


@cache
def currency_precision(currency: str) -> int:
    try:
        return int(get_currency_precision(currency))
    except Exception:  # unknown currency codes get two decimal places
        return 2


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the precision of ``currency``. The only rounding."""
    exponent = Decimal(1).scaleb(-currency_precision(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def money(amount: Decimal | int | str, currency: str) -> Money:
    return Money(quantize(Decimal(amount), currency), currency)


def taxed(amount: Money) -> TaxedMoney:
    """A price with no tax applied: net equals gross (until taxes exist)."""
    return TaxedMoney(net=amount, gross=amount)
