"""Checkout totals, computed in one place and stored on the checkout and its lines.

``recalculate_checkout`` runs whenever something prices depend on changes (lines,
addresses, delivery, promo codes) and when stored prices expire; readers only see
the stored amounts. The steps:

1. each line's unit price is its variant's channel price after catalogue
   promotions (``discounted_price_amount``), as the channel enters prices;
2. shipping is the chosen method's channel price (a collection point is free);
3. ``mercato.discount.checkout.checkout_discount`` gives the order discount (a
   voucher or an order promotion) split over the lines, and any shipping discount;
4. taxes: each line total and the shipping price are split into net and gross at
   the flat rate of their tax class (the product's, else its type's; for shipping,
   the method's) in the tax country (shipping address, else billing address, else
   the channel's default country), following the channel's tax configuration and
   its exception for that country; without a class, the country's default rate;
5. the total is the subtotal plus shipping, less the balance of the applied gift
   cards (never below zero).

Every stored amount is rounded with ``quantize`` and totals are sums of the
rounded parts.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.checkout.delivery import (
    VariantFacts,
    is_delivery_valid,
    line_facts,
    variant_facts,
    variant_prices,
)
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.money import Money, TaxedMoney, quantize
from mercato.discount.checkout import CheckoutDiscount, DiscountLine, checkout_discount
from mercato.giftcard.checkout import gift_cards_balance
from mercato.shipping.models import ShippingMethodChannelListing
from mercato.tax.calculations import apply_flat_rate
from mercato.tax.queries import ChannelTaxes, get_cached_channel_taxes

ZERO = Decimal(0)
HUNDRED = Decimal(100)

PRICE_FIELDS = (
    "subtotal_net_amount",
    "subtotal_gross_amount",
    "shipping_price_net_amount",
    "shipping_price_gross_amount",
    "total_net_amount",
    "total_gross_amount",
    "undiscounted_total_amount",
    "discount_amount",
    "discount_name",
    "voucher_code",
    "is_delivery_valid",
    "price_expiration",
)
LINE_PRICE_FIELDS = (
    "unit_price_net_amount",
    "unit_price_gross_amount",
    "undiscounted_unit_price_amount",
    "total_price_net_amount",
    "total_price_gross_amount",
    "undiscounted_total_price_amount",
    "tax_rate",
)


@dataclass(frozen=True)
class CheckoutTotals:
    subtotal: TaxedMoney
    shipping: TaxedMoney
    total: TaxedMoney
    undiscounted_total: Money


@dataclass(frozen=True)
class _LineBase:
    """A line's prices as the channel enters them, before order discounts."""

    unit: Decimal
    undiscounted_unit: Decimal
    product_id: int
    tax_class_id: int | None


def prices_ttl() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CHECKOUT_PRICES_TTL_SECONDS)


def tax_country(checkout: Checkout, channel: Channel) -> str:
    """The country whose taxes apply: shipping address, else billing, else the
    channel's default country."""
    shipping = checkout.shipping_address
    if shipping is not None and shipping.country:
        return str(shipping.country)
    # Read only when needed: each address is a query unless already loaded.
    billing = checkout.billing_address
    if billing is not None and billing.country:
        return str(billing.country)
    return channel.default_country


def _line_bases(
    checkout: Checkout,
    lines: Sequence[CheckoutLine],
    variants: dict[int, VariantFacts],
    prices: dict[int, tuple[Decimal, Decimal]],
) -> dict[int, _LineBase]:
    bases: dict[int, _LineBase] = {}
    for line in lines:
        variant = variants.get(line.variant_id)
        # A variant no longer sold here costs nothing until it is removed (it
        # shows as a problem and cannot be ordered).
        unit, undiscounted = prices.get(line.variant_id, (ZERO, ZERO))
        if line.is_gift:
            unit = ZERO
        bases[line.pk] = _LineBase(
            unit,
            undiscounted,
            variant.product_id if variant else 0,
            variant.tax_class_id if variant else None,
        )
    return bases


@dataclass(frozen=True)
class _ShippingBase:
    """The chosen method's channel price as entered, and the class it is taxed at."""

    price: Decimal = ZERO
    tax_class_id: int | None = None


def _shipping_base(checkout: Checkout, shipping_required: bool) -> _ShippingBase:
    """Zero (at the default rate) for collection points and without a method."""
    if not shipping_required or checkout.shipping_method_id is None:
        return _ShippingBase()
    row = (
        ShippingMethodChannelListing.objects.filter(
            shipping_method_id=checkout.shipping_method_id,
            channel_id=checkout.channel_id,
        )
        .values_list("price_amount", "shipping_method__tax_class_id")
        .first()
    )
    if row is None:
        return _ShippingBase()
    price, tax_class_id = row
    return _ShippingBase(quantize(price, checkout.currency), tax_class_id)


def shipping_tax_rate(
    checkout: Checkout, channel: Channel, tax_class_id: int | None
) -> Decimal:
    """The fraction (0.2300 for 23%) that shipping in the tax class is taxed at in
    the checkout's tax country; zero when no method is chosen."""
    if checkout.shipping_method_id is None:
        return ZERO
    taxes = get_cached_channel_taxes(
        channel=channel, country_code=tax_country(checkout, channel)
    )
    return (taxes.rate_for(tax_class_id) / HUNDRED).quantize(Decimal("0.0001"))


def _discount_lines(
    lines: Sequence[CheckoutLine], bases: dict[int, _LineBase]
) -> list[DiscountLine]:
    return [
        DiscountLine(
            line_id=line.pk,
            variant_id=line.variant_id,
            product_id=bases[line.pk].product_id,
            quantity=line.quantity,
            unit_price=bases[line.pk].unit,
        )
        for line in lines
    ]


def discount_lines(
    checkout: Checkout, lines: Sequence[CheckoutLine]
) -> list[DiscountLine]:
    """The lines as the discount rules see them (catalogue-discounted unit prices;
    promotion gifts left out)."""
    lines = [line for line in lines if not line.is_gift]
    ids = {line.variant_id for line in lines}
    bases = _line_bases(
        checkout, lines, variant_facts(ids), variant_prices(checkout.channel_id, ids)
    )
    return _discount_lines(lines, bases)


def _discount(
    checkout: Checkout,
    lines: Sequence[CheckoutLine],
    bases: dict[int, _LineBase],
    shipping: Decimal,
    country: str,
) -> CheckoutDiscount:
    return checkout_discount(
        channel_id=checkout.channel_id,
        currency=checkout.currency,
        voucher_code=checkout.voucher_code,
        lines=_discount_lines(lines, bases),
        shipping_price=shipping,
        country=country,
        email=checkout.email or None,
        user_id=checkout.user_id,
    )


class _Taxer:
    def __init__(self, taxes: ChannelTaxes, currency: str) -> None:
        self.taxes = taxes
        self.currency = currency

    def rate(self, tax_class_id: int | None) -> Decimal:
        return self.taxes.rate_for(tax_class_id)

    def __call__(self, amount: Decimal, tax_class_id: int | None) -> TaxedMoney:
        return apply_flat_rate(
            price=Money(max(amount, ZERO), self.currency),
            rate=self.rate(tax_class_id),
            prices_entered_with_tax=self.taxes.prices_entered_with_tax,
        )


def _price_line(
    line: CheckoutLine, base: _LineBase, line_discount: Decimal, tax: _Taxer
) -> None:
    currency = tax.currency
    quantity = max(line.quantity, 1)
    total = tax(
        quantize(base.unit * line.quantity, currency) - line_discount,
        base.tax_class_id,
    )
    undiscounted_unit = tax(base.undiscounted_unit, base.tax_class_id)
    undiscounted_total = tax(
        quantize(base.undiscounted_unit * line.quantity, currency), base.tax_class_id
    )
    line.total_price_net_amount = total.net.amount
    line.total_price_gross_amount = total.gross.amount
    line.unit_price_net_amount = quantize(total.net.amount / quantity, currency)
    line.unit_price_gross_amount = quantize(total.gross.amount / quantity, currency)
    line.undiscounted_unit_price_amount = undiscounted_unit.gross.amount
    line.undiscounted_total_price_amount = undiscounted_total.gross.amount
    line.tax_rate = (tax.rate(base.tax_class_id) / HUNDRED).quantize(Decimal("0.0001"))


def _sync_gift_lines(
    checkout: Checkout, lines: list[CheckoutLine], gift_variant_ids: Sequence[int]
) -> list[CheckoutLine]:
    """Keep one gift line per promotion gift the checkout gets, and no other."""
    wanted = set(gift_variant_ids)
    stale = [li for li in lines if li.is_gift and li.variant_id not in wanted]
    if stale:
        CheckoutLine.objects.filter(pk__in=[li.pk for li in stale]).delete()
    kept = [li for li in lines if li not in stale]
    have = {li.variant_id for li in kept if li.is_gift}
    added = [
        CheckoutLine.objects.create(
            checkout=checkout, variant_id=variant_id, quantity=1, is_gift=True
        )
        for variant_id in gift_variant_ids
        if variant_id not in have
    ]
    return kept + added


def recalculate_checkout(checkout: Checkout, lines: Sequence[CheckoutLine]) -> None:
    """Price every line, shipping and the checkout, check the chosen delivery still
    applies, add or drop promotion gift lines, and save them. Caller holds the
    checkout's row lock (or created it)."""
    channel = checkout.channel
    currency = checkout.currency
    country = tax_country(checkout, channel)
    tax = _Taxer(
        get_cached_channel_taxes(channel=channel, country_code=country), currency
    )
    ids = {line.variant_id for line in lines}
    variants = variant_facts(ids)
    prices = variant_prices(channel.pk, ids)
    facts = line_facts(checkout, lines, variants, prices)
    checkout.is_delivery_valid = is_delivery_valid(
        checkout, facts, checkout.shipping_address
    )
    shipping_base = _shipping_base(checkout, facts.shipping_required)
    paid = [line for line in lines if not line.is_gift]
    bases = _line_bases(checkout, paid, variants, prices)
    discount = _discount(checkout, paid, bases, shipping_base.price, country)
    lines = _sync_gift_lines(checkout, list(lines), discount.gift_variant_ids)
    new_ids = {line.variant_id for line in lines} - ids
    if new_ids:
        variants.update(variant_facts(new_ids))
        prices.update(variant_prices(channel.pk, new_ids))
    bases = _line_bases(checkout, lines, variants, prices)
    for line in lines:
        _price_line(line, bases[line.pk], discount.line_amounts.get(line.pk, ZERO), tax)
    CheckoutLine.objects.bulk_update(lines, LINE_PRICE_FIELDS)
    shipping = tax(
        shipping_base.price - discount.shipping_amount, shipping_base.tax_class_id
    )
    undiscounted_shipping = tax(shipping_base.price, shipping_base.tax_class_id)
    subtotal_net = sum((line.total_price_net_amount for line in lines), ZERO)
    subtotal_gross = sum((line.total_price_gross_amount for line in lines), ZERO)
    balance = gift_cards_balance(checkout_token=checkout.pk, currency=currency)
    checkout.subtotal_net_amount = subtotal_net
    checkout.subtotal_gross_amount = subtotal_gross
    checkout.shipping_price_net_amount = shipping.net.amount
    checkout.shipping_price_gross_amount = shipping.gross.amount
    checkout.total_net_amount = max(subtotal_net + shipping.net.amount - balance, ZERO)
    checkout.total_gross_amount = max(
        subtotal_gross + shipping.gross.amount - balance, ZERO
    )
    checkout.undiscounted_total_amount = (
        sum((line.undiscounted_total_price_amount for line in lines), ZERO)
        + undiscounted_shipping.gross.amount
    )
    checkout.discount_amount = discount.amount + discount.shipping_amount
    checkout.discount_name = discount.name
    checkout.voucher_code = discount.voucher_code
    checkout.price_expiration = timezone.now() + prices_ttl()
    checkout.save(update_fields=[*PRICE_FIELDS, "updated_at"])


def checkout_totals(checkout: Checkout) -> CheckoutTotals:
    """The stored totals of ``checkout`` as money."""
    currency = checkout.currency

    def taxed_money(net: Decimal, gross: Decimal) -> TaxedMoney:
        return TaxedMoney(net=Money(net, currency), gross=Money(gross, currency))

    return CheckoutTotals(
        subtotal=taxed_money(
            checkout.subtotal_net_amount, checkout.subtotal_gross_amount
        ),
        shipping=taxed_money(
            checkout.shipping_price_net_amount, checkout.shipping_price_gross_amount
        ),
        total=taxed_money(checkout.total_net_amount, checkout.total_gross_amount),
        undiscounted_total=Money(checkout.undiscounted_total_amount, currency),
    )
