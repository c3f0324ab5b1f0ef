"""``Product.productVariants``: a product page reads its variants page by page."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
)
from mercato.product.models import ProductChannelListing
from tests.factories.catalog import (
    Catalog,
    VariantFactory,
    build_catalog,
    price_variant,
)

pytestmark = pytest.mark.django_db

PDP_VARIANTS = """
query($slug: String!, $channel: String!, $first: Int, $after: String) {
  product(slug: $slug, channel: $channel) {
    productVariants(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { sku pricing { price { gross { amount currency } } } } }
    }
  }
}
"""
LISTING = """
query($first: Int!) {
  products(
    first: $first, channel: "default-channel", sortBy: {field: NAME, direction: ASC}
  ) {
    edges {
      node { slug productVariants(first: 1) { totalCount edges { node { sku } } } }
    }
  }
}
"""


@pytest.fixture
def catalog() -> Catalog:
    catalog = build_catalog(count=4)
    shirt = catalog.products[0]
    extra = VariantFactory(product=shirt, sku="SHIRT-00-xl", name="XL", sort_order=2)
    price_variant(extra, catalog.channel, "15.00")
    # Not priced in the default channel: no storefront shows it there.
    VariantFactory(product=shirt, sku="SHIRT-00-xxl", name="XXL", sort_order=3)
    return catalog


def _page(gql: Any, **variables: Any) -> dict[str, Any]:
    result = gql(
        PDP_VARIANTS, {"slug": "shirt-00", "channel": "default-channel", **variables}
    )
    assert "errors" not in result, result
    return result["data"]["product"]["productVariants"]  # type: ignore[no-any-return]


def test_variants_are_paged_in_sort_order(gql: Any, catalog: Catalog) -> None:
    first = _page(gql, first=2)
    assert [e["node"]["sku"] for e in first["edges"]] == ["SHIRT-00-s", "SHIRT-00-l"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][0]["node"]["pricing"]["price"]["gross"] == {
        "amount": 10.0,
        "currency": "USD",
    }
    rest = _page(gql, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["sku"] for e in rest["edges"]] == ["SHIRT-00-xl"]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_variants_follow_the_channel(gql: Any, catalog: Catalog) -> None:
    result = gql(
        PDP_VARIANTS, {"slug": "shirt-00", "channel": "channel-pln", "first": 10}
    )
    page = result["data"]["product"]["productVariants"]
    # XL is priced only in the default channel, XXL nowhere.
    assert [e["node"]["sku"] for e in page["edges"]] == ["SHIRT-00-s", "SHIRT-00-l"]
    assert page["edges"][0]["node"]["pricing"]["price"]["gross"]["currency"] == "PLN"


def test_page_size_is_required(gql: Any, catalog: Catalog) -> None:
    result = gql(PDP_VARIANTS, {"slug": "shirt-00", "channel": "default-channel"})
    assert result["data"]["product"]["productVariants"] is None
    assert "first" in result["errors"][0]["message"]


def test_variant_pages_in_a_listing_are_batched(
    gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    gql(LISTING, {"first": 1})  # warms the channel cache
    with count_queries() as small:
        one = gql(LISTING, {"first": 1})
    with count_queries() as big:
        four = gql(LISTING, {"first": 4})
    nodes = [e["node"] for e in four["data"]["products"]["edges"]]
    assert [n["productVariants"]["totalCount"] for n in nodes] == [3, 2, 2, 2]
    assert [n["productVariants"]["edges"][0]["node"]["sku"] for n in nodes] == [
        "SHIRT-00-s",
        "SHIRT-01-s",
        "SHIRT-02-s",
        "SHIRT-03-s",
    ]
    assert one["data"]["products"]["edges"]
    assert len(big.captured_queries) == len(small.captured_queries)


PRODUCT_ATTRIBUTES = """
query($slug: String!) {
  product(slug: $slug, channel: "default-channel") {
    assignedAttributes {
      __typename
      attribute { slug }
      ... on AssignedSingleChoiceAttribute { value { name slug } }
      ... on AssignedNumericAttribute { number: value }
      ... on AssignedMultiProductReferenceAttribute { products: value { slug } }
    }
    weight: assignedAttribute(slug: "weight-kg") {
      ... on AssignedNumericAttribute { value }
    }
    productVariants(first: 5) {
      edges {
        node {
          assignedAttributes {
            __typename
            ... on AssignedSingleChoiceAttribute { value { slug } }
          }
        }
      }
    }
  }
}
"""


def test_product_and_variant_assigned_attributes(gql: Any, catalog: Catalog) -> None:
    shirt, hidden = catalog.products[0], catalog.products[1]
    weight = Attribute.objects.create(
        slug="weight-kg", name="Weight", type="PRODUCT_TYPE", input_type="NUMERIC"
    )
    pairs = Attribute.objects.create(
        slug="pairs-with",
        name="Pairs with",
        type="PRODUCT_TYPE",
        input_type="REFERENCE",
        entity_type="PRODUCT",
    )
    for position, attribute in enumerate((weight, pairs), start=5):
        AttributeProduct.objects.create(
            attribute=attribute, product_type=catalog.product_type, sort_order=position
        )
    assigned = [
        AttributeValue.objects.create(attribute=weight, name="1.5", slug="shirt-1-5"),
        *(
            AttributeValue.objects.create(
                attribute=pairs,
                name=other.name,
                slug=f"pairs-{other.slug}",
                reference_product=other,
            )
            for other in (catalog.products[2], hidden)
        ),
    ]
    for value in assigned:
        AssignedProductAttributeValue.objects.create(product=shirt, value=value)
    ProductChannelListing.objects.filter(
        product=hidden, channel=catalog.channel
    ).update(is_published=False)
    result = gql(PRODUCT_ATTRIBUTES, {"slug": shirt.slug})
    assert "errors" not in result, result
    product = result["data"]["product"]
    by_slug = {a["attribute"]["slug"]: a for a in product["assignedAttributes"]}
    assert by_slug == {
        "color": {
            "__typename": "AssignedSingleChoiceAttribute",
            "attribute": {"slug": "color"},
            "value": {"name": "Red", "slug": "red"},
        },
        "weight-kg": {
            "__typename": "AssignedNumericAttribute",
            "attribute": {"slug": "weight-kg"},
            "number": 1.5,
        },
        # The unpublished product is left out for visitors.
        "pairs-with": {
            "__typename": "AssignedMultiProductReferenceAttribute",
            "attribute": {"slug": "pairs-with"},
            "products": [{"slug": "shirt-02"}],
        },
    }
    assert product["weight"] == {"value": 1.5}
    variants = [e["node"] for e in product["productVariants"]["edges"]]
    assert [v["assignedAttributes"] for v in variants] == [
        [{"__typename": "AssignedSingleChoiceAttribute", "value": {"slug": "s"}}],
        [{"__typename": "AssignedSingleChoiceAttribute", "value": {"slug": "l"}}],
        # XL has no size value chosen: the attribute shows, empty.
        [{"__typename": "AssignedSingleChoiceAttribute", "value": None}],
    ]
