"""Reads of tax configurations, classes and rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db.models import F, OuterRef, QuerySet, Subquery

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

    charge_taxes: bool = True
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


def list_tax_classes(
    *, ids: list[int] | None = None, countries: list[str] | None = None
) -> QuerySet[TaxClass]:
    """Tax classes, optionally only these ids or those with a rate in a country."""
    rows = TaxClass.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    if countries is not None:
        rows = rows.filter(
            pk__in=TaxClassCountryRate.objects.filter(country__in=countries).values(
                "tax_class_id"
            )
        )
    return rows


def list_country_rates(country_code: str) -> list[TaxClassCountryRate]:
    """A country's rates: its default first, then per tax class."""
    rows = TaxClassCountryRate.objects.filter(country=country_code.upper())
    return list(rows.order_by(F("tax_class_id").asc(nulls_first=True), "pk"))


def list_rate_countries() -> list[str]:
    """Countries that have any flat rate, in order."""
    rows = TaxClassCountryRate.objects.order_by("country").distinct("country")
    return list(rows.values_list("country", flat=True))


def get_country_rates(country_code: str) -> dict[int | None, Decimal]:
    """Flat rates of a country by tax class id (``None``: the country's default)."""
    rows = TaxClassCountryRate.objects.filter(country=country_code.upper())
    return dict(rows.values_list("tax_class_id", "rate"))


def get_channel_taxes(*, channel: Channel, country_code: str) -> ChannelTaxes:
    """The channel's tax settings for a country (its exception applied) and rates.

    One statement, so that pricing a product list costs one more statement at most.
    A channel without a stored configuration has the defaults.
    """
    country = country_code.upper()
    configuration = TaxConfiguration.objects.filter(channel_id=OuterRef("pk"))
    exception = TaxConfigurationPerCountry.objects.filter(
        tax_configuration__channel_id=OuterRef("pk"), country=country
    )
    rates = TaxClassCountryRate.objects.filter(country=country).order_by("pk")
    row = (
        Channel.objects.filter(pk=channel.pk)
        .annotate(
            charge=Subquery(configuration.values("charge_taxes")[:1]),
            display_gross=Subquery(configuration.values("display_gross_prices")[:1]),
            entered_with_tax=Subquery(
                configuration.values("prices_entered_with_tax")[:1]
            ),
            country_charge=Subquery(exception.values("charge_taxes")[:1]),
            country_display_gross=Subquery(
                exception.values("display_gross_prices")[:1]
            ),
            class_ids=ArraySubquery(rates.values("tax_class_id")),
            rates=ArraySubquery(rates.values("rate")),
        )
        .values(
            "charge",
            "display_gross",
            "entered_with_tax",
            "country_charge",
            "country_display_gross",
            "class_ids",
            "rates",
        )
        .first()
    )
    if row is None:
        return ChannelTaxes()
    charge_taxes = _first_set(row["country_charge"], row["charge"], True)
    return ChannelTaxes(
        charge_taxes=charge_taxes,
        display_gross_prices=_first_set(
            row["country_display_gross"], row["display_gross"], True
        ),
        prices_entered_with_tax=_first_set(row["entered_with_tax"], True),
        rates=dict(zip(row["class_ids"], row["rates"], strict=True))
        if charge_taxes
        else {},
    )


def _first_set(*values: bool | None) -> bool:
    """The first value that is not ``None`` (the last one always is set)."""
    for value in values:
        if value is not None:
            return value
    return True


_GENERATION_KEY = "mercato:taxes:generation"


def forget_channel_taxes() -> None:
    """Drop every cached ``ChannelTaxes``; call after any write to tax settings."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def get_cached_channel_taxes(*, channel: Channel, country_code: str) -> ChannelTaxes:
    """``get_channel_taxes`` through the cache: every priced product list needs it,
    and tax settings change rarely (each write clears the cache)."""
    generation = cache.get(_GENERATION_KEY, 0)
    key = f"mercato:taxes:{generation}:{channel.pk}:{country_code.upper()}"
    taxes: ChannelTaxes | None = cache.get(key)
    if taxes is None:
        taxes = get_channel_taxes(channel=channel, country_code=country_code)
        cache.set(key, taxes, settings.CHANNEL_CACHE_SECONDS)
    return taxes
