"""The pricing service: what a variant and a product cost in a channel.

Until taxes and promotions exist, net equals gross and the discounted price is the
listing's discounted price when one is stored, otherwise the undiscounted price. Later
issues extend these functions; callers only see ``VariantPricing``/``ProductPricing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from mercato.core.money import Money, TaxedMoney, TaxedMoneyRange, quantize, taxed
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
    prices = _prices(listing)
    if prices is None:
        return None
    discounted = Money(prices[0], listing.currency)
    undiscounted = Money(prices[1], listing.currency)
    discount = _discount(undiscounted, discounted)
    return VariantPricing(
        price=taxed(discounted),
        price_undiscounted=taxed(undiscounted),
        discount=discount,
        on_sale=discount is not None,
    )


def _prices(listing: ProductVariantChannelListing) -> tuple[Decimal, Decimal] | None:
    """(discounted, undiscounted) amounts of a listing, rounded to its currency."""
    if listing.price_amount is None:
        return None
    undiscounted = quantize(listing.price_amount, listing.currency)
    discounted = listing.discounted_price_amount
    if discounted is None:
        return undiscounted, undiscounted
    return min(quantize(discounted, listing.currency), undiscounted), undiscounted


def get_product_pricing(
    listings: Iterable[ProductVariantChannelListing],
) -> ProductPricing | None:
    """Pricing of a product across the channel listings of its variants.

    Works on amounts and builds money only for the four ends of the two ranges: a
    product list prices every variant of every product on the page.
    """
    currency = ""
    amounts: list[tuple[Decimal, Decimal]] = []
    for listing in listings:
        prices = _prices(listing)
        if prices is not None:
            amounts.append(prices)
            currency = listing.currency
    if not amounts:
        return None
    low = Money(min(a[0] for a in amounts), currency)
    high = Money(max(a[0] for a in amounts), currency)
    low_undiscounted = Money(min(a[1] for a in amounts), currency)
    high_undiscounted = Money(max(a[1] for a in amounts), currency)
    return ProductPricing(
        price_range=TaxedMoneyRange(taxed(low), taxed(high)),
        price_range_undiscounted=TaxedMoneyRange(
            taxed(low_undiscounted), taxed(high_undiscounted)
        ),
        discount=_discount(low_undiscounted, low),
        on_sale=any(discounted < undiscounted for discounted, undiscounted in amounts),
    )
