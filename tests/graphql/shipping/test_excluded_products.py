"""ShippingMethodType.excludedProducts: the first page of every method in a zone
list comes from one query; later pages continue from its cursors."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from mercato.product.models import Product
from mercato.shipping.models import ShippingMethod, ShippingZone
from tests.factories.catalog import ProductFactory
from tests.factories.shipping import ShippingMethodFactory, ShippingZoneFactory

pytestmark = pytest.mark.django_db

SHIPPING = (Permission.MANAGE_SHIPPING,)

ZONE = """
query($id: ID!, $first: Int!) {
  shippingZone(id: $id) {
    shippingMethods {
      name
      excludedProducts(first: $first) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { slug productType { name } } }
      }
    }
  }
}
"""
NEXT_PAGE = """
query($id: ID!, $after: String) {
  shippingZone(id: $id) {
    shippingMethods {
      excludedProducts(first: 10, after: $after) { edges { node { slug } } }
    }
  }
}
"""


def _method(zone: ShippingZone, name: str, products: list[Product]) -> ShippingMethod:
    method: ShippingMethod = ShippingMethodFactory(shipping_zone=zone, name=name)
    method.excluded_products.add(*products)
    return method


def _read(staff_gql: Any, zone: ShippingZone, first: int) -> list[dict[str, Any]]:
    result = staff_gql(
        ZONE,
        {"id": to_global_id("ShippingZone", zone.pk), "first": first},
        permissions=SHIPPING,
    )
    assert result.errors is None, result.errors
    return result.data["shippingZone"]["shippingMethods"]  # type: ignore[no-any-return]


def test_first_pages_per_method(staff_gql: Any) -> None:
    zone = ShippingZoneFactory()
    a, b, c, shared = (ProductFactory(slug=slug) for slug in ("a", "b", "c", "shared"))
    _method(zone, "Courier", [a, b, c, shared])
    _method(zone, "Van", [shared])
    _method(zone, "Post", [])

    courier, van, post = _read(staff_gql, zone, first=2)

    page = courier["excludedProducts"]
    assert [e["node"]["slug"] for e in page["edges"]] == ["a", "b"]
    assert page["totalCount"] == 4
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["edges"][0]["node"]["productType"]["name"]
    assert van["excludedProducts"]["totalCount"] == 1
    assert [e["node"]["slug"] for e in van["excludedProducts"]["edges"]] == ["shared"]
    assert van["excludedProducts"]["pageInfo"]["hasNextPage"] is False
    assert post["excludedProducts"] == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "endCursor": None,
        },
        "edges": [],
    }

    # The batched page's cursor is the one the per-method read continues from.
    result = staff_gql(
        NEXT_PAGE,
        {
            "id": to_global_id("ShippingZone", zone.pk),
            "after": page["pageInfo"]["endCursor"],
        },
        permissions=SHIPPING,
    )
    assert result.errors is None, result.errors
    rest = result.data["shippingZone"]["shippingMethods"][0]["excludedProducts"]
    assert [e["node"]["slug"] for e in rest["edges"]] == ["c", "shared"]


def test_query_count_does_not_grow_with_the_number_of_methods(
    staff_gql: Any, count_queries: Any
) -> None:
    zone = ShippingZoneFactory()

    def run(methods: int) -> int:
        while zone.shipping_methods.count() < methods:
            index = zone.shipping_methods.count()
            _method(zone, f"M{index}", [ProductFactory(), ProductFactory()])
        with count_queries() as queries:
            read = _read(staff_gql, zone, first=1)
        assert len(read) == methods
        assert all(m["excludedProducts"]["totalCount"] == 2 for m in read)
        assert all(len(m["excludedProducts"]["edges"]) == 1 for m in read)
        return len(queries)

    assert run(2) == run(6)
