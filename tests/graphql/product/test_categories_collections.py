from __future__ import annotations

from typing import Any

import pytest

from mercato.product.models import CollectionChannelListing
from tests.factories.catalog import CategoryFactory, build_catalog

pytestmark = pytest.mark.django_db

TREE = """
query($slug: String!) {
  category(slug: $slug) {
    name level
    parent { slug }
    ancestors(first: 10) { edges { node { slug level } } }
    children(first: 10) { totalCount edges { node { slug level } } }
    products(first: 10, channel: "default-channel") { totalCount }
  }
}
"""


def test_category_tree_and_products_of_descendants(gql: Any) -> None:
    catalog = build_catalog(2)
    grandchild = CategoryFactory(name="Polo", slug="polo", parent=catalog.child)
    root = gql(TREE, {"slug": "apparel"})["data"]["category"]
    assert root["level"] == 0
    assert root["parent"] is None
    assert root["ancestors"]["edges"] == []
    assert root["children"]["totalCount"] == 1
    assert root["children"]["edges"][0]["node"] == {"slug": "shirts", "level": 1}
    assert root["products"]["totalCount"] == 2  # products of Shirts count for Apparel

    leaf = gql(TREE, {"slug": grandchild.slug})["data"]["category"]
    assert leaf["level"] == 2
    assert [e["node"]["slug"] for e in leaf["ancestors"]["edges"]] == [
        "apparel",
        "shirts",
    ]
    assert leaf["products"]["totalCount"] == 0


CATEGORY_LIST = """
query($first: Int!) {
  categories(first: $first, level: 0) {
    totalCount
    edges { node { slug backgroundImage { url }
      children(first: 5) { totalCount edges { node { slug } } } } }
  }
}
"""


def test_category_list_with_children_in_constant_queries(
    gql: Any, count_queries: Any
) -> None:
    for index in range(6):
        root = CategoryFactory(slug=f"root-{index}")
        for child in range(index):
            CategoryFactory(slug=f"root-{index}-child-{child}", parent=root)
    counts = []
    for first in (2, 6):
        with count_queries() as queries:
            result = gql(CATEGORY_LIST, {"first": first})
        assert "errors" not in result, result
        counts.append(len(queries))
    assert counts[0] == counts[1]
    edges = result["data"]["categories"]["edges"]
    assert [e["node"]["children"]["totalCount"] for e in edges] == [0, 1, 2, 3, 4, 5]
    assert [len(e["node"]["children"]["edges"]) for e in edges] == [0, 1, 2, 3, 4, 5]


COLLECTION = """
query($channel: String) {
  collection(slug: "featured-products", channel: $channel) {
    name channel
    products(first: 10, sortBy: {field: COLLECTION, direction: ASC}) {
      edges { node { name } }
    }
  }
  collections(first: 10, channel: $channel) { totalCount edges { node { slug } } }
}
"""


def test_collection_products_in_collection_order(gql: Any) -> None:
    build_catalog(3)
    result = gql(COLLECTION, {"channel": "default-channel"})["data"]
    assert result["collection"]["channel"] == "default-channel"
    names = [e["node"]["name"] for e in result["collection"]["products"]["edges"]]
    assert names == ["Shirt 02", "Shirt 01", "Shirt 00"]
    assert result["collections"]["totalCount"] == 1


def test_collection_unpublished_in_channel_is_hidden(gql: Any) -> None:
    build_catalog(1)
    result = gql(COLLECTION, {"channel": "channel-pln"})["data"]
    assert result["collection"] is None
    assert result["collections"]["totalCount"] == 0
    CollectionChannelListing.objects.update(is_published=False)
    assert gql(COLLECTION, {"channel": "default-channel"})["data"]["collection"] is None


def test_channels_list_and_lookup(gql: Any) -> None:
    build_catalog(1)
    result = gql("""{ channels { slug name currencyCode isActive
                      defaultCountry { code country } warehouses { slug } }
                      channel(slug: "channel-pln") { currencyCode } }""")
    assert "errors" not in result, result
    channels = result["data"]["channels"]
    assert [c["slug"] for c in channels] == ["channel-pln", "default-channel"]
    assert channels[0]["defaultCountry"] == {"code": "PL", "country": "Poland"}
    assert channels[1]["currencyCode"] == "USD"
    assert len(channels[1]["warehouses"]) == 1
    assert result["data"]["channel"] == {"currencyCode": "PLN"}


def test_attributes_and_choices(gql: Any) -> None:
    build_catalog(1)
    result = gql("""{ attributes(first: 10, sortBy: {field: SLUG, direction: ASC}) {
        edges { node { slug inputType withChoices
          choices(first: 10) { edges { node { name slug } } } } } } }""")
    edges = result["data"]["attributes"]["edges"]
    assert [e["node"]["slug"] for e in edges] == ["color", "size"]
    assert [c["node"]["slug"] for c in edges[0]["node"]["choices"]["edges"]] == [
        "red",
        "blue",
    ]
