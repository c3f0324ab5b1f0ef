"""Writes of shipping zones, their methods, channel prices and postal code rules."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import quantize
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length, has_nul
from mercato.inventory.models import ChannelWarehouse, Warehouse
from mercato.product.models import Product
from mercato.shipping.models import (
    PostalCodeRuleInclusionType,
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingMethodPostalCodeRule,
    ShippingMethodType,
    ShippingZone,
)
from mercato.shipping.queries import country_codes
from mercato.tax.models import TaxClass

ALREADY_EXISTS = "ALREADY_EXISTS"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
INVALID = "INVALID"
MAX_LESS_THAN_MIN = "MAX_LESS_THAN_MIN"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"


# ---------------------------------------------------------------- zones


@dataclass(frozen=True)
class ZoneChanges:
    """Zone fields to set; ``None`` keeps the current value. IDs are primary keys."""

    name: str | None = None
    description: str | None = None
    countries: Sequence[str] | None = None
    default: bool | None = None
    add_warehouses: Sequence[int] = ()
    remove_warehouses: Sequence[int] = ()
    add_channels: Sequence[int] = ()
    remove_channels: Sequence[int] = ()


def lock_zone(zone_id: int) -> ShippingZone:
    zone = ShippingZone.objects.select_for_update().filter(pk=zone_id).first()
    if zone is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Shipping zone not found.")
    return zone


def _check_ids(
    errors: ErrorCollector,
    model: type[Channel] | type[Warehouse],
    fields: tuple[str, str],
    added: Sequence[int],
    removed: Sequence[int],
) -> None:
    both = set(added) & set(removed)
    if both:
        errors.add(fields[0], DUPLICATED_INPUT_ITEM, "An ID is both added and removed.")
    known = set(model.objects.filter(pk__in=added).values_list("pk", flat=True))
    if set(added) - known:
        errors.add(fields[0], NOT_FOUND, f"{model.__name__} not found.")


def _check_countries(errors: ErrorCollector, countries: Sequence[str]) -> list[str]:
    codes = [code.upper() for code in countries]
    if any(code not in country_codes() for code in codes):
        errors.add("countries", INVALID, "Use two-letter ISO 3166 country codes.")
    if len(set(codes)) != len(codes):
        errors.add("countries", DUPLICATED_INPUT_ITEM, "A country is listed twice.")
    return codes


def _check_zone(
    changes: ZoneChanges, *, zone: ShippingZone | None
) -> tuple[list[str] | None, set[int]]:
    """Every problem of ``changes``; the normalised countries and final channels."""
    errors = ErrorCollector()
    if changes.name is not None and not changes.name.strip():
        errors.add("name", REQUIRED, "A shipping zone needs a name.")
    if zone is None and changes.name is None:
        errors.add("name", REQUIRED, "A shipping zone needs a name.")
    check_length(errors, ShippingZone, {"name": changes.name})
    if has_nul(changes.description):
        errors.add("description", INVALID, "Text cannot contain NUL characters.")
    countries = None
    if changes.countries is not None:
        countries = _check_countries(errors, changes.countries)
    if changes.default:
        others = ShippingZone.objects.filter(default=True)
        if zone is not None:
            others = others.exclude(pk=zone.pk)
        if others.exists():
            errors.add("default", ALREADY_EXISTS, "There is already a default zone.")
    _check_ids(
        errors,
        Channel,
        ("addChannels", "removeChannels"),
        changes.add_channels,
        changes.remove_channels,
    )
    _check_ids(
        errors,
        Warehouse,
        ("addWarehouses", "removeWarehouses"),
        changes.add_warehouses,
        changes.remove_warehouses,
    )
    current = set(zone.channels.values_list("pk", flat=True)) if zone else set()
    channels = (current | set(changes.add_channels)) - set(changes.remove_channels)
    shared = set(
        ChannelWarehouse.objects.filter(
            warehouse_id__in=changes.add_warehouses, channel_id__in=channels
        ).values_list("warehouse_id", flat=True)
    )
    if set(changes.add_warehouses) - shared:
        errors.add(
            "addWarehouses",
            INVALID,
            "A warehouse must share a channel with the shipping zone.",
        )
    errors.raise_if_any()
    return countries, channels


def _apply_links(zone: ShippingZone, changes: ZoneChanges, channels: set[int]) -> None:
    zone.channels.add(*changes.add_channels)
    zone.channels.remove(*changes.remove_channels)
    zone.warehouses.add(*changes.add_warehouses)
    zone.warehouses.remove(*changes.remove_warehouses)
    if changes.remove_channels:
        ShippingMethodChannelListing.objects.filter(
            shipping_method__shipping_zone=zone,
            channel_id__in=changes.remove_channels,
        ).delete()
        # A warehouse that no longer shares a channel with the zone cannot ship it.
        stranded = zone.warehouses.exclude(channels__in=channels)
        zone.warehouses.remove(*stranded)


def create_zone(*, actor: Actor, changes: ZoneChanges) -> ShippingZone:
    """Create a shipping zone with its countries, channels and warehouses."""
    countries, channels = _check_zone(changes, zone=None)
    assert changes.name is not None  # checked above
    with transaction.atomic():
        zone = ShippingZone.objects.create(
            name=changes.name.strip(),
            description=changes.description or "",
            countries=countries or [],
            default=bool(changes.default),
        )
        _apply_links(zone, changes, channels)
    return zone


def update_zone(*, actor: Actor, zone_id: int, changes: ZoneChanges) -> ShippingZone:
    """Change the given fields and links of a zone. Locks the zone row.

    Removing a channel drops the zone's method prices in it and the warehouses that
    no longer share a channel with the zone.
    """
    with transaction.atomic():
        zone = lock_zone(zone_id)
        countries, channels = _check_zone(changes, zone=zone)
        if changes.name is not None:
            zone.name = changes.name.strip()
        if changes.description is not None:
            zone.description = changes.description
        if countries is not None:
            zone.countries = countries
        if changes.default is not None:
            zone.default = changes.default
        zone.save()
        _apply_links(zone, changes, channels)
    return zone


def delete_zone(*, actor: Actor, zone_id: int) -> ShippingZone:
    """Delete a zone with its methods."""
    with transaction.atomic():
        zone = lock_zone(zone_id)
        pk = zone.pk
        zone.delete()
        zone.pk = pk
    return zone


def delete_zones(*, actor: Actor, zone_ids: Sequence[int]) -> int:
    """Delete the zones that exist among ``zone_ids``; how many were deleted."""
    with transaction.atomic():
        zones = ShippingZone.objects.filter(pk__in=zone_ids)
        count = zones.count()
        zones.delete()
    return count


# ---------------------------------------------------------------- methods


class Unset(enum.Enum):
    """Marks a field the caller did not send (as opposed to sending null)."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True)
class PostalCodeRange:
    start: str
    end: str | None = None


@dataclass(frozen=True)
class MethodChanges:
    """Method fields to set; ``None`` keeps the current value.

    ``tax_class_id`` is the exception: ``UNSET`` keeps it and ``None`` clears it.
    """

    name: str | None = None
    description: Any = None
    type: str | None = None
    zone_id: int | None = None
    minimum_order_weight: float | None = None
    maximum_order_weight: float | None = None
    minimum_delivery_days: int | None = None
    maximum_delivery_days: int | None = None
    add_postal_code_rules: Sequence[PostalCodeRange] = ()
    delete_postal_code_rules: Sequence[int] = ()
    inclusion_type: str | None = None
    tax_class_id: int | Unset | None = UNSET


def lock_method(method_id: int) -> ShippingMethod:
    method = ShippingMethod.objects.select_for_update().filter(pk=method_id).first()
    if method is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Shipping method not found.")
    return method


def _merged(changes: MethodChanges, method: ShippingMethod | None, name: str) -> Any:
    value = getattr(changes, name)
    if value is None and method is not None:
        return getattr(method, name)
    return value


def _check_ranges(
    errors: ErrorCollector, changes: MethodChanges, method: ShippingMethod | None
) -> None:
    for low_name, high_name, api in (
        ("minimum_order_weight", "maximum_order_weight", "OrderWeight"),
        ("minimum_delivery_days", "maximum_delivery_days", "DeliveryDays"),
    ):
        low = _merged(changes, method, low_name)
        high = _merged(changes, method, high_name)
        for value, field in ((low, f"minimum{api}"), (high, f"maximum{api}")):
            if value is not None and value < 0:
                errors.add(field, INVALID, "The value cannot be negative.")
        if low is not None and high is not None and high < low:
            errors.add(
                f"maximum{api}", MAX_LESS_THAN_MIN, "The maximum is below the minimum."
            )


def _check_method(changes: MethodChanges, *, method: ShippingMethod | None) -> None:
    errors = ErrorCollector()
    creating = method is None
    if (creating and changes.name is None) or (
        changes.name is not None and not changes.name.strip()
    ):
        errors.add("name", REQUIRED, "A shipping method needs a name.")
    check_length(errors, ShippingMethod, {"name": changes.name})
    if creating and changes.type is None:
        errors.add("type", REQUIRED, "Choose a price- or weight-based method.")
    if changes.type is not None and changes.type not in ShippingMethodType.values:
        errors.add("type", INVALID, "Unknown shipping method type.")
    if creating and changes.zone_id is None:
        errors.add("shippingZone", REQUIRED, "A method belongs to a shipping zone.")
    elif creating and not ShippingZone.objects.filter(pk=changes.zone_id or 0).exists():
        errors.add("shippingZone", NOT_FOUND, "Shipping zone not found.")
    if has_nul(changes.description):
        errors.add("description", INVALID, "Text cannot contain NUL characters.")
    if isinstance(changes.tax_class_id, int) and not _lock_tax_class(
        changes.tax_class_id
    ):
        errors.add("taxClass", NOT_FOUND, "Tax class not found.")
    _check_ranges(errors, changes, method)
    _check_postal_codes(errors, changes, method)
    errors.raise_if_any()


def _lock_tax_class(tax_class_id: int) -> bool:
    """Whether the tax class exists; its row stays locked against deletion until
    the caller's transaction, which points a method at it, commits."""
    rows = TaxClass.objects.select_for_update(no_key=True).filter(pk=tax_class_id)
    return rows.values_list("pk", flat=True).first() is not None


def _check_postal_codes(
    errors: ErrorCollector, changes: MethodChanges, method: ShippingMethod | None
) -> None:
    if changes.inclusion_type is not None and (
        changes.inclusion_type not in PostalCodeRuleInclusionType.values
    ):
        errors.add("inclusionType", INVALID, "Unknown inclusion type.")
    if changes.add_postal_code_rules and changes.inclusion_type is None:
        errors.add("inclusionType", REQUIRED, "Say whether the codes are included.")
    limit = ShippingMethodPostalCodeRule._meta.get_field("start").max_length or 0
    for rule in changes.add_postal_code_rules:
        if not rule.start.strip() or has_nul(rule.start) or has_nul(rule.end):
            errors.add("addPostalCodeRules", INVALID, "Give a postal code to start.")
            break
        if max(len(rule.start.strip()), len((rule.end or "").strip())) > limit:
            errors.add("addPostalCodeRules", INVALID, "The postal code is too long.")
            break
    pairs = [(r.start, r.end) for r in changes.add_postal_code_rules]
    if len(set(pairs)) != len(pairs):
        errors.add("addPostalCodeRules", DUPLICATED_INPUT_ITEM, "A range is repeated.")
    if changes.delete_postal_code_rules:
        owned = ShippingMethodPostalCodeRule.objects.filter(
            shipping_method=method, pk__in=changes.delete_postal_code_rules
        ).count()
        if method is None or owned != len(set(changes.delete_postal_code_rules)):
            errors.add(
                "deletePostalCodeRules", NOT_FOUND, "Postal code rule not found."
            )


def _apply_method(method: ShippingMethod, changes: MethodChanges) -> None:
    for name in (
        "type",
        "description",
        "minimum_order_weight",
        "maximum_order_weight",
        "minimum_delivery_days",
        "maximum_delivery_days",
    ):
        value = getattr(changes, name)
        if value is not None:
            setattr(method, name, value)
    if changes.name is not None:
        method.name = changes.name.strip()
    if changes.tax_class_id is not UNSET:
        method.tax_class_id = changes.tax_class_id
    method.save()
    rules = method.postal_code_rules.all()
    rules.filter(pk__in=changes.delete_postal_code_rules).delete()
    if changes.inclusion_type is not None:
        # One method has one kind of rule: all its ranges include, or all exclude.
        rules.update(inclusion_type=changes.inclusion_type)
    for rule in changes.add_postal_code_rules:
        ShippingMethodPostalCodeRule.objects.update_or_create(
            shipping_method=method,
            start=rule.start.strip(),
            end=(rule.end or "").strip() or None,
            defaults={"inclusion_type": changes.inclusion_type or ""},
        )


def create_method(*, actor: Actor, changes: MethodChanges) -> ShippingMethod:
    """Create a shipping method in a zone, with its postal code rules.

    Locks the tax class it names against deletion."""
    with transaction.atomic():
        _check_method(changes, method=None)
        method = ShippingMethod(shipping_zone_id=changes.zone_id or 0, name="")
        _apply_method(method, changes)
    return method


def update_method(
    *, actor: Actor, method_id: int, changes: MethodChanges
) -> ShippingMethod:
    """Change the given fields of a method. Locks the method row, then the tax
    class it names."""
    with transaction.atomic():
        method = lock_method(method_id)
        _check_method(changes, method=method)
        _apply_method(method, changes)
    return method


def delete_method(*, actor: Actor, method_id: int) -> ShippingMethod:
    """Delete a shipping method with its prices and rules."""
    with transaction.atomic():
        method = lock_method(method_id)
        pk = method.pk
        method.delete()
        method.pk = pk
    return method


def delete_methods(*, actor: Actor, method_ids: Sequence[int]) -> int:
    """Delete the methods that exist among ``method_ids``; how many were deleted."""
    with transaction.atomic():
        methods = ShippingMethod.objects.filter(pk__in=method_ids)
        count = methods.count()
        methods.delete()
    return count


# ---------------------------------------------------------------- channel prices


@dataclass(frozen=True)
class ListingChanges:
    """A method's price in one channel; ``None`` keeps the current value."""

    channel_id: int
    price: Decimal | None = None
    minimum_order_price: Decimal | None = None
    maximum_order_price: Decimal | None = None


def _check_listing(
    errors: ErrorCollector,
    item: ListingChanges,
    channel: Channel,
    existing: ShippingMethodChannelListing | None,
) -> None:
    if existing is None and item.price is None:
        errors.add("price", REQUIRED, "A new channel listing needs a price.")
    for value, field in (
        (item.price, "price"),
        (item.minimum_order_price, "minimumOrderPrice"),
        (item.maximum_order_price, "maximumOrderPrice"),
    ):
        if value is not None and (not value.is_finite() or value < 0):
            errors.add(
                field, INVALID, "Amounts cannot be negative.", channels=[channel.pk]
            )
        elif value is not None and value >= Decimal(10) ** 17:
            errors.add(
                field, INVALID, "The amount is too large.", channels=[channel.pk]
            )
    low = item.minimum_order_price
    high = item.maximum_order_price
    if existing is not None:
        low = existing.minimum_order_price_amount if low is None else low
        high = existing.maximum_order_price_amount if high is None else high
    bounds = [value for value in (low, high) if value is not None]
    if (
        len(bounds) == 2
        and all(v.is_finite() for v in bounds)
        and bounds[1] < bounds[0]
    ):
        errors.add(
            "maximumOrderPrice",
            MAX_LESS_THAN_MIN,
            "The maximum order price is below the minimum.",
            channels=[channel.pk],
        )


def update_method_channel_listings(
    *,
    actor: Actor,
    method_id: int,
    add: Sequence[ListingChanges] = (),
    remove_channel_ids: Sequence[int] = (),
) -> ShippingMethod:
    """Set a method's price and order-value limits per channel; drop others.

    A channel must be one of the zone's channels. Amounts are in the channel's
    currency, rounded to its precision. Locks the method row.
    """
    with transaction.atomic():
        method = lock_method(method_id)
        errors = ErrorCollector()
        added = [item.channel_id for item in add]
        if len(set(added)) != len(added) or set(added) & set(remove_channel_ids):
            errors.add(
                "addChannels", DUPLICATED_INPUT_ITEM, "A channel is given twice."
            )
        channels = Channel.objects.in_bulk(added)
        zone_channels = set(method.shipping_zone.channels.values_list("pk", flat=True))
        existing = {
            listing.channel_id: listing for listing in method.channel_listings.all()
        }
        for item in add:
            channel = channels.get(item.channel_id)
            if channel is None:
                errors.add("addChannels", NOT_FOUND, "Channel not found.")
            elif channel.pk not in zone_channels:
                errors.add(
                    "addChannels",
                    INVALID,
                    "The shipping zone is not available in this channel.",
                    channels=[channel.pk],
                )
            else:
                _check_listing(errors, item, channel, existing.get(channel.pk))
        errors.raise_if_any()
        for item in add:
            _save_listing(method, channels[item.channel_id], item, existing)
        method.channel_listings.filter(channel_id__in=remove_channel_ids).delete()
    return method


def _save_listing(
    method: ShippingMethod,
    channel: Channel,
    item: ListingChanges,
    existing: dict[int, ShippingMethodChannelListing],
) -> None:
    currency = channel.currency_code
    listing = existing.get(channel.pk) or ShippingMethodChannelListing(
        shipping_method=method, channel=channel
    )
    listing.currency = currency
    if item.price is not None:
        listing.price_amount = quantize(item.price, currency)
    if item.minimum_order_price is not None:
        listing.minimum_order_price_amount = quantize(
            item.minimum_order_price, currency
        )
    if item.maximum_order_price is not None:
        listing.maximum_order_price_amount = quantize(
            item.maximum_order_price, currency
        )
    listing.save()


# ---------------------------------------------------------------- excluded products


def exclude_products(
    *, actor: Actor, method_id: int, product_ids: Sequence[int]
) -> ShippingMethod:
    """Stop the method from shipping orders that contain any of the products."""
    with transaction.atomic():
        method = lock_method(method_id)
        found = Product.objects.filter(pk__in=product_ids).count()
        if found != len(set(product_ids)):
            raise ValidationFailed.one("products", NOT_FOUND, "Product not found.")
        method.excluded_products.add(*product_ids)
    return method


def include_products(
    *, actor: Actor, method_id: int, product_ids: Sequence[int]
) -> ShippingMethod:
    """Let the method ship the products again."""
    with transaction.atomic():
        method = lock_method(method_id)
        method.excluded_products.remove(*product_ids)
    return method
