"""Publication of products and prices of variants, per channel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import quantize
from mercato.core.permissions import Actor
from mercato.discount.prices import recalculate_discounted_prices
from mercato.product.models import (
    Product,
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)
from mercato.product.services.common import check_ids_exist, check_no_duplicates
from mercato.product.services.products import lock_product

MAX_PRICE = Decimal("1e15")


@dataclass(frozen=True)
class ProductListingData:
    """How a product is published in one channel; None leaves a field unchanged."""

    channel_id: int
    is_published: bool | None = None
    published_at: datetime.datetime | None = None
    visible_in_listings: bool | None = None
    is_available_for_purchase: bool | None = None
    available_for_purchase_at: datetime.datetime | None = None
    add_variant_ids: list[int] = field(default_factory=list)
    remove_variant_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class VariantPriceData:
    channel_id: int
    price: Decimal
    cost_price: Decimal | None = None


def update_product_channel_listings(
    *,
    actor: Actor,
    product_id: int,
    update: list[ProductListingData],
    remove_channel_ids: list[int],
) -> Product:
    """Publish a product in channels and withdraw it from others.

    Withdrawing also drops the prices of its variants there. Locks the product.
    """
    with transaction.atomic():
        product = lock_product(product_id)
        errors = ErrorCollector()
        channel_ids = [entry.channel_id for entry in update]
        check_no_duplicates(errors, "updateChannels", channel_ids)
        if set(channel_ids) & set(remove_channel_ids):
            errors.add(
                "input",
                "DUPLICATED_INPUT_ITEM",
                "A channel cannot be both updated and removed.",
            )
        check_ids_exist(errors, Channel, "updateChannels", channel_ids)
        check_ids_exist(errors, Channel, "removeChannels", remove_channel_ids)
        variant_ids = [
            v for e in update for v in e.add_variant_ids + e.remove_variant_ids
        ]
        check_ids_exist(
            errors, ProductVariant, "addVariants", variant_ids, product_id=product_id
        )
        errors.raise_if_any()
        channels = Channel.objects.in_bulk(channel_ids)
        for entry in update:
            _update_listing(product, channels[entry.channel_id], entry)
        ProductChannelListing.objects.filter(
            product=product, channel_id__in=remove_channel_ids
        ).delete()
        ProductVariantChannelListing.objects.filter(
            variant__product=product, channel_id__in=remove_channel_ids
        ).delete()
    return product


def _update_listing(
    product: Product, channel: Channel, entry: ProductListingData
) -> None:
    listing = (
        ProductChannelListing.objects.select_for_update()
        .filter(product=product, channel=channel)
        .first()
    ) or ProductChannelListing(
        product=product, channel=channel, currency=channel.currency_code
    )
    now = timezone.now()
    if entry.is_published is not None:
        listing.is_published = entry.is_published
    if entry.published_at is not None:
        listing.published_at = entry.published_at
    elif listing.is_published and listing.published_at is None:
        listing.published_at = now
    if entry.visible_in_listings is not None:
        listing.visible_in_listings = entry.visible_in_listings
    if entry.available_for_purchase_at is not None:
        listing.available_for_purchase_at = entry.available_for_purchase_at
    elif entry.is_available_for_purchase is True:
        listing.available_for_purchase_at = listing.available_for_purchase_at or now
    elif entry.is_available_for_purchase is False:
        listing.available_for_purchase_at = None
    listing.save()
    for variant_id in entry.add_variant_ids:
        ProductVariantChannelListing.objects.get_or_create(
            variant_id=variant_id,
            channel=channel,
            defaults={"currency": channel.currency_code},
        )
    ProductVariantChannelListing.objects.filter(
        variant_id__in=entry.remove_variant_ids, channel=channel
    ).delete()


def check_variant_prices(
    errors: ErrorCollector,
    product_id: int,
    prices: list[VariantPriceData],
    *,
    field: str = "input",
) -> dict[int, Channel]:
    """Check a variant's prices: known channels where the product is listed, once each.

    Returns the channels by id.
    """
    channel_ids = [entry.channel_id for entry in prices]
    check_no_duplicates(errors, field, channel_ids)
    channels = Channel.objects.in_bulk(channel_ids)
    if set(channel_ids) - set(channels):
        errors.add(field, "NOT_FOUND", "Some of the channels do not exist.")
        return channels
    listed = set(
        ProductChannelListing.objects.filter(
            product_id=product_id, channel_id__in=channel_ids
        ).values_list("channel_id", flat=True)
    )
    if set(channel_ids) - listed:
        errors.add(
            field,
            "PRODUCT_NOT_ASSIGNED_TO_CHANNEL",
            "The product is not available in some of the channels.",
        )
    for entry in prices:
        for amount in (entry.price, entry.cost_price):
            if amount is not None and not (0 <= amount < MAX_PRICE):
                errors.add(field, "INVALID_PRICE", "A price is out of range.")
                return channels
    return channels


def store_variant_prices(
    variant: ProductVariant,
    prices: list[VariantPriceData],
    channels: dict[int, Channel],
) -> None:
    for entry in prices:
        currency = channels[entry.channel_id].currency_code
        ProductVariantChannelListing.objects.update_or_create(
            variant=variant,
            channel_id=entry.channel_id,
            defaults={
                "currency": currency,
                "price_amount": quantize(entry.price, currency),
                "cost_price_amount": (
                    quantize(entry.cost_price, currency)
                    if entry.cost_price is not None
                    else None
                ),
            },
        )
    # catalogue promotions follow the new prices in the same transaction
    recalculate_discounted_prices([variant.pk])


def update_variant_channel_listings(
    *, actor: Actor, variant_id: int, prices: list[VariantPriceData]
) -> ProductVariant:
    """Set a variant's price (and cost) in channels its product is listed in.

    Locks the variant.
    """
    with transaction.atomic():
        variant = (
            ProductVariant.objects.select_for_update().filter(pk=variant_id).first()
        )
        if variant is None:
            raise ValidationFailed.one("id", "NOT_FOUND", "The variant does not exist.")
        errors = ErrorCollector()
        channels = check_variant_prices(errors, variant.product_id, prices)
        errors.raise_if_any()
        store_variant_prices(variant, prices, channels)
    return variant
