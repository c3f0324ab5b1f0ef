"""Turning a checkout into an order (``checkoutComplete``).

One transaction: lock the checkout, check it can be ordered, count the voucher's
use, take stock, write the order, its lines and events, charge the gift cards,
hand over the payments, delete the checkout and queue the confirmation email.

Completing is idempotent: the order keeps the checkout's token (unique), so a
retry, or a second request that waited on the checkout's row lock while the
first one completed it, gets the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mercato.account.addresses import ADDRESS_FIELDS, AddressType, validate_address
from mercato.account.links import check_redirect_url
from mercato.account.models import Address
from mercato.channel.models import Channel
from mercato.checkout.calculations import recalculate_checkout, shipping_tax_rate
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.checkout.queries import (
    LineVariantNotAvailable,
    check_delivery,
    line_problems,
)
from mercato.checkout.services import lock_checkout
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import quantize
from mercato.core.permissions import Actor
from mercato.core.slugs import has_nul
from mercato.discount.checkout import consume_voucher_code
from mercato.discount.models import (
    PromotionRule,
    PromotionType,
    RewardType,
    VoucherChannelListing,
    VoucherType,
)
from mercato.giftcard.checkout import charge_gift_cards
from mercato.giftcard.models import GiftCard
from mercato.inventory.allocation import StockRequest, allocate_stocks
from mercato.inventory.models import Warehouse
from mercato.order.models import (
    DiscountValueType,
    Order,
    OrderDiscount,
    OrderDiscountType,
    OrderEvent,
    OrderEventType,
    OrderLine,
    OrderOrigin,
    OrderStatus,
)
from mercato.order.tasks import send_order_confirmation_job
from mercato.payment.queries import checkout_paid_amounts
from mercato.payment.services import (
    move_checkout_transactions_to_order,
    record_gift_card_payment,
)
from mercato.shipping.models import ShippingMethodChannelListing

CHECKOUT_NOT_FULLY_PAID = "CHECKOUT_NOT_FULLY_PAID"
EMAIL_NOT_SET = "EMAIL_NOT_SET"
INVALID = "INVALID"
REQUIRED = "REQUIRED"
NO_LINES = "NO_LINES"
UNAVAILABLE_VARIANT_IN_CHANNEL = "UNAVAILABLE_VARIANT_IN_CHANNEL"

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class _Discount:
    """The order-level discount of the checkout, as the order records it;
    ``on_lines`` is False when it came off the shipping price only."""

    type: str
    value_type: str
    value: Decimal
    amount: Decimal
    name: str | None
    voucher_code: str | None
    reason: str
    on_lines: bool


@dataclass(frozen=True)
class _Delivery:
    shipping_method_name: str | None
    collection_point_name: str | None
    base_shipping_price: Decimal
    shipping_tax_class_id: int | None = None


def complete_checkout(
    *,
    checkout_token: uuid.UUID,
    actor: Actor,
    payment_data: Mapping[str, Any] | None = None,
    metadata: Mapping[str, str] | None = None,
    redirect_url: str | None = None,
) -> Order:
    """Place the order for the checkout, or return the order it already became.

    Locks the checkout row, then (through the services it calls) the voucher
    code, the stock rows in primary-key order and the gift cards in primary-key
    order. Emits the PLACED event (and CONFIRMED when the channel confirms new
    orders) and queues the order confirmation email. Raises ``ValidationFailed``
    with ``CheckoutErrorCode`` values and changes nothing when the checkout
    cannot be ordered. ``payment_data`` (legacy payment gateways) is accepted and
    ignored.
    """
    _check_metadata(metadata or {})
    with transaction.atomic():
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing is not None:
            return existing
        try:
            checkout = lock_checkout(checkout_token)
        except ValidationFailed:
            # A concurrent call may have completed (and deleted) the checkout
            # while this one waited for its lock.
            existing = Order.objects.filter(checkout_token=checkout_token).first()
            if existing is not None:
                return existing
            raise
        return _place_order(
            checkout,
            actor=actor,
            metadata=metadata or {},
            redirect_url=check_redirect_url(redirect_url) if redirect_url else None,
        )


def _check_metadata(metadata: Mapping[str, str]) -> None:
    errors = ErrorCollector()
    if any(not key.strip() for key in metadata):
        errors.add("metadata", REQUIRED, "Metadata keys cannot be empty.")
    if has_nul(dict(metadata)):
        errors.add("metadata", INVALID, "Metadata cannot contain NUL characters.")
    errors.raise_if_any()


def _checkout_lines(checkout: Checkout) -> list[CheckoutLine]:
    return list(
        checkout.lines.select_related("variant__product__product_type").order_by(
            "created_at", "id"
        )
    )


def _check_ready(
    checkout: Checkout, channel: Channel, lines: Sequence[CheckoutLine]
) -> None:
    """Raise every reason the checkout cannot become an order yet."""
    errors = ErrorCollector()
    if not lines:
        errors.add("lines", NO_LINES, "The checkout has no lines.")
    if not checkout.email:
        errors.add("email", EMAIL_NOT_SET, "Email is not set.")
    check_delivery(errors, checkout, lines)
    _check_skipped_addresses(errors, checkout, lines)
    # Missing stock is found (under row locks) when the stock is allocated.
    unavailable = [
        problem.line.variant_id
        for problems in line_problems(channel.pk, lines).values()
        for problem in problems
        if isinstance(problem, LineVariantNotAvailable)
    ]
    if unavailable:
        errors.add(
            "lines",
            UNAVAILABLE_VARIANT_IN_CHANNEL,
            "Some variants are no longer sold in this channel.",
            variants=unavailable,
        )
    errors.raise_if_any()


def _check_skipped_addresses(
    errors: ErrorCollector, checkout: Checkout, lines: Sequence[CheckoutLine]
) -> None:
    """Give the addresses saved with checks skipped (``validationRules``) every
    check now, as Saleor does: their errors (``field`` the address field,
    ``addressType`` which address) refuse the order; one that passes is stored
    normalised. The shipping address counts only when the lines need shipping."""
    kinds = {checkout.billing_address_id: AddressType.BILLING}
    if any(line.variant.product.product_type.is_shipping_required for line in lines):
        kinds[checkout.shipping_address_id] = AddressType.SHIPPING
    skipped = Address.objects.filter(
        pk__in=[pk for pk in kinds if pk is not None], validation_skipped=True
    )
    for address in skipped:
        stored = {name: getattr(address, name) for name in ADDRESS_FIELDS}
        try:
            fields = validate_address(stored, address_type=kinds[address.pk])
        except ValidationFailed as failed:
            for error in failed.errors:
                errors.add(error.field, error.code, error.message, **error.extra)
            continue
        for name, value in fields.items():
            setattr(address, name, value)
        address.validation_skipped = False
        address.save()


def _check_paid(checkout: Checkout, channel: Channel, due: Decimal) -> None:
    """``due`` (what gift cards do not cover) must be charged or authorized by
    the checkout's transactions, unless the channel accepts unpaid orders."""
    if channel.allow_unpaid_orders or due <= 0:
        return
    paid = checkout_paid_amounts(checkout_token=checkout.pk)
    if paid.charged + paid.authorized < due:
        raise ValidationFailed.one(
            None,
            CHECKOUT_NOT_FULLY_PAID,
            "The checkout is not fully paid: charge or authorize its total first.",
        )


def _place_order(
    checkout: Checkout,
    *,
    actor: Actor,
    metadata: Mapping[str, str],
    redirect_url: str | None,
) -> Order:
    channel = Channel.objects.get(pk=checkout.channel_id)
    checkout.channel = channel  # the delivery and tax checks read it again
    lines = _checkout_lines(checkout)
    if checkout.price_expiration <= timezone.now():
        recalculate_checkout(checkout, lines)
    _check_ready(checkout, channel, lines)
    # Refuse early by the stored total (after the gift cards' balance) ...
    _check_paid(checkout, channel, checkout.total_gross_amount)
    if checkout.voucher_code:
        consume_voucher_code(
            code=checkout.voucher_code,
            email=checkout.email or None,
            user_id=checkout.user_id,
        )
    order = _create_order(checkout, channel, metadata, redirect_url, lines)
    discount = _checkout_order_discount(checkout)
    order_lines = _create_lines(order, lines, discount)
    if discount is not None:
        _record_discount(order, discount)
    allocate_stocks(
        channel=channel,
        requests=[
            StockRequest(line.pk, line.variant_id, line.quantity)
            for line in order_lines
            if line.variant_id is not None
        ],
        checkout_token=checkout.pk,
        collection_point_id=checkout.collection_point_id,
        tracked_variant_ids={
            line.variant_id for line in lines if line.variant.track_inventory
        },
    )
    due = order.total_gross_amount - _pay_with_gift_cards(checkout, order)
    if due > checkout.total_gross_amount:
        # ... and again if the cards paid less than their balance promised (a
        # card spent elsewhere in the meantime).
        _check_paid(checkout, channel, due)
    move_checkout_transactions_to_order(checkout_token=checkout.pk, order_id=order.pk)
    _record_events(order, channel, actor)
    _delete_checkout(checkout)
    _send_confirmation(order)
    return order


def _delivery(checkout: Checkout) -> _Delivery:
    if checkout.collection_point_id is not None:
        name = (
            Warehouse.objects.filter(pk=checkout.collection_point_id)
            .values_list("name", flat=True)
            .first()
        )
        return _Delivery(None, name, ZERO)
    if checkout.shipping_method_id is None:
        return _Delivery(None, None, ZERO)
    listing = (
        ShippingMethodChannelListing.objects.filter(
            shipping_method_id=checkout.shipping_method_id,
            channel_id=checkout.channel_id,
        )
        .values_list(
            "shipping_method__name", "price_amount", "shipping_method__tax_class_id"
        )
        .first()
    )
    method, price, tax_class_id = listing or (None, ZERO, None)
    return _Delivery(method, None, price or ZERO, tax_class_id)


def _checkout_order_discount(checkout: Checkout) -> _Discount | None:
    """The voucher or order promotion discount the checkout got, with how the
    discount was defined (one query), or None without one."""
    amount = checkout.discount_amount
    name = checkout.discount_name
    if amount <= 0 and not name:
        return None
    if checkout.voucher_code:
        code = checkout.voucher_code
        voucher = (
            VoucherChannelListing.objects.filter(
                voucher__codes__code=code, channel_id=checkout.channel_id
            )
            .values_list(
                "voucher__discount_value_type",
                "discount_value",
                "voucher__type",
            )
            .first()
        )
        value_type, value, kind = voucher or (None, None, None)
        if value_type is None or value is None:
            value_type, value = DiscountValueType.FIXED, amount
        on_lines = kind != VoucherType.SHIPPING
        return _Discount(
            type=OrderDiscountType.VOUCHER,
            value_type=value_type,
            value=value,
            amount=amount,
            name=name,
            voucher_code=code,
            reason=f"Voucher code: {code}",
            on_lines=on_lines,
        )
    if amount <= 0:
        # An order promotion's free gift: the gift line records it.
        return _Discount(
            type=OrderDiscountType.ORDER_PROMOTION,
            value_type=DiscountValueType.FIXED,
            value=amount,
            amount=amount,
            name=name,
            voucher_code=None,
            reason=f"Promotion: {name}",
            on_lines=False,
        )
    # The checkout keeps the promotion's name, not its rule: the rule's reward
    # is recorded when exactly one running subtotal rule of that name can apply.
    now = timezone.now()
    rewards = set(
        PromotionRule.objects.filter(
            promotion__name=name,
            promotion__type=PromotionType.ORDER,
            promotion__start_date__lte=now,
            channels__id=checkout.channel_id,
            reward_type=RewardType.SUBTOTAL_DISCOUNT,
            reward_value__isnull=False,
            reward_value_type__isnull=False,
        )
        .exclude(promotion__end_date__lte=now)
        .values_list("reward_value_type", "reward_value")
    )
    reward_type, reward_value = (
        rewards.pop() if len(rewards) == 1 else (DiscountValueType.FIXED, amount)
    )
    return _Discount(
        type=OrderDiscountType.ORDER_PROMOTION,
        value_type=reward_type or DiscountValueType.FIXED,
        value=amount if reward_value is None else reward_value,
        amount=amount,
        name=name,
        voucher_code=None,
        reason=f"Promotion: {name}",
        on_lines=True,
    )


def _record_discount(order: Order, discount: _Discount) -> None:
    if discount.amount <= 0:
        return
    OrderDiscount.objects.create(
        order=order,
        type=discount.type,
        value_type=discount.value_type,
        value=discount.value,
        amount_value=discount.amount,
        currency=order.currency,
        name=discount.name,
        reason=discount.reason,
        voucher_code=discount.voucher_code,
    )


def _line_weight(line: CheckoutLine) -> float:
    variant = line.variant
    product = variant.product
    weight = variant.weight or product.weight or product.product_type.weight
    return (weight or 0.0) * line.quantity


def _net_of(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    return quantize(gross / (ONE + rate), currency) if rate else gross


def _tax_rate(net: Decimal, gross: Decimal) -> Decimal:
    if net <= 0 or gross <= net:
        return ZERO
    return ((gross - net) / net).quantize(Decimal("0.0001"))


def _create_order(
    checkout: Checkout,
    channel: Channel,
    metadata: Mapping[str, str],
    redirect_url: str | None,
    lines: Sequence[CheckoutLine],
) -> Order:
    currency = checkout.currency
    delivery = _delivery(checkout)
    shipping_rate = shipping_tax_rate(checkout, channel, delivery.shipping_tax_class_id)
    total_net = checkout.subtotal_net_amount + checkout.shipping_price_net_amount
    total_gross = checkout.subtotal_gross_amount + checkout.shipping_price_gross_amount
    undiscounted_gross = checkout.undiscounted_total_amount
    total_rate = _tax_rate(total_net, total_gross)
    return Order.objects.create(
        status=(
            OrderStatus.UNFULFILLED
            if channel.automatically_confirm_all_new_orders
            else OrderStatus.UNCONFIRMED
        ),
        origin=OrderOrigin.CHECKOUT,
        channel=channel,
        user_id=checkout.user_id,
        user_email=checkout.email,
        language_code=checkout.language_code,
        # The checkout's address rows are its own (the checkout services write
        # fresh rows, never the address book's); the order takes them over, as
        # its copies, when the checkout is deleted.
        billing_address_id=checkout.billing_address_id,
        shipping_address_id=checkout.shipping_address_id,
        shipping_method_id=checkout.shipping_method_id,
        shipping_method_name=delivery.shipping_method_name,
        collection_point_id=checkout.collection_point_id,
        collection_point_name=delivery.collection_point_name,
        currency=currency,
        base_shipping_price_amount=delivery.base_shipping_price,
        shipping_price_net_amount=checkout.shipping_price_net_amount,
        shipping_price_gross_amount=checkout.shipping_price_gross_amount,
        shipping_tax_rate=shipping_rate,
        subtotal_net_amount=checkout.subtotal_net_amount,
        subtotal_gross_amount=checkout.subtotal_gross_amount,
        total_net_amount=total_net,
        total_gross_amount=total_gross,
        undiscounted_total_net_amount=_net_of(undiscounted_gross, total_rate, currency),
        undiscounted_total_gross_amount=undiscounted_gross,
        voucher_code=checkout.voucher_code,
        discount_amount=checkout.discount_amount,
        discount_name=checkout.discount_name,
        customer_note=checkout.customer_note,
        redirect_url=redirect_url,
        weight=sum((_line_weight(line) for line in lines), 0.0),
        checkout_token=checkout.pk,
        metadata={**(checkout.metadata or {}), **metadata},
        private_metadata=dict(checkout.private_metadata or {}),
    )


def _unit_discount_reason(
    line: CheckoutLine, unit_discount: Decimal, discount: _Discount | None
) -> str | None:
    """Why the line's unit price is below its undiscounted price."""
    if line.is_gift:
        return discount.reason if discount is not None else "Promotion gift"
    if unit_discount <= 0:
        return None
    if discount is None or not discount.on_lines:
        return "Catalogue promotion"
    # An entire-order discount reaches every line; one for specific products
    # (or once per order) the lines it discounts, which cannot be told apart
    # here from catalogue promotions.
    return discount.reason


def _order_line(
    order: Order, line: CheckoutLine, discount: _Discount | None
) -> OrderLine:
    currency = order.currency
    variant = line.variant
    product = variant.product
    rate = line.tax_rate
    undiscounted_unit_gross = line.undiscounted_unit_price_amount
    undiscounted_total_gross = line.undiscounted_total_price_amount
    unit_discount = max(undiscounted_unit_gross - line.unit_price_gross_amount, ZERO)
    return OrderLine(
        order=order,
        variant=variant,
        product_name=product.name,
        variant_name=variant.name,
        product_sku=variant.sku,
        product_variant_id=str(variant.pk),
        is_shipping_required=product.product_type.is_shipping_required,
        is_gift=line.is_gift,
        quantity=line.quantity,
        currency=currency,
        unit_price_net_amount=line.unit_price_net_amount,
        unit_price_gross_amount=line.unit_price_gross_amount,
        undiscounted_unit_price_net_amount=_net_of(
            undiscounted_unit_gross, rate, currency
        ),
        undiscounted_unit_price_gross_amount=undiscounted_unit_gross,
        total_price_net_amount=line.total_price_net_amount,
        total_price_gross_amount=line.total_price_gross_amount,
        undiscounted_total_price_net_amount=_net_of(
            undiscounted_total_gross, rate, currency
        ),
        undiscounted_total_price_gross_amount=undiscounted_total_gross,
        unit_discount_amount=unit_discount,
        unit_discount_reason=_unit_discount_reason(line, unit_discount, discount),
        voucher_code=(
            discount.voucher_code
            if discount is not None and discount.on_lines and unit_discount > 0
            else None
        ),
        tax_rate=rate,
        metadata=dict(line.metadata or {}),
        private_metadata=dict(line.private_metadata or {}),
    )


def _create_lines(
    order: Order, lines: Sequence[CheckoutLine], discount: _Discount | None
) -> list[OrderLine]:
    return OrderLine.objects.bulk_create(
        [_order_line(order, line, discount) for line in lines]
    )


def _pay_with_gift_cards(checkout: Checkout, order: Order) -> Decimal:
    """Charge the applied gift cards up to the order's total; return how much
    they paid."""
    taken = charge_gift_cards(
        checkout_token=checkout.pk,
        amount=order.total_gross_amount,
        currency=order.currency,
        order_id=order.pk,
        user_id=checkout.user_id,
        email=checkout.email or None,
    )
    if not taken:
        return ZERO
    codes = list(
        GiftCard.objects.filter(pk__in=[pk for pk, _ in taken])
        .order_by("pk")
        .values_list("code", flat=True)
    )
    paid = sum((amount for _, amount in taken), ZERO)
    record_gift_card_payment(
        order_id=order.pk, currency=order.currency, amount=paid, codes=codes
    )
    return paid


def _record_events(order: Order, channel: Channel, actor: Actor) -> None:
    who = {"user_id": actor.user_id, "app_id": actor.app_id}
    events = [OrderEvent(order=order, type=OrderEventType.PLACED, **who)]
    if channel.automatically_confirm_all_new_orders:
        events.append(OrderEvent(order=order, type=OrderEventType.CONFIRMED, **who))
    OrderEvent.objects.bulk_create(events)


def _delete_checkout(checkout: Checkout) -> None:
    """Delete the checkout; its lines and reservations go with it."""
    checkout.delete()


def _send_confirmation(order: Order) -> None:
    if order.user_email:
        send_order_confirmation_job.defer(order_id=str(order.pk))
