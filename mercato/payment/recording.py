"""What the payment services share: recording events, checking input, and the
checkout or order a payment is for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.checkout.models import Checkout
from mercato.checkout.queries import get_checkout
from mercato.checkout.services import lock_checkout
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import quantize
from mercato.core.permissions import Actor
from mercato.order.models import Order
from mercato.payment.amounts import recalculate_transaction_amounts
from mercato.payment.models import TransactionEvent, TransactionItem
from mercato.payment.queries import (
    PaidAmounts,
    checkout_paid_amounts,
    checkout_total,
    order_paid_amounts,
)

GRAPHQL_ERROR = "GRAPHQL_ERROR"
INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
UNIQUE = "UNIQUE"
INCORRECT_CURRENCY = "INCORRECT_CURRENCY"
INCORRECT_DETAILS = "INCORRECT_DETAILS"
REQUIRED = "REQUIRED"
MISSING_PAYMENT_APP = "MISSING_PAYMENT_APP"
MISSING_PAYMENT_APP_RELATION = "MISSING_PAYMENT_APP_RELATION"

GIFT_CARD_GATEWAY_ID = "mercato.giftcard"
TEXT_MAX_LENGTH = 512  # name, message and PSP reference columns
URL_MAX_LENGTH = 2048


@dataclass(frozen=True)
class Source:
    """What a transaction pays for: a checkout or an order."""

    checkout_token: uuid.UUID | None = None
    order_id: uuid.UUID | None = None


def recalculate(item: TransactionItem) -> None:
    recalculate_transaction_amounts(item, list(item.events.all()))


def add_event(
    item: TransactionItem,
    event_type: str,
    amount: Decimal,
    *,
    actor: Actor | None = None,
    psp_reference: str = "",
    message: str = "",
    external_url: str = "",
    include: bool = True,
    created_at: Any = None,
) -> TransactionEvent:
    return TransactionEvent.objects.create(
        transaction=item,
        type=event_type,
        amount=amount,
        currency=item.currency,
        psp_reference=psp_reference,
        message=message,
        external_url=external_url,
        include_in_calculations=include,
        created_at=created_at or timezone.now(),
        user_id=actor.user_id if actor and not actor.app_id else None,
        app_id=actor.app_id if actor else None,
        app_identifier=item.app_identifier,
    )


def check_amount(
    errors: ErrorCollector, field: str, amount: Decimal, currency: str
) -> None:
    if not amount.is_finite() or amount >= Decimal(10) ** 16:
        errors.add(field, INVALID, "The amount is too large.")
    elif amount < 0 or quantize(amount, currency) != amount:
        errors.add(
            field,
            INVALID,
            f"The amount must be positive with at most the decimal places of "
            f"{currency}.",
        )


def check_text(errors: ErrorCollector, field: str, value: str | None) -> None:
    if value is not None and len(value) > TEXT_MAX_LENGTH:
        errors.add(
            field, INVALID, f"Use at most {TEXT_MAX_LENGTH} characters in `{field}`."
        )


def check_url(errors: ErrorCollector, field: str, value: str | None) -> None:
    if not value:
        return
    try:
        if len(value) > URL_MAX_LENGTH:
            raise ValidationError("too long")
        URLValidator()(value)
    except ValidationError:
        errors.add(field, INVALID, f"`{field}` must be a valid URL.")


def _load_checkout(token: uuid.UUID) -> Checkout:
    checkout = get_checkout(token)  # recalculates expired prices
    if checkout is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Checkout {token} not found.")
    return checkout


@dataclass(frozen=True)
class Payable:
    """The checkout or order a payment is for, with what it costs."""

    checkout_token: uuid.UUID | None
    order_id: uuid.UUID | None
    channel: Channel
    currency: str
    total: Decimal

    def paid(self) -> PaidAmounts:
        if self.checkout_token is not None:
            return checkout_paid_amounts(checkout_token=self.checkout_token)
        return order_paid_amounts(order_id=self.order_id)

    def owns(self, item: TransactionItem) -> bool:
        if self.checkout_token is not None:
            return item.checkout_id == self.checkout_token
        return item.order_id == self.order_id

    def lock(self) -> None:
        """Row-lock the checkout or order for the caller's transaction."""
        if self.checkout_token is not None:
            lock_checkout(self.checkout_token)
            return
        assert self.order_id is not None
        if not Order.objects.select_for_update().filter(pk=self.order_id).exists():
            raise ValidationFailed.one("id", NOT_FOUND, "The order no longer exists.")

    def new_transaction(self, **fields: Any) -> TransactionItem:
        return TransactionItem(
            checkout_id=self.checkout_token,
            order_id=self.order_id,
            currency=self.currency,
            **fields,
        )


def get_payable(source: Source) -> Payable:
    """What ``source`` names, with its current total; ``NOT_FOUND`` on ``id``."""
    if source.checkout_token is not None:
        checkout = _load_checkout(source.checkout_token)
        return Payable(
            checkout_token=checkout.token,
            order_id=None,
            channel=checkout.channel,
            currency=checkout.currency,
            total=checkout_total(checkout),
        )
    order_id = source.order_id
    order = None
    if order_id is not None:
        order = Order.objects.select_related("channel").filter(pk=order_id).first()
    if order is None:
        raise ValidationFailed.one("id", NOT_FOUND, f"Order {order_id} not found.")
    return Payable(
        checkout_token=None,
        order_id=order.pk,
        channel=order.channel,
        currency=order.currency,
        total=order.total_gross_amount,
    )
