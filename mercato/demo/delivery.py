"""Demo shipping zones, methods and tax settings, so a demo checkout can be
delivered and shows taxes.

The default channel (USD) enters prices without tax and adds a flat 8 % in the
United States; the PLN channel enters prices with Polish VAT included (23 %,
and the rates of its neighbours for deliveries abroad).
"""

from __future__ import annotations

from decimal import Decimal

from mercato.demo.context import DemoContext
from mercato.demo.data.content import DEFAULT_CHANNEL, PLN_CHANNEL
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingMethodType,
    ShippingZone,
)
from mercato.tax.models import TaxClassCountryRate, TaxConfiguration

EUROPE = ("PL", "DE", "NL", "FR", "CZ", "SK", "LT", "AT", "BE", "DK", "ES", "IT")

# zone name, countries, warehouse slugs, channel slugs
ZONES = (
    (
        "United States",
        ("US",),
        ("americas-columbus", "portland-pickup-store", "global-fulfilment-rotterdam"),
        (DEFAULT_CHANNEL,),
    ),
    (
        "Europe",
        EUROPE,
        ("global-fulfilment-rotterdam", "central-europe-poznan"),
        (DEFAULT_CHANNEL, PLN_CHANNEL),
    ),
)
# zone, method, delivery days, {channel: (price, minimum order, maximum order)}
METHODS = (
    ("United States", "Standard", (3, 5), {DEFAULT_CHANNEL: ("5.00", None, "99.99")}),
    ("United States", "Free over $100", (3, 5), {DEFAULT_CHANNEL: ("0", "100", None)}),
    ("United States", "Express", (1, 2), {DEFAULT_CHANNEL: ("15.00", None, None)}),
    (
        "Europe",
        "DPD",
        (2, 4),
        {DEFAULT_CHANNEL: ("9.00", None, None), PLN_CHANNEL: ("19.99", None, None)},
    ),
    ("Europe", "InPost parcel locker", (1, 3), {PLN_CHANNEL: ("12.99", None, None)}),
)
# channel: (prices entered with tax, {country: default rate in percent})
TAXES = {
    DEFAULT_CHANNEL: (False, {"US": "8"}),
    PLN_CHANNEL: (True, {"PL": "23", "DE": "19", "CZ": "21", "LT": "21"}),
}


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def create_delivery(ctx: DemoContext) -> None:
    zones: dict[str, ShippingZone] = {}
    for name, countries, warehouses, channels in ZONES:
        zone = ShippingZone.objects.create(name=name, countries=list(countries))
        zone.warehouses.set([ctx.warehouses[slug] for slug in warehouses])
        zone.channels.set([ctx.channels[slug] for slug in channels])
        zones[name] = zone
    listings: list[ShippingMethodChannelListing] = []
    for zone_name, name, (fastest, slowest), prices in METHODS:
        method = ShippingMethod.objects.create(
            shipping_zone=zones[zone_name],
            name=name,
            type=ShippingMethodType.PRICE,
            minimum_delivery_days=fastest,
            maximum_delivery_days=slowest,
        )
        for slug, (price, low, high) in prices.items():
            channel = ctx.channels[slug]
            listings.append(
                ShippingMethodChannelListing(
                    shipping_method=method,
                    channel=channel,
                    currency=channel.currency_code,
                    price_amount=Decimal(price),
                    minimum_order_price_amount=_amount(low),
                    maximum_order_price_amount=_amount(high),
                )
            )
    ShippingMethodChannelListing.objects.bulk_create(listings)


def create_taxes(ctx: DemoContext) -> None:
    rates: list[TaxClassCountryRate] = []
    for slug, (entered_with_tax, country_rates) in TAXES.items():
        TaxConfiguration.objects.update_or_create(
            channel=ctx.channels[slug],
            defaults={
                "charge_taxes": True,
                "prices_entered_with_tax": entered_with_tax,
                "display_gross_prices": True,
            },
        )
        rates.extend(
            TaxClassCountryRate(tax_class=None, country=country, rate=Decimal(rate))
            for country, rate in country_rates.items()
            if not any(r.country == country for r in rates)
        )
    TaxClassCountryRate.objects.bulk_create(rates)
