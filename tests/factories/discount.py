"""Factories of promotions and vouchers."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from mercato.channel.models import Channel
from mercato.discount.models import (
    Promotion,
    PromotionRule,
    PromotionType,
    RewardValueType,
    Voucher,
    VoucherChannelListing,
    VoucherCode,
)

PAST = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promotion

    name = factory.Sequence(lambda n: f"Promotion {n}")
    type = PromotionType.CATALOGUE
    start_date = PAST


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    name = factory.Sequence(lambda n: f"Voucher {n}")
    start_date = PAST


def make_rule(
    promotion: Promotion,
    channels: list[Channel],
    *,
    value: str = "10",
    value_type: str = RewardValueType.PERCENTAGE,
    **fields: Any,
) -> PromotionRule:
    rule = PromotionRule.objects.create(
        promotion=promotion,
        reward_value=Decimal(value),
        reward_value_type=value_type,
        **fields,
    )
    rule.channels.set(channels)
    return rule


def make_voucher(
    channel: Channel,
    code: str = "SAVE",
    *,
    value: str = "10",
    min_spent: str | None = None,
    **fields: Any,
) -> VoucherCode:
    """A voucher with one code, listed in ``channel``."""
    voucher = VoucherFactory(**fields)
    VoucherChannelListing.objects.create(
        voucher=voucher,
        channel=channel,
        currency=channel.currency_code,
        discount_value=Decimal(value),
        min_spent_amount=Decimal(min_spent) if min_spent else None,
    )
    return VoucherCode.objects.create(voucher=voucher, code=code)
