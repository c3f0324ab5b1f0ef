"""Category, collection and product type mutations over the API."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mercato.attribute.models import Attribute, AttributeProduct, AttributeVariant
from mercato.channel.models import Channel
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.product.models import (
    Category,
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    ProductType,
)
from tests.factories.catalog import (
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    ProductTypeFactory,
)

pytestmark = pytest.mark.django_db

TYPES = (Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,)


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def data_of(result: Any, name: str) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data[name]  # type: ignore[no-any-return]


def assert_denied(result: Any) -> None:
    assert result.errors, "expected a permission error"
    assert result.errors[0].message.startswith("You need one of")
    assert isinstance(result.errors[0].original_error, PermissionDenied)


CATEGORY_CREATE = """
mutation($input: CategoryInput!, $parent: ID) {
  categoryCreate(input: $input, parent: $parent) {
    category { id name slug level parent { id } seoTitle description }
    errors { field code message }
    productErrors { field code }
  }
}
"""


def test_category_create_under_a_parent(staff_gql: Any) -> None:
    parent = CategoryFactory()
    result = data_of(
        staff_gql(
            CATEGORY_CREATE,
            {
                "input": {
                    "name": "Rain Coats",
                    "seo": {"title": "Coats"},
                    "description": orjson.dumps(
                        {"blocks": [{"type": "paragraph", "data": {"text": "Dry"}}]}
                    ).decode(),
                },
                "parent": gid(parent),
            },
        ),
        "categoryCreate",
    )
    assert result["errors"] == [] and result["productErrors"] == []
    category = result["category"]
    assert category["slug"] == "rain-coats"
    assert category["level"] == 1 and category["parent"]["id"] == gid(parent)
    assert category["seoTitle"] == "Coats"
    stored = Category.objects.get(slug="rain-coats")
    assert stored.tree_path == [parent.pk]
    assert stored.description_plaintext == "Dry"


def test_category_create_rejects_a_taken_slug_and_writes_nothing(
    staff_gql: Any,
) -> None:
    CategoryFactory(slug="shoes")
    result = data_of(
        staff_gql(CATEGORY_CREATE, {"input": {"name": "Shoes", "slug": "shoes"}}),
        "categoryCreate",
    )
    assert result["category"] is None
    assert result["errors"] == [
        {
            "field": "slug",
            "code": "UNIQUE",
            "message": "Slug 'shoes' is already taken.",
        }
    ]
    assert result["productErrors"] == [{"field": "slug", "code": "UNIQUE"}]
    assert Category.objects.count() == 1


def test_category_create_needs_a_name(staff_gql: Any) -> None:
    result = data_of(staff_gql(CATEGORY_CREATE, {"input": {}}), "categoryCreate")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("name", "REQUIRED")]
    assert not Category.objects.exists()


def test_category_mutations_need_manage_products(staff_gql: Any) -> None:
    assert_denied(
        staff_gql(CATEGORY_CREATE, {"input": {"name": "X"}}, permissions=TYPES)
    )
    assert not Category.objects.exists()


def test_category_update_delete_and_bulk_delete(staff_gql: Any) -> None:
    category = CategoryFactory(name="Old")
    child = CategoryFactory(parent=category)
    other = CategoryFactory()
    update = data_of(
        staff_gql(
            """mutation($id: ID!) { categoryUpdate(id: $id, input: {name: "New", slug:
                "new"}) {
                category { name slug } errors { field code } } }""",
            {"id": gid(category)},
        ),
        "categoryUpdate",
    )
    assert update == {"category": {"name": "New", "slug": "new"}, "errors": []}
    taken = data_of(
        staff_gql(
            """mutation($id: ID!) { categoryUpdate(id: $id, input: {slug: "new"}) {
                category { slug } errors { field code } } }""",
            {"id": gid(other)},
        ),
        "categoryUpdate",
    )
    assert taken == {"category": None, "errors": [{"field": "slug", "code": "UNIQUE"}]}
    deleted = data_of(
        staff_gql(
            """mutation($id: ID!) { categoryDelete(id: $id) {
                category { id name } errors { code } } }""",
            {"id": gid(category)},
        ),
        "categoryDelete",
    )
    assert deleted == {"category": {"id": gid(category), "name": "New"}, "errors": []}
    assert not Category.objects.filter(pk__in=[category.pk, child.pk]).exists()
    bulk = data_of(
        staff_gql(
            """mutation($ids: [ID!]!) { categoryBulkDelete(ids: $ids) {
                count errors { field code } } }""",
            {"ids": [gid(other)]},
        ),
        "categoryBulkDelete",
    )
    assert bulk == {"count": 1, "errors": []}
    assert not Category.objects.exists()


def test_category_bulk_delete_with_an_unknown_id_deletes_nothing(
    staff_gql: Any,
) -> None:
    category = CategoryFactory()
    result = data_of(
        staff_gql(
            """mutation($ids: [ID!]!) { categoryBulkDelete(ids: $ids) {
                count errors { field code } } }""",
            {"ids": [gid(category), to_global_id("Category", 999999)]},
        ),
        "categoryBulkDelete",
    )
    assert result == {"count": 0, "errors": [{"field": "ids", "code": "NOT_FOUND"}]}
    assert Category.objects.filter(pk=category.pk).exists()


def test_a_foreign_id_is_a_clean_graphql_error(staff_gql: Any) -> None:
    product = ProductFactory()
    result = staff_gql(
        "mutation($id: ID!) { categoryDelete(id: $id) { errors { code } } }",
        {"id": gid(product)},
    )
    assert result.errors and "Expected: Category" in result.errors[0].message


# ---------------------------------------------------------------- collections

COLLECTION_CREATE = """
mutation($input: CollectionCreateInput!) {
  collectionCreate(input: $input) {
    collection { id name slug products(first: 10) { edges { node { id } } } }
    errors { field code }
    collectionErrors { field code }
  }
}
"""


def test_collection_create_with_products(staff_gql: Any) -> None:
    products = [ProductFactory(), ProductFactory()]
    result = data_of(
        staff_gql(
            COLLECTION_CREATE,
            {"input": {"name": "Summer Sale", "products": [gid(p) for p in products]}},
        ),
        "collectionCreate",
    )
    assert result["errors"] == []
    assert result["collection"]["slug"] == "summer-sale"
    collection = Collection.objects.get()
    assert set(collection.products.values_list("pk", flat=True)) == {
        p.pk for p in products
    }


def test_collection_create_with_a_missing_product_writes_nothing(
    staff_gql: Any,
) -> None:
    result = data_of(
        staff_gql(
            COLLECTION_CREATE,
            {"input": {"name": "X", "products": [to_global_id("Product", 424242)]}},
        ),
        "collectionCreate",
    )
    assert result["collection"] is None
    assert result["errors"] == [{"field": "products", "code": "NOT_FOUND"}]
    assert result["collectionErrors"] == result["errors"]
    assert not Collection.objects.exists()


def test_collection_mutations_need_manage_products(staff_gql: Any) -> None:
    assert_denied(
        staff_gql(COLLECTION_CREATE, {"input": {"name": "X"}}, permissions=())
    )


def test_collection_update_products_and_delete(staff_gql: Any) -> None:
    collection = Collection.objects.create(name="C", slug="c")
    first, second = ProductFactory(), ProductFactory()
    add = data_of(
        staff_gql(
            """mutation($c: ID!, $p: [ID!]!) { collectionAddProducts(collectionId: $c,
                products: $p) {
                collection { slug } errors { field code } } }""",
            {"c": gid(collection), "p": [gid(first), gid(second)]},
        ),
        "collectionAddProducts",
    )
    assert add == {"collection": {"slug": "c"}, "errors": []}
    assert list(
        CollectionProduct.objects.filter(collection=collection).values_list(
            "product_id", flat=True
        )
    ) == [first.pk, second.pk]
    missing = data_of(
        staff_gql(
            """mutation($c: ID!, $p: [ID!]!) { collectionAddProducts(collectionId: $c,
                products: $p) {
                errors { field code } } }""",
            {"c": gid(collection), "p": [to_global_id("Product", 999999)]},
        ),
        "collectionAddProducts",
    )
    assert missing == {"errors": [{"field": "products", "code": "NOT_FOUND"}]}
    remove = data_of(
        staff_gql(
            """mutation($c: ID!, $p: [ID!]!) { collectionRemoveProducts(collectionId:
                $c, products: $p) {
                errors { code } } }""",
            {"c": gid(collection), "p": [gid(first)]},
        ),
        "collectionRemoveProducts",
    )
    assert remove == {"errors": []}
    assert list(collection.products.values_list("pk", flat=True)) == [second.pk]
    update = data_of(
        staff_gql(
            """mutation($id: ID!) { collectionUpdate(id: $id, input: {name: "D", seo:
                {description: "d"}}) {
                collection { name seoDescription } errors { code } } }""",
            {"id": gid(collection)},
        ),
        "collectionUpdate",
    )
    assert update == {"collection": {"name": "D", "seoDescription": "d"}, "errors": []}
    delete = data_of(
        staff_gql(
            "mutation($id: ID!) { collectionDelete(id: $id) { collection { id } "
            "errors { code } } }",
            {"id": gid(collection)},
        ),
        "collectionDelete",
    )
    assert delete == {"collection": {"id": gid(collection)}, "errors": []}
    assert not Collection.objects.exists()
    assert_denied(
        staff_gql(
            "mutation { collectionBulkDelete(ids: []) { count } }", permissions=TYPES
        )
    )


def test_collection_bulk_delete(staff_gql: Any) -> None:
    collections = [Collection.objects.create(name=n, slug=n) for n in ("a", "b", "c")]
    result = data_of(
        staff_gql(
            "mutation($ids: [ID!]!) { collectionBulkDelete(ids: $ids) { count errors "
            "{ code } } }",
            {"ids": [gid(c) for c in collections[:2]]},
        ),
        "collectionBulkDelete",
    )
    assert result == {"count": 2, "errors": []}
    assert list(Collection.objects.values_list("slug", flat=True)) == ["c"]


COLLECTION_LISTING = """
mutation($id: ID!, $input: CollectionChannelListingUpdateInput!) {
  collectionChannelListingUpdate(id: $id, input: $input) {
    collection { channelListings { isPublished channel { slug } } }
    errors { field code }
  }
}
"""


def test_collection_channel_listing_update(staff_gql: Any, gql: Any) -> None:
    channel = ChannelFactory(slug="main")
    other = ChannelFactory(slug="other")
    collection = Collection.objects.create(name="C", slug="c")
    CollectionChannelListing.objects.create(
        collection=collection, channel=other, is_published=True
    )
    result = data_of(
        staff_gql(
            COLLECTION_LISTING,
            {
                "id": gid(collection),
                "input": {
                    "addChannels": [{"channelId": gid(channel), "isPublished": True}],
                    "removeChannels": [gid(other)],
                },
            },
        ),
        "collectionChannelListingUpdate",
    )
    assert result == {
        "collection": {
            "channelListings": [{"isPublished": True, "channel": {"slug": "main"}}]
        },
        "errors": [],
    }
    listing = CollectionChannelListing.objects.get()
    assert listing.published_at is not None
    seen = gql('{ collection(slug: "c", channel: "main") { slug } }')
    assert seen["data"]["collection"] == {"slug": "c"}


def test_collection_channel_listing_rejects_a_channel_twice(staff_gql: Any) -> None:
    channel = ChannelFactory()
    collection = Collection.objects.create(name="C", slug="c")
    result = data_of(
        staff_gql(
            COLLECTION_LISTING,
            {
                "id": gid(collection),
                "input": {
                    "addChannels": [{"channelId": gid(channel)}],
                    "removeChannels": [gid(channel)],
                },
            },
        ),
        "collectionChannelListingUpdate",
    )
    assert result["errors"] == [{"field": "input", "code": "DUPLICATED_INPUT_ITEM"}]
    assert not CollectionChannelListing.objects.exists()
    assert Channel.objects.count() == 1


# ---------------------------------------------------------------- product types

PRODUCT_TYPE_CREATE = """
mutation($input: ProductTypeInput!) {
  productTypeCreate(input: $input) {
    productType { id name slug kind isShippingRequired
      productAttributes { slug } variantAttributes { slug } }
    errors { field code }
  }
}
"""


def _attribute(slug: str, **fields: Any) -> Attribute:
    return Attribute.objects.create(
        slug=slug, name=slug.title(), type=fields.pop("type", "PRODUCT_TYPE"), **fields
    )


def test_product_type_create_assigns_attributes(staff_gql: Any) -> None:
    color, size = _attribute("color"), _attribute("size")
    result = data_of(
        staff_gql(
            PRODUCT_TYPE_CREATE,
            {
                "input": {
                    "name": "T-Shirt",
                    "kind": "NORMAL",
                    "isShippingRequired": False,
                    "productAttributes": [gid(color)],
                    "variantAttributes": [gid(size)],
                }
            },
            permissions=TYPES,
        ),
        "productTypeCreate",
    )
    assert result == {
        "productType": {
            "id": result["productType"]["id"],
            "name": "T-Shirt",
            "slug": "t-shirt",
            "kind": "NORMAL",
            "isShippingRequired": False,
            "productAttributes": [{"slug": "color"}],
            "variantAttributes": [{"slug": "size"}],
        },
        "errors": [],
    }
    product_type = ProductType.objects.get()
    assert AttributeProduct.objects.filter(product_type=product_type).count() == 1
    assert AttributeVariant.objects.filter(product_type=product_type).count() == 1


def test_product_type_create_rejects_bad_attributes(staff_gql: Any) -> None:
    page_attribute = _attribute("author", type="PAGE_TYPE")
    color = _attribute("color")
    result = data_of(
        staff_gql(
            PRODUCT_TYPE_CREATE,
            {
                "input": {
                    "name": "T",
                    "productAttributes": [gid(page_attribute), gid(color)],
                    "variantAttributes": [gid(color)],
                }
            },
            permissions=TYPES,
        ),
        "productTypeCreate",
    )
    assert result["productType"] is None
    assert result["errors"] == [
        {"field": "productAttributes", "code": "INVALID"},
        {"field": "attributes", "code": "ATTRIBUTE_ALREADY_ASSIGNED"},
    ]
    assert not ProductType.objects.exists()


def test_product_types_need_their_permission(staff_gql: Any) -> None:
    assert_denied(staff_gql(PRODUCT_TYPE_CREATE, {"input": {"name": "T"}}))
    assert not ProductType.objects.exists()


def test_product_type_update_replaces_attributes_and_delete(staff_gql: Any) -> None:
    color, size = _attribute("color"), _attribute("size")
    product_type = ProductTypeFactory()
    AttributeProduct.objects.create(attribute=color, product_type=product_type)
    ProductFactory(product_type=product_type)
    result = data_of(
        staff_gql(
            """mutation($id: ID!, $attrs: [ID!]) { productTypeUpdate(id: $id, input:
                {productAttributes: $attrs, name: "Renamed"}) {
                productType { name productAttributes { slug } } errors { field code }
                    } }""",
            {"id": gid(product_type), "attrs": [gid(size)]},
            permissions=TYPES,
        ),
        "productTypeUpdate",
    )
    assert result == {
        "productType": {"name": "Renamed", "productAttributes": [{"slug": "size"}]},
        "errors": [],
    }
    deleted = data_of(
        staff_gql(
            "mutation($id: ID!) { productTypeDelete(id: $id) { productType { id } "
            "errors { code } } }",
            {"id": gid(product_type)},
            permissions=TYPES,
        ),
        "productTypeDelete",
    )
    assert deleted == {"productType": {"id": gid(product_type)}, "errors": []}
    assert not ProductType.objects.exists()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile("bg.png", buffer.getvalue(), content_type="image/png")


def test_background_images_are_checked_and_stored(
    staff_gql: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    created = data_of(
        staff_gql(
            CATEGORY_CREATE,
            {"input": {"name": "Bags", "backgroundImage": _png()}},
        ),
        "categoryCreate",
    )
    assert created["errors"] == []
    category = Category.objects.get()
    assert category.background_image.name.startswith("category-backgrounds/")
    junk = SimpleUploadedFile("bg.png", b"junk", content_type="image/png")
    bad = data_of(
        staff_gql(COLLECTION_CREATE, {"input": {"name": "C", "backgroundImage": junk}}),
        "collectionCreate",
    )
    assert bad["errors"] == [{"field": "backgroundImage", "code": "INVALID"}]
    assert not Collection.objects.exists()
