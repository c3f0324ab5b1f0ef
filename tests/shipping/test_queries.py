from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.channel.models import Channel
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodPostalCodeRule,
    ShippingMethodType,
)
from mercato.shipping.queries import (
    ShippingRequest,
    applicable_shipping_methods,
    applicable_shipping_methods_batch,
)
from tests.factories.catalog import ChannelFactory, ProductFactory
from tests.factories.shipping import (
    ShippingMethodFactory,
    ShippingZoneFactory,
    list_method,
)

pytestmark = pytest.mark.django_db


def names(channel: Channel, **kwargs: Any) -> list[str]:
    args: dict[str, Any] = {
        "country_code": "US",
        "postal_code": None,
        "subtotal": Decimal("50"),
        "weight": None,
    }
    args.update(kwargs)
    found = applicable_shipping_methods(channel=channel, **args)
    return [item.method.name for item in found]


def method(name: str, **fields: Any) -> ShippingMethod:
    return ShippingMethodFactory(name=name, **fields)  # type: ignore[no-any-return]


def test_methods_come_with_their_channel_price_cheapest_first() -> None:
    channel = ChannelFactory(currency_code="EUR")
    zone = ShippingZoneFactory(countries=["US", "CA"])
    list_method(method("Express", shipping_zone=zone), channel, "20")
    list_method(method("Standard", shipping_zone=zone), channel, "5.5")

    found = applicable_shipping_methods(
        channel=channel,
        country_code="us",
        postal_code=None,
        subtotal=Decimal(1),
        weight=None,
    )

    assert [item.method.name for item in found] == ["Standard", "Express"]
    assert found[0].price.amount == Decimal("5.5")
    assert found[0].price.currency == "EUR"


def test_only_zones_of_the_country_and_the_channel() -> None:
    channel, other = ChannelFactory(), ChannelFactory()
    list_method(method("US"), channel)
    list_method(
        method("PL", shipping_zone=ShippingZoneFactory(countries=["PL"])), channel
    )
    list_method(method("Elsewhere"), other)
    unlisted = method("Not listed")
    unlisted.shipping_zone.channels.add(channel)

    assert names(channel) == ["US"]
    assert names(channel, country_code="PL") == ["PL"]
    assert names(channel, country_code="DE") == []


def test_listing_without_the_zone_in_the_channel_does_not_count() -> None:
    channel = ChannelFactory()
    listed = method("Orphan")
    list_method(listed, channel)
    listed.shipping_zone.channels.remove(channel)

    assert names(channel) == []


def test_default_zone_serves_countries_no_zone_names() -> None:
    channel = ChannelFactory()
    list_method(method("US"), channel)
    default = ShippingZoneFactory(countries=[], default=True)
    list_method(method("World", shipping_zone=default), channel)

    assert names(channel, country_code="JP") == ["World"]
    assert names(channel, country_code="US") == ["US"]


def test_price_based_limits_are_inclusive() -> None:
    channel = ChannelFactory()
    list_method(method("Cheap orders"), channel, "5", maximum="50")
    list_method(method("Big orders"), channel, "0", minimum="50.01")
    list_method(method("Any order"), channel, "9")

    assert names(channel, subtotal=Decimal("50")) == ["Cheap orders", "Any order"]
    assert names(channel, subtotal=Decimal("50.01")) == ["Big orders", "Any order"]


def test_weight_based_limits_ignore_the_order_value() -> None:
    channel = ChannelFactory()
    weight = ShippingMethodType.WEIGHT
    list_method(
        method("Light", type=weight, maximum_order_weight=2.0), channel, "3", "999"
    )
    list_method(method("Heavy", type=weight, minimum_order_weight=2.5), channel, "8")

    assert names(channel, weight=2.0) == ["Light"]
    assert names(channel, weight=None) == ["Light"]
    assert names(channel, weight=3.0) == ["Heavy"]


def _rule(target: ShippingMethod, start: str, end: str | None, kind: str) -> None:
    ShippingMethodPostalCodeRule.objects.create(
        shipping_method=target, start=start, end=end, inclusion_type=kind
    )


def test_postal_code_exclude_rules() -> None:
    channel = ChannelFactory()
    target = method("Mainland")
    list_method(target, channel)
    _rule(target, "96700", "96899", "exclude")

    assert names(channel, postal_code="96801") == []
    assert names(channel, postal_code="10001") == ["Mainland"]
    assert names(channel, postal_code=None) == ["Mainland"]


def test_postal_code_include_rules_and_prefixes() -> None:
    channel = ChannelFactory()
    zone = ShippingZoneFactory(countries=["GB"])
    target = method("London", shipping_zone=zone)
    list_method(target, channel)
    _rule(target, "SW1", None, "include")
    _rule(target, "E1", "E9", "include")

    assert names(channel, country_code="GB", postal_code="sw1a 1aa") == ["London"]
    assert names(channel, country_code="GB", postal_code="E5 8AB") == ["London"]
    assert names(channel, country_code="GB", postal_code="M1 1AE") == []


def test_methods_excluding_a_product_of_the_order_are_left_out() -> None:
    channel = ChannelFactory()
    fussy = method("Fussy")
    list_method(fussy, channel)
    list_method(method("Anything"), channel, "12")
    product, other = ProductFactory(), ProductFactory()
    fussy.excluded_products.add(product)

    assert names(channel, product_ids=[other.pk]) == ["Fussy", "Anything"]
    assert names(channel, product_ids=[other.pk, product.pk]) == ["Anything"]


def test_query_count_does_not_grow_with_methods(
    django_assert_max_num_queries: Any,
) -> None:
    channel = ChannelFactory()
    zone = ShippingZoneFactory()
    for index in range(6):
        target = method(f"M{index}", shipping_zone=zone)
        list_method(target, channel)
        _rule(target, "1", "2", "exclude")

    with django_assert_max_num_queries(1):
        assert len(names(channel, postal_code="5")) == 6


def test_batch_answers_each_request_as_alone_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    channel, other = ChannelFactory(), ChannelFactory()
    us = ShippingZoneFactory(countries=["US"])
    mainland = method("Mainland", shipping_zone=us)
    list_method(mainland, channel, "5", maximum="50")
    _rule(mainland, "96700", "96899", "exclude")
    list_method(method("Elsewhere", shipping_zone=us), other, "4")
    world = ShippingZoneFactory(countries=[], default=True)
    list_method(method("World", shipping_zone=world), channel, "30")
    fussy = method("Fussy", shipping_zone=us)
    list_method(fussy, channel, "9")
    product = ProductFactory()
    fussy.excluded_products.add(product)

    def ask(target: Channel, country: str, **kwargs: Any) -> ShippingRequest:
        args: dict[str, Any] = {"postal_code": None, "subtotal": Decimal("10")}
        args.update(kwargs)
        return ShippingRequest(target.pk, country, weight=None, **args)

    requests = [
        ask(channel, "us"),
        ask(channel, "US", postal_code="96801"),
        ask(channel, "US", subtotal=Decimal("60"), product_ids=(product.pk,)),
        ask(channel, "JP"),
        ask(other, "US"),
        ask(other, "JP"),
    ]
    with django_assert_num_queries(1):
        found = applicable_shipping_methods_batch(requests)

    assert [[item.method.name for item in each] for each in found] == [
        ["Mainland", "Fussy"],
        ["Fussy"],
        [],
        ["World"],
        ["Elsewhere"],
        [],
    ]
    assert found[4][0].price.amount == Decimal("4")
    assert applicable_shipping_methods_batch([]) == []
