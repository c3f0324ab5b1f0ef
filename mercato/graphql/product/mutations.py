"""Mutations of the catalog's structure: categories, collections, product types."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import decode_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.product.mutation_inputs import (
    id_list,
    metadata_fields,
    optional_id,
    positive_decimal,
    present,
    seo_fields,
    upload_scalar,
    with_defaults,
)
from mercato.product.services import categories, collections, product_types

mutations = ObjectType("Mutation")

MANAGE_PRODUCTS = Permission.MANAGE_PRODUCTS
MANAGE_TYPES = Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES
_LOOKS = ("name", "slug", "description", "background_image", "background_image_alt")


# ---------------------------------------------------------------- categories


def _category_data(data: dict[str, Any]) -> categories.CategoryData:
    return categories.CategoryData(
        **present(data, *_LOOKS), **seo_fields(data), **metadata_fields(data)
    )


@mutations.field("categoryCreate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_category_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any], parent: str | None = None
) -> dict[str, Any]:
    category = categories.create_category(
        actor=actor_of(info),
        data=_category_data(input),
        parent_id=optional_id(parent, "Category"),
    )
    return {"category": category}


@mutations.field("categoryUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_category_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    category = categories.update_category(
        actor=actor_of(info),
        category_id=decode_id(id, "Category"),
        data=_category_data(input),
    )
    return {"category": category}


@mutations.field("categoryDelete")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_category_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    category = categories.delete_category(
        actor=actor_of(info), category_id=decode_id(id, "Category")
    )
    return {"category": category}


@mutations.field("categoryBulkDelete")
@require_any(MANAGE_PRODUCTS)
@with_defaults(count=0)
@mutation("product_errors")
def resolve_category_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = categories.delete_categories(
        actor=actor_of(info), category_ids=id_list(ids, "Category")
    )
    return {"count": count}


# ---------------------------------------------------------------- collections


def _collection_data(data: dict[str, Any]) -> collections.CollectionData:
    return collections.CollectionData(
        **present(data, *_LOOKS),
        **seo_fields(data),
        **metadata_fields(data),
        product_ids=id_list(data.get("products"), "Product"),
    )


@mutations.field("collectionCreate")
@require_any(MANAGE_PRODUCTS)
@mutation("collection_errors")
def resolve_collection_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    collection = collections.create_collection(
        actor=actor_of(info), data=_collection_data(input)
    )
    return {"collection": collection}


@mutations.field("collectionUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("collection_errors")
def resolve_collection_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    collection = collections.update_collection(
        actor=actor_of(info),
        collection_id=decode_id(id, "Collection"),
        data=_collection_data(input),
    )
    return {"collection": collection}


@mutations.field("collectionDelete")
@require_any(MANAGE_PRODUCTS)
@mutation("collection_errors")
def resolve_collection_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    collection = collections.delete_collection(
        actor=actor_of(info), collection_id=decode_id(id, "Collection")
    )
    return {"collection": collection}


@mutations.field("collectionBulkDelete")
@require_any(MANAGE_PRODUCTS)
@with_defaults(count=0)
@mutation("collection_errors")
def resolve_collection_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = collections.delete_collections(
        actor=actor_of(info), collection_ids=id_list(ids, "Collection")
    )
    return {"count": count}


@mutations.field("collectionAddProducts")
@require_any(MANAGE_PRODUCTS)
@mutation("collection_errors")
def resolve_collection_add_products(
    _: None, info: GraphQLResolveInfo, collection_id: str, products: list[str]
) -> dict[str, Any]:
    collection = collections.add_products_to_collection(
        actor=actor_of(info),
        collection_id=decode_id(collection_id, "Collection"),
        product_ids=id_list(products, "Product"),
    )
    return {"collection": collection}


@mutations.field("collectionRemoveProducts")
@require_any(MANAGE_PRODUCTS)
@mutation("collection_errors")
def resolve_collection_remove_products(
    _: None, info: GraphQLResolveInfo, collection_id: str, products: list[str]
) -> dict[str, Any]:
    collection = collections.remove_products_from_collection(
        actor=actor_of(info),
        collection_id=decode_id(collection_id, "Collection"),
        product_ids=id_list(products, "Product"),
    )
    return {"collection": collection}


@mutations.field("collectionChannelListingUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("collection_channel_listing_errors")
def resolve_collection_channel_listing_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    add = [
        collections.ChannelPublication(
            channel_id=decode_id(entry["channel_id"], "Channel"),
            is_published=entry.get("is_published"),
            published_at=entry.get("published_at"),
        )
        for entry in input.get("add_channels") or []
    ]
    collection = collections.update_collection_channel_listings(
        actor=actor_of(info),
        collection_id=decode_id(id, "Collection"),
        add=add,
        remove_channel_ids=id_list(input.get("remove_channels"), "Channel"),
    )
    return {"collection": collection}


# ---------------------------------------------------------------- product types


def _product_type_data(data: dict[str, Any]) -> product_types.ProductTypeData:
    fields = present(data, "name", "slug", "kind", "is_shipping_required")
    for key in ("product_attributes", "variant_attributes"):
        if key in data:
            fields[key.removesuffix("s") + "_ids"] = id_list(data[key], "Attribute")
    if "tax_class" in data:
        fields["tax_class_id"] = optional_id(data["tax_class"], "TaxClass")
    return product_types.ProductTypeData(**fields)


@mutations.field("productTypeCreate")
@require_any(MANAGE_TYPES)
@mutation("product_errors")
def resolve_product_type_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    product_type = product_types.create_product_type(
        actor=actor_of(info), data=_product_type_data(input)
    )
    return {"product_type": product_type}


@mutations.field("productTypeUpdate")
@require_any(MANAGE_TYPES)
@mutation("product_errors")
def resolve_product_type_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    product_type = product_types.update_product_type(
        actor=actor_of(info),
        product_type_id=decode_id(id, "ProductType"),
        data=_product_type_data(input),
    )
    return {"product_type": product_type}


@mutations.field("productTypeDelete")
@require_any(MANAGE_TYPES)
@mutation("product_errors")
def resolve_product_type_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    product_type = product_types.delete_product_type(
        actor=actor_of(info), product_type_id=decode_id(id, "ProductType")
    )
    return {"product_type": product_type}


bindables = [mutations, upload_scalar, positive_decimal]
