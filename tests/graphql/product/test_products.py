from __future__ import annotations

import base64
from typing import Any

import pytest

from mercato.product.models import ProductChannelListing, ProductMedia
from mercato.product.search import update_products_search_index
from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db

PRODUCT_LIST = """
query Products($channel: String, $first: Int, $after: String, $sortBy: ProductOrder,
               $where: ProductWhereInput, $search: String,
               $filter: ProductFilterInput) {
  products(channel: $channel, first: $first, after: $after, sortBy: $sortBy,
           where: $where, search: $search, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id name slug channel
        category { id name slug }
        thumbnail(size: 256, format: WEBP) { url alt }
        pricing {
          onSale
          priceRange { start { gross { amount currency } net { amount } }
                       stop { gross { amount currency } } }
          priceRangeUndiscounted { start { gross { amount } } }
          discount { gross { amount } }
        }
      }
    }
  }
}
"""


def names(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in result["data"]["products"]["edges"]]


def test_product_list_shows_prices_in_the_channel_currency(gql: Any) -> None:
    build_catalog(3)
    result = gql(PRODUCT_LIST, {"channel": "default-channel", "first": 10})
    assert "errors" not in result, result
    products = result["data"]["products"]
    assert products["totalCount"] == 3
    first = products["edges"][0]["node"]
    assert first["channel"] == "default-channel"
    assert first["category"]["slug"] == "shirts"
    assert first["pricing"]["priceRange"]["start"]["gross"] == {
        "amount": 10.0,
        "currency": "USD",
    }
    assert first["pricing"]["priceRange"]["stop"]["gross"]["amount"] == 11.0
    assert first["pricing"]["priceRange"]["start"]["net"]["amount"] == 10.0
    assert first["pricing"]["onSale"] is False

    pln = gql(PRODUCT_LIST, {"channel": "channel-pln", "first": 10})
    start = pln["data"]["products"]["edges"][0]["node"]["pricing"]["priceRange"][
        "start"
    ]
    assert start["gross"] == {"amount": 40.0, "currency": "PLN"}


def test_discounted_price_marks_product_on_sale(gql: Any) -> None:
    catalog = build_catalog(1)
    listing = catalog.variants[0].channel_listings.get(channel=catalog.channel)
    listing.discounted_price_amount = "7.50"
    listing.save()
    node = gql(PRODUCT_LIST, {"channel": "default-channel", "first": 1})["data"][
        "products"
    ]["edges"][0]["node"]
    assert node["pricing"]["onSale"] is True
    assert node["pricing"]["priceRange"]["start"]["gross"]["amount"] == 7.5
    assert node["pricing"]["priceRangeUndiscounted"]["start"]["gross"]["amount"] == 10.0
    assert node["pricing"]["discount"]["gross"]["amount"] == 2.5


def test_unpublished_and_hidden_products_are_not_listed(gql: Any) -> None:
    catalog = build_catalog(3)
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        is_published=False
    )
    ProductChannelListing.objects.filter(product=catalog.products[1]).update(
        visible_in_listings=False
    )
    result = gql(PRODUCT_LIST, {"channel": "default-channel", "first": 10})
    assert names(result) == ["Shirt 02"]
    # Not visible in listings, but still reachable by slug; unpublished is not.
    detail = (
        'query($slug: String) { product(slug: $slug, channel: "default-channel") '
        "{ name } }"
    )
    assert gql(detail, {"slug": "shirt-01"})["data"]["product"] == {"name": "Shirt 01"}
    assert gql(detail, {"slug": "shirt-00"})["data"]["product"] is None


def test_staff_sees_unpublished_products(gql: Any, staff_gql: Any) -> None:
    catalog = build_catalog(2)
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        is_published=False
    )
    result = staff_gql(PRODUCT_LIST, {"channel": "default-channel", "first": 10})
    assert result.errors is None
    assert result.data["products"]["totalCount"] == 2


def test_pagination_walks_every_product_once(gql: Any) -> None:
    build_catalog(5)
    seen: list[str] = []
    after = None
    while True:
        page = gql(
            PRODUCT_LIST,
            {
                "channel": "default-channel",
                "first": 2,
                "after": after,
                "sortBy": {"field": "NAME", "direction": "DESC"},
            },
        )
        products = page["data"]["products"]
        seen += [edge["node"]["name"] for edge in products["edges"]]
        if not products["pageInfo"]["hasNextPage"]:
            break
        after = products["pageInfo"]["endCursor"]
    assert seen == ["Shirt 04", "Shirt 03", "Shirt 02", "Shirt 01", "Shirt 00"]


def test_last_and_before_page_backwards(gql: Any) -> None:
    build_catalog(4)
    query = """query($before: String) { products(channel: "default-channel", last: 2,
      before: $before, sortBy: {field: NAME, direction: ASC}) {
        pageInfo { hasPreviousPage startCursor } edges { node { name } } } }"""
    page = gql(query)["data"]["products"]
    assert [e["node"]["name"] for e in page["edges"]] == ["Shirt 02", "Shirt 03"]
    assert page["pageInfo"]["hasPreviousPage"] is True
    earlier = gql(query, {"before": page["pageInfo"]["startCursor"]})["data"][
        "products"
    ]
    assert [e["node"]["name"] for e in earlier["edges"]] == ["Shirt 00", "Shirt 01"]


@pytest.mark.parametrize(
    ("field", "direction", "expected"),
    [
        ("PRICE", "DESC", ["Shirt 02", "Shirt 01", "Shirt 00"]),
        ("PRICE", "ASC", ["Shirt 00", "Shirt 01", "Shirt 02"]),
        ("RATING", "DESC", ["Shirt 02", "Shirt 01", "Shirt 00"]),
        ("CREATED_AT", "ASC", ["Shirt 00", "Shirt 01", "Shirt 02"]),
    ],
)
def test_sorting(gql: Any, field: str, direction: str, expected: list[str]) -> None:
    build_catalog(3)
    result = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "sortBy": {"field": field, "direction": direction},
        },
    )
    assert names(result) == expected


def test_filter_by_category_includes_subcategories(gql: Any) -> None:
    catalog = build_catalog(2)
    root_id = base64.b64encode(f"Category:{catalog.root.pk}".encode()).decode()
    result = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "filter": {"categories": [root_id]},
        },
    )
    assert len(names(result)) == 2
    where = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "where": {"category": {"eq": root_id}},
        },
    )
    assert names(where) == []  # `where` matches the category itself only


def test_where_by_attribute_value_and_price(gql: Any) -> None:
    build_catalog(4)
    red = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "where": {
                "attributes": [{"slug": "color", "value": {"slug": {"eq": "red"}}}]
            },
        },
    )
    assert names(red) == ["Shirt 00", "Shirt 02"]
    cheap = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "where": {"minimalPrice": {"range": {"lte": "11"}}},
        },
    )
    assert names(cheap) == ["Shirt 00", "Shirt 01"]
    either = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "where": {
                "OR": [{"slug": {"eq": "shirt-00"}}, {"slug": {"eq": "shirt-03"}}]
            },
        },
    )
    assert names(either) == ["Shirt 00", "Shirt 03"]


def test_search_finds_substrings_prefixes_and_skus(gql: Any) -> None:
    build_catalog(3)
    by_prefix = gql(
        PRODUCT_LIST, {"channel": "default-channel", "first": 10, "search": "shi"}
    )
    assert len(names(by_prefix)) == 3
    by_substring = gql(
        PRODUCT_LIST, {"channel": "default-channel", "first": 10, "search": "irt 01"}
    )
    assert names(by_substring) == ["Shirt 01"]
    by_sku = gql(
        PRODUCT_LIST,
        {"channel": "default-channel", "first": 10, "search": "SHIRT-02-l"},
    )
    assert names(by_sku) == ["Shirt 02"]
    nothing = gql(
        PRODUCT_LIST, {"channel": "default-channel", "first": 10, "search": "trousers"}
    )
    assert names(nothing) == []


def test_unknown_channel_is_a_clear_error(gql: Any) -> None:
    build_catalog(1)
    result = gql(PRODUCT_LIST, {"channel": "nope", "first": 10})
    assert result["errors"][0]["message"] == "Channel with 'nope' slug does not exist."
    assert result["data"]["products"] is None


def test_product_list_query_count_does_not_grow_with_page_size(
    gql: Any, count_queries: Any, settings: Any
) -> None:
    settings.GRAPHQL_COUNT_CACHE_SECONDS = 0
    settings.CHANNEL_CACHE_SECONDS = 0
    build_catalog(12)
    counts = []
    for first in (2, 12):
        with count_queries() as queries:
            result = gql(PRODUCT_LIST, {"channel": "default-channel", "first": first})
        assert len(result["data"]["products"]["edges"]) == first
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # channels, products, count, media, categories, variant listings, and the
    # channel's tax settings and rates (one statement per request, not per product)
    assert counts[1] == 7


def test_search_ranks_name_matches_first(gql: Any) -> None:
    catalog = build_catalog(3)
    described = catalog.products[0]
    described.description_plaintext = "Pairs well with a linen scarf"
    described.save()
    named = catalog.products[2]
    named.name = "Linen Shirt"
    named.save()
    update_products_search_index([p.pk for p in catalog.products])
    result = gql(
        PRODUCT_LIST, {"channel": "default-channel", "first": 10, "search": "linen"}
    )
    assert names(result) == ["Linen Shirt", "Shirt 00"]


def test_thumbnail_of_the_first_media(gql: Any) -> None:
    catalog = build_catalog(1)
    ProductMedia.objects.create(
        product=catalog.products[0], image="products/a.png", alt="Front", sort_order=0
    )
    ProductMedia.objects.create(
        product=catalog.products[0], image="products/b.png", alt="Back", sort_order=1
    )
    node = gql(PRODUCT_LIST, {"channel": "default-channel", "first": 1})["data"][
        "products"
    ]["edges"][0]["node"]
    assert node["thumbnail"]["alt"] == "Front"
    assert node["thumbnail"]["url"].startswith("http://testserver/thumbnail/")
    assert "/256/webp/" in node["thumbnail"]["url"]


def test_shoppers_total_count_is_cached_briefly(
    gql: Any, staff_gql: Any, count_queries: Any
) -> None:
    catalog = build_catalog(3)
    variables = {"channel": "default-channel", "first": 1}
    assert gql(PRODUCT_LIST, variables)["data"]["products"]["totalCount"] == 3
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        is_published=False
    )
    with count_queries() as second:
        assert gql(PRODUCT_LIST, variables)["data"]["products"]["totalCount"] == 3
    assert not [q for q in second.captured_queries if "COUNT(" in q["sql"]]
    other = gql(PRODUCT_LIST, {**variables, "search": "shirt"})
    assert other["data"]["products"]["totalCount"] == 2  # another filter, another key
    ProductChannelListing.objects.filter(
        product=catalog.products[1], channel=catalog.channel
    ).delete()
    staff = staff_gql(PRODUCT_LIST, variables)
    assert staff.data["products"]["totalCount"] == 2  # staff counts are never cached


def test_sort_by_attribute_value(gql: Any) -> None:
    catalog = build_catalog(4)  # even products are red, odd ones blue
    color_id = base64.b64encode(f"Attribute:{catalog.color.pk}".encode()).decode()
    result = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 10,
            "sortBy": {"attributeId": color_id, "direction": "ASC"},
        },
    )
    # the values have no position, so their names decide: Blue before Red
    assert names(result) == ["Shirt 01", "Shirt 03", "Shirt 00", "Shirt 02"]
    descending = gql(
        PRODUCT_LIST,
        {
            "channel": "default-channel",
            "first": 2,
            "sortBy": {"attributeId": color_id, "direction": "DESC"},
        },
    )
    assert names(descending) == ["Shirt 02", "Shirt 00"]


LISTING_PRICING = """
query($first: Int) {
  products(first: $first, channel: "default-channel") {
    edges { node { slug channelListings {
      channel { slug }
      pricing { priceRange { start { gross { amount currency } } } }
    } } }
  }
}
"""


def test_channel_listing_pricing_is_batched_per_channel(
    staff_gql: Any, count_queries: Any, settings: Any
) -> None:
    settings.GRAPHQL_COUNT_CACHE_SECONDS = 0
    settings.CHANNEL_CACHE_SECONDS = 0
    build_catalog(6)
    counts = []
    for first in (2, 6):
        with count_queries() as queries:
            result = staff_gql(LISTING_PRICING, {"first": first})
        assert result.errors is None, result.errors
        counts.append(len(queries))
    assert counts[0] == counts[1]
    listings = result.data["products"]["edges"][0]["node"]["channelListings"]
    prices = {
        listing["channel"]["slug"]: listing["pricing"]["priceRange"]["start"]["gross"]
        for listing in listings
    }
    assert prices == {
        "default-channel": {"amount": 10.0, "currency": "USD"},
        "channel-pln": {"amount": 40.0, "currency": "PLN"},
    }
