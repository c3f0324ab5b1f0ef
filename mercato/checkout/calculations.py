"""Checkout totals, computed in one place and stored on the checkout and its lines.

Today a line costs its variant's channel price times its quantity, shipping is free
and there are no taxes or order discounts, so net equals gross. Shipping, taxes and
discounts join ``recalculate_checkout`` later; readers only see the stored amounts.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.money import Money, TaxedMoney, quantize, taxed
from mercato.product.models import ProductVariantChannelListing
from mercato.product.pricing import get_variant_pricing

PRICE_FIELDS = (
    "subtotal_amount",
    "total_amount",
    "undiscounted_total_amount",
    "price_expiration",
)
LINE_PRICE_FIELDS = (
    "unit_price_amount",
    "undiscounted_unit_price_amount",
    "total_price_amount",
    "undiscounted_total_price_amount",
)


@dataclass(frozen=True)
class CheckoutTotals:
    subtotal: TaxedMoney
    shipping: TaxedMoney
    total: TaxedMoney
    undiscounted_total: Money


def prices_ttl() -> datetime.timedelta:
    return datetime.timedelta(
        seconds=getattr(settings, "CHECKOUT_PRICES_TTL_SECONDS", 3600)
    )


def _price_line(
    line: CheckoutLine, listing: ProductVariantChannelListing | None, currency: str
) -> None:
    pricing = get_variant_pricing(listing) if listing is not None else None
    if pricing is None:  # no longer sold here: the line costs nothing until removed
        unit = undiscounted = Decimal(0)
    else:
        unit = pricing.price.gross.amount
        undiscounted = pricing.price_undiscounted.gross.amount
    line.unit_price_amount = unit
    line.undiscounted_unit_price_amount = undiscounted
    line.total_price_amount = quantize(unit * line.quantity, currency)
    line.undiscounted_total_price_amount = quantize(
        undiscounted * line.quantity, currency
    )


def recalculate_checkout(checkout: Checkout, lines: Sequence[CheckoutLine]) -> None:
    """Price every line and the checkout from the variants' current channel prices
    and save them. Caller holds the checkout's row lock (or created it)."""
    listings = {
        listing.variant_id: listing
        for listing in ProductVariantChannelListing.objects.filter(
            channel_id=checkout.channel_id,
            variant_id__in=[line.variant_id for line in lines],
        )
    }
    for line in lines:
        _price_line(line, listings.get(line.variant_id), checkout.currency)
    CheckoutLine.objects.bulk_update(lines, LINE_PRICE_FIELDS)
    subtotal = sum((line.total_price_amount for line in lines), Decimal(0))
    undiscounted = sum(
        (line.undiscounted_total_price_amount for line in lines), Decimal(0)
    )
    checkout.subtotal_amount = subtotal
    checkout.total_amount = subtotal
    checkout.undiscounted_total_amount = undiscounted
    checkout.price_expiration = timezone.now() + prices_ttl()
    checkout.save(update_fields=[*PRICE_FIELDS, "updated_at"])


def checkout_totals(checkout: Checkout) -> CheckoutTotals:
    """The stored totals of ``checkout`` as money."""
    currency = checkout.currency
    subtotal = taxed(Money(checkout.subtotal_amount, currency))
    return CheckoutTotals(
        subtotal=subtotal,
        shipping=taxed(Money(Decimal(0), currency)),
        total=taxed(Money(checkout.total_amount, currency)),
        undiscounted_total=Money(checkout.undiscounted_total_amount, currency),
    )
