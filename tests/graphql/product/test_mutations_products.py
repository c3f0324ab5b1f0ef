"""Product, variant, channel listing and media mutations over the API."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
    AttributeVariant,
)
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import Stock
from mercato.page.models import Page, PageType
from mercato.product.models import (
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
)
from tests.factories.catalog import (
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    ProductTypeFactory,
    VariantFactory,
    WarehouseFactory,
    build_catalog,
    list_product,
)

pytestmark = pytest.mark.django_db


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def data_of(result: Any, name: str) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data[name]  # type: ignore[no-any-return]


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def assert_denied(result: Any) -> None:
    assert result.errors
    assert isinstance(result.errors[0].original_error, PermissionDenied)


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def attribute(slug: str, input_type: str, **fields: Any) -> Attribute:
    return Attribute.objects.create(
        slug=slug,
        name=slug.title(),
        type="PRODUCT_TYPE",
        input_type=input_type,
        **fields,
    )


PRODUCT_CREATE = """
mutation($input: ProductCreateInput!) {
  productCreate(input: $input) {
    product { id name slug category { slug } collections { slug } rating
      attributes { attribute { slug } values { name slug plainText boolean date
        reference } } }
    errors { field code message }
  }
}
"""


def test_product_create_with_every_supported_attribute_type(staff_gql: Any) -> None:
    product_type = ProductTypeFactory()
    category = CategoryFactory(slug="shoes")
    page = Page.objects.create(
        page_type=PageType.objects.create(name="P", slug="p"), title="Guide", slug="g"
    )
    other = ProductFactory(name="Laces")
    attrs = {
        "DROPDOWN": attribute("brand", "DROPDOWN"),
        "MULTISELECT": attribute("tags", "MULTISELECT"),
        "PLAIN_TEXT": attribute("care", "PLAIN_TEXT"),
        "RICH_TEXT": attribute("story", "RICH_TEXT"),
        "NUMERIC": attribute("weight", "NUMERIC"),
        "BOOLEAN": attribute("vegan", "BOOLEAN"),
        "DATE": attribute("launch", "DATE"),
        "SWATCH": attribute("shade", "SWATCH"),
        "REFERENCE": attribute("goes-with", "REFERENCE", entity_type="PRODUCT"),
        "PAGE_REF": attribute("guide", "REFERENCE", entity_type="PAGE"),
    }
    for position, attr in enumerate(attrs.values()):
        AttributeProduct.objects.create(
            attribute=attr, product_type=product_type, sort_order=position
        )
    acme = AttributeValue.objects.create(
        attribute=attrs["DROPDOWN"], name="Acme", slug="acme"
    )
    red = AttributeValue.objects.create(
        attribute=attrs["SWATCH"], name="Red", slug="red", value="#ff0000"
    )
    rich = '{"blocks": [{"type": "paragraph", "data": {"text": "Made <b>well</b>"}}]}'
    values = [
        {"id": gid(attrs["DROPDOWN"]), "dropdown": {"id": gid(acme)}},
        {
            "id": gid(attrs["MULTISELECT"]),
            "multiselect": [{"value": "Sport"}, {"value": "Outdoor"}],
        },
        {"id": gid(attrs["PLAIN_TEXT"]), "plainText": "Hand wash"},
        {"id": gid(attrs["RICH_TEXT"]), "richText": rich},
        {"id": gid(attrs["NUMERIC"]), "numeric": "1.5"},
        {"id": gid(attrs["BOOLEAN"]), "boolean": True},
        {"id": gid(attrs["DATE"]), "date": "2025-03-01"},
        {"id": gid(attrs["SWATCH"]), "swatch": {"value": "Red"}},
        {"id": gid(attrs["REFERENCE"]), "references": [gid(other)]},
        {"id": gid(attrs["PAGE_REF"]), "references": [gid(page)]},
    ]
    result = data_of(
        staff_gql(
            PRODUCT_CREATE,
            {
                "input": {
                    "productType": gid(product_type),
                    "name": "Trail Runner",
                    "category": gid(category),
                    "rating": 4.5,
                    "attributes": values,
                }
            },
        ),
        "productCreate",
    )
    assert result["errors"] == []
    product = result["product"]
    assert (product["slug"], product["category"], product["rating"]) == (
        "trail-runner",
        {"slug": "shoes"},
        4.5,
    )
    by_slug = {a["attribute"]["slug"]: a["values"] for a in product["attributes"]}
    assert [v["name"] for v in by_slug["brand"]] == ["Acme"]
    assert [v["name"] for v in by_slug["tags"]] == ["Sport", "Outdoor"]
    assert by_slug["care"][0]["plainText"] == "Hand wash"
    assert by_slug["story"][0]["name"] == "Made well"
    assert by_slug["weight"][0]["name"] == "1.5"
    assert by_slug["vegan"][0]["boolean"] is True
    assert by_slug["launch"][0]["date"] == "2025-03-01"
    assert [v["slug"] for v in by_slug["shade"]] == ["red"]
    assert by_slug["goes-with"][0]["name"] == "Laces"
    assert by_slug["guide"][0]["name"] == "Guide"
    stored = Product.objects.get(slug="trail-runner")
    assert AssignedProductAttributeValue.objects.filter(product=stored).count() == 11
    assert AttributeValue.objects.filter(attribute=attrs["SWATCH"]).get() == red
    searched = Product.objects.filter(search_document__contains="hand wash")
    assert list(searched.values_list("pk", flat=True)) == [stored.pk]


def test_product_create_errors_change_nothing(staff_gql: Any) -> None:
    product_type = ProductTypeFactory()
    required = attribute("material", "DROPDOWN", value_required=True)
    numeric = attribute("weight", "NUMERIC")
    stray = attribute("stray", "DROPDOWN")
    for attr in (required, numeric):
        AttributeProduct.objects.create(attribute=attr, product_type=product_type)
    ProductFactory(slug="taken")
    result = data_of(
        staff_gql(
            PRODUCT_CREATE,
            {
                "input": {
                    "productType": gid(product_type),
                    "name": "X",
                    "slug": "taken",
                    "category": to_global_id("Category", 987654),
                    "attributes": [
                        {"id": gid(numeric), "numeric": "heavy"},
                        {"id": gid(stray), "dropdown": {"value": "A"}},
                    ],
                }
            },
        ),
        "productCreate",
    )
    assert result["product"] is None
    assert codes(result) == [
        ("slug", "UNIQUE"),
        ("category", "NOT_FOUND"),
        ("attributes", "INVALID"),
        ("attributes", "ATTRIBUTE_CANNOT_BE_ASSIGNED"),
        ("attributes", "REQUIRED"),
    ]
    assert Product.objects.count() == 1
    assert not AttributeValue.objects.exists()


def test_product_create_needs_manage_products(staff_gql: Any) -> None:
    product_type = ProductTypeFactory()
    result = staff_gql(
        PRODUCT_CREATE,
        {"input": {"productType": gid(product_type), "name": "X"}},
        permissions=(Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,),
    )
    assert_denied(result)
    assert not Product.objects.exists()


PRODUCT_UPDATE = """
mutation($id: ID, $ref: String, $input: ProductInput!) {
  productUpdate(id: $id, externalReference: $ref, input: $input) {
    product { name slug seoTitle collections { slug } externalReference }
    errors { field code }
  }
}
"""


def test_product_update_by_id_and_external_reference(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    product = catalog.products[0]
    assert catalog.collection is not None
    result = data_of(
        staff_gql(
            PRODUCT_UPDATE,
            {
                "id": gid(product),
                "input": {
                    "name": "Renamed",
                    "seo": {"title": "SEO"},
                    "collections": [],
                    "externalReference": "ext-1",
                },
            },
        ),
        "productUpdate",
    )
    assert result == {
        "product": {
            "name": "Renamed",
            "slug": product.slug,
            "seoTitle": "SEO",
            "collections": [],
            "externalReference": "ext-1",
        },
        "errors": [],
    }
    again = data_of(
        staff_gql(PRODUCT_UPDATE, {"ref": "ext-1", "input": {"slug": "fresh"}}),
        "productUpdate",
    )
    assert again["product"]["slug"] == "fresh"
    other = ProductFactory()
    bad = data_of(
        staff_gql(
            PRODUCT_UPDATE,
            {"id": gid(other), "input": {"slug": "fresh", "rating": 9.0}},
        ),
        "productUpdate",
    )
    assert codes(bad) == [("slug", "UNIQUE"), ("rating", "INVALID")]
    other.refresh_from_db()
    assert other.slug != "fresh" and other.rating is None
    assert_denied(
        staff_gql(
            PRODUCT_UPDATE, {"id": gid(other), "input": {"name": "Y"}}, permissions=()
        )
    )


def test_product_delete_and_bulk_delete(staff_gql: Any) -> None:
    products = [ProductFactory() for _ in range(3)]
    media = ProductMedia.objects.create(product=products[0], image="products/x.png")
    deleted = data_of(
        staff_gql(
            "mutation($id: ID!) { productDelete(id: $id) { product { id name } errors "
            "{ code } } }",
            {"id": gid(products[0])},
        ),
        "productDelete",
    )
    assert deleted == {
        "product": {"id": gid(products[0]), "name": products[0].name},
        "errors": [],
    }
    assert not ProductMedia.objects.filter(pk=media.pk).exists()
    missing = data_of(
        staff_gql(
            "mutation($ids: [ID!]!) { productBulkDelete(ids: $ids) { count errors { "
            "field code } } }",
            {"ids": [gid(products[1]), gid(products[0])]},
        ),
        "productBulkDelete",
    )
    assert missing == {"count": 0, "errors": [{"field": "ids", "code": "NOT_FOUND"}]}
    assert Product.objects.count() == 2
    bulk = data_of(
        staff_gql(
            "mutation($ids: [ID!]!) { productBulkDelete(ids: $ids) { count errors { "
            "code } } }",
            {"ids": [gid(p) for p in products[1:]]},
        ),
        "productBulkDelete",
    )
    assert bulk == {"count": 2, "errors": []}
    assert not Product.objects.exists()
    assert_denied(
        staff_gql("mutation { productBulkDelete(ids: []) { count } }", permissions=())
    )


# ---------------------------------------------------------------- variants

VARIANT_CREATE = """
mutation($input: ProductVariantCreateInput!) {
  productVariantCreate(input: $input) {
    productVariant { id sku name trackInventory
      attributes { attribute { slug } values { name } }
      stocks { quantity warehouse { slug } } }
    errors { field code }
  }
}
"""


def _variant_setup() -> tuple[Product, Attribute]:
    product_type = ProductTypeFactory()
    size = attribute("size", "DROPDOWN", value_required=True)
    AttributeVariant.objects.create(
        attribute=size, product_type=product_type, variant_selection=True
    )
    return ProductFactory(product_type=product_type), size


def test_variant_create_with_stock(staff_gql: Any) -> None:
    product, size = _variant_setup()
    warehouse = WarehouseFactory(slug="north")
    result = data_of(
        staff_gql(
            VARIANT_CREATE,
            {
                "input": {
                    "product": gid(product),
                    "sku": "RUN-42",
                    "name": "42",
                    "trackInventory": False,
                    "attributes": [{"id": gid(size), "dropdown": {"value": "42"}}],
                    "stocks": [{"warehouse": gid(warehouse), "quantity": 7}],
                }
            },
        ),
        "productVariantCreate",
    )
    assert result["errors"] == []
    assert result["productVariant"]["attributes"] == [
        {"attribute": {"slug": "size"}, "values": [{"name": "42"}]}
    ]
    assert result["productVariant"]["stocks"] == [
        {"quantity": 7, "warehouse": {"slug": "north"}}
    ]
    variant = ProductVariant.objects.get(sku="RUN-42")
    assert variant.track_inventory is False
    product.refresh_from_db()
    assert product.default_variant_id == variant.pk
    assert Stock.objects.get().quantity == 7


def test_variant_create_errors_change_nothing(staff_gql: Any) -> None:
    product, _ = _variant_setup()
    VariantFactory(sku="TAKEN")
    warehouse = WarehouseFactory()
    result = data_of(
        staff_gql(
            VARIANT_CREATE,
            {
                "input": {
                    "product": gid(product),
                    "sku": "TAKEN",
                    "attributes": [],
                    "stocks": [
                        {"warehouse": gid(warehouse), "quantity": 1},
                        {"warehouse": gid(warehouse), "quantity": -1},
                    ],
                }
            },
        ),
        "productVariantCreate",
    )
    assert result["productVariant"] is None
    assert codes(result) == [
        ("sku", "UNIQUE"),
        ("stocks", "DUPLICATED_INPUT_ITEM"),
        ("stocks", "INVALID"),
        ("attributes", "REQUIRED"),
    ]
    assert ProductVariant.objects.filter(product=product).count() == 0
    assert not Stock.objects.exists()
    assert_denied(
        staff_gql(
            VARIANT_CREATE,
            {"input": {"product": gid(product), "attributes": []}},
            permissions=(),
        )
    )


def test_variant_update_and_delete(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    first, second = catalog.variants[:2]
    result = data_of(
        staff_gql(
            """mutation($sku: String, $input: ProductVariantInput!) {
              productVariantUpdate(sku: $sku, input: $input) {
                productVariant { sku name quantityLimitPerCustomer
                  attributes { values { name } } }
                errors { field code } } }""",
            {
                "sku": first.sku,
                "input": {
                    "sku": "NEW-SKU",
                    "quantityLimitPerCustomer": 2,
                    "attributes": [
                        {"id": gid(catalog.size), "dropdown": {"value": "XL"}}
                    ],
                },
            },
        ),
        "productVariantUpdate",
    )
    assert result == {
        "productVariant": {
            "sku": "NEW-SKU",
            "name": first.name,
            "quantityLimitPerCustomer": 2,
            "attributes": [{"values": [{"name": "XL"}]}],
        },
        "errors": [],
    }
    taken = data_of(
        staff_gql(
            """mutation($id: ID!) { productVariantUpdate(id: $id, input: {sku:
                "NEW-SKU"}) {
                errors { field code } } }""",
            {"id": gid(second)},
        ),
        "productVariantUpdate",
    )
    assert taken == {"errors": [{"field": "sku", "code": "UNIQUE"}]}
    product = catalog.products[0]
    product.refresh_from_db()
    default = product.default_variant_id
    deleted = data_of(
        staff_gql(
            "mutation($id: ID!) { productVariantDelete(id: $id) { productVariant { id "
            "} errors { code } } }",
            {"id": to_global_id("ProductVariant", default)},
        ),
        "productVariantDelete",
    )
    assert deleted["errors"] == []
    product.refresh_from_db()
    assert product.default_variant_id is not None
    assert product.default_variant_id != default
    assert_denied(
        staff_gql(
            "mutation($id: ID!) { productVariantDelete(id: $id) { errors { code } } }",
            {"id": gid(second)},
            permissions=(),
        )
    )


BULK_CREATE = """
mutation($product: ID!, $variants: [ProductVariantBulkCreateInput!]!, $policy:
    ErrorPolicyEnum) {
  productVariantBulkCreate(product: $product, variants: $variants, errorPolicy:
      $policy) {
    count
    productVariants { sku channelListings { channel { slug } price { amount currency }
        } }
    results { productVariant { sku } errors { field code } }
    errors { field code index }
    bulkProductErrors { code index }
  }
}
"""


def test_variant_bulk_create(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    product = catalog.products[0]
    rows = [
        {
            "sku": f"BULK-{n}",
            "attributes": [{"id": gid(catalog.size), "dropdown": {"value": f"S{n}"}}],
            "channelListings": [{"channelId": gid(catalog.channel), "price": "12.345"}],
            "stocks": [{"warehouse": gid(catalog.warehouse), "quantity": n}],
        }
        for n in (1, 2)
    ]
    result = data_of(
        staff_gql(BULK_CREATE, {"product": gid(product), "variants": rows}),
        "productVariantBulkCreate",
    )
    assert result["count"] == 2 and result["errors"] == []
    assert result["productVariants"][0] == {
        "sku": "BULK-1",
        "channelListings": [
            {
                "channel": {"slug": "default-channel"},
                "price": {"amount": 12.35, "currency": "USD"},
            }
        ],
    }
    assert Stock.objects.filter(product_variant__sku="BULK-2").get().quantity == 2


@pytest.mark.parametrize("policy", ["REJECT_EVERYTHING", "REJECT_FAILED_ROWS"])
def test_variant_bulk_create_with_a_bad_row(staff_gql: Any, policy: str) -> None:
    catalog = build_catalog(1)
    product = catalog.products[0]
    unlisted = ChannelFactory(slug="unlisted")
    good = {"sku": "OK-1", "attributes": []}
    bad = {
        "sku": "BAD-1",
        "attributes": [],
        "channelListings": [{"channelId": gid(unlisted), "price": "1"}],
    }
    result = data_of(
        staff_gql(
            BULK_CREATE,
            {"product": gid(product), "variants": [good, bad], "policy": policy},
        ),
        "productVariantBulkCreate",
    )
    assert result["errors"] == [
        {
            "field": "channelListings",
            "code": "PRODUCT_NOT_ASSIGNED_TO_CHANNEL",
            "index": 1,
        }
    ]
    assert result["bulkProductErrors"] == [
        {"code": "PRODUCT_NOT_ASSIGNED_TO_CHANNEL", "index": 1}
    ]
    assert result["results"][1]["productVariant"] is None
    created = ProductVariant.objects.filter(sku__in=["OK-1", "BAD-1"])
    if policy == "REJECT_EVERYTHING":
        assert result["count"] == 0 and not created.exists()
    else:
        assert result["count"] == 1
        assert list(created.values_list("sku", flat=True)) == ["OK-1"]


def test_variant_bulk_update_and_delete(staff_gql: Any) -> None:
    catalog = build_catalog(2)
    mine, theirs = catalog.variants[0], catalog.variants[2]
    result = data_of(
        staff_gql(
            """mutation($product: ID!, $variants: [ProductVariantBulkUpdateInput!]!) {
              productVariantBulkUpdate(product: $product, variants: $variants) {
                count results { productVariant { sku name } errors { field code } }
                errors { field code } } }""",
            {
                "product": gid(catalog.products[0]),
                "variants": [
                    {"id": gid(mine), "name": "Renamed"},
                    {"id": gid(theirs), "name": "Nope"},
                ],
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["count"] == 0
    assert result["errors"] == [{"field": "id", "code": "NOT_PRODUCTS_VARIANT"}]
    mine.refresh_from_db()
    assert mine.name != "Renamed"
    deleted = data_of(
        staff_gql(
            """mutation($ids: [ID!], $skus: [String!]) {
              productVariantBulkDelete(ids: $ids, skus: $skus) { count errors { field
                  code } } }""",
            {"ids": [gid(mine)], "skus": [theirs.sku]},
        ),
        "productVariantBulkDelete",
    )
    assert deleted == {"count": 2, "errors": []}
    assert not ProductVariant.objects.filter(pk__in=[mine.pk, theirs.pk]).exists()
    assert_denied(
        staff_gql(
            "mutation { productVariantBulkDelete(skus: []) { count } }", permissions=()
        )
    )


# ---------------------------------------------------------------- channel listings

PRODUCT_LISTING = """
mutation($id: ID!, $input: ProductChannelListingUpdateInput!) {
  productChannelListingUpdate(id: $id, input: $input) {
    product { channelListings { channel { slug } isPublished visibleInListings
      isAvailableForPurchase } }
    errors { field code }
  }
}
"""


def test_product_channel_listing_update(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="main")
    old = ChannelFactory(slug="old")
    product = ProductFactory()
    variant = VariantFactory(product=product)
    list_product(product, old)
    result = data_of(
        staff_gql(
            PRODUCT_LISTING,
            {
                "id": gid(product),
                "input": {
                    "updateChannels": [
                        {
                            "channelId": gid(channel),
                            "isPublished": True,
                            "visibleInListings": True,
                            "isAvailableForPurchase": True,
                            "addVariants": [gid(variant)],
                        }
                    ],
                    "removeChannels": [gid(old)],
                },
            },
        ),
        "productChannelListingUpdate",
    )
    assert result == {
        "product": {
            "channelListings": [
                {
                    "channel": {"slug": "main"},
                    "isPublished": True,
                    "visibleInListings": True,
                    "isAvailableForPurchase": True,
                }
            ]
        },
        "errors": [],
    }
    listing = ProductChannelListing.objects.get()
    assert listing.published_at is not None and listing.currency == "USD"
    assert ProductVariantChannelListing.objects.filter(variant=variant).count() == 1


def test_product_channel_listing_errors_change_nothing(staff_gql: Any) -> None:
    channel = ChannelFactory()
    product = ProductFactory()
    foreign = VariantFactory()
    result = data_of(
        staff_gql(
            PRODUCT_LISTING,
            {
                "id": gid(product),
                "input": {
                    "updateChannels": [
                        {"channelId": gid(channel), "addVariants": [gid(foreign)]},
                        {"channelId": gid(channel)},
                    ]
                },
            },
        ),
        "productChannelListingUpdate",
    )
    assert codes(result) == [
        ("updateChannels", "DUPLICATED_INPUT_ITEM"),
        ("addVariants", "NOT_FOUND"),
    ]
    assert not ProductChannelListing.objects.exists()
    assert_denied(
        staff_gql(PRODUCT_LISTING, {"id": gid(product), "input": {}}, permissions=())
    )


VARIANT_LISTING = """
mutation($id: ID!, $input: [ProductVariantChannelListingAddInput!]!) {
  productVariantChannelListingUpdate(id: $id, input: $input) {
    variant { channelListings { channel { slug } price { amount } costPrice { amount }
        } }
    errors { field code }
  }
}
"""


def test_variant_channel_listing_update(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="main", currency_code="JPY")
    unlisted = ChannelFactory(slug="unlisted")
    variant = VariantFactory()
    list_product(variant.product, channel)
    result = data_of(
        staff_gql(
            VARIANT_LISTING,
            {
                "id": gid(variant),
                "input": [
                    {"channelId": gid(channel), "price": "100.6", "costPrice": 50}
                ],
            },
        ),
        "productVariantChannelListingUpdate",
    )
    assert result == {
        "variant": {
            "channelListings": [
                {
                    "channel": {"slug": "main"},
                    "price": {"amount": 101.0},
                    "costPrice": {"amount": 50.0},
                }
            ]
        },
        "errors": [],
    }
    assert ProductVariantChannelListing.objects.get().price_amount == Decimal("101")
    bad = data_of(
        staff_gql(
            VARIANT_LISTING,
            {"id": gid(variant), "input": [{"channelId": gid(unlisted), "price": "1"}]},
        ),
        "productVariantChannelListingUpdate",
    )
    assert codes(bad) == [("input", "PRODUCT_NOT_ASSIGNED_TO_CHANNEL")]
    assert ProductVariantChannelListing.objects.count() == 1
    negative = staff_gql(
        VARIANT_LISTING,
        {"id": gid(variant), "input": [{"channelId": gid(channel), "price": "-1"}]},
    )
    assert negative.errors and "PositiveDecimal" in negative.errors[0].message
    assert_denied(
        staff_gql(
            VARIANT_LISTING,
            {"id": gid(variant), "input": [{"channelId": gid(channel), "price": "1"}]},
            permissions=(),
        )
    )


# ---------------------------------------------------------------- media

MEDIA_CREATE = """
mutation($input: ProductMediaCreateInput!) {
  productMediaCreate(input: $input) {
    media { id alt type url } product { id }
    errors { field code }
  }
}
"""


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_media_create_and_delete(staff_gql: Any, media_root: Any) -> None:
    product = ProductFactory()
    upload = SimpleUploadedFile("shoe.png", png_bytes(), content_type="image/png")
    result = data_of(
        staff_gql(
            MEDIA_CREATE,
            {"input": {"product": gid(product), "image": upload, "alt": "Shoe"}},
        ),
        "productMediaCreate",
    )
    assert result["errors"] == []
    assert result["media"]["alt"] == "Shoe" and result["media"]["type"] == "IMAGE"
    assert result["product"] == {"id": gid(product)}
    media = ProductMedia.objects.get()
    assert media.image.name.startswith("products/")
    assert (media_root / media.image.name).exists()
    deleted = data_of(
        staff_gql(
            "mutation($id: ID!) { productMediaDelete(id: $id) { media { id } product "
            "{ id } errors { code } } }",
            {"id": gid(media)},
        ),
        "productMediaDelete",
    )
    assert deleted == {
        "media": {"id": gid(media)},
        "product": {"id": gid(product)},
        "errors": [],
    }
    assert not ProductMedia.objects.exists()


@pytest.mark.parametrize(
    ("content", "field", "code"),
    [
        (b"not an image at all", "image", "UNSUPPORTED_MIME_TYPE"),
        (b"\x89PNG" + b"0" * (10 * 1024 * 1024), "image", "FILE_SIZE_LIMIT_EXCEEDED"),
        (None, "mediaUrl", "UNSUPPORTED_MEDIA_PROVIDER"),
    ],
)
def test_media_create_rejects_bad_files(
    staff_gql: Any, media_root: Any, content: bytes | None, field: str, code: str
) -> None:
    product = ProductFactory()
    data: dict[str, Any] = {"product": gid(product)}
    if content is None:
        data["mediaUrl"] = "https://www.youtube.com/watch?v=x"
    else:
        data["image"] = SimpleUploadedFile("x.png", content, content_type="image/png")
    result = data_of(staff_gql(MEDIA_CREATE, {"input": data}), "productMediaCreate")
    assert codes(result) == [(field, code)]
    assert not ProductMedia.objects.exists()
    assert not list(media_root.rglob("*.png"))


def test_media_create_needs_manage_products(staff_gql: Any, media_root: Any) -> None:
    product = ProductFactory()
    upload = SimpleUploadedFile("shoe.png", png_bytes(), content_type="image/png")
    assert_denied(
        staff_gql(
            MEDIA_CREATE,
            {"input": {"product": gid(product), "image": upload}},
            permissions=(),
        )
    )
    assert not ProductMedia.objects.exists()


def test_an_upload_must_be_a_file(staff_gql: Any) -> None:
    product = ProductFactory()
    result = staff_gql(MEDIA_CREATE, {"input": {"product": gid(product), "image": "x"}})
    assert result.errors and "multipart" in result.errors[0].message


def test_variant_values_are_indexed_for_search(staff_gql: Any) -> None:
    product, size = _variant_setup()
    data_of(
        staff_gql(
            VARIANT_CREATE,
            {
                "input": {
                    "product": gid(product),
                    "sku": "ZEBRA-1",
                    "attributes": [{"id": gid(size), "dropdown": {"value": "Huge"}}],
                }
            },
        ),
        "productVariantCreate",
    )
    document = (
        Product.objects.filter(pk=product.pk)
        .values_list("search_document", flat=True)
        .get()
    )
    assert "zebra-1" in document and "huge" in document
    assert AssignedVariantAttributeValue.objects.count() == 1


def test_texts_longer_than_their_columns_are_payload_errors(staff_gql: Any) -> None:
    product_type = ProductTypeFactory()
    result = data_of(
        staff_gql(
            PRODUCT_CREATE,
            {
                "input": {
                    "productType": gid(product_type),
                    "name": "x" * 251,
                    "seo": {"title": "t" * 71},
                }
            },
        ),
        "productCreate",
    )
    assert codes(result) == [("name", "INVALID"), ("seo", "INVALID")]
    assert not Product.objects.exists()
    product, _ = _variant_setup()
    variant = data_of(
        staff_gql(
            VARIANT_CREATE,
            {"input": {"product": gid(product), "sku": "s" * 256, "attributes": []}},
        ),
        "productVariantCreate",
    )
    assert ("sku", "INVALID") in codes(variant)


BULK_UPDATE = """
mutation($product: ID!, $variants: [ProductVariantBulkUpdateInput!]!) {
  productVariantBulkUpdate(product: $product, variants: $variants) {
    count results { productVariant { sku name } errors { field code } }
    errors { field code }
  }
}
"""


def test_variant_bulk_update_changes_rows(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    first, second = catalog.variants[:2]
    result = data_of(
        staff_gql(
            BULK_UPDATE,
            {
                "product": gid(catalog.products[0]),
                "variants": [
                    {"id": gid(first), "name": "One", "sku": "ONE"},
                    {
                        "id": gid(second),
                        "attributes": [
                            {"id": gid(catalog.size), "dropdown": {"value": "XXL"}}
                        ],
                    },
                ],
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["errors"] == [] and result["count"] == 2
    assert result["results"][0]["productVariant"] == {"sku": "ONE", "name": "One"}
    assert AssignedVariantAttributeValue.objects.get(variant=second).value.name == "XXL"


def test_variant_bulk_update_rejects_repeated_skus(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    first, second = catalog.variants[:2]
    result = data_of(
        staff_gql(
            BULK_UPDATE,
            {
                "product": gid(catalog.products[0]),
                "variants": [
                    {"id": gid(first), "sku": "SAME"},
                    {"id": gid(second), "sku": "SAME"},
                ],
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["count"] == 0
    assert result["errors"] == [{"field": "sku", "code": "UNIQUE"}]
    assert not ProductVariant.objects.filter(sku="SAME").exists()


BULK_NESTED = """
mutation(
  $product: ID!, $variants: [ProductVariantBulkUpdateInput!]!, $policy: ErrorPolicyEnum
) {
  productVariantBulkUpdate(
    product: $product, variants: $variants, errorPolicy: $policy
  ) {
    count results { productVariant { name } errors { field code path } }
    errors { field code path }
  }
}
"""


def _listing(variant: ProductVariant, channel: Any) -> ProductVariantChannelListing:
    return ProductVariantChannelListing.objects.get(variant=variant, channel=channel)


def test_variant_bulk_update_changes_nested_stocks_and_listings(
    staff_gql: Any,
) -> None:
    catalog = build_catalog(1)
    first, second = catalog.variants[:2]
    product = catalog.products[0]
    extra_warehouse = WarehouseFactory()
    third = ChannelFactory(slug="third", currency_code="EUR")
    list_product(product, third)
    result = data_of(
        staff_gql(
            BULK_NESTED,
            {
                "product": gid(product),
                "variants": [
                    {
                        "id": gid(first),
                        "stocks": {
                            "create": [
                                {"warehouse": gid(extra_warehouse), "quantity": 7}
                            ],
                            "update": [
                                {"stock": gid(first.stocks.get()), "quantity": 3}
                            ],
                        },
                        "channelListings": {
                            "create": [{"channelId": gid(third), "price": "5.5"}],
                            "update": [
                                {
                                    "channelListing": gid(
                                        _listing(first, catalog.channel)
                                    ),
                                    "price": "99.99",
                                }
                            ],
                            "remove": [gid(_listing(first, catalog.other_channel))],
                        },
                    },
                    {
                        "id": gid(second),
                        "stocks": {"remove": [gid(second.stocks.get())]},
                    },
                ],
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["errors"] == [] and result["count"] == 2
    quantities = dict(
        Stock.objects.filter(product_variant=first).values_list(
            "warehouse_id", "quantity"
        )
    )
    assert quantities == {catalog.warehouse.pk: 3, extra_warehouse.pk: 7}
    assert not Stock.objects.filter(product_variant=second).exists()
    prices = dict(
        ProductVariantChannelListing.objects.filter(variant=first).values_list(
            "channel__slug", "price_amount"
        )
    )
    assert prices == {
        "default-channel": Decimal("99.99"),
        "third": Decimal("5.5"),
    }


def _nested_bad_rows(catalog: Any) -> list[dict[str, Any]]:
    """Row 0 is fine; row 1 adds stock where there is some and renames itself."""
    first, second = catalog.variants[:2]
    return [
        {
            "id": gid(first),
            "name": "Good",
            "stocks": {"update": [{"stock": gid(first.stocks.get()), "quantity": 1}]},
        },
        {
            "id": gid(second),
            "name": "Bad",
            "stocks": {
                "create": [{"warehouse": gid(catalog.warehouse), "quantity": 1}]
            },
        },
    ]


def test_variant_bulk_update_nested_error_rejects_everything(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    first, second = catalog.variants[:2]
    result = data_of(
        staff_gql(
            BULK_NESTED,
            {
                "product": gid(catalog.products[0]),
                "variants": _nested_bad_rows(catalog),
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["count"] == 0
    assert result["errors"] == [
        {"field": "stocks", "code": "STOCK_ALREADY_EXISTS", "path": "stocks.create.0"}
    ]
    assert result["results"][0] == {"productVariant": None, "errors": []}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, second.name) == ("S", "L")
    assert first.stocks.get().quantity == 10
    assert second.stocks.count() == 1


def test_variant_bulk_update_nested_error_rejects_only_its_row(
    staff_gql: Any,
) -> None:
    catalog = build_catalog(1)
    first, second = catalog.variants[:2]
    result = data_of(
        staff_gql(
            BULK_NESTED,
            {
                "product": gid(catalog.products[0]),
                "variants": _nested_bad_rows(catalog),
                "policy": "REJECT_FAILED_ROWS",
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["count"] == 1
    assert result["results"][0]["productVariant"] == {"name": "Good"}
    assert result["results"][1]["errors"] == [
        {"field": "stocks", "code": "STOCK_ALREADY_EXISTS", "path": "stocks.create.0"}
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.stocks.get().quantity == 1
    assert second.name == "L"


@pytest.mark.parametrize(
    ("nested", "error"),
    [
        (
            lambda c: {
                "stocks": {
                    "update": [
                        {"stock": gid(c.variants[1].stocks.get()), "quantity": 1}
                    ]
                }
            },
            ("stocks", "NOT_FOUND", "stocks.update.0"),
        ),
        (
            lambda c: {
                "stocks": {
                    "update": [
                        {"stock": gid(c.variants[0].stocks.get()), "quantity": -1}
                    ]
                }
            },
            ("stocks", "INVALID", "stocks.update.0"),
        ),
        (
            lambda c: {
                "stocks": {
                    "remove": [gid(c.variants[0].stocks.get())] * 1,
                    "update": [
                        {"stock": gid(c.variants[0].stocks.get()), "quantity": 2}
                    ],
                }
            },
            ("stocks", "DUPLICATED_INPUT_ITEM", "stocks.update"),
        ),
        (
            lambda c: {
                "channelListings": {"remove": [gid(_listing(c.variants[1], c.channel))]}
            },
            ("channelListings", "NOT_FOUND", "channelListings.remove.0"),
        ),
        (
            lambda c: {
                "channelListings": {
                    "create": [
                        {
                            "channelId": gid(ChannelFactory(slug="unlisted")),
                            "price": "1",
                        }
                    ]
                }
            },
            (
                "channelListings",
                "PRODUCT_NOT_ASSIGNED_TO_CHANNEL",
                "channelListings.create",
            ),
        ),
        (
            lambda c: {
                "channelListings": {
                    "create": [{"channelId": gid(c.channel), "price": "1"}],
                    "update": [
                        {
                            "channelListing": gid(_listing(c.variants[0], c.channel)),
                            "price": "2",
                        }
                    ],
                }
            },
            ("channelListings", "DUPLICATED_INPUT_ITEM", "channelListings.create"),
        ),
    ],
)
def test_variant_bulk_update_rejects_bad_nested_input(
    staff_gql: Any, nested: Any, error: tuple[str, str, str]
) -> None:
    catalog = build_catalog(1)
    first = catalog.variants[0]
    before = (
        list(Stock.objects.values_list("pk", "quantity").order_by("pk")),
        list(
            ProductVariantChannelListing.objects.values_list(
                "pk", "price_amount"
            ).order_by("pk")
        ),
    )
    result = data_of(
        staff_gql(
            BULK_NESTED,
            {
                "product": gid(catalog.products[0]),
                "variants": [{"id": gid(first), "name": "New", **nested(catalog)}],
            },
        ),
        "productVariantBulkUpdate",
    )
    assert result["count"] == 0
    field, code, path = error
    assert result["errors"] == [{"field": field, "code": code, "path": path}]
    first.refresh_from_db()
    assert first.name == "S"
    after = (
        list(Stock.objects.values_list("pk", "quantity").order_by("pk")),
        list(
            ProductVariantChannelListing.objects.values_list(
                "pk", "price_amount"
            ).order_by("pk")
        ),
    )
    assert after == before


def test_nul_characters_are_rejected_before_the_database(staff_gql: Any) -> None:
    product_type = ProductTypeFactory()
    result = data_of(
        staff_gql(
            PRODUCT_CREATE,
            {
                "input": {
                    "productType": gid(product_type),
                    "name": "a\x00b",
                    "description": '{"blocks": [{"data": {"text": "\\u0000"}}]}',
                }
            },
        ),
        "productCreate",
    )
    assert codes(result) == [("name", "INVALID"), ("description", "INVALID")]
    assert not Product.objects.exists()
    lookup = staff_gql(
        "mutation($sku: String) { productVariantDelete(sku: $sku) "
        "{ errors { code } } }",
        {"sku": "x\x00"},
    )
    assert lookup.errors and "Couldn't resolve" in lookup.errors[0].message


def test_metadata_is_set_on_create_and_merged_on_update(staff_gql: Any) -> None:
    product_type = ProductTypeFactory()
    created = data_of(
        staff_gql(
            PRODUCT_CREATE,
            {
                "input": {
                    "productType": gid(product_type),
                    "name": "Meta",
                    "metadata": [{"key": "a", "value": "1"}],
                    "privateMetadata": [{"key": "secret", "value": "s"}],
                }
            },
        ),
        "productCreate",
    )
    assert created["errors"] == []
    product = Product.objects.get()
    assert (product.metadata, product.private_metadata) == (
        {"a": "1"},
        {"secret": "s"},
    )
    updated = data_of(
        staff_gql(
            PRODUCT_UPDATE,
            {"id": gid(product), "input": {"metadata": [{"key": "b", "value": "2"}]}},
        ),
        "productUpdate",
    )
    assert updated["errors"] == []
    product.refresh_from_db()
    assert product.metadata == {"a": "1", "b": "2"}
    blank = data_of(
        staff_gql(
            PRODUCT_UPDATE,
            {"id": gid(product), "input": {"metadata": [{"key": " ", "value": "x"}]}},
        ),
        "productUpdate",
    )
    assert codes(blank) == [("metadata", "REQUIRED")]
    product.refresh_from_db()
    assert product.metadata == {"a": "1", "b": "2"}
