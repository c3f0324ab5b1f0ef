from __future__ import annotations

from typing import Any

import pytest

from mercato.inventory.models import ChannelWarehouse, Stock
from mercato.product.models import ProductChannelListing, ProductTranslation
from tests.factories.catalog import WarehouseFactory, build_catalog

pytestmark = pytest.mark.django_db

DETAIL = """
query Detail($slug: String!, $channel: String, $lang: LanguageCodeEnum!) {
  product(slug: $slug, channel: $channel) {
    id name slug description seoTitle rating created updatedAt
    isAvailable isAvailableForPurchase availableForPurchaseAt
    productType { name slug kind hasVariants }
    category { slug ancestors: parent { slug } }
    collections { slug }
    defaultVariant { sku }
    translation(languageCode: $lang) { name language { code language } }
    attributes { attribute { slug name inputType } values { name slug inputType } }
    variants {
      id name sku quantityAvailable
      attributes { attribute { slug } values { name } }
      selection: attributes(variantSelection: VARIANT_SELECTION) { attribute { slug } }
      pricing { onSale price { gross { amount currency } } }
    }
  }
}
"""


def detail(
    gql: Any, slug: str = "shirt-00", channel: str = "default-channel", lang: str = "PL"
) -> dict[str, Any]:
    result = gql(DETAIL, {"slug": slug, "channel": channel, "lang": lang})
    assert "errors" not in result, result
    return result["data"]["product"]  # type: ignore[no-any-return]


def test_detail_has_variants_attributes_and_availability(gql: Any) -> None:
    build_catalog(1)
    product = detail(gql)
    assert product["name"] == "Shirt 00"
    assert product["isAvailable"] is True
    assert product["isAvailableForPurchase"] is True
    assert product["category"] == {"slug": "shirts", "ancestors": {"slug": "apparel"}}
    assert product["collections"] == [{"slug": "featured-products"}]
    assert product["attributes"] == [
        {
            "attribute": {"slug": "color", "name": "Color", "inputType": "DROPDOWN"},
            "values": [{"name": "Red", "slug": "red", "inputType": "DROPDOWN"}],
        }
    ]
    assert '"blocks"' in product["description"]
    variants = product["variants"]
    assert [v["sku"] for v in variants] == ["SHIRT-00-s", "SHIRT-00-l"]
    # 10 in stock; 20 in stock with 1 allocated.
    assert [v["quantityAvailable"] for v in variants] == [10, 19]
    assert variants[0]["attributes"] == [
        {"attribute": {"slug": "size"}, "values": [{"name": "S"}]}
    ]
    assert variants[0]["selection"] == [{"attribute": {"slug": "size"}}]
    assert variants[1]["pricing"]["price"]["gross"] == {
        "amount": 11.0,
        "currency": "USD",
    }
    assert product["defaultVariant"] == {"sku": "SHIRT-00-s"}


def test_quantity_available_is_capped_and_channel_scoped(gql: Any) -> None:
    catalog = build_catalog(1)
    Stock.objects.filter(product_variant=catalog.variants[0]).update(quantity=500)
    variants = detail(gql)["variants"]
    assert variants[0]["quantityAvailable"] == 50


def test_stock_in_warehouses_outside_the_channel_is_not_available(gql: Any) -> None:
    catalog = build_catalog(1)
    elsewhere = WarehouseFactory()
    Stock.objects.create(
        warehouse=elsewhere, product_variant=catalog.variants[0], quantity=30
    )
    assert detail(gql)["variants"][0]["quantityAvailable"] == 10
    ChannelWarehouse.objects.create(channel=catalog.channel, warehouse=elsewhere)
    assert detail(gql)["variants"][0]["quantityAvailable"] == 40


def test_not_yet_purchasable_product(gql: Any) -> None:
    catalog = build_catalog(1)
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        available_for_purchase_at=None
    )
    product = detail(gql)
    assert product["isAvailableForPurchase"] is False
    assert product["isAvailable"] is False


def test_translation_is_returned_for_the_language(gql: Any) -> None:
    catalog = build_catalog(1)
    ProductTranslation.objects.create(
        product=catalog.products[0], language_code="pl", name="Koszula 00"
    )
    product = detail(gql)
    assert product["translation"] == {
        "name": "Koszula 00",
        "language": {"code": "PL", "language": "Polish"},
    }
    assert detail(gql, lang="DE")["translation"] is None


def test_unknown_language_is_rejected(gql: Any) -> None:
    build_catalog(1)
    result = gql(
        DETAIL, {"slug": "shirt-00", "channel": "default-channel", "lang": "XX"}
    )
    assert gql.last_status == 400
    assert "LanguageCodeEnum" in result["errors"][0]["message"]


def test_private_metadata_is_hidden_from_shoppers(gql: Any, staff_gql: Any) -> None:
    catalog = build_catalog(1)
    product = catalog.products[0]
    product.metadata = {"color": "red"}
    product.private_metadata = {"supplier": "acme"}
    product.save()
    query = """{ product(slug: "shirt-00", channel: "default-channel") {
        metadata { key value } metafield(key: "color")
        privateMetadata { key value } } }"""
    result = gql(query)
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert result["data"] is None or result["data"]["product"] is None
    public = gql("""{ product(slug: "shirt-00", channel: "default-channel") {
        metadata { key value } metafield(key: "color") } }""")["data"]["product"]
    assert public == {
        "metadata": [{"key": "color", "value": "red"}],
        "metafield": "red",
    }
    staff = staff_gql(query)
    assert staff.errors is None
    assert staff.data["product"]["privateMetadata"] == [
        {"key": "supplier", "value": "acme"}
    ]


def test_detail_query_count_is_bounded(gql: Any, count_queries: Any) -> None:
    build_catalog(1)
    with count_queries() as queries:
        detail(gql)
    assert len(queries) <= 20
