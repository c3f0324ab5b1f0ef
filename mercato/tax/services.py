"""Writes of tax configurations, tax classes and flat rates.

Each service validates everything first (``ValidationFailed`` changes nothing) and
writes in one transaction. No events yet: nothing listens to tax changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.tax.models import (
    TaxCalculationStrategy,
    TaxClass,
    TaxClassCountryRate,
    TaxConfiguration,
    TaxConfigurationPerCountry,
)
from mercato.tax.queries import forget_channel_taxes

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
CANNOT_CREATE_NEGATIVE_RATE = "CANNOT_CREATE_NEGATIVE_RATE"
ONLY_ONE_DEFAULT_COUNTRY_RATE_ALLOWED = "ONLY_ONE_DEFAULT_COUNTRY_RATE_ALLOWED"
MAX_RATE = Decimal(10) ** 6


@dataclass(frozen=True)
class CountryException:
    country: str
    charge_taxes: bool
    display_gross_prices: bool
    tax_calculation_strategy: str | None = None
    tax_app_id: str | None = None


def _check_rate(
    errors: ErrorCollector,
    field: str,
    rate: Decimal,
    negative_code: str = INVALID,
    **extra: Any,
) -> None:
    if not rate.is_finite() or rate >= MAX_RATE:
        errors.add(field, INVALID, "The rate is too large.", **extra)
    elif rate < 0:
        errors.add(field, negative_code, "A rate cannot be negative.", **extra)


def _check_duplicates(
    errors: ErrorCollector, field: str, countries: Sequence[str]
) -> None:
    twice = sorted({c for c in countries if countries.count(c) > 1})
    if twice:
        errors.add(
            field,
            DUPLICATED_INPUT_ITEM,
            "A country is listed more than once.",
            country_codes=twice,
        )


def create_tax_configuration(*, channel: Channel) -> TaxConfiguration:
    """Give a new channel the default tax configuration (caller's transaction)."""
    return TaxConfiguration.objects.create(channel=channel)


def lock_tax_configuration(configuration_id: int) -> TaxConfiguration:
    """The configuration, locked for update; ``NOT_FOUND`` on ``id`` if missing."""
    found = (
        TaxConfiguration.objects.select_for_update().filter(pk=configuration_id).first()
    )
    if found is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Tax configuration not found.")
    return found


def update_tax_configuration(
    *,
    actor: Actor,
    configuration_id: int,
    values: dict[str, Any],
    update_countries: Sequence[CountryException] = (),
    remove_countries: Sequence[str] = (),
) -> TaxConfiguration:
    """Change a channel's tax configuration and its per-country exceptions.

    ``values`` holds the given fields among charge_taxes, tax_calculation_strategy,
    display_gross_prices, prices_entered_with_tax and tax_app_id. Locks the
    configuration row.
    """
    errors = ErrorCollector()
    countries = [c.country for c in update_countries]
    _check_duplicates(errors, "updateCountriesConfiguration", countries)
    both = sorted(set(countries) & set(remove_countries))
    if both:
        errors.add(
            "removeCountriesConfiguration",
            DUPLICATED_INPUT_ITEM,
            "A country cannot be both updated and removed.",
            country_codes=both,
        )
    strategy = values.get("tax_calculation_strategy")
    if strategy is not None and strategy not in TaxCalculationStrategy.values:
        errors.add("taxCalculationStrategy", INVALID, "Unknown strategy.")
    errors.raise_if_any()
    with transaction.atomic():
        # Now for this connection's own reads, and again once others can see it.
        forget_channel_taxes()
        transaction.on_commit(forget_channel_taxes)
        configuration = lock_tax_configuration(configuration_id)
        for name, value in values.items():
            setattr(configuration, name, value)
        configuration.save()
        TaxConfigurationPerCountry.objects.filter(
            tax_configuration=configuration, country__in=remove_countries
        ).delete()
        for exception in update_countries:
            TaxConfigurationPerCountry.objects.update_or_create(
                tax_configuration=configuration,
                country=exception.country,
                defaults={
                    "charge_taxes": exception.charge_taxes,
                    "display_gross_prices": exception.display_gross_prices,
                    "tax_calculation_strategy": exception.tax_calculation_strategy,
                    "tax_app_id": exception.tax_app_id,
                },
            )
    return configuration


def _check_name(errors: ErrorCollector, name: str | None) -> None:
    if name is not None and not name.strip():
        errors.add("name", INVALID, "A tax class needs a name.")
    elif name is not None and len(name) > 255:
        errors.add("name", INVALID, "The name is longer than 255 characters.")


def _check_class_rates(
    errors: ErrorCollector, field: str, rates: dict[str, Decimal | None]
) -> None:
    for country, rate in rates.items():
        if rate is not None:
            _check_rate(errors, field, rate, country_codes=[country])


def _set_class_rates(tax_class: TaxClass, rates: dict[str, Decimal | None]) -> None:
    for country, rate in rates.items():
        if rate is None:
            tax_class.country_rates.filter(country=country).delete()
        else:
            TaxClassCountryRate.objects.update_or_create(
                tax_class=tax_class, country=country, defaults={"rate": rate}
            )


def create_tax_class(
    *, actor: Actor, name: str, rates: Sequence[tuple[str, Decimal]] = ()
) -> TaxClass:
    """Create a tax class with its flat rates per country."""
    errors = ErrorCollector()
    _check_name(errors, name)
    _check_class_rates(errors, "createCountryRates", dict(rates))
    errors.raise_if_any()
    with transaction.atomic():
        # Now for this connection's own reads, and again once others can see it.
        forget_channel_taxes()
        transaction.on_commit(forget_channel_taxes)
        tax_class = TaxClass.objects.create(name=name.strip())
        _set_class_rates(tax_class, dict(rates))
    return tax_class


def update_tax_class(
    *,
    actor: Actor,
    tax_class_id: int,
    name: str | None = None,
    update_rates: Sequence[tuple[str, Decimal | None]] = (),
    remove_countries: Sequence[str] = (),
) -> TaxClass:
    """Rename a tax class and set (rate ``None``: remove) its rates per country.

    Locks the tax class row.
    """
    errors = ErrorCollector()
    _check_name(errors, name)
    _check_duplicates(
        errors, "updateCountryRates", [country for country, _ in update_rates]
    )
    _check_class_rates(errors, "updateCountryRates", dict(update_rates))
    errors.raise_if_any()
    with transaction.atomic():
        # Now for this connection's own reads, and again once others can see it.
        forget_channel_taxes()
        transaction.on_commit(forget_channel_taxes)
        tax_class = TaxClass.objects.select_for_update().filter(pk=tax_class_id).first()
        if tax_class is None:
            raise ValidationFailed.one("id", NOT_FOUND, "Tax class not found.")
        if name is not None:
            tax_class.name = name.strip()
            tax_class.save(update_fields=["name"])
        tax_class.country_rates.filter(country__in=remove_countries).delete()
        _set_class_rates(tax_class, dict(update_rates))
    return tax_class


def delete_tax_class(*, actor: Actor, tax_class_id: int) -> TaxClass:
    """Delete a tax class; its products and product types fall back to defaults."""
    with transaction.atomic():
        # Now for this connection's own reads, and again once others can see it.
        forget_channel_taxes()
        transaction.on_commit(forget_channel_taxes)
        tax_class = TaxClass.objects.select_for_update().filter(pk=tax_class_id).first()
        if tax_class is None:
            raise ValidationFailed.one("id", NOT_FOUND, "Tax class not found.")
        pk = tax_class.pk
        tax_class.delete()
        tax_class.pk = pk
    return tax_class


def update_country_rates(
    *, actor: Actor, country: str, rates: Sequence[tuple[int | None, Decimal | None]]
) -> str:
    """Set the flat rates of a country per tax class (``None``: its default rate).

    A rate of ``None`` removes the row. Returns the country code.
    """
    errors = ErrorCollector()
    class_ids = [class_id for class_id, _ in rates]
    if class_ids.count(None) > 1:
        errors.add(
            "updateTaxClassRates",
            ONLY_ONE_DEFAULT_COUNTRY_RATE_ALLOWED,
            "Give the country's default rate once.",
        )
    wanted = {class_id for class_id in class_ids if class_id is not None}
    found = set(TaxClass.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        errors.add("updateTaxClassRates", NOT_FOUND, "Some tax classes do not exist.")
    for _, rate in rates:
        if rate is not None:
            _check_rate(
                errors, "updateTaxClassRates", rate, CANNOT_CREATE_NEGATIVE_RATE
            )
    errors.raise_if_any()
    with transaction.atomic():
        # Now for this connection's own reads, and again once others can see it.
        forget_channel_taxes()
        transaction.on_commit(forget_channel_taxes)
        for class_id, rate in rates:
            existing = TaxClassCountryRate.objects.filter(
                country=country, tax_class_id=class_id
            )
            if rate is None:
                existing.delete()
            elif not existing.update(rate=rate):
                TaxClassCountryRate.objects.create(
                    country=country, tax_class_id=class_id, rate=rate
                )
    return country


def delete_country_rates(*, actor: Actor, country: str) -> str:
    """Remove every flat rate of a country. Returns the country code."""
    with transaction.atomic():
        # Now for this connection's own reads, and again once others can see it.
        forget_channel_taxes()
        transaction.on_commit(forget_channel_taxes)
        TaxClassCountryRate.objects.filter(country=country).delete()
    return country
