"""Reads of shipping: which methods can deliver an order, and at what price."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Func, OuterRef, Q
from django.db.models.functions import JSONObject

from mercato.channel.models import Channel
from mercato.core.money import Money
from mercato.shipping.models import (
    PostalCodeRuleInclusionType,
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingMethodPostalCodeRule,
    ShippingMethodType,
    ShippingZone,
)


@dataclass(frozen=True)
class ApplicableMethod:
    """A method that can deliver the order, with its channel listing and price."""

    method: ShippingMethod
    listing: ShippingMethodChannelListing
    price: Money


def _normalise_postal_code(code: str) -> str:
    return "".join(code.split()).upper()


def _in_range(code: str, rule: ShippingMethodPostalCodeRule) -> bool:
    start = _normalise_postal_code(rule.start)
    if not rule.end:
        # A single code also names every code it begins (``SW1`` covers ``SW1A 1AA``).
        return code.startswith(start)
    end = _normalise_postal_code(rule.end)
    if code.isdigit() and start.isdigit() and end.isdigit():
        return int(start) <= int(code) <= int(end)
    # Alphanumeric codes compare by their leading characters: SW1-SW9 holds SW5A.
    return start <= code[: len(start)] and code[: len(end)] <= end


def is_postal_code_allowed(
    postal_code: str, rules: Iterable[ShippingMethodPostalCodeRule]
) -> bool:
    """Whether a method with ``rules`` delivers to ``postal_code``.

    Without rules every code is allowed. EXCLUDE rules refuse the codes they cover;
    INCLUDE rules allow only the codes they cover.
    """
    rules = list(rules)
    if not rules:
        return True
    code = _normalise_postal_code(postal_code)
    matched = any(_in_range(code, rule) for rule in rules)
    if rules[0].inclusion_type == PostalCodeRuleInclusionType.INCLUDE:
        return matched
    return not matched


@dataclass(frozen=True)
class ShippingRequest:
    """An order to deliver: where, in which channel, how much and how heavy."""

    channel_id: int
    country_code: str
    postal_code: str | None
    subtotal: Decimal
    weight: float | None
    product_ids: tuple[int, ...] = ()


def _is_within(value: Any, minimum: Any | None, maximum: Any | None) -> bool:
    return (minimum is None or minimum <= value) and (
        maximum is None or maximum >= value
    )


def _accepts(listing: ShippingMethodChannelListing, request: ShippingRequest) -> bool:
    """Whether the listed method's order limits admit the request."""
    method = listing.shipping_method
    if method.type == ShippingMethodType.PRICE:
        return _is_within(
            request.subtotal,
            listing.minimum_order_price_amount,
            listing.maximum_order_price_amount,
        )
    if method.type == ShippingMethodType.WEIGHT:
        return _is_within(
            request.weight or 0.0,
            method.minimum_order_weight,
            method.maximum_order_weight,
        )
    return False


@dataclass(frozen=True)
class _Candidate:
    """A channel listing with what decides whom its method serves."""

    listing: ShippingMethodChannelListing
    countries: frozenset[str]  # of the method's zone
    default: bool  # whether the zone is a default one
    excluded: frozenset[int]  # the requested products the method excludes
    rules: list[ShippingMethodPostalCodeRule]

    def serves(self, request: ShippingRequest, country: str, covered: set[str]) -> bool:
        """Whether the method delivers ``request`` (to ``country``, in upper case;
        ``covered``: the countries some zone names)."""
        if self.listing.channel_id != request.channel_id:
            return False
        if country not in self.countries and not (
            self.default and country not in covered
        ):
            return False
        if self.excluded.intersection(request.product_ids):
            return False
        if not _accepts(self.listing, request):
            return False
        return request.postal_code is None or is_postal_code_allowed(
            request.postal_code, self.rules
        )


def applicable_shipping_methods_batch(
    requests: Sequence[ShippingRequest],
) -> list[list[ApplicableMethod]]:
    """``applicable_shipping_methods`` of many requests, in the same order, in one
    query whatever their number.

    The query reads the channel listings of the methods whose zone is in the
    listing's channel and names one of the requested countries (or is a default
    zone), each with its zone's countries, its postal code rules and which of the
    requested products it excludes, plus which requested countries any zone names
    (a default zone serves only the countries no zone names). The limits are
    checked here.
    """
    results: list[list[ApplicableMethod]] = [[] for _ in requests]
    if not requests:
        return results
    countries = sorted({r.country_code.upper() for r in requests})
    product_ids = sorted({p for r in requests for p in r.product_ids})
    zone = "shipping_method__shipping_zone"
    rules = ShippingMethodPostalCodeRule.objects.filter(
        shipping_method_id=OuterRef("shipping_method_id")
    ).order_by("pk")
    naming = (
        ShippingZone.objects.filter(countries__overlap=countries)
        .annotate(country=Func(F("countries"), function="unnest"))
        .values("country")
    )
    listings = (
        ShippingMethodChannelListing.objects.filter(
            channel_id__in={r.channel_id for r in requests},
            **{f"{zone}__channels": F("channel_id")},
        )
        .filter(
            Q(**{f"{zone}__countries__overlap": countries})
            | Q(**{f"{zone}__default": True})
        )
        .annotate(
            zone_countries=F(f"{zone}__countries"),
            zone_default=F(f"{zone}__default"),
            covered_countries=ArraySubquery(naming),
            rules=ArraySubquery(
                rules.values(
                    json=JSONObject(start="start", end="end", kind="inclusion_type")
                )
            ),
            excluded=ArraySubquery(
                ShippingMethod.excluded_products.through.objects.filter(
                    shippingmethod_id=OuterRef("shipping_method_id"),
                    product_id__in=product_ids,
                ).values("product_id")
            ),
        )
        .select_related("shipping_method")
        .order_by("price_amount", "shipping_method_id")
    )
    rows = list(listings)
    if not rows:
        return results
    covered = set(rows[0].covered_countries or ())
    candidates = [
        _Candidate(
            listing=listing,
            countries=frozenset(listing.zone_countries),
            default=listing.zone_default,
            excluded=frozenset(listing.excluded or ()),
            rules=[
                ShippingMethodPostalCodeRule(
                    shipping_method=listing.shipping_method,
                    start=rule["start"],
                    end=rule["end"],
                    inclusion_type=rule["kind"],
                )
                for rule in listing.rules or ()
            ],
        )
        for listing in rows
    ]
    for request, found in zip(requests, results, strict=True):
        country = request.country_code.upper()
        for candidate in candidates:
            if candidate.serves(request, country, covered):
                listing = candidate.listing
                price = Money(listing.price_amount, listing.currency)
                method = listing.shipping_method
                found.append(ApplicableMethod(method, listing, price))
    return results


def applicable_shipping_methods(
    *,
    channel: Channel,
    country_code: str,
    postal_code: str | None,
    subtotal: Decimal,
    weight: float | None,
    product_ids: Sequence[int] = (),
) -> list[ApplicableMethod]:
    """The methods that deliver an order to the address in the channel, cheapest first.

    Price-based methods need ``subtotal`` within their minimum/maximum order price
    in the channel, weight-based ones ``weight`` within their order weight limits
    (a missing weight counts as 0). Methods that exclude one of ``product_ids`` or
    whose postal code rules refuse ``postal_code`` are left out. One query.
    """
    request = ShippingRequest(
        channel_id=channel.pk,
        country_code=country_code,
        postal_code=postal_code,
        subtotal=subtotal,
        weight=weight,
        product_ids=tuple(product_ids),
    )
    return applicable_shipping_methods_batch([request])[0]


def shippable_countries(channel_ids: Sequence[int]) -> dict[int, list[str]]:
    """The countries each channel ships to, by code: those its shipping zones name,
    and every other country when a default zone serves it."""
    zones = ShippingZone.objects.filter(channels__in=channel_ids).values_list(
        "channels", "countries", "default"
    )
    named: dict[int, set[str]] = {pk: set() for pk in channel_ids}
    with_default: set[int] = set()
    for channel_id, countries, is_default in zones:
        named[channel_id].update(countries)
        if is_default:
            with_default.add(channel_id)
    if with_default:
        taken = {
            code
            for countries in ShippingZone.objects.values_list("countries", flat=True)
            for code in countries
        }
        rest = country_codes() - taken
        for channel_id in with_default:
            named[channel_id] |= rest
    return {pk: sorted(codes) for pk, codes in named.items()}


# Two-letter CLDR territories that ISO 3166-1 does not assign to a country.
NOT_COUNTRIES = frozenset(
    {"CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "UN", "XA", "XB", "ZZ"}
)


@cache
def country_codes() -> frozenset[str]:
    """Two-letter ISO 3166 codes that name a country (not a region like ``001``)."""
    territories = [str(code) for code in Locale("en").territories]
    letters = {code for code in territories if len(code) == 2 and code.isalpha()}
    return frozenset(letters - NOT_COUNTRIES)


def countries_in_zones() -> frozenset[str]:
    """The countries some shipping zone names, by code (one query)."""
    return frozenset(
        code
        for countries in ShippingZone.objects.values_list("countries", flat=True)
        for code in countries
    )
