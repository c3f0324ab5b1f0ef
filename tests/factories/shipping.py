"""factory_boy factories of shipping zones and methods."""

from __future__ import annotations

from decimal import Decimal

import factory

from mercato.channel.models import Channel
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingMethodType,
    ShippingZone,
)


class ShippingZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zone {n}")
    countries = factory.LazyFunction(lambda: ["US"])


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    name = factory.Sequence(lambda n: f"Method {n}")
    type = ShippingMethodType.PRICE
    shipping_zone = factory.SubFactory(ShippingZoneFactory)


def list_method(
    method: ShippingMethod,
    channel: Channel,
    price: str = "10",
    minimum: str | None = None,
    maximum: str | None = None,
) -> ShippingMethodChannelListing:
    """Price ``method`` in ``channel`` (adding the channel to its zone)."""
    method.shipping_zone.channels.add(channel)
    return ShippingMethodChannelListing.objects.create(
        shipping_method=method,
        channel=channel,
        currency=channel.currency_code,
        price_amount=Decimal(price),
        minimum_order_price_amount=None if minimum is None else Decimal(minimum),
        maximum_order_price_amount=None if maximum is None else Decimal(maximum),
    )
