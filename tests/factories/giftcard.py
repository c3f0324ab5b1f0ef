from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from mercato.checkout.models import Checkout
from mercato.giftcard.models import GiftCard, GiftCardTag
from tests.factories.catalog import ChannelFactory


class GiftCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCard

    code = factory.Sequence(lambda n: f"GIFT{n:08d}")
    currency = "USD"
    initial_balance_amount = Decimal("50.000")
    current_balance_amount = factory.SelfAttribute("initial_balance_amount")
    is_active = True


def make_gift_card(
    *,
    balance: Decimal | str = "50",
    tags: tuple[str, ...] = (),
    expiry_date: datetime.date | None = None,
    **fields: Any,
) -> GiftCard:
    card: GiftCard = GiftCardFactory(
        initial_balance_amount=Decimal(balance), expiry_date=expiry_date, **fields
    )
    for name in tags:
        card.tags.add(GiftCardTag.objects.get_or_create(name=name)[0])
    return card


def make_checkout(currency: str = "USD", **fields: Any) -> Checkout:
    channel = ChannelFactory(currency_code=currency)
    return Checkout.objects.create(channel=channel, currency=currency, **fields)
