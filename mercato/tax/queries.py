"""Reads of tax configurations, classes and rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from mercato.channel.models import Channel
from mercato.tax.models import (
    TaxClass,
    TaxClassCountryRate,
    TaxConfiguration,
    TaxConfigurationPerCountry,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class ChannelTaxes:
    """What pricing needs to know about taxes in one channel and country."""

    charge_taxes: bool = False
    display_gross_prices: bool = True
    prices_entered_with_tax: bool = True
    rates: dict[int | None, Decimal] = field(default_factory=dict)

    def rate_for(self, tax_class_id: int | None) -> Decimal:
        """The class's rate in the country, else the country's default, else 0."""
        if not self.charge_taxes:
            return ZERO
        if tax_class_id is not None and tax_class_id in self.rates:
            return self.rates[tax_class_id]
        return self.rates.get(None, ZERO)


def get_tax_configuration(channel: Channel) -> TaxConfiguration:
    """The channel's tax configuration, created with the defaults when missing."""
    configuration, _ = TaxConfiguration.objects.get_or_create(channel=channel)
    return configuration


def list_tax_configurations() -> QuerySet[TaxConfiguration]:
    return TaxConfiguration.objects.order_by("pk")


def list_tax_classes() -> QuerySet[TaxClass]:
    return TaxClass.objects.order_by("name", "pk")


def get_country_rates(country_code: str) -> dict[int | None, Decimal]:
    """Flat rates of a country by tax class id (``None``: the country's default)."""
    rows = TaxClassCountryRate.objects.filter(country=country_code.upper())
    return dict(rows.values_list("tax_class_id", "rate"))


def get_channel_taxes(*, channel: Channel, country_code: str) -> ChannelTaxes:
    """The channel's tax settings for a country (its exception applied) and rates.

    Two statements: the configuration with the country's exception, and the rates.
    """
    configuration = get_tax_configuration(channel)
    country = country_code.upper()
    exception = TaxConfigurationPerCountry.objects.filter(
        tax_configuration=configuration, country=country
    ).first()
    charge_taxes = configuration.charge_taxes
    display_gross = configuration.display_gross_prices
    if exception is not None:
        charge_taxes = exception.charge_taxes
        display_gross = exception.display_gross_prices
    return ChannelTaxes(
        charge_taxes=charge_taxes,
        display_gross_prices=display_gross,
        prices_entered_with_tax=configuration.prices_entered_with_tax,
        rates=get_country_rates(country) if charge_taxes else {},
    )
