"""Reads of shipping: which methods can deliver an order, and at what price."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

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


def _zones_for_country(channel: Channel, country_code: str) -> list[int]:
    country = country_code.upper()
    zones = ShippingZone.objects.filter(channels=channel)
    matching = list(
        zones.filter(countries__contains=[country]).values_list("pk", flat=True)
    )
    covered = ShippingZone.objects.filter(countries__contains=[country]).exists()
    if not covered:
        # The default zone serves the countries no other zone names.
        matching += list(zones.filter(default=True).values_list("pk", flat=True))
    return matching


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
    whose postal code rules refuse ``postal_code`` are left out.
    """
    zone_ids = _zones_for_country(channel, country_code)
    if not zone_ids:
        return []
    order_weight = weight or 0.0
    by_price = (
        Q(shipping_method__type=ShippingMethodType.PRICE)
        & Q(
            Q(minimum_order_price_amount__isnull=True)
            | Q(minimum_order_price_amount__lte=subtotal)
        )
        & Q(
            Q(maximum_order_price_amount__isnull=True)
            | Q(maximum_order_price_amount__gte=subtotal)
        )
    )
    by_weight = (
        Q(shipping_method__type=ShippingMethodType.WEIGHT)
        & Q(
            Q(shipping_method__minimum_order_weight__isnull=True)
            | Q(shipping_method__minimum_order_weight__lte=order_weight)
        )
        & Q(
            Q(shipping_method__maximum_order_weight__isnull=True)
            | Q(shipping_method__maximum_order_weight__gte=order_weight)
        )
    )
    listings = (
        ShippingMethodChannelListing.objects.filter(
            channel=channel, shipping_method__shipping_zone_id__in=zone_ids
        )
        .filter(by_price | by_weight)
        .exclude(shipping_method__excluded_products__in=list(product_ids))
        .select_related("shipping_method")
        .prefetch_related("shipping_method__postal_code_rules")
        .order_by("price_amount", "shipping_method_id")
    )
    found = []
    for listing in listings:
        method = listing.shipping_method
        if postal_code is not None and not is_postal_code_allowed(
            postal_code, method.postal_code_rules.all()
        ):
            continue
        price = Money(listing.price_amount, listing.currency)
        found.append(ApplicableMethod(method=method, listing=listing, price=price))
    return found
