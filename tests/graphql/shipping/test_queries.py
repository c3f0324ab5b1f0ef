from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.shipping.models import ShippingMethodPostalCodeRule
from tests.factories.catalog import ChannelFactory, WarehouseFactory
from tests.factories.shipping import (
    ShippingMethodFactory,
    ShippingZoneFactory,
    list_method,
)

pytestmark = pytest.mark.django_db

SHIPPING = (Permission.MANAGE_SHIPPING,)

ZONES = """
query($channel: String, $first: Int, $filter: ShippingZoneFilterInput) {
  shippingZones(channel: $channel, first: $first, filter: $filter) {
    totalCount
    edges { node {
      id name metadata { key value }
      priceRange { start { amount } stop { amount } }
      channels { slug } warehouses { slug }
      shippingMethods { id name type
        minimumOrderPrice { amount } maximumOrderPrice { amount }
        postalCodeRules { start end inclusionType }
        channelListings { channel { slug } price { amount currency } } }
    } }
  }
}
"""
ZONE = """
query($id: ID!, $channel: String) {
  shippingZone(id: $id, channel: $channel) {
    name privateMetadata { key }
    priceRange { start { amount currency } stop { amount } }
    shippingMethods { minimumOrderPrice { amount } }
  }
}
"""


def test_zone_with_channel_prices(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="eu", currency_code="EUR")
    zone = ShippingZoneFactory(name="Europe", private_metadata={"k": "v"})
    list_method(ShippingMethodFactory(shipping_zone=zone), channel, "4", minimum="20")
    list_method(ShippingMethodFactory(shipping_zone=zone), channel, "9")
    variables = {"id": to_global_id("ShippingZone", zone.pk), "channel": "eu"}

    result = staff_gql(ZONE, variables, permissions=SHIPPING)

    assert result.errors is None, result.errors
    assert result.data["shippingZone"] == {
        "name": "Europe",
        "privateMetadata": [{"key": "k"}],
        "priceRange": {
            "start": {"amount": 4.0, "currency": "EUR"},
            "stop": {"amount": 9.0},
        },
        "shippingMethods": [
            {"minimumOrderPrice": {"amount": 20.0}},
            {"minimumOrderPrice": None},
        ],
    }
    unscoped = staff_gql(ZONE, {"id": variables["id"]}, permissions=SHIPPING)
    assert unscoped.data["shippingZone"]["priceRange"] is None


def test_zones_filtered_by_channel_and_search(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="eu")
    list_method(
        ShippingMethodFactory(shipping_zone=ShippingZoneFactory(name="Europe")), channel
    )
    ShippingZoneFactory(name="Asia")

    def names(**variables: Any) -> list[str]:
        result = staff_gql(ZONES, {"first": 10, **variables}, permissions=SHIPPING)
        assert result.errors is None, result.errors
        return [e["node"]["name"] for e in result.data["shippingZones"]["edges"]]

    assert names() == ["Europe", "Asia"]
    assert names(channel="eu") == ["Europe"]
    assert names(filter={"search": "as"}) == ["Asia"]
    assert names(filter={"channels": [to_global_id("Channel", channel.pk)]}) == [
        "Europe"
    ]
    unknown = staff_gql(ZONES, {"first": 1, "channel": "nope"}, permissions=SHIPPING)
    assert unknown.errors


def test_zones_need_manage_shipping(staff_gql: Any, gql: Any) -> None:
    zone = ShippingZoneFactory()
    for query, variables in [
        (ZONES, {"first": 1}),
        (ZONE, {"id": to_global_id("ShippingZone", zone.pk)}),
    ]:
        denied = staff_gql(query, variables)
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        assert anonymous["errors"][0]["extensions"]["exception"]["code"] == (
            "PermissionDenied"
        )


def _zones(count: int, channel: Any) -> None:
    for index in range(count):
        zone = ShippingZoneFactory(name=f"Zone {index}", metadata={"i": str(index)})
        zone.warehouses.add(WarehouseFactory())
        for price in ("5", "7"):
            method = ShippingMethodFactory(shipping_zone=zone)
            list_method(method, channel, price, minimum="1")
            ShippingMethodPostalCodeRule.objects.create(
                shipping_method=method, start="1", inclusion_type="exclude"
            )


def test_query_count_does_not_grow_with_page_size(
    staff_gql: Any, count_queries: Any
) -> None:
    channel = ChannelFactory(slug="eu")
    _zones(6, channel)

    def run(first: int) -> int:
        with count_queries() as queries:
            result = staff_gql(
                ZONES, {"first": first, "channel": "eu"}, permissions=SHIPPING
            )
        assert result.errors is None, result.errors
        assert len(result.data["shippingZones"]["edges"]) == first
        return len(queries)

    run(1)  # warms the per-process channel cache
    assert run(2) == run(6)
