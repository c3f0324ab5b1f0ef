"""Writes of vouchers: the voucher, its codes, channel values and catalogue."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import currency_precision, quantize
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length, has_nul
from mercato.discount.models import (
    RewardValueType,
    Voucher,
    VoucherChannelListing,
    VoucherCode,
    VoucherType,
)
from mercato.product.models import Category, Collection, Product, ProductVariant
from mercato.shipping.queries import country_codes

ALREADY_EXISTS = "ALREADY_EXISTS"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
MAX_VALUE = Decimal("1e15")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CATALOGUE_MODELS: dict[str, Any] = {
    "products": Product,
    "variants": ProductVariant,
    "categories": Category,
    "collections": Collection,
}


@dataclass(frozen=True)
class Catalogue:
    """Primary keys of what a specific-product voucher discounts."""

    products: Sequence[int] = ()
    variants: Sequence[int] = ()
    categories: Sequence[int] = ()
    collections: Sequence[int] = ()

    def items(self) -> list[tuple[str, Sequence[int]]]:
        return [(name, getattr(self, name)) for name in CATALOGUE_MODELS]


@dataclass(frozen=True)
class VoucherData:
    """Voucher fields; only those named in ``fields`` change (so null clears)."""

    type: str | None = None
    name: str | None = None
    codes: Sequence[str] = ()
    start_date: datetime.datetime | None = None
    end_date: datetime.datetime | None = None
    discount_value_type: str | None = None
    catalogue: Catalogue | None = None
    min_checkout_items_quantity: int | None = None
    countries: Sequence[str] | None = None
    apply_once_per_order: bool | None = None
    apply_once_per_customer: bool | None = None
    only_for_staff: bool | None = None
    single_use: bool | None = None
    usage_limit: int | None = None
    fields: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class VoucherListingData:
    channel_id: int
    discount_value: Decimal | None = None
    min_spent: Decimal | None = None


def lock_voucher(voucher_id: int) -> Voucher:
    voucher = Voucher.objects.select_for_update().filter(pk=voucher_id).first()
    if voucher is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Voucher not found.")
    return voucher


def _generate_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        if not VoucherCode.objects.filter(code=code).exists():
            return code


def _check_codes(errors: ErrorCollector, codes: Sequence[str]) -> list[str]:
    cleaned = [code.strip() for code in codes]
    if any(not code or has_nul(code) or len(code) > 255 for code in cleaned):
        errors.add("addCodes", INVALID, "A code is empty, too long or malformed.")
    duplicated = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if duplicated:
        errors.add(
            "addCodes",
            DUPLICATED_INPUT_ITEM,
            "A code is given twice.",
            voucher_codes=duplicated,
        )
    taken = sorted(
        VoucherCode.objects.filter(code__in=cleaned).values_list("code", flat=True)
    )
    if taken:
        errors.add(
            "addCodes", ALREADY_EXISTS, "A code is already in use.", voucher_codes=taken
        )
    return cleaned


def _check_catalogue(errors: ErrorCollector, catalogue: Catalogue) -> None:
    for name, ids in catalogue.items():
        model = CATALOGUE_MODELS[name]
        if ids and model.objects.filter(pk__in=ids).count() != len(set(ids)):
            errors.add(name, NOT_FOUND, f"{model.__name__} not found.")


def _check_numbers(errors: ErrorCollector, data: VoucherData) -> None:
    for name, value in (
        ("usageLimit", data.usage_limit),
        ("minCheckoutItemsQuantity", data.min_checkout_items_quantity),
    ):
        if value is not None and not (0 <= value < 2**31):
            errors.add(name, INVALID, "The number must not be negative.")


def _check_voucher(data: VoucherData, voucher: Voucher | None) -> list[str] | None:
    """Every problem of ``data``; returns the normalised countries."""
    errors = ErrorCollector()
    check_length(errors, Voucher, {"name": data.name})
    if has_nul(data.name):
        errors.add("name", INVALID, "Text cannot contain NUL characters.")
    _check_numbers(errors, data)
    start = data.start_date if "start_date" in data.fields else None
    end = data.end_date if "end_date" in data.fields else None
    if voucher is not None:
        start = start or voucher.start_date
        end = end if "end_date" in data.fields else voucher.end_date
    if start is not None and end is not None and end < start:
        errors.add("endDate", INVALID, "The end date is earlier than the start date.")
    countries = None
    if data.countries is not None:
        countries = [code.upper() for code in data.countries]
        if any(code not in country_codes() for code in countries):
            errors.add("countries", INVALID, "Use two-letter ISO 3166 country codes.")
    _check_codes(errors, data.codes)
    if data.catalogue is not None:
        _check_catalogue(errors, data.catalogue)
    errors.raise_if_any()
    return sorted(set(countries)) if countries is not None else None


SIMPLE_FIELDS = (
    "type",
    "name",
    "discount_value_type",
    "min_checkout_items_quantity",
    "apply_once_per_order",
    "apply_once_per_customer",
    "only_for_staff",
    "single_use",
    "usage_limit",
    "end_date",
)
NOT_NULL = {
    "type",
    "discount_value_type",
    "apply_once_per_order",
    "apply_once_per_customer",
    "only_for_staff",
    "single_use",
}


def _apply(voucher: Voucher, data: VoucherData, countries: list[str] | None) -> None:
    for name in SIMPLE_FIELDS:
        value = getattr(data, name)
        if name in data.fields and (value is not None or name not in NOT_NULL):
            setattr(voucher, name, value)
    if "start_date" in data.fields:
        voucher.start_date = data.start_date or timezone.now()
    if countries is not None:
        voucher.countries = countries


def _store_codes(voucher: Voucher, codes: Sequence[str]) -> None:
    VoucherCode.objects.bulk_create(
        VoucherCode(voucher=voucher, code=code.strip()) for code in codes
    )


def create_voucher(*, actor: Actor, data: VoucherData) -> Voucher:
    """Create a voucher with its codes (one generated when none is given)."""
    countries = _check_voucher(data, None)
    with transaction.atomic():
        voucher = Voucher()
        _apply(voucher, data, countries)
        voucher.save()
        _store_codes(voucher, list(data.codes) or [_generate_code()])
        if data.catalogue is not None:
            _add_catalogue(voucher, data.catalogue)
    return voucher


def update_voucher(*, actor: Actor, voucher_id: int, data: VoucherData) -> Voucher:
    """Change a voucher and add codes to it. Locks the voucher."""
    with transaction.atomic():
        voucher = lock_voucher(voucher_id)
        countries = _check_voucher(data, voucher)
        _apply(voucher, data, countries)
        voucher.save()
        _store_codes(voucher, data.codes)
        if data.catalogue is not None:
            for name, ids in data.catalogue.items():
                getattr(voucher, name).set(ids)
    return voucher


def delete_voucher(*, actor: Actor, voucher_id: int) -> Voucher:
    with transaction.atomic():
        voucher = lock_voucher(voucher_id)
        pk = voucher.pk
        voucher.delete()
        voucher.pk = pk
    return voucher


def delete_vouchers(*, actor: Actor, voucher_ids: Sequence[int]) -> int:
    """Delete vouchers with their codes; every one must exist."""
    with transaction.atomic():
        ids = list(
            Voucher.objects.select_for_update()
            .filter(pk__in=voucher_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(ids) != len(set(voucher_ids)):
            raise ValidationFailed.one("ids", NOT_FOUND, "Voucher not found.")
        Voucher.objects.filter(pk__in=ids).delete()
    return len(ids)


def delete_voucher_codes(*, actor: Actor, code_ids: Sequence[int]) -> int:
    """Delete voucher codes by primary key; all must exist."""
    with transaction.atomic():
        known = set(
            VoucherCode.objects.filter(pk__in=code_ids).values_list("pk", flat=True)
        )
        missing = sorted(set(code_ids) - known)
        if missing:
            raise ValidationFailed.one("ids", NOT_FOUND, "Voucher code not found.")
        deleted, _ = VoucherCode.objects.filter(pk__in=code_ids).delete()
    return deleted


def _add_catalogue(voucher: Voucher, catalogue: Catalogue) -> None:
    for name, ids in catalogue.items():
        if ids:
            getattr(voucher, name).add(*ids)


def add_voucher_catalogue(
    *, actor: Actor, voucher_id: int, catalogue: Catalogue
) -> Voucher:
    """Add products, variants, categories and collections to a voucher."""
    with transaction.atomic():
        voucher = lock_voucher(voucher_id)
        errors = ErrorCollector()
        _check_catalogue(errors, catalogue)
        errors.raise_if_any()
        _add_catalogue(voucher, catalogue)
    return voucher


def remove_voucher_catalogue(
    *, actor: Actor, voucher_id: int, catalogue: Catalogue
) -> Voucher:
    with transaction.atomic():
        voucher = lock_voucher(voucher_id)
        for name, ids in catalogue.items():
            if ids:
                getattr(voucher, name).remove(*ids)
    return voucher


def _check_listing(
    errors: ErrorCollector,
    voucher: Voucher,
    entry: VoucherListingData,
    channel: Channel,
    existing: VoucherChannelListing | None,
) -> None:
    value = entry.discount_value
    if value is None and existing is None:
        errors.add(
            "discountValue", REQUIRED, "Give the discount value.", channels=[channel.pk]
        )
    for name, amount in (("discountValue", value), ("minAmountSpent", entry.min_spent)):
        if amount is None:
            continue
        if not (0 <= amount < MAX_VALUE):
            errors.add(
                name, INVALID, "The amount is out of range.", channels=[channel.pk]
            )
        elif name == "minAmountSpent" or (
            voucher.discount_value_type == RewardValueType.FIXED
        ):
            places = currency_precision(channel.currency_code)
            if amount != amount.quantize(Decimal(1).scaleb(-places)):
                errors.add(
                    name,
                    INVALID,
                    f"The currency takes {places} decimal places.",
                    channels=[channel.pk],
                )
    if (
        value is not None
        and voucher.discount_value_type == RewardValueType.PERCENTAGE
        and value > 100
    ):
        errors.add(
            "discountValue",
            INVALID,
            "A percentage is at most 100.",
            channels=[channel.pk],
        )


def update_voucher_channel_listings(
    *,
    actor: Actor,
    voucher_id: int,
    add: Sequence[VoucherListingData],
    remove_channel_ids: Sequence[int],
) -> Voucher:
    """Set a voucher's value and minimum spent in channels, or withdraw it."""
    with transaction.atomic():
        voucher = lock_voucher(voucher_id)
        errors = ErrorCollector()
        added = [entry.channel_id for entry in add]
        if len(set(added)) != len(added) or set(added) & set(remove_channel_ids):
            errors.add(
                "input",
                DUPLICATED_INPUT_ITEM,
                "A channel is given twice.",
                channels=sorted(set(added)),
            )
        channels = Channel.objects.in_bulk(added)
        missing = sorted(set(added) - set(channels))
        if missing:
            errors.add("channelId", NOT_FOUND, "Channel not found.", channels=missing)
        existing = {
            listing.channel_id: listing
            for listing in voucher.channel_listings.select_for_update().order_by("pk")
        }
        for entry in add:
            if entry.channel_id in channels:
                _check_listing(
                    errors,
                    voucher,
                    entry,
                    channels[entry.channel_id],
                    existing.get(entry.channel_id),
                )
        errors.raise_if_any()
        for entry in add:
            _store_listing(voucher, entry, channels[entry.channel_id], existing)
        voucher.channel_listings.filter(channel_id__in=remove_channel_ids).delete()
    return voucher


def _store_listing(
    voucher: Voucher,
    entry: VoucherListingData,
    channel: Channel,
    existing: dict[int, VoucherChannelListing],
) -> None:
    currency = channel.currency_code
    listing = existing.get(channel.pk) or VoucherChannelListing(
        voucher=voucher, channel=channel, currency=currency
    )
    if entry.discount_value is not None:
        listing.discount_value = (
            quantize(entry.discount_value, currency)
            if voucher.discount_value_type == RewardValueType.FIXED
            else entry.discount_value
        )
    listing.min_spent_amount = (
        quantize(entry.min_spent, currency) if entry.min_spent is not None else None
    )
    listing.currency = currency
    listing.save()


__all__ = [
    "Catalogue",
    "VoucherData",
    "VoucherListingData",
    "VoucherType",
    "add_voucher_catalogue",
    "create_voucher",
    "delete_voucher",
    "delete_voucher_codes",
    "delete_vouchers",
    "remove_voucher_catalogue",
    "update_voucher",
    "update_voucher_channel_listings",
]
