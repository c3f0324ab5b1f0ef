from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import ChannelWarehouse
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingZone,
)
from tests.factories.catalog import ChannelFactory, ProductFactory, WarehouseFactory
from tests.factories.shipping import (
    ShippingMethodFactory,
    ShippingZoneFactory,
    list_method,
)

pytestmark = pytest.mark.django_db

SHIPPING = (Permission.MANAGE_SHIPPING,)

ZONE_CREATE = """
mutation($input: ShippingZoneCreateInput!) {
  shippingZoneCreate(input: $input) {
    shippingZone { id name default description countries { code country }
      channels { slug } warehouses { slug } }
    errors { field code channels warehouses }
    shippingErrors { code }
  }
}
"""
ZONE_UPDATE = """
mutation($id: ID!, $input: ShippingZoneUpdateInput!) {
  shippingZoneUpdate(id: $id, input: $input) {
    shippingZone { name countries { code } channels { slug } }
    errors { field code }
  }
}
"""
ZONE_DELETE = """
mutation($id: ID!) {
  shippingZoneDelete(id: $id) { shippingZone { id name } errors { field code } }
}
"""
ZONE_BULK_DELETE = """
mutation($ids: [ID!]!) {
  shippingZoneBulkDelete(ids: $ids) { count errors { field code } }
}
"""
PRICE_CREATE = """
mutation($input: ShippingPriceInput!) {
  shippingPriceCreate(input: $input) {
    shippingMethod { id name type description minimumDeliveryDays maximumDeliveryDays
      minimumOrderWeight { unit value } maximumOrderWeight { value }
      postalCodeRules { id start end inclusionType } }
    shippingZone { id }
    errors { field code }
  }
}
"""
PRICE_UPDATE = """
mutation($id: ID!, $input: ShippingPriceInput!) {
  shippingPriceUpdate(id: $id, input: $input) {
    shippingMethod { name type postalCodeRules { start inclusionType } }
    errors { field code }
  }
}
"""
PRICE_DELETE = """
mutation($id: ID!) {
  shippingPriceDelete(id: $id) {
    shippingMethod { id } shippingZone { id } errors { field code }
  }
}
"""
PRICE_BULK_DELETE = """
mutation($ids: [ID!]!) {
  shippingPriceBulkDelete(ids: $ids) { count errors { field code } }
}
"""
LISTING_UPDATE = """
mutation($id: ID!, $input: ShippingMethodChannelListingInput!) {
  shippingMethodChannelListingUpdate(id: $id, input: $input) {
    shippingMethod { channelListings { channel { slug } price { amount currency }
      minimumOrderPrice { amount } maximumOrderPrice { amount } } }
    errors { field code channels }
  }
}
"""
EXCLUDE = """
mutation($id: ID!, $input: ShippingPriceExcludeProductsInput!) {
  shippingPriceExcludeProducts(id: $id, input: $input) {
    shippingMethod { excludedProducts(first: 10) { edges { node { slug } } } }
    errors { field code }
  }
}
"""
INCLUDE = """
mutation($id: ID!, $products: [ID!]!) {
  shippingPriceRemoveProductFromExclude(id: $id, products: $products) {
    shippingMethod { excludedProducts(first: 10) { totalCount } }
    errors { field code }
  }
}
"""


def gid(obj: Any) -> str:
    name = "ShippingMethodType" if isinstance(obj, ShippingMethod) else None
    return to_global_id(name or type(obj).__name__, obj.pk)


def payload(result: Any, name: str) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data[name]  # type: ignore[no-any-return]


def test_zone_create(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="eu")
    warehouse = WarehouseFactory(slug="berlin")
    ChannelWarehouse.objects.create(channel=channel, warehouse=warehouse)
    data = payload(
        staff_gql(
            ZONE_CREATE,
            {
                "input": {
                    "name": "Europe",
                    "description": "EU",
                    "countries": ["DE", "pl"],
                    "addChannels": [gid(channel)],
                    "addWarehouses": [gid(warehouse)],
                }
            },
            permissions=SHIPPING,
        ),
        "shippingZoneCreate",
    )
    assert data["errors"] == data["shippingErrors"] == []
    zone = data["shippingZone"]
    assert zone["countries"] == [
        {"code": "DE", "country": "Germany"},
        {"code": "PL", "country": "Poland"},
    ]
    assert zone["channels"] == [{"slug": "eu"}]
    assert zone["warehouses"] == [{"slug": "berlin"}]
    assert (zone["name"], zone["default"], zone["description"]) == (
        "Europe",
        False,
        "EU",
    )


def test_zone_create_bad_input(staff_gql: Any) -> None:
    warehouse = WarehouseFactory()
    data = payload(
        staff_gql(
            ZONE_CREATE,
            {"input": {"countries": ["ZZ"], "addWarehouses": [gid(warehouse)]}},
            permissions=SHIPPING,
        ),
        "shippingZoneCreate",
    )
    assert data["shippingZone"] is None
    assert {(e["field"], e["code"]) for e in data["errors"]} == {
        ("name", "REQUIRED"),
        ("countries", "INVALID"),
        ("addWarehouses", "INVALID"),
    }
    assert not ShippingZone.objects.exists()


def test_zone_update_delete_and_bulk_delete(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="us")
    zone, other = ShippingZoneFactory(), ShippingZoneFactory()
    data = payload(
        staff_gql(
            ZONE_UPDATE,
            {
                "id": gid(zone),
                "input": {
                    "name": "North",
                    "countries": ["CA"],
                    "addChannels": [gid(channel)],
                },
            },
            permissions=SHIPPING,
        ),
        "shippingZoneUpdate",
    )
    assert data == {
        "shippingZone": {
            "name": "North",
            "countries": [{"code": "CA"}],
            "channels": [{"slug": "us"}],
        },
        "errors": [],
    }
    bad = payload(
        staff_gql(
            ZONE_UPDATE,
            {"id": gid(zone), "input": {"name": "", "countries": ["US", "US"]}},
            permissions=SHIPPING,
        ),
        "shippingZoneUpdate",
    )
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {
        ("name", "REQUIRED"),
        ("countries", "DUPLICATED_INPUT_ITEM"),
    }
    zone.refresh_from_db()
    assert zone.name == "North"

    deleted = payload(
        staff_gql(ZONE_DELETE, {"id": gid(zone)}, permissions=SHIPPING),
        "shippingZoneDelete",
    )
    assert deleted["shippingZone"] == {"id": gid(zone), "name": "North"}
    missing = payload(
        staff_gql(ZONE_DELETE, {"id": gid(zone)}, permissions=SHIPPING),
        "shippingZoneDelete",
    )
    assert missing["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    bulk = payload(
        staff_gql(ZONE_BULK_DELETE, {"ids": [gid(other)]}, permissions=SHIPPING),
        "shippingZoneBulkDelete",
    )
    assert bulk == {"count": 1, "errors": []}
    assert not ShippingZone.objects.exists()


def test_price_create_update_delete(staff_gql: Any) -> None:
    zone = ShippingZoneFactory()
    data = payload(
        staff_gql(
            PRICE_CREATE,
            {
                "input": {
                    "shippingZone": gid(zone),
                    "name": "Courier",
                    "type": "WEIGHT",
                    "minimumOrderWeight": 0.5,
                    "maximumOrderWeight": "10",
                    "minimumDeliveryDays": 1,
                    "maximumDeliveryDays": 2,
                    "addPostalCodeRules": [{"start": "10-000", "end": "19-999"}],
                    "inclusionType": "EXCLUDE",
                }
            },
            permissions=SHIPPING,
        ),
        "shippingPriceCreate",
    )
    assert data["errors"] == []
    method = data["shippingMethod"]
    assert data["shippingZone"] == {"id": gid(zone)}
    assert (method["name"], method["type"]) == ("Courier", "WEIGHT")
    assert method["minimumOrderWeight"] == {"unit": "KG", "value": 0.5}
    assert method["maximumOrderWeight"] == {"value": 10.0}
    assert method["postalCodeRules"][0]["inclusionType"] == "EXCLUDE"

    updated = payload(
        staff_gql(
            PRICE_UPDATE,
            {
                "id": method["id"],
                "input": {
                    "name": "Van",
                    "deletePostalCodeRules": [method["postalCodeRules"][0]["id"]],
                },
            },
            permissions=SHIPPING,
        ),
        "shippingPriceUpdate",
    )
    assert updated["shippingMethod"] == {
        "name": "Van",
        "type": "WEIGHT",
        "postalCodeRules": [],
    }
    deleted = payload(
        staff_gql(PRICE_DELETE, {"id": method["id"]}, permissions=SHIPPING),
        "shippingPriceDelete",
    )
    assert deleted["shippingMethod"] == {"id": method["id"]}
    assert deleted["shippingZone"] == {"id": gid(zone)}
    assert not ShippingMethod.objects.exists()


def test_price_bad_input_changes_nothing(staff_gql: Any) -> None:
    method = ShippingMethodFactory(name="Kept")
    data = payload(
        staff_gql(
            PRICE_UPDATE,
            {
                "id": gid(method),
                "input": {
                    "name": " ",
                    "minimumDeliveryDays": 5,
                    "maximumDeliveryDays": 2,
                },
            },
            permissions=SHIPPING,
        ),
        "shippingPriceUpdate",
    )
    assert data["shippingMethod"] is None
    assert {(e["field"], e["code"]) for e in data["errors"]} == {
        ("name", "REQUIRED"),
        ("maximumDeliveryDays", "MAX_LESS_THAN_MIN"),
    }
    created = payload(
        staff_gql(
            PRICE_CREATE,
            {"input": {"name": "x", "type": "PRICE"}},
            permissions=SHIPPING,
        ),
        "shippingPriceCreate",
    )
    assert created["errors"] == [{"field": "shippingZone", "code": "REQUIRED"}]
    method.refresh_from_db()
    assert method.name == "Kept"
    assert ShippingMethod.objects.count() == 1


def test_price_bulk_delete(staff_gql: Any) -> None:
    first, second = ShippingMethodFactory(), ShippingMethodFactory()
    data = payload(
        staff_gql(PRICE_BULK_DELETE, {"ids": [gid(first)]}, permissions=SHIPPING),
        "shippingPriceBulkDelete",
    )
    assert data == {"count": 1, "errors": []}
    assert list(ShippingMethod.objects.all()) == [second]


def test_channel_listing_update(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="eu", currency_code="EUR")
    method = ShippingMethodFactory()
    method.shipping_zone.channels.add(channel)
    data = payload(
        staff_gql(
            LISTING_UPDATE,
            {
                "id": gid(method),
                "input": {
                    "addChannels": [
                        {
                            "channelId": gid(channel),
                            "price": "4.999",
                            "minimumOrderPrice": "10",
                        }
                    ]
                },
            },
            permissions=SHIPPING,
        ),
        "shippingMethodChannelListingUpdate",
    )
    assert data["errors"] == []
    assert data["shippingMethod"]["channelListings"] == [
        {
            "channel": {"slug": "eu"},
            "price": {"amount": 5.0, "currency": "EUR"},
            "minimumOrderPrice": {"amount": 10.0},
            "maximumOrderPrice": None,
        }
    ]
    assert ShippingMethodChannelListing.objects.get().price_amount == Decimal("5.00")


def test_channel_listing_bad_input(staff_gql: Any) -> None:
    channel, outside = ChannelFactory(), ChannelFactory()
    method = ShippingMethodFactory()
    list_method(method, channel, "3")
    data = payload(
        staff_gql(
            LISTING_UPDATE,
            {
                "id": gid(method),
                "input": {
                    "addChannels": [
                        {"channelId": gid(outside), "price": "1"},
                        {
                            "channelId": gid(channel),
                            "minimumOrderPrice": "10",
                            "maximumOrderPrice": "5",
                        },
                    ]
                },
            },
            permissions=SHIPPING,
        ),
        "shippingMethodChannelListingUpdate",
    )
    assert data["shippingMethod"] is None
    assert data["errors"] == [
        {"field": "addChannels", "code": "INVALID", "channels": [gid(outside)]},
        {
            "field": "maximumOrderPrice",
            "code": "MAX_LESS_THAN_MIN",
            "channels": [gid(channel)],
        },
    ]
    listing = ShippingMethodChannelListing.objects.get()
    assert listing.minimum_order_price_amount is None


def test_exclude_and_include_products(staff_gql: Any) -> None:
    method = ShippingMethodFactory()
    product = ProductFactory(slug="fragile")
    data = payload(
        staff_gql(
            EXCLUDE,
            {"id": gid(method), "input": {"products": [gid(product)]}},
            permissions=SHIPPING,
        ),
        "shippingPriceExcludeProducts",
    )
    edges = data["shippingMethod"]["excludedProducts"]["edges"]
    assert edges == [{"node": {"slug": "fragile"}}]
    missing = payload(
        staff_gql(
            EXCLUDE,
            {
                "id": gid(method),
                "input": {"products": [to_global_id("Product", 10**9)]},
            },
            permissions=SHIPPING,
        ),
        "shippingPriceExcludeProducts",
    )
    assert missing["errors"] == [{"field": "products", "code": "NOT_FOUND"}]
    included = payload(
        staff_gql(
            INCLUDE,
            {"id": gid(method), "products": [gid(product)]},
            permissions=SHIPPING,
        ),
        "shippingPriceRemoveProductFromExclude",
    )
    assert included["shippingMethod"]["excludedProducts"]["totalCount"] == 0


def test_permission_denied_changes_nothing(staff_gql: Any, gql: Any) -> None:
    zone = ShippingZoneFactory(name="Kept")
    method = ShippingMethodFactory(shipping_zone=zone)
    product = ProductFactory()
    for query, variables in [
        (ZONE_CREATE, {"input": {"name": "x"}}),
        (ZONE_UPDATE, {"id": gid(zone), "input": {"name": "x"}}),
        (ZONE_DELETE, {"id": gid(zone)}),
        (ZONE_BULK_DELETE, {"ids": [gid(zone)]}),
        (PRICE_CREATE, {"input": {"name": "x", "shippingZone": gid(zone)}}),
        (PRICE_UPDATE, {"id": gid(method), "input": {"name": "x"}}),
        (PRICE_DELETE, {"id": gid(method)}),
        (PRICE_BULK_DELETE, {"ids": [gid(method)]}),
        (LISTING_UPDATE, {"id": gid(method), "input": {"removeChannels": []}}),
        (EXCLUDE, {"id": gid(method), "input": {"products": [gid(product)]}}),
        (INCLUDE, {"id": gid(method), "products": [gid(product)]}),
    ]:
        denied = staff_gql(query, variables, permissions=(Permission.MANAGE_PRODUCTS,))
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    assert ShippingZone.objects.get().name == "Kept"
    assert ShippingMethod.objects.get().name == method.name
    assert not method.excluded_products.exists()
