"""The pricing service: what a variant and a product cost in a channel.

Until taxes and promotions exist, net equals gross and the discounted price is the
listing's discounted price when one is stored, otherwise the undiscounted price. Later
issues extend these functions; callers only see ``VariantPricing``/``ProductPricing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from mercato.core.money import Money, TaxedMoney, TaxedMoneyRange, money, taxed
from mercato.product.models import ProductVariantChannelListing


@dataclass(frozen=True)
class VariantPricing:
    price: TaxedMoney
    price_undiscounted: TaxedMoney
    discount: TaxedMoney | None
    on_sale: bool
    display_gross_prices: bool = True


@dataclass(frozen=True)
class ProductPricing:
    price_range: TaxedMoneyRange
    price_range_undiscounted: TaxedMoneyRange
    discount: TaxedMoney | None
    on_sale: bool
    display_gross_prices: bool = True


def _discount(undiscounted: Money, discounted: Money) -> TaxedMoney | None:
    if discounted.amount >= undiscounted.amount:
        return None
    return taxed(undiscounted - discounted)


def get_variant_pricing(listing: ProductVariantChannelListing) -> VariantPricing | None:
    """Pricing of a variant from its channel listing; ``None`` when it has no price."""
    if listing.price_amount is None:
        return None
    undiscounted = money(listing.price_amount, listing.currency)
    discounted_amount: Decimal = listing.discounted_price_amount or listing.price_amount
    discounted = money(min(discounted_amount, listing.price_amount), listing.currency)
    discount = _discount(undiscounted, discounted)
    return VariantPricing(
        price=taxed(discounted),
        price_undiscounted=taxed(undiscounted),
        discount=discount,
        on_sale=discount is not None,
    )


def get_product_pricing(
    listings: Iterable[ProductVariantChannelListing],
) -> ProductPricing | None:
    """Pricing of a product across the channel listings of its variants."""
    variants = [p for p in map(get_variant_pricing, listings) if p is not None]
    if not variants:
        return None
    prices = sorted((v.price.gross for v in variants), key=lambda m: m.amount)
    undiscounted = sorted(
        (v.price_undiscounted.gross for v in variants), key=lambda m: m.amount
    )
    discount = _discount(undiscounted[0], prices[0])
    return ProductPricing(
        price_range=TaxedMoneyRange(taxed(prices[0]), taxed(prices[-1])),
        price_range_undiscounted=TaxedMoneyRange(
            taxed(undiscounted[0]), taxed(undiscounted[-1])
        ),
        discount=discount,
        on_sale=any(v.on_sale for v in variants),
    )
