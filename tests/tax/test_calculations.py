from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.channel.models import Channel
from mercato.core.money import Money, currency_precision, quantize
from mercato.tax.calculations import apply_flat_rate, tax_rate_for
from mercato.tax.models import (
    TaxClass,
    TaxClassCountryRate,
    TaxConfigurationPerCountry,
)
from mercato.tax.queries import get_tax_configuration

CURRENCIES = ["JPY", "USD", "KWD"]

amounts = st.decimals(
    min_value=Decimal(0), max_value=Decimal(10) ** 9, places=3, allow_nan=False
)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=4)


def _is_quantized(money: Money) -> bool:
    return money.amount == quantize(money.amount, money.currency)


@given(
    amount=amounts,
    rate=rates,
    currency=st.sampled_from(CURRENCIES),
    gross=st.booleans(),
)
def test_net_plus_tax_is_gross_and_amounts_are_quantized(
    amount: Decimal, rate: Decimal, currency: str, gross: bool
) -> None:
    price = apply_flat_rate(
        price=Money(amount, currency), rate=rate, prices_entered_with_tax=gross
    )
    assert price.net + price.tax == price.gross
    assert _is_quantized(price.net)
    assert _is_quantized(price.gross)
    assert _is_quantized(price.tax)
    assert price.net <= price.gross
    entered = price.gross if gross else price.net
    assert entered.amount == quantize(amount, currency)


@given(amount=amounts, rate=rates, currency=st.sampled_from(CURRENCIES))
def test_entering_with_or_without_tax_round_trips(
    amount: Decimal, rate: Decimal, currency: str
) -> None:
    unit = Decimal(1).scaleb(-currency_precision(currency))
    from_net = apply_flat_rate(
        price=Money(amount, currency), rate=rate, prices_entered_with_tax=False
    )
    back = apply_flat_rate(
        price=from_net.gross, rate=rate, prices_entered_with_tax=True
    )
    assert abs(back.net.amount - from_net.net.amount) <= unit
    from_gross = apply_flat_rate(
        price=Money(amount, currency), rate=rate, prices_entered_with_tax=True
    )
    again = apply_flat_rate(
        price=from_gross.net, rate=rate, prices_entered_with_tax=False
    )
    assert abs(again.gross.amount - from_gross.gross.amount) <= unit


@pytest.mark.parametrize(
    ("entered_with_tax", "net", "gross"),
    [(True, "100.00", "123.00"), (False, "123.00", "151.29")],
)
def test_flat_rate_examples(entered_with_tax: bool, net: str, gross: str) -> None:
    price = apply_flat_rate(
        price=Money(Decimal("123.00"), "USD"),
        rate=Decimal(23),
        prices_entered_with_tax=entered_with_tax,
    )
    assert price.net == Money(Decimal(net), "USD")
    assert price.gross == Money(Decimal(gross), "USD")


def test_zero_decimal_currency_rounds_half_up() -> None:
    price = apply_flat_rate(
        price=Money(Decimal(105), "JPY"),
        rate=Decimal(10),
        prices_entered_with_tax=False,
    )
    assert price.tax == Money(Decimal(11), "JPY")  # 10.5 rounds up


@pytest.fixture
def channel(db: None) -> Channel:
    return Channel.objects.create(
        name="PL", slug="pl", currency_code="PLN", default_country="PL", is_active=True
    )


@pytest.mark.django_db
def test_rate_prefers_the_class_then_the_country_default(channel: Channel) -> None:
    books = TaxClass.objects.create(name="Books")
    food = TaxClass.objects.create(name="Food")
    TaxClassCountryRate.objects.create(country="PL", tax_class=None, rate=Decimal(23))
    TaxClassCountryRate.objects.create(country="PL", tax_class=books, rate=Decimal(5))
    assert tax_rate_for(channel=channel, country_code="PL", tax_class_id=books.pk) == 5
    assert tax_rate_for(channel=channel, country_code="pl", tax_class_id=food.pk) == 23
    assert tax_rate_for(channel=channel, country_code="PL", tax_class_id=None) == 23
    assert tax_rate_for(channel=channel, country_code="DE", tax_class_id=None) == 0


@pytest.mark.django_db
def test_no_rate_when_the_channel_or_country_does_not_charge(channel: Channel) -> None:
    TaxClassCountryRate.objects.create(country="PL", tax_class=None, rate=Decimal(23))
    TaxClassCountryRate.objects.create(country="DE", tax_class=None, rate=Decimal(19))
    configuration = get_tax_configuration(channel)
    TaxConfigurationPerCountry.objects.create(
        tax_configuration=configuration, country="DE", charge_taxes=False
    )
    assert tax_rate_for(channel=channel, country_code="DE", tax_class_id=None) == 0
    configuration.charge_taxes = False
    configuration.save()
    assert tax_rate_for(channel=channel, country_code="PL", tax_class_id=None) == 0
