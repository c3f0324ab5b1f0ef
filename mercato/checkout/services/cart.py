"""Writes of the cart: create, lines, email, customer, addresses, language and the
customer's note; the checkout lock and helpers the other write modules share."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from mercato.account.addresses import AddressType, validate_address
from mercato.account.models import Address, User
from mercato.channel.models import Channel
from mercato.checkout.calculations import recalculate_checkout
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.inventory.allocation import reserve_for_checkout
from mercato.inventory.queries import quantity_available_by_variant
from mercato.product.availability import is_available_for_purchase, is_published
from mercato.product.models import (
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)

CHANNEL_INACTIVE = "CHANNEL_INACTIVE"
INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
INVALID = "INVALID"
MISSING_CHANNEL_SLUG = "MISSING_CHANNEL_SLUG"
NON_EDITABLE_GIFT_LINE = "NON_EDITABLE_GIFT_LINE"
NON_REMOVABLE_GIFT_LINE = "NON_REMOVABLE_GIFT_LINE"
NOT_FOUND = "NOT_FOUND"
PRODUCT_NOT_PUBLISHED = "PRODUCT_NOT_PUBLISHED"
PRODUCT_UNAVAILABLE_FOR_PURCHASE = "PRODUCT_UNAVAILABLE_FOR_PURCHASE"
QUANTITY_GREATER_THAN_LIMIT = "QUANTITY_GREATER_THAN_LIMIT"
REQUIRED = "REQUIRED"
UNAVAILABLE_VARIANT_IN_CHANNEL = "UNAVAILABLE_VARIANT_IN_CHANNEL"
ZERO_QUANTITY = "ZERO_QUANTITY"

EMAIL_MAX_LENGTH = 254  # Checkout.email's column


class NotCheckoutOwner(Exception):
    """The actor may not change who the checkout belongs to."""


@dataclass(frozen=True)
class AddressChecks:
    """Which of its country's checks an address given to a checkout gets
    (``CheckoutAddressValidationRules``); see ``validate_address``. An address
    saved with some skipped is marked ``validation_skipped`` when it would not
    pass them all as stored, and is checked in full when the order is placed."""

    check_required: bool = True
    check_format: bool = True
    normalize: bool = True

    @property
    def relaxed(self) -> bool:
        return not (self.check_required and self.check_format and self.normalize)


FULL_CHECKS = AddressChecks()


@dataclass(frozen=True)
class LineInput:
    """Add ``quantity`` of ``variant_id`` (create, add) or set it (update)."""

    variant_id: int | None
    quantity: int
    line_id: int | None = None


# ---------------------------------------------------------------- locking


def lock_checkout(token: uuid.UUID) -> Checkout:
    """The checkout, row-locked for the transaction; ``NOT_FOUND`` on ``id``."""
    checkout = Checkout.objects.select_for_update().filter(pk=token).first()
    if checkout is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Checkout {token} not found.")
    return checkout


def checkout_lines(checkout: Checkout) -> list[CheckoutLine]:
    return list(checkout.lines.order_by("created_at", "id"))


def touch_checkout(checkout: Checkout, *fields: str) -> None:
    checkout.last_change = timezone.now()
    checkout.save(update_fields=[*fields, "last_change", "updated_at"])


# ---------------------------------------------------------------- line rules


def max_line_quantity() -> int:
    return int(getattr(settings, "MAX_CHECKOUT_LINE_QUANTITY", 50))


def _check_quantities(errors: ErrorCollector, lines: Sequence[LineInput]) -> None:
    for line in lines:
        if line.quantity <= 0:
            errors.add(
                "quantity", ZERO_QUANTITY, "The quantity must be greater than zero."
            )


def _check_variants(
    errors: ErrorCollector,
    channel: Channel,
    quantities: Mapping[int, int],
    checkout_token: uuid.UUID | None = None,
) -> None:
    """Check that every variant in ``quantities`` (the checkout's total quantity of
    each) can be bought in ``channel`` in that quantity."""
    variants = {
        v.pk: v
        for v in ProductVariant.objects.filter(pk__in=quantities).select_related(
            "product"
        )
    }
    product_listings = {
        listing.product_id: listing
        for listing in ProductChannelListing.objects.filter(
            channel=channel, product_id__in=[v.product_id for v in variants.values()]
        )
    }
    priced = set(
        ProductVariantChannelListing.objects.filter(
            channel=channel, variant_id__in=quantities, price_amount__isnull=False
        ).values_list("variant_id", flat=True)
    )
    now = timezone.now()
    tracked: dict[int, int] = {}
    for variant_id, quantity in quantities.items():
        variant = variants.get(variant_id)
        if variant is None:
            errors.add(
                "variantId",
                NOT_FOUND,
                "The variant does not exist.",
                variants=[variant_id],
            )
            continue
        listing = product_listings.get(variant.product_id)
        if not _check_sellable(errors, variant, listing, variant_id in priced, now):
            continue
        if _check_limits(errors, variant, quantity) and variant.track_inventory:
            tracked[variant_id] = quantity
    _check_stock(errors, channel, tracked, checkout_token)


def _check_sellable(
    errors: ErrorCollector,
    variant: ProductVariant,
    listing: ProductChannelListing | None,
    has_price: bool,
    now: Any,
) -> bool:
    ids = [variant.pk]
    if not is_published(listing, now):
        errors.add(
            "lines",
            PRODUCT_NOT_PUBLISHED,
            "The product is not published in this channel.",
            variants=ids,
        )
    elif not has_price:
        errors.add(
            "lines",
            UNAVAILABLE_VARIANT_IN_CHANNEL,
            "The variant is not sold in this channel.",
            variants=ids,
        )
    elif not is_available_for_purchase(listing, now):
        errors.add(
            "lines",
            PRODUCT_UNAVAILABLE_FOR_PURCHASE,
            "The product is not available for purchase.",
            variants=ids,
        )
    else:
        return True
    return False


def _check_limits(
    errors: ErrorCollector, variant: ProductVariant, quantity: int
) -> bool:
    limit = max_line_quantity()
    if variant.quantity_limit_per_customer is not None:
        limit = min(limit, variant.quantity_limit_per_customer)
    if quantity > limit:
        errors.add(
            "quantity",
            QUANTITY_GREATER_THAN_LIMIT,
            f"Cannot add more than {limit} of this variant.",
            variants=[variant.pk],
        )
        return False
    return True


def _check_stock(
    errors: ErrorCollector,
    channel: Channel,
    quantities: Mapping[int, int],
    checkout_token: uuid.UUID | None,
) -> None:
    """Stock for ``quantities``; the checkout's own reservations are its to use."""
    if not quantities:
        return
    available = quantity_available_by_variant(
        list(quantities), channel.pk, checkout_token=checkout_token
    )
    short = [v for v, q in quantities.items() if q > available.get(v, 0)]
    if short:
        errors.add(
            "quantity",
            INSUFFICIENT_STOCK,
            "Not enough stock for the requested quantity.",
            variants=short,
        )


# ---------------------------------------------------------------- addresses


@dataclass(frozen=True)
class _CheckedAddress:
    fields: dict[str, str]
    validation_skipped: bool

    def create(self) -> Address:
        return Address.objects.create(
            **self.fields, validation_skipped=self.validation_skipped
        )


def _checked_address(
    data: Mapping[str, Any] | None,
    address_type: AddressType,
    checks: AddressChecks | None = None,
) -> _CheckedAddress | None:
    return None if data is None else _check_address(data, address_type, checks)


def _check_address(
    data: Mapping[str, Any],
    address_type: AddressType,
    checks: AddressChecks | None = None,
) -> _CheckedAddress:
    checks = checks or FULL_CHECKS
    fields = validate_address(
        data,
        address_type=address_type,
        check_required=checks.check_required,
        check_format=checks.check_format,
        normalize=checks.normalize,
    )
    skipped = checks.relaxed and not _passes_full_checks(data, fields)
    return _CheckedAddress(fields, skipped)


def _passes_full_checks(data: Mapping[str, Any], fields: dict[str, str]) -> bool:
    """Whether the full checks accept ``data`` and leave it as ``fields``."""
    try:
        return validate_address(data) == fields
    except ValidationFailed:
        return False


def _check_email(
    errors: ErrorCollector, email: str | None, field: str = "email"
) -> str:
    value = (email or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        errors.add(field, INVALID, "Enter a valid email address.")
        return ""
    if len(value) > EMAIL_MAX_LENGTH:
        errors.add(field, INVALID, "The email address is too long.")
        return ""
    return value.lower()


def replace_address(
    old: Address | None, data: dict[str, str], *, validation_skipped: bool = False
) -> Address:
    if old is not None:
        old.delete()
    return Address.objects.create(**data, validation_skipped=validation_skipped)


def _save_to_book(user_id: int | None, data: dict[str, str]) -> None:
    if user_id is None:
        return
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        user.addresses.add(Address.objects.create(**data))


# ---------------------------------------------------------------- services


def _channel_for_checkout(slug: str | None) -> Channel:
    if not slug:
        raise ValidationFailed.one(
            "channel", MISSING_CHANNEL_SLUG, "A channel slug is required."
        )
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise ValidationFailed.one("channel", NOT_FOUND, f"Channel {slug} not found.")
    if not channel.is_active:
        raise ValidationFailed.one(
            "channel", CHANNEL_INACTIVE, f"Channel {slug} is not active."
        )
    return channel


def _merged(lines: Sequence[LineInput]) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for line in lines:
        if line.variant_id is not None:
            quantities[line.variant_id] = (
                quantities.get(line.variant_id, 0) + line.quantity
            )
    return quantities


def create_checkout(
    *,
    actor: Actor,
    channel_slug: str | None,
    lines: Sequence[LineInput],
    email: str | None = None,
    shipping_address: Mapping[str, Any] | None = None,
    billing_address: Mapping[str, Any] | None = None,
    language_code: str | None = None,
    shipping_checks: AddressChecks | None = None,
    billing_checks: AddressChecks | None = None,
) -> Checkout:
    """Open a checkout in an active channel, for the signed-in customer if any;
    ``shipping_checks`` and ``billing_checks`` relax the addresses' checks."""
    with transaction.atomic():
        channel = _channel_for_checkout(channel_slug)
        errors = ErrorCollector()
        _check_quantities(errors, lines)
        errors.raise_if_any()
        quantities = _merged(lines)
        _check_variants(errors, channel, quantities)
        clean_email = _check_email(errors, email)
        errors.raise_if_any()
        shipping = _checked_address(
            shipping_address, AddressType.SHIPPING, shipping_checks
        )
        billing = _checked_address(billing_address, AddressType.BILLING, billing_checks)
        user = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
        checkout = Checkout.objects.create(
            channel=channel,
            currency=channel.currency_code,
            user=user,
            email=clean_email or (user.email if user else ""),
            language_code=language_code or "en",
            shipping_address=shipping.create() if shipping else None,
            billing_address=billing.create() if billing else None,
        )
        created = CheckoutLine.objects.bulk_create(
            CheckoutLine(checkout=checkout, variant_id=v, quantity=q)
            for v, q in quantities.items()
        )
        reserve_for_checkout(checkout=checkout, lines=created)
        recalculate_checkout(checkout, created)
        return checkout


def add_checkout_lines(*, token: uuid.UUID, lines: Sequence[LineInput]) -> Checkout:
    """Add quantities of variants; a variant already in the checkout gets the sum.
    Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        errors = ErrorCollector()
        _check_quantities(errors, lines)
        errors.raise_if_any()
        current = checkout_lines(checkout)
        by_variant = {line.variant_id: line for line in current if not line.is_gift}
        added = _merged(lines)
        totals = {
            v: q + (by_variant[v].quantity if v in by_variant else 0)
            for v, q in added.items()
        }
        _check_variants(errors, checkout.channel, totals, checkout.pk)
        errors.raise_if_any()
        _apply_quantities(checkout, by_variant, totals)
        touch_checkout(checkout)
        current = checkout_lines(checkout)
        reserve_for_checkout(checkout=checkout, lines=current)
        recalculate_checkout(checkout, current)
        return checkout


def _apply_quantities(
    checkout: Checkout,
    by_variant: dict[int, CheckoutLine],
    quantities: Mapping[int, int],
) -> None:
    """Set the quantity of each variant's line, creating or deleting lines."""
    for variant_id, quantity in quantities.items():
        line = by_variant.get(variant_id)
        if quantity <= 0:
            if line is not None:
                line.delete()
        elif line is None:
            CheckoutLine.objects.create(
                checkout=checkout, variant_id=variant_id, quantity=quantity
            )
        elif line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])


def update_checkout_lines(*, token: uuid.UUID, lines: Sequence[LineInput]) -> Checkout:
    """Set line quantities, by line or by variant; quantity 0 removes the line.
    Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        current = checkout_lines(checkout)
        by_id = {line.pk: line for line in current}
        by_variant = {line.variant_id: line for line in current if not line.is_gift}
        errors = ErrorCollector()
        quantities: dict[int, int] = {}
        for line in lines:
            variant_id = _variant_of(errors, line, by_id)
            if variant_id is None:
                continue
            if line.quantity < 0:
                errors.add(
                    "quantity", ZERO_QUANTITY, "The quantity cannot be negative."
                )
            quantities[variant_id] = line.quantity
        errors.raise_if_any()
        _check_variants(
            errors,
            checkout.channel,
            {v: q for v, q in quantities.items() if q > 0},
            checkout.pk,
        )
        errors.raise_if_any()
        _apply_quantities(checkout, by_variant, quantities)
        touch_checkout(checkout)
        current = checkout_lines(checkout)
        reserve_for_checkout(checkout=checkout, lines=current)
        recalculate_checkout(checkout, current)
        return checkout


def _variant_of(
    errors: ErrorCollector, line: LineInput, by_id: Mapping[int, CheckoutLine]
) -> int | None:
    if line.line_id is not None:
        found = by_id.get(line.line_id)
        if found is None:
            errors.add(
                "lineId",
                NOT_FOUND,
                "The line does not belong to this checkout.",
                lines=[line.line_id],
            )
            return None
        if found.is_gift:
            errors.add(
                "lineId",
                NON_EDITABLE_GIFT_LINE,
                "A promotion's gift line cannot be changed.",
                lines=[line.line_id],
            )
            return None
        return found.variant_id
    if line.variant_id is None:
        errors.add("lineId", REQUIRED, "Give the line to update.")
    return line.variant_id


def delete_checkout_lines(*, token: uuid.UUID, line_ids: Sequence[int]) -> Checkout:
    """Remove lines from the checkout. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        current = {line.pk: line for line in checkout_lines(checkout)}
        missing = [pk for pk in line_ids if pk not in current]
        if any(current[pk].is_gift for pk in line_ids if pk in current):
            raise ValidationFailed.one(
                "lineId",
                NON_REMOVABLE_GIFT_LINE,
                "A promotion's gift line cannot be removed.",
            )
        if missing:
            raise ValidationFailed.one(
                "lineId", NOT_FOUND, "A line does not belong to this checkout."
            )
        CheckoutLine.objects.filter(pk__in=line_ids).delete()
        touch_checkout(checkout)
        remaining = checkout_lines(checkout)
        reserve_for_checkout(checkout=checkout, lines=remaining)
        recalculate_checkout(checkout, remaining)
        return checkout


def update_checkout_email(*, token: uuid.UUID, email: str) -> Checkout:
    """Set the buyer's email. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        errors = ErrorCollector()
        value = _check_email(errors, email)
        if not value:
            errors.add("email", REQUIRED, "An email address is required.")
        errors.raise_if_any()
        checkout.email = value
        touch_checkout(checkout, "email")
        if checkout.voucher_code:  # only a voucher's conditions depend on it
            recalculate_checkout(checkout, checkout_lines(checkout))
        return checkout


def attach_checkout_customer(*, user: User, token: uuid.UUID) -> Checkout:
    """Make the signed-in ``user`` the checkout's owner; their email becomes the
    checkout's. Raises ``NotCheckoutOwner`` when another customer owns it. Locks the
    checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        if checkout.user_id not in (None, user.pk):
            raise NotCheckoutOwner
        checkout.user = user
        checkout.email = user.email
        touch_checkout(checkout, "user", "email")
        recalculate_checkout(checkout, checkout_lines(checkout))
        return checkout


def detach_checkout_customer(*, actor: Actor, token: uuid.UUID) -> Checkout:
    """Remove the owner from the checkout; only the owner may. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        if actor.user_id is None or checkout.user_id != actor.user_id:
            raise NotCheckoutOwner
        checkout.user = None
        touch_checkout(checkout, "user")
        recalculate_checkout(checkout, checkout_lines(checkout))
        return checkout


def update_checkout_address(
    *,
    token: uuid.UUID,
    address_type: AddressType,
    data: Mapping[str, Any],
    save_address: bool = True,
    checks: AddressChecks | None = None,
) -> Checkout:
    """Set the shipping or billing address, validated for its country (``checks``
    may relax that); with ``save_address`` it joins the owner's address book,
    unless it was saved with checks skipped. Locks the checkout."""
    field = (
        "shipping_address"
        if address_type is AddressType.SHIPPING
        else "billing_address"
    )
    with transaction.atomic():
        checkout = lock_checkout(token)
        clean = _check_address(data, address_type, checks)
        old = getattr(checkout, field)
        setattr(checkout, field, None)
        checkout.save(update_fields=[field])
        setattr(
            checkout,
            field,
            replace_address(
                old, clean.fields, validation_skipped=clean.validation_skipped
            ),
        )
        if save_address and not clean.validation_skipped:
            _save_to_book(checkout.user_id, clean.fields)
        touch_checkout(checkout, field)
        # Taxes follow the shipping address's country (the billing address's when
        # there is none), and the delivery may no longer apply.
        if field == "shipping_address" or checkout.shipping_address_id is None:
            recalculate_checkout(checkout, checkout_lines(checkout))
        return checkout


def update_checkout_language(*, token: uuid.UUID, language_code: str) -> Checkout:
    """Set the language of the checkout's messages. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        checkout.language_code = language_code
        touch_checkout(checkout, "language_code")
        return checkout


# ---------------------------------------------------------------- note

CUSTOMER_NOTE_MAX_LENGTH = 10_000


def update_checkout_customer_note(*, token: uuid.UUID, note: str) -> Checkout:
    """Set the shopper's note for the order. Locks the checkout."""
    if "\x00" in note or len(note) > CUSTOMER_NOTE_MAX_LENGTH:
        raise ValidationFailed.one("customerNote", INVALID, "The note is invalid.")
    with transaction.atomic():
        checkout = lock_checkout(token)
        checkout.customer_note = note.strip()
        touch_checkout(checkout, "customer_note")
        return checkout
