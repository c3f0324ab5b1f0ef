"""Writes of checkouts: create, lines, email, customer, addresses, language,
delivery, promo codes and the customer's note.

Every service runs in its own transaction, validates all its input before writing,
locks the checkout row (``lock_checkout``) and ends by recalculating the prices
(``calculations.recalculate_checkout``) when something they depend on changed.
"""

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
from mercato.checkout.calculations import discount_lines, recalculate_checkout
from mercato.checkout.delivery import (
    LineFacts,
    collection_points,
    line_facts,
    shipping_options,
)
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.discount.checkout import validate_voucher_code
from mercato.discount.models import VoucherCode
from mercato.giftcard.checkout import (
    attach_gift_card,
    detach_gift_card,
    find_usable_gift_card,
)
from mercato.giftcard.models import GiftCard
from mercato.inventory.allocation import reserve_for_checkout
from mercato.inventory.models import Warehouse
from mercato.inventory.queries import quantity_available_by_variant
from mercato.product.availability import is_available_for_purchase, is_published
from mercato.product.models import (
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)
from mercato.shipping.models import ShippingMethod, ShippingMethodChannelListing

CHANNEL_INACTIVE = "CHANNEL_INACTIVE"
DELIVERY_METHOD_NOT_APPLICABLE = "DELIVERY_METHOD_NOT_APPLICABLE"
GRAPHQL_ERROR = "GRAPHQL_ERROR"
SHIPPING_ADDRESS_NOT_SET = "SHIPPING_ADDRESS_NOT_SET"
SHIPPING_METHOD_NOT_APPLICABLE = "SHIPPING_METHOD_NOT_APPLICABLE"
SHIPPING_NOT_REQUIRED = "SHIPPING_NOT_REQUIRED"
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


def _lines(checkout: Checkout) -> list[CheckoutLine]:
    return list(checkout.lines.order_by("created_at", "id"))


def _touch(checkout: Checkout, *fields: str) -> None:
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
    errors: ErrorCollector, channel: Channel, quantities: Mapping[int, int]
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
    _check_stock(errors, channel, tracked)


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
    errors: ErrorCollector, channel: Channel, quantities: Mapping[int, int]
) -> None:
    if not quantities:
        return
    available = quantity_available_by_variant(list(quantities), channel.pk)
    short = [v for v, q in quantities.items() if q > available.get(v, 0)]
    if short:
        errors.add(
            "quantity",
            INSUFFICIENT_STOCK,
            "Not enough stock for the requested quantity.",
            variants=short,
        )


# ---------------------------------------------------------------- addresses


def _checked_address(
    data: Mapping[str, Any] | None, address_type: AddressType
) -> dict[str, str] | None:
    if data is None:
        return None
    return validate_address(data, address_type=address_type)


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


def _replace_address(old: Address | None, data: dict[str, str]) -> Address:
    if old is not None:
        old.delete()
    return Address.objects.create(**data)


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
) -> Checkout:
    """Open a checkout in an active channel, for the signed-in customer if any."""
    with transaction.atomic():
        channel = _channel_for_checkout(channel_slug)
        errors = ErrorCollector()
        _check_quantities(errors, lines)
        errors.raise_if_any()
        quantities = _merged(lines)
        _check_variants(errors, channel, quantities)
        clean_email = _check_email(errors, email)
        errors.raise_if_any()
        shipping = _checked_address(shipping_address, AddressType.SHIPPING)
        billing = _checked_address(billing_address, AddressType.BILLING)
        user = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
        checkout = Checkout.objects.create(
            channel=channel,
            currency=channel.currency_code,
            user=user,
            email=clean_email or (user.email if user else ""),
            language_code=language_code or "en",
            shipping_address=Address.objects.create(**shipping) if shipping else None,
            billing_address=Address.objects.create(**billing) if billing else None,
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
        current = _lines(checkout)
        by_variant = {line.variant_id: line for line in current if not line.is_gift}
        added = _merged(lines)
        totals = {
            v: q + (by_variant[v].quantity if v in by_variant else 0)
            for v, q in added.items()
        }
        _check_variants(errors, checkout.channel, totals)
        errors.raise_if_any()
        _apply_quantities(checkout, by_variant, totals)
        _touch(checkout)
        current = _lines(checkout)
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
        current = _lines(checkout)
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
            errors, checkout.channel, {v: q for v, q in quantities.items() if q > 0}
        )
        errors.raise_if_any()
        _apply_quantities(checkout, by_variant, quantities)
        _touch(checkout)
        current = _lines(checkout)
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
        current = {line.pk: line for line in _lines(checkout)}
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
        _touch(checkout)
        remaining = _lines(checkout)
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
        _touch(checkout, "email")
        recalculate_checkout(checkout, _lines(checkout))  # vouchers may hang on it
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
        _touch(checkout, "user", "email")
        recalculate_checkout(checkout, _lines(checkout))
        return checkout


def detach_checkout_customer(*, actor: Actor, token: uuid.UUID) -> Checkout:
    """Remove the owner from the checkout; only the owner may. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        if actor.user_id is None or checkout.user_id != actor.user_id:
            raise NotCheckoutOwner
        checkout.user = None
        _touch(checkout, "user")
        recalculate_checkout(checkout, _lines(checkout))
        return checkout


def update_checkout_address(
    *,
    token: uuid.UUID,
    address_type: AddressType,
    data: Mapping[str, Any],
    save_address: bool = True,
) -> Checkout:
    """Set the shipping or billing address, validated for its country; with
    ``save_address`` it joins the owner's address book. Locks the checkout."""
    field = (
        "shipping_address"
        if address_type is AddressType.SHIPPING
        else "billing_address"
    )
    with transaction.atomic():
        checkout = lock_checkout(token)
        clean = validate_address(data, address_type=address_type)
        old = getattr(checkout, field)
        setattr(checkout, field, None)
        checkout.save(update_fields=[field])
        setattr(checkout, field, _replace_address(old, clean))
        if save_address:
            _save_to_book(checkout.user_id, clean)
        _touch(checkout, field)
        # Taxes follow the address's country; the delivery may no longer apply.
        recalculate_checkout(checkout, _lines(checkout))
        return checkout


def update_checkout_language(*, token: uuid.UUID, language_code: str) -> Checkout:
    """Set the language of the checkout's messages. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        checkout.language_code = language_code
        _touch(checkout, "language_code")
        return checkout


# ---------------------------------------------------------------- delivery


@dataclass(frozen=True)
class DeliveryChoice:
    """A shipping method or a collection point (warehouse) to deliver with;
    neither clears the delivery. ``legacy`` reports errors the way the deprecated
    ``checkoutShippingMethodUpdate`` does."""

    shipping_method_id: int | None = None
    collection_point_id: int | None = None
    legacy: bool = False


def _not_applicable(choice: DeliveryChoice, message: str) -> ValidationFailed:
    if choice.legacy:
        return ValidationFailed.one(
            "shippingMethod", SHIPPING_METHOD_NOT_APPLICABLE, message
        )
    return ValidationFailed.one(
        "deliveryMethodId", DELIVERY_METHOD_NOT_APPLICABLE, message
    )


def _check_shipping_method(
    checkout: Checkout,
    facts: LineFacts,
    choice: DeliveryChoice,
    method_id: int,
) -> None:
    field = "shippingMethod" if choice.legacy else "deliveryMethodId"
    if not ShippingMethod.objects.filter(pk=method_id).exists():
        raise ValidationFailed.one(
            field, NOT_FOUND, "The shipping method does not exist."
        )
    if not ShippingMethodChannelListing.objects.filter(
        shipping_method_id=method_id, channel_id=checkout.channel_id
    ).exists():
        raise _not_applicable(
            choice, "This shipping method is not applicable in the given channel."
        )
    address = checkout.shipping_address
    if address is None:
        raise ValidationFailed.one(
            "shippingAddress" if choice.legacy else field,
            SHIPPING_ADDRESS_NOT_SET,
            "Set a shipping address before choosing a shipping method.",
        )
    options = shipping_options(checkout, facts, address)
    if not any(option.method.pk == method_id for option in options):
        raise _not_applicable(choice, "This shipping method is not applicable.")


def _collection_point(
    checkout: Checkout, facts: LineFacts, warehouse_id: int
) -> Warehouse:
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise ValidationFailed.one(
            "deliveryMethodId", NOT_FOUND, "The warehouse does not exist."
        )
    points = collection_points(checkout, facts)
    if not any(point.pk == warehouse.pk for point in points):
        raise ValidationFailed.one(
            "deliveryMethodId",
            DELIVERY_METHOD_NOT_APPLICABLE,
            "This pick up point is not applicable.",
        )
    return warehouse


def _copy_address(address: Address) -> dict[str, str]:
    fields = (
        "first_name",
        "last_name",
        "company_name",
        "street_address_1",
        "street_address_2",
        "city",
        "city_area",
        "postal_code",
        "country",
        "country_area",
        "phone",
    )
    return {name: getattr(address, name) for name in fields}


def update_checkout_delivery_method(
    *, token: uuid.UUID, choice: DeliveryChoice
) -> Checkout:
    """Deliver with a shipping method that serves the shipping address, or from a
    collection point (whose address becomes the shipping address), or clear the
    delivery. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        lines = _lines(checkout)
        facts = line_facts(checkout, lines)
        if not facts.shipping_required:
            raise ValidationFailed.one(
                "shippingMethod" if choice.legacy else "deliveryMethod",
                SHIPPING_NOT_REQUIRED,
                "This checkout does not need shipping.",
            )
        fields = ["shipping_method", "collection_point"]
        checkout.shipping_method_id = None
        checkout.collection_point_id = None
        if choice.collection_point_id is not None:
            warehouse = _collection_point(checkout, facts, choice.collection_point_id)
            checkout.collection_point_id = warehouse.pk
            old = checkout.shipping_address
            checkout.shipping_address = None
            checkout.save(update_fields=["shipping_address"])
            checkout.shipping_address = _replace_address(
                old, _copy_address(warehouse.address)
            )
            fields.append("shipping_address")
        elif choice.shipping_method_id is not None:
            _check_shipping_method(checkout, facts, choice, choice.shipping_method_id)
            checkout.shipping_method_id = choice.shipping_method_id
        _touch(checkout, *fields)
        recalculate_checkout(checkout, lines)
        return checkout


# ---------------------------------------------------------------- promo codes

INVALID_PROMO_CODE = "INVALID_PROMO_CODE"


def add_checkout_promo_code(*, token: uuid.UUID, promo_code: str) -> Checkout:
    """Apply a voucher code, else a gift card, to the checkout. Raises on
    ``promoCode``: ``INVALID`` for a code that is neither, ``VOUCHER_NOT_APPLICABLE``
    for a voucher that does not apply. Locks the checkout."""
    code = promo_code.strip()
    with transaction.atomic():
        checkout = lock_checkout(token)
        lines = _lines(checkout)
        try:
            voucher_code = validate_voucher_code(
                code=code,
                channel_id=checkout.channel_id,
                currency=checkout.currency,
                lines=discount_lines(checkout, lines),
                email=checkout.email or None,
                user_id=checkout.user_id,
            )
        except ValidationFailed as failed:
            if {e.code for e in failed.errors} != {INVALID_PROMO_CODE}:
                raise
            _apply_gift_card(checkout, code)
        else:
            checkout.voucher_code = voucher_code.code
        _touch(checkout, "voucher_code")
        recalculate_checkout(checkout, lines)
        return checkout


def _apply_gift_card(checkout: Checkout, code: str) -> None:
    card = find_usable_gift_card(code=code, currency=checkout.currency)
    if card is None:
        raise ValidationFailed.one("promoCode", INVALID, "Promo code is invalid.")
    attach_gift_card(checkout_token=checkout.pk, gift_card=card)


@dataclass(frozen=True)
class PromoCodeRef:
    """What to remove: a code, or a gift card or voucher by id."""

    code: str | None = None
    gift_card_id: int | None = None
    voucher_id: int | None = None


def remove_checkout_promo_code(*, token: uuid.UUID, ref: PromoCodeRef) -> Checkout:
    """Remove a voucher code or a gift card from the checkout; one that is not
    applied is ignored. Locks the checkout."""
    if ref.code is None and ref.gift_card_id is None and ref.voucher_id is None:
        raise ValidationFailed.one(
            "promoCode", GRAPHQL_ERROR, "Give either promoCode or promoCodeId."
        )
    with transaction.atomic():
        checkout = lock_checkout(token)
        if _voucher_matches(checkout, ref):
            checkout.voucher_code = None
        elif ref.gift_card_id is not None:
            detach_gift_card(checkout_token=checkout.pk, gift_card_id=ref.gift_card_id)
        elif ref.code:
            card = GiftCard.objects.filter(
                code__iexact=ref.code.strip(), checkouts=checkout.pk
            ).first()
            if card is not None:
                detach_gift_card(checkout_token=checkout.pk, gift_card_id=card.pk)
        _touch(checkout, "voucher_code")
        recalculate_checkout(checkout, _lines(checkout))
        return checkout


def _voucher_matches(checkout: Checkout, ref: PromoCodeRef) -> bool:
    if not checkout.voucher_code:
        return False
    if ref.code is not None:
        return ref.code.strip().lower() == checkout.voucher_code.lower()
    if ref.voucher_id is not None:
        return VoucherCode.objects.filter(
            code=checkout.voucher_code, voucher_id=ref.voucher_id
        ).exists()
    return False


# ---------------------------------------------------------------- note

CUSTOMER_NOTE_MAX_LENGTH = 10_000


def update_checkout_customer_note(*, token: uuid.UUID, note: str) -> Checkout:
    """Set the shopper's note for the order. Locks the checkout."""
    if "\x00" in note or len(note) > CUSTOMER_NOTE_MAX_LENGTH:
        raise ValidationFailed.one("customerNote", INVALID, "The note is invalid.")
    with transaction.atomic():
        checkout = lock_checkout(token)
        checkout.customer_note = note.strip()
        _touch(checkout, "customer_note")
        return checkout
