"""The pricing service: what a variant and a product cost in a channel.

A listing's price is split into net and gross by the channel's tax settings
(``ChannelTaxes``: charge taxes, prices entered with tax, the flat rates of the
channel's country) and the tax class of the product, else of its product type.
Without tax settings, net equals gross. The discounted price is the listing's
discounted price when one is stored, otherwise the undiscounted price. Callers only
see ``VariantPricing``/``ProductPricing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from mercato.core.money import Money, TaxedMoney, TaxedMoneyRange, quantize
from mercato.product.models import ProductVariantChannelListing
from mercato.tax.calculations import apply_flat_rate
from mercato.tax.queries import ChannelTaxes

NO_TAXES = ChannelTaxes(charge_taxes=False)


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


class _Taxer:
    """Applies one rate the way the channel's prices are entered."""

    def __init__(self, taxes: ChannelTaxes, tax_class_id: int | None) -> None:
        self.rate = taxes.rate_for(tax_class_id)
        self.entered_with_tax = taxes.prices_entered_with_tax

    def __call__(self, amount: Decimal, currency: str) -> TaxedMoney:
        return apply_flat_rate(
            price=Money(amount, currency),
            rate=self.rate,
            prices_entered_with_tax=self.entered_with_tax,
        )


def _discount(undiscounted: TaxedMoney, discounted: TaxedMoney) -> TaxedMoney | None:
    if discounted.gross.amount >= undiscounted.gross.amount:
        return None
    return undiscounted - discounted


def get_variant_pricing(
    listing: ProductVariantChannelListing,
    taxes: ChannelTaxes = NO_TAXES,
    tax_class_id: int | None = None,
) -> VariantPricing | None:
    """Pricing of a variant from its channel listing; ``None`` when it has no price."""
    prices = _prices(listing)
    if prices is None:
        return None
    tax = _Taxer(taxes, tax_class_id)
    discounted = tax(prices[0], listing.currency)
    undiscounted = tax(prices[1], listing.currency)
    discount = _discount(undiscounted, discounted)
    return VariantPricing(
        price=discounted,
        price_undiscounted=undiscounted,
        discount=discount,
        on_sale=discount is not None,
        display_gross_prices=taxes.display_gross_prices,
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
    taxes: ChannelTaxes = NO_TAXES,
    tax_class_id: int | None = None,
) -> ProductPricing | None:
    """Pricing of a product across the channel listings of its variants.

    Works on amounts and taxes only the four ends of the two ranges: a product
    list prices every variant of every product on the page. One rate applies to
    every variant, so the ends before tax are the ends after it.
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
    tax = _Taxer(taxes, tax_class_id)
    low = tax(min(a[0] for a in amounts), currency)
    high = tax(max(a[0] for a in amounts), currency)
    low_undiscounted = tax(min(a[1] for a in amounts), currency)
    high_undiscounted = tax(max(a[1] for a in amounts), currency)
    return ProductPricing(
        price_range=TaxedMoneyRange(low, high),
        price_range_undiscounted=TaxedMoneyRange(low_undiscounted, high_undiscounted),
        discount=_discount(low_undiscounted, low),
        on_sale=any(discounted < undiscounted for discounted, undiscounted in amounts),
        display_gross_prices=taxes.display_gross_prices,
    )
