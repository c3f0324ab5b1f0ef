"""Reads of checkouts: lookups, problems and whether a checkout can be delivered."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mercato.channel.queries import list_channels
from mercato.checkout.calculations import recalculate_checkout
from mercato.checkout.delivery import (
    is_delivery_valid,
    line_facts,
    shipping_address_of,
)
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.errors import ErrorCollector
from mercato.core.permissions import Actor, Permission
from mercato.inventory.queries import quantity_available_by_variant, reserved_by_lines
from mercato.product.availability import is_available_for_purchase, is_published
from mercato.product.models import (
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)

SHIPPING_METHOD_NOT_SET = "SHIPPING_METHOD_NOT_SET"
SHIPPING_ADDRESS_NOT_SET = "SHIPPING_ADDRESS_NOT_SET"
INVALID_SHIPPING_METHOD = "INVALID_SHIPPING_METHOD"
BILLING_ADDRESS_NOT_SET = "BILLING_ADDRESS_NOT_SET"


@dataclass(frozen=True)
class LineInsufficientStock:
    """The line wants more than the channel's warehouses have."""

    line: CheckoutLine
    variant_id: int
    available_quantity: int


@dataclass(frozen=True)
class LineVariantNotAvailable:
    """The line's variant is no longer sold in the checkout's channel."""

    line: CheckoutLine


@dataclass(frozen=True)
class DeliveryMethodInvalid:
    """The chosen shipping method or collection point no longer serves the
    checkout (address, lines or shipping settings changed)."""

    checkout: Checkout


Problem = LineInsufficientStock | LineVariantNotAvailable | DeliveryMethodInvalid


def get_checkout(token: uuid.UUID) -> Checkout | None:
    """The checkout whose token is ``token``, for anyone who knows it.

    Its prices are recalculated first when they have expired (a price in the
    channel may have changed since); otherwise the stored prices are served.
    """
    checkout = Checkout.objects.filter(pk=token).first()
    if checkout is None or checkout.price_expiration > timezone.now():
        return checkout
    with transaction.atomic():
        locked = Checkout.objects.select_for_update().filter(pk=token).first()
        if locked is not None and locked.price_expiration <= timezone.now():
            recalculate_checkout(locked, list(locked.lines.all()))
        return locked


def list_checkouts(channel_id: int | None = None) -> QuerySet[Checkout]:
    checkouts = Checkout.objects.all()
    if channel_id is not None:
        checkouts = checkouts.filter(channel_id=channel_id)
    return checkouts


def may_see_checkout_user(actor: Actor, checkout: Checkout) -> bool:
    """The owner, and staff managing users or checkouts, see who owns a checkout."""
    if checkout.user_id is not None and checkout.user_id == actor.user_id:
        return True
    return actor.has_any_permission(
        Permission.MANAGE_USERS, Permission.MANAGE_CHECKOUTS
    )


# ---------------------------------------------------------------- problems


def _reserves_stock(channel_id: int) -> bool:
    """Whether lines in the channel may hold reservations (cached channel list)."""
    return any(
        c.pk == channel_id and c.reservation_minutes > 0 for c in list_channels()
    )


def line_problems(
    channel_id: int, lines: Sequence[CheckoutLine]
) -> dict[int, list[Problem]]:
    """Problems of ``lines`` (of any checkouts of one channel) by line id, in a
    fixed number of queries."""
    if not lines:
        return {}
    variant_ids = list({line.variant_id for line in lines})
    variants = {
        v.pk: v
        for v in ProductVariant.objects.filter(pk__in=variant_ids).only(
            "pk", "product_id", "track_inventory"
        )
    }
    published = {
        listing.product_id: listing
        for listing in ProductChannelListing.objects.filter(
            channel_id=channel_id,
            product_id__in={v.product_id for v in variants.values()},
        )
    }
    priced = set(
        ProductVariantChannelListing.objects.filter(
            channel_id=channel_id,
            variant_id__in=variant_ids,
            price_amount__isnull=False,
        ).values_list("variant_id", flat=True)
    )
    tracked = [pk for pk, v in variants.items() if v.track_inventory]
    available = quantity_available_by_variant(tracked, channel_id) if tracked else {}
    # What each line holds itself is counted as taken above; it is the line's own.
    own = (
        reserved_by_lines([line.pk for line in lines])
        if tracked and _reserves_stock(channel_id)
        else {}
    )
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    now = timezone.now()
    found: dict[int, list[Problem]] = {}
    for line in lines:
        variant = variants.get(line.variant_id)
        listing = None if variant is None else published.get(variant.product_id)
        sellable = (
            variant is not None
            and line.variant_id in priced
            and is_published(listing, now)
            and is_available_for_purchase(listing, now)
        )
        if not sellable:
            found.setdefault(line.pk, []).append(LineVariantNotAvailable(line))
            continue
        assert variant is not None
        if variant.track_inventory:
            stock = available.get(line.variant_id, 0) + own.get(line.pk, 0)
            # Lines of one checkout never share a variant; across checkouts each
            # line is compared with the stock on its own.
            if line.quantity > stock:
                found.setdefault(line.pk, []).append(
                    LineInsufficientStock(line, line.variant_id, stock)
                )
    return found


def stored_problems(
    checkout: Checkout, lines: Sequence[CheckoutLine], by_line: dict[int, list[Problem]]
) -> list[Problem]:
    """The checkout's problems from its lines' problems and the delivery check of
    its last recalculation."""
    problems: list[Problem] = []
    if not checkout.is_delivery_valid:
        problems.append(DeliveryMethodInvalid(checkout))
    for line in lines:
        problems.extend(by_line.get(line.pk, []))
    return problems


def checkout_problems(
    checkout: Checkout, lines: Sequence[CheckoutLine]
) -> list[Problem]:
    """What stands between the checkout and an order: unavailable variants,
    missing stock and a chosen delivery that no longer applies (checked now)."""
    by_line = line_problems(checkout.channel_id, lines)
    problems: list[Problem] = []
    if not delivery_is_valid(checkout, lines) and (
        checkout.shipping_method_id is not None
        or checkout.collection_point_id is not None
    ):
        problems.append(DeliveryMethodInvalid(checkout))
    for line in lines:
        problems.extend(by_line.get(line.pk, []))
    return problems


def delivery_is_valid(checkout: Checkout, lines: Sequence[CheckoutLine]) -> bool:
    """Whether the checkout can be delivered as it stands: nothing needs shipping,
    or a shipping method that serves the shipping address, or a collection point
    that can serve the lines, is chosen."""
    facts = line_facts(checkout, lines)
    if not facts.shipping_required:
        return True
    if checkout.shipping_method_id is None and checkout.collection_point_id is None:
        return False
    address = shipping_address_of(checkout)
    if address is None:
        return False
    return is_delivery_valid(checkout, facts, address)


def check_delivery(
    errors: ErrorCollector, checkout: Checkout, lines: Sequence[CheckoutLine]
) -> None:
    """Add the reasons the checkout cannot be ordered for its delivery and billing
    (Saleor's codes), for checkoutComplete."""
    facts = line_facts(checkout, lines)
    if facts.shipping_required:
        address = shipping_address_of(checkout)
        if checkout.shipping_method_id is None and checkout.collection_point_id is None:
            errors.add(None, SHIPPING_METHOD_NOT_SET, "Shipping method is not set.")
        elif address is None:
            errors.add(None, SHIPPING_ADDRESS_NOT_SET, "Shipping address is not set.")
        elif not is_delivery_valid(checkout, facts, address):
            errors.add(
                None,
                INVALID_SHIPPING_METHOD,
                "The delivery method is not valid for the shipping address.",
            )
    if checkout.billing_address_id is None:
        errors.add(None, BILLING_ADDRESS_NOT_SET, "Billing address is not set.")
