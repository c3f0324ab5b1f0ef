"""What discounts a checkout gets: a voucher, else the best order promotion.

The checkout calls :func:`checkout_discount` each time it recalculates,
:func:`validate_voucher_code` when a shopper enters a code, and
:func:`consume_voucher_code` inside the transaction that creates the order.
Catalogue promotions are not here: they are already in the lines' unit prices
(``ProductVariantChannelListing.discounted_price_amount``).

Rules, as Saleor applies them: an applicable voucher wins and no order promotion
applies beside it; otherwise the order promotion rule worth the most applies (a
subtotal discount, or a gift valued at its price). Every amount is rounded once to
the currency, and the lines' shares of an order discount add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Q, Value
from django.utils import timezone

from mercato.account.models import User
from mercato.core.errors import ValidationFailed
from mercato.core.money import quantize
from mercato.discount.distribution import distribute
from mercato.discount.models import (
    PromotionRule,
    PromotionType,
    RewardType,
    RewardValueType,
    Voucher,
    VoucherChannelListing,
    VoucherCode,
    VoucherCustomer,
    VoucherType,
)
from mercato.discount.predicates import order_predicate_matches
from mercato.product.models import (
    CollectionProduct,
    Product,
    ProductVariantChannelListing,
)

FIELD = "promoCode"
INVALID_PROMO_CODE = "INVALID_PROMO_CODE"
VOUCHER_NOT_APPLICABLE = "VOUCHER_NOT_APPLICABLE"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DiscountLine:
    line_id: int
    variant_id: int
    product_id: int
    quantity: int
    unit_price: Decimal  # catalogue-discounted unit price, before order discounts


@dataclass(frozen=True)
class CheckoutDiscount:
    amount: Decimal
    line_amounts: dict[int, Decimal]
    shipping_amount: Decimal
    name: str | None
    voucher_code: str | None
    gift_variant_ids: tuple[int, ...] = ()


def _not_applicable(message: str) -> ValidationFailed:
    return ValidationFailed.one(FIELD, VOUCHER_NOT_APPLICABLE, message)


def _line_total(line: DiscountLine, currency: str) -> Decimal:
    return quantize(line.unit_price * line.quantity, currency)


def _subtotal(lines: Sequence[DiscountLine], currency: str) -> Decimal:
    return sum((_line_total(line, currency) for line in lines), Decimal(0))


def _is_running(start: datetime, end: datetime | None, now: datetime) -> bool:
    return start <= now and (end is None or end > now)


def _value_off(
    base: Decimal, value_type: str, value: Decimal, currency: str
) -> Decimal:
    """The discount a value takes off ``base``: never more than ``base``."""
    if base <= 0:
        return Decimal(0)
    if value_type == RewardValueType.PERCENTAGE:
        off = quantize(base * min(value, HUNDRED) / HUNDRED, currency)
    else:
        off = quantize(value, currency)
    return min(off, base)


# -- vouchers -----------------------------------------------------------------


def _voucher_line_ids(voucher: Voucher, lines: Sequence[DiscountLine]) -> set[int]:
    """The lines a specific-product voucher discounts."""
    variant_ids = set(voucher.variants.values_list("pk", flat=True))
    product_ids = set(voucher.products.values_list("pk", flat=True))
    category_ids = set(voucher.categories.values_list("pk", flat=True))
    collection_ids = set(voucher.collections.values_list("pk", flat=True))
    line_products = {line.product_id for line in lines}
    if category_ids:
        product_ids |= set(
            Product.objects.filter(
                pk__in=line_products, category_id__in=category_ids
            ).values_list("pk", flat=True)
        )
    if collection_ids:
        product_ids |= set(
            CollectionProduct.objects.filter(
                product_id__in=line_products, collection_id__in=collection_ids
            ).values_list("product_id", flat=True)
        )
    return {
        line.line_id
        for line in lines
        if line.variant_id in variant_ids or line.product_id in product_ids
    }


def _check_voucher(
    voucher_code: VoucherCode,
    listing: VoucherChannelListing | None,
    *,
    currency: str,
    lines: Sequence[DiscountLine],
    email: str | None,
    user_id: int | None,
) -> None:
    voucher = voucher_code.voucher
    if not _is_running(voucher.start_date, voucher.end_date, timezone.now()):
        raise _not_applicable("The voucher is not active now.")
    if listing is None or listing.currency != currency:
        raise _not_applicable("The voucher is not available in this channel.")
    if listing.min_spent_amount is not None and _subtotal(lines, currency) < quantize(
        listing.min_spent_amount, currency
    ):
        raise _not_applicable("The checkout does not reach the voucher's minimum.")
    quantity = sum(line.quantity for line in lines)
    if voucher.min_checkout_items_quantity and (
        quantity < voucher.min_checkout_items_quantity
    ):
        raise _not_applicable("The checkout has too few items for the voucher.")
    if voucher.usage_limit is not None and voucher_code.used >= voucher.usage_limit:
        raise _not_applicable("The voucher has been used up.")
    if voucher.only_for_staff and not (
        user_id is not None and User.objects.filter(pk=user_id, is_staff=True).exists()
    ):
        raise _not_applicable("The voucher is for staff only.")
    if voucher.apply_once_per_customer:
        if not email:
            raise _not_applicable("The voucher needs the customer's email address.")
        if VoucherCustomer.objects.filter(
            voucher_code__voucher=voucher, customer_email=email
        ).exists():
            raise _not_applicable("The voucher was already used by this customer.")
    if voucher.type == VoucherType.SPECIFIC_PRODUCT and not _voucher_line_ids(
        voucher, lines
    ):
        raise _not_applicable("The voucher applies to none of the products.")


def _find_code(code: str) -> VoucherCode | None:
    return (
        VoucherCode.objects.select_related("voucher")
        .filter(code=code, is_active=True)
        .first()
    )


def _validated(
    code: str,
    *,
    channel_id: int,
    currency: str,
    lines: Sequence[DiscountLine],
    email: str | None,
    user_id: int | None,
) -> tuple[VoucherCode, VoucherChannelListing]:
    voucher_code = _find_code(code)
    if voucher_code is None:
        raise ValidationFailed.one(FIELD, INVALID_PROMO_CODE, "Promo code is invalid.")
    listing = VoucherChannelListing.objects.filter(
        voucher_id=voucher_code.voucher_id, channel_id=channel_id
    ).first()
    _check_voucher(
        voucher_code,
        listing,
        currency=currency,
        lines=lines,
        email=email,
        user_id=user_id,
    )
    assert listing is not None  # _check_voucher refuses a voucher without one
    return voucher_code, listing


def validate_voucher_code(
    *,
    code: str,
    channel_id: int,
    currency: str,
    lines: Sequence[DiscountLine],
    email: str | None,
    user_id: int | None,
) -> VoucherCode:
    """The active code ``code`` if its voucher applies to these lines.

    Raises ``ValidationFailed`` on ``promoCode``: ``INVALID_PROMO_CODE`` for an
    unknown or inactive code, ``VOUCHER_NOT_APPLICABLE`` otherwise.
    """
    voucher_code, _ = _validated(
        code,
        channel_id=channel_id,
        currency=currency,
        lines=lines,
        email=email,
        user_id=user_id,
    )
    return voucher_code


def _cheapest(lines: Sequence[DiscountLine]) -> DiscountLine:
    return min(lines, key=lambda line: (line.unit_price, line.line_id))


def _order_voucher_amounts(
    voucher: Voucher,
    value: Decimal,
    lines: Sequence[DiscountLine],
    currency: str,
) -> dict[int, Decimal]:
    """Per-line discounts of an entire-order or specific-product voucher."""
    if voucher.type == VoucherType.SPECIFIC_PRODUCT:
        wanted = _voucher_line_ids(voucher, lines)
        lines = [line for line in lines if line.line_id in wanted]
    if not lines:
        return {}
    kind = voucher.discount_value_type
    if voucher.apply_once_per_order:
        line = _cheapest(lines)
        return {line.line_id: _value_off(line.unit_price, kind, value, currency)}
    if voucher.type == VoucherType.SPECIFIC_PRODUCT:
        # the value comes off each unit of each discounted product
        return {
            line.line_id: min(
                _value_off(line.unit_price, kind, value, currency) * line.quantity,
                _line_total(line, currency),
            )
            for line in lines
        }
    totals = [_line_total(line, currency) for line in lines]
    amount = _value_off(sum(totals, Decimal(0)), kind, value, currency)
    shares = distribute(amount, totals, currency)
    return {line.line_id: share for line, share in zip(lines, shares, strict=True)}


def _voucher_discount(
    voucher_code: VoucherCode,
    listing: VoucherChannelListing,
    *,
    currency: str,
    lines: Sequence[DiscountLine],
    shipping_price: Decimal,
    country: str | None,
) -> CheckoutDiscount | None:
    voucher = voucher_code.voucher
    name = voucher.name or voucher_code.code
    value = listing.discount_value
    if voucher.type == VoucherType.SHIPPING:
        if country and voucher.countries and country.upper() not in voucher.countries:
            return None
        off = _value_off(
            quantize(shipping_price, currency),
            voucher.discount_value_type,
            value,
            currency,
        )
        return CheckoutDiscount(Decimal(0), {}, off, name, voucher_code.code)
    amounts = {
        line_id: amount
        for line_id, amount in _order_voucher_amounts(
            voucher, value, lines, currency
        ).items()
        if amount
    }
    amount = sum(amounts.values(), Decimal(0))
    return CheckoutDiscount(amount, amounts, Decimal(0), name, voucher_code.code)


# -- order promotions ---------------------------------------------------------


def _gift_prices(rules: list[PromotionRule], channel_id: int) -> dict[int, Decimal]:
    gift_ids = {gift.pk for rule in rules for gift in rule.gifts.all()}
    if not gift_ids:
        return {}
    prices: dict[int, Decimal] = {}
    for listing in ProductVariantChannelListing.objects.filter(
        variant_id__in=gift_ids, channel_id=channel_id, price_amount__isnull=False
    ):
        price = listing.discounted_price_amount
        if price is None:
            price = listing.price_amount
        if price is not None:
            prices[listing.variant_id] = price
    return prices


def _rule_value(
    rule: PromotionRule,
    subtotal: Decimal,
    gift_prices: dict[int, Decimal],
    currency: str,
) -> tuple[Decimal, int | None]:
    """What a rule is worth to the shopper, and the gift it gives (if any)."""
    if rule.reward_type == RewardType.GIFT:
        priced = [
            (gift_prices[gift.pk], gift.pk)
            for gift in rule.gifts.all()
            if gift.pk in gift_prices
        ]
        if not priced:
            return Decimal(0), None
        price, gift_id = max(priced, key=lambda item: (item[0], -item[1]))
        return quantize(price, currency), gift_id
    if rule.reward_value is None or rule.reward_value_type is None:
        return Decimal(0), None
    return _value_off(
        subtotal, rule.reward_value_type, rule.reward_value, currency
    ), None


def _order_promotion_discount(
    *,
    channel_id: int,
    currency: str,
    lines: Sequence[DiscountLine],
    shipping_price: Decimal,
) -> CheckoutDiscount:
    now = timezone.now()
    subtotal = _subtotal(lines, currency)
    total = subtotal + quantize(shipping_price, currency)
    rules = [
        rule
        for rule in PromotionRule.objects.filter(
            Q(promotion__end_date__isnull=True) | Q(promotion__end_date__gt=now),
            promotion__type=PromotionType.ORDER,
            promotion__start_date__lte=now,
            channels__id=channel_id,
        )
        .select_related("promotion")
        .prefetch_related("gifts")
        .order_by("pk")
        if order_predicate_matches(rule.order_predicate, subtotal=subtotal, total=total)
    ]
    gift_prices = _gift_prices(rules, channel_id)
    best: tuple[Decimal, int | None, PromotionRule] | None = None
    for rule in rules:
        value, gift_id = _rule_value(rule, subtotal, gift_prices, currency)
        if value > 0 and (best is None or value > best[0]):
            best = (value, gift_id, rule)
    if best is None:
        return CheckoutDiscount(Decimal(0), {}, Decimal(0), None, None)
    value, gift_id, rule = best
    name = rule.promotion.name
    if gift_id is not None:
        return CheckoutDiscount(Decimal(0), {}, Decimal(0), name, None, (gift_id,))
    totals = [_line_total(line, currency) for line in lines]
    shares = distribute(value, totals, currency)
    amounts = {
        line.line_id: share for line, share in zip(lines, shares, strict=True) if share
    }
    return CheckoutDiscount(value, amounts, Decimal(0), name, None)


def checkout_discount(
    *,
    channel_id: int,
    currency: str,
    voucher_code: str | None,
    lines: Sequence[DiscountLine],
    shipping_price: Decimal,
    country: str | None,
    email: str | None,
    user_id: int | None,
) -> CheckoutDiscount:
    """The order-level discount of a checkout: its voucher if it still applies,
    else the best running order promotion of the channel. Read only.

    ``voucher_code`` of the result is None when the checkout's code no longer
    applies (the checkout then clears it).
    """
    if voucher_code:
        try:
            found, listing = _validated(
                voucher_code,
                channel_id=channel_id,
                currency=currency,
                lines=lines,
                email=email,
                user_id=user_id,
            )
        except ValidationFailed:
            found = None
        if found is not None:
            result = _voucher_discount(
                found,
                listing,
                currency=currency,
                lines=lines,
                shipping_price=shipping_price,
                country=country,
            )
            if result is not None:
                return result
    return _order_promotion_discount(
        channel_id=channel_id,
        currency=currency,
        lines=lines,
        shipping_price=shipping_price,
    )


def consume_voucher_code(*, code: str, email: str | None, user_id: int | None) -> None:
    """Count one use of ``code`` for an order being created.

    Runs inside the caller's transaction. The count goes up in one conditional
    UPDATE (``used < usage_limit``, the code still active), so concurrent orders
    cannot use a code more often than allowed: the row lock makes the second
    UPDATE see the first one's count. Once-per-customer vouchers lock the voucher
    row while they check and record the customer's email. Single-use codes are
    deactivated. Raises ``ValidationFailed("promoCode", VOUCHER_NOT_APPLICABLE)``.
    """
    voucher_code = (
        VoucherCode.objects.select_related("voucher").filter(code=code).first()
    )
    if voucher_code is None:
        raise ValidationFailed.one(FIELD, INVALID_PROMO_CODE, "Promo code is invalid.")
    voucher = voucher_code.voucher
    if voucher.apply_once_per_customer:
        if not email:
            raise _not_applicable("The voucher needs the customer's email address.")
        Voucher.objects.select_for_update().filter(pk=voucher.pk).first()
        if VoucherCustomer.objects.filter(
            voucher_code__voucher=voucher, customer_email=email
        ).exists():
            raise _not_applicable("The voucher was already used by this customer.")
    limited = VoucherCode.objects.filter(pk=voucher_code.pk, is_active=True)
    if voucher.usage_limit is not None:
        limited = limited.filter(used__lt=voucher.usage_limit)
    updated = limited.update(
        used=F("used") + 1, is_active=Value(not voucher.single_use)
    )
    if not updated:
        raise _not_applicable("The voucher has been used up.")
    if voucher.apply_once_per_customer and email:
        VoucherCustomer.objects.create(voucher_code=voucher_code, customer_email=email)
