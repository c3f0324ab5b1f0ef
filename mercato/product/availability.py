"""Whether products are visible and purchasable in a channel."""

from __future__ import annotations

import datetime

from mercato.product.models import ProductChannelListing


def is_published(listing: ProductChannelListing | None, now: datetime.datetime) -> bool:
    if listing is None or not listing.is_published:
        return False
    return listing.published_at is None or listing.published_at <= now


def is_available_for_purchase(
    listing: ProductChannelListing | None, now: datetime.datetime
) -> bool:
    if listing is None or listing.available_for_purchase_at is None:
        return False
    return listing.available_for_purchase_at <= now
