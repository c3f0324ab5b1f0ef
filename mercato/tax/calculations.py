"""Flat-rate tax arithmetic. Rounding goes through ``mercato.core.money.quantize``."""

from __future__ import annotations

from decimal import Decimal

from mercato.channel.models import Channel
from mercato.core.money import Money, TaxedMoney, quantize
from mercato.tax.queries import get_channel_taxes

HUNDRED = Decimal(100)


def apply_flat_rate(
    *, price: Money, rate: Decimal, prices_entered_with_tax: bool
) -> TaxedMoney:
    """Split ``price`` into net and gross at ``rate`` percent.

    The side the price was entered on is rounded first and the other side is derived
    from it, so net + tax equals gross exactly after rounding.
    """
    currency = price.currency
    amount = quantize(price.amount, currency)
    if prices_entered_with_tax:
        net = quantize(amount * HUNDRED / (HUNDRED + rate), currency)
        return TaxedMoney(net=Money(net, currency), gross=Money(amount, currency))
    tax = quantize(amount * rate / HUNDRED, currency)
    return TaxedMoney(net=Money(amount, currency), gross=Money(amount + tax, currency))


def tax_rate_for(
    *, channel: Channel, country_code: str, tax_class_id: int | None
) -> Decimal:
    """The flat rate (percent) of a tax class in a country, for a channel.

    A class without its own rate in the country takes the country's default rate;
    a channel that does not charge taxes there has a rate of zero.
    """
    return get_channel_taxes(channel=channel, country_code=country_code).rate_for(
        tax_class_id
    )
