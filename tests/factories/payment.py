"""Checkouts to pay for, transactions and events."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from mercato.checkout.models import Checkout
from mercato.checkout.services import LineInput, create_checkout
from mercato.core.permissions import Actor
from mercato.payment.models import TransactionEvent, TransactionItem
from tests.factories.catalog import Catalog

DUMMY_ID = "mirumee.payments.dummy"


def dummy_gateway_on() -> override_settings:
    return override_settings(PAYMENT_GATEWAYS=[settings.DUMMY_PAYMENT_GATEWAY])


def make_checkout(catalog: Catalog, quantity: int = 2) -> Checkout:
    """A checkout in the catalog's channel with ``quantity`` of the first variant."""
    return create_checkout(
        actor=Actor.anonymous(),
        channel_slug=catalog.channel.slug,
        lines=[LineInput(variant_id=catalog.variants[0].pk, quantity=quantity)],
    )


def make_transaction(
    *, checkout: Checkout | None = None, currency: str = "USD", **fields: object
) -> TransactionItem:
    return TransactionItem.objects.create(
        checkout=checkout,
        currency=checkout.currency if checkout else currency,
        **fields,
    )


class EventClock:
    """Creation times one second apart, so event order is explicit."""

    def __init__(self) -> None:
        self.now = timezone.now() - datetime.timedelta(hours=1)

    def __call__(self) -> datetime.datetime:
        self.now += datetime.timedelta(seconds=1)
        return self.now


def add_event(
    item: TransactionItem,
    type: str,
    amount: str | Decimal,
    psp: str = "",
    *,
    at: datetime.datetime | None = None,
    include: bool = True,
) -> TransactionEvent:
    return TransactionEvent.objects.create(
        transaction=item,
        type=type,
        amount=Decimal(amount),
        currency=item.currency,
        psp_reference=psp,
        created_at=at or timezone.now(),
        include_in_calculations=include,
    )
