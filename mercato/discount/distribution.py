"""Splitting one rounded amount into shares that add up to it exactly."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from mercato.core.money import currency_precision


def distribute(
    amount: Decimal, weights: Sequence[Decimal], currency: str
) -> list[Decimal]:
    """Split ``amount`` (already rounded to ``currency``) in proportion to ``weights``.

    Each share is rounded down to the currency's smallest unit, then the units left
    over go one each to the shares with the largest cut-off fractions (ties to the
    earlier weight), so the shares always sum to ``amount`` exactly and the result
    depends only on the input order. Zero total weight splits evenly.
    """
    if not weights:
        return []
    unit = Decimal(1).scaleb(-currency_precision(currency))
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0:
        weights = [Decimal(1)] * len(weights)
        total_weight = Decimal(len(weights))
    units_total = int((amount / unit).to_integral_value())
    exact = [units_total * w / total_weight for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = units_total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:left]:
        floors[index] += 1
    return [Decimal(units) * unit for units in floors]
