"""Catalog stock seen by shoppers leaves out what other checkouts reserve."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from mercato.channel.queries import forget_channels
from mercato.inventory.models import Reservation
from tests.factories.catalog import Catalog, build_catalog
from tests.graphql.checkout.test_checkout import create

pytestmark = pytest.mark.django_db

DETAIL = """
query($slug: String!) {
  product(slug: $slug, channel: "default-channel") {
    isAvailable variants { sku quantityAvailable }
  }
}
"""

LIST = """
query($first: Int) {
  products(channel: "default-channel", first: $first) {
    edges { node { name isAvailable variants { quantityAvailable } } }
  }
}
"""


def reserving(catalog: Catalog, minutes: int = 15) -> None:
    catalog.channel.reservation_minutes = minutes
    catalog.channel.save(update_fields=["reservation_minutes"])
    forget_channels()


def detail(gql: Any) -> dict[str, Any]:
    result = gql(DETAIL, {"slug": "shirt-00"})
    assert "errors" not in result, result
    return result["data"]["product"]  # type: ignore[no-any-return]


def test_other_shoppers_reservations_lower_quantity_available(gql: Any) -> None:
    catalog = build_catalog(1)
    reserving(catalog)
    # 10 in stock; 20 in stock with 1 allocated.
    assert [v["quantityAvailable"] for v in detail(gql)["variants"]] == [10, 19]
    assert create(gql, catalog, (0, 8), (1, 19))["errors"] == []
    product = detail(gql)
    assert [v["quantityAvailable"] for v in product["variants"]] == [2, 0]
    assert product["isAvailable"] is True
    # The last two units go to a third shopper: nothing is left to buy.
    assert create(gql, catalog, (0, 2))["errors"] == []
    product = detail(gql)
    assert [v["quantityAvailable"] for v in product["variants"]] == [0, 0]
    assert product["isAvailable"] is False
    # Expired reservations hold nothing.
    Reservation.objects.update(
        reserved_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    product = detail(gql)
    assert [v["quantityAvailable"] for v in product["variants"]] == [10, 19]
    assert product["isAvailable"] is True


def test_untracked_variants_stay_available(gql: Any) -> None:
    catalog = build_catalog(1)
    reserving(catalog)
    assert create(gql, catalog, (0, 10), (1, 19))["errors"] == []
    assert detail(gql)["isAvailable"] is False
    catalog.variants[1].track_inventory = False
    catalog.variants[1].save(update_fields=["track_inventory"])
    product = detail(gql)
    assert [v["quantityAvailable"] for v in product["variants"]] == [0, 50]
    assert product["isAvailable"] is True


def test_sold_out_product_is_not_available(gql: Any) -> None:
    catalog = build_catalog(1)
    for variant in catalog.variants:
        variant.stocks.update(quantity_allocated=20)
    assert detail(gql)["isAvailable"] is False


def list_queries(gql: Any, count_queries: Any, first: int) -> list[str]:
    with count_queries() as queries:
        result = gql(LIST, {"first": first})
    assert "errors" not in result, result
    assert len(result["data"]["products"]["edges"]) == first
    return [q["sql"] for q in queries.captured_queries]


def test_stock_of_a_product_list_costs_no_query_per_product(
    gql: Any, count_queries: Any, settings: Any
) -> None:
    settings.GRAPHQL_COUNT_CACHE_SECONDS = 0
    settings.CHANNEL_CACHE_SECONDS = 0
    catalog = build_catalog(12)
    small = list_queries(gql, count_queries, 2)
    plain = list_queries(gql, count_queries, 12)
    assert len(small) == len(plain)
    # Without reservations in the channel, no statement reads them.
    assert not any("inventory_reservation" in sql for sql in plain)
    reserving(catalog)
    assert create(gql, catalog, (0, 3))["errors"] == []
    held = list_queries(gql, count_queries, 12)
    # With them, the stock statement reads them too: no extra statement.
    assert len(held) == len(plain)
    assert sum("inventory_reservation" in sql for sql in held) == 1
