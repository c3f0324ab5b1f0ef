"""Mutations of products, variants, their channel listings and media."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.core.slugs import has_nul
from mercato.graphql.core.ids import decode_id
from mercato.graphql.core.mutations import error_payload, mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.product.mutation_inputs import (
    attribute_values,
    id_list,
    metadata_fields,
    optional_id,
    present,
    seo_fields,
    with_defaults,
)
from mercato.inventory.services import StockQuantity
from mercato.product.models import Product, ProductMedia, ProductVariant
from mercato.product.services import listings, media, products, variant_relations
from mercato.product.services import variants as variant_services

mutations = ObjectType("Mutation")
MANAGE_PRODUCTS = Permission.MANAGE_PRODUCTS


def _pk_by(
    model: type[Product] | type[ProductVariant],
    type_name: str,
    *,
    id: str | None,
    external_reference: str | None,
    sku: str | None = None,
) -> int:
    """The object named by exactly one of an ID, an external reference or a SKU."""
    given = [value for value in (id, external_reference, sku) if value]
    if len(given) != 1:
        raise GraphQLError("Give exactly one of: id, externalReference, sku.")
    if id:
        return decode_id(id, type_name)
    if has_nul(given[0]):
        raise GraphQLError(f"Couldn't resolve to a node: {given[0]!r}")
    lookup = {"external_reference": external_reference} if external_reference else {}
    if sku:
        lookup = {"sku": sku}
    pk = model._default_manager.filter(**lookup).values_list("pk", flat=True).first()
    if pk is None:
        raise GraphQLError(f"Couldn't resolve to a node: {given[0]}")
    return int(pk)


# ---------------------------------------------------------------- products


def _product_data(data: dict[str, Any]) -> products.ProductData:
    fields = present(
        data, "name", "slug", "description", "rating", "external_reference"
    )
    if "product_type" in data:
        fields["product_type_id"] = decode_id(data["product_type"], "ProductType")
    if "category" in data:
        fields["category_id"] = optional_id(data["category"], "Category")
    if "collections" in data:
        fields["collection_ids"] = id_list(data["collections"], "Collection")
    if "tax_class" in data:
        fields["tax_class_id"] = optional_id(data["tax_class"], "TaxClass")
    if "attributes" in data:
        fields["attributes"] = attribute_values(data["attributes"])
    return products.ProductData(**fields, **seo_fields(data), **metadata_fields(data))


@mutations.field("productCreate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_product_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    product = products.create_product(actor=actor_of(info), data=_product_data(input))
    return {"product": product}


@mutations.field("productUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_product_update(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    product = products.update_product(
        actor=actor_of(info),
        product_id=_pk_by(
            Product, "Product", id=id, external_reference=external_reference
        ),
        data=_product_data(input),
    )
    return {"product": product}


@mutations.field("productDelete")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_product_delete(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    product = products.delete_product(
        actor=actor_of(info),
        product_id=_pk_by(
            Product, "Product", id=id, external_reference=external_reference
        ),
    )
    return {"product": product}


@mutations.field("productBulkDelete")
@require_any(MANAGE_PRODUCTS)
@with_defaults(count=0)
@mutation("product_errors")
def resolve_product_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = products.delete_products(
        actor=actor_of(info), product_ids=id_list(ids, "Product")
    )
    return {"count": count}


# ---------------------------------------------------------------- variants


def _stocks(entries: list[dict[str, Any]] | None) -> list[variant_services.StockData]:
    return [
        variant_services.StockData(
            warehouse_id=decode_id(entry["warehouse"], "Warehouse"),
            quantity=entry["quantity"],
        )
        for entry in entries or []
    ]


def _prices(entries: list[dict[str, Any]] | None) -> list[listings.VariantPriceData]:
    return [
        listings.VariantPriceData(
            channel_id=decode_id(entry["channel_id"], "Channel"),
            price=entry["price"],
            cost_price=entry.get("cost_price"),
        )
        for entry in entries or []
    ]


def _variant_data(data: dict[str, Any]) -> variant_services.VariantData:
    fields = present(
        data,
        "sku",
        "name",
        "track_inventory",
        "quantity_limit_per_customer",
        "external_reference",
    )
    if "attributes" in data:
        fields["attributes"] = attribute_values(data["attributes"])
    return variant_services.VariantData(
        **fields,
        **metadata_fields(data),
        stocks=_stocks(data.get("stocks")),
        prices=_prices(data.get("channel_listings")),
    )


@mutations.field("productVariantCreate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_variant_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    variant = variant_services.create_variant(
        actor=actor_of(info),
        product_id=decode_id(input["product"], "Product"),
        data=_variant_data(input),
    )
    return {"product_variant": variant}


@mutations.field("productVariantUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_variant_update(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    external_reference: str | None = None,
    sku: str | None = None,
) -> dict[str, Any]:
    variant_id = _pk_by(
        ProductVariant,
        "ProductVariant",
        id=id,
        external_reference=external_reference,
        sku=sku,
    )
    variant = variant_services.update_variant(
        actor=actor_of(info), variant_id=variant_id, data=_variant_data(input)
    )
    return {"product_variant": variant}


@mutations.field("productVariantDelete")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_variant_delete(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
    sku: str | None = None,
) -> dict[str, Any]:
    variant_id = _pk_by(
        ProductVariant,
        "ProductVariant",
        id=id,
        external_reference=external_reference,
        sku=sku,
    )
    variant = variant_services.delete_variant(
        actor=actor_of(info), variant_id=variant_id
    )
    return {"product_variant": variant}


def _bulk_payload(
    results: list[variant_services.BulkRow], *, with_index: bool
) -> dict[str, Any]:
    created = [row.variant for row in results if row.variant is not None]
    errors = [
        {**error_payload(error), **({"index": index} if with_index else {})}
        for index, row in enumerate(results)
        for error in row.errors
    ]
    return {
        "count": len(created),
        "product_variants": created,
        "results": [
            {
                "product_variant": row.variant,
                "errors": [error_payload(e) for e in row.errors],
            }
            for row in results
        ],
        "errors": errors,
    }


@mutations.field("productVariantBulkCreate")
@require_any(MANAGE_PRODUCTS)
@with_defaults(count=0, product_variants=[], results=[])
@mutation("bulk_product_errors")
def resolve_variant_bulk_create(
    _: None,
    info: GraphQLResolveInfo,
    product: str,
    variants: list[dict[str, Any]],
    error_policy: str | None = None,
) -> dict[str, Any]:
    results = variant_services.create_variants(
        actor=actor_of(info),
        product_id=decode_id(product, "Product"),
        rows=[_variant_data(row) for row in variants],
        reject_everything=error_policy in (None, "REJECT_EVERYTHING"),
    )
    return _bulk_payload(results, with_index=True)


def _stock_changes(
    entry: dict[str, Any] | None,
) -> variant_relations.StockChanges | None:
    if entry is None:
        return None
    return variant_relations.StockChanges(
        create=[
            StockQuantity(
                warehouse_id=decode_id(item["warehouse"], "Warehouse"),
                quantity=item["quantity"],
            )
            for item in entry.get("create") or []
        ],
        update=[
            variant_relations.StockQuantityChange(
                stock_id=decode_id(item["stock"], "Stock"), quantity=item["quantity"]
            )
            for item in entry.get("update") or []
        ],
        remove=id_list(entry.get("remove"), "Stock"),
    )


def _listing_changes(
    entry: dict[str, Any] | None,
) -> variant_relations.ListingChanges | None:
    if entry is None:
        return None
    return variant_relations.ListingChanges(
        create=_prices(entry.get("create")),
        update=[
            variant_relations.ListingPriceChange(
                listing_id=decode_id(
                    item["channel_listing"], "ProductVariantChannelListing"
                ),
                price=item.get("price"),
                cost_price=item.get("cost_price"),
            )
            for item in entry.get("update") or []
        ],
        remove=id_list(entry.get("remove"), "ProductVariantChannelListing"),
    )


def _variant_update_data(row: dict[str, Any]) -> variant_services.VariantData:
    """A bulk update row: stocks and channel listings are nested changes here."""
    data = _variant_data(
        {k: v for k, v in row.items() if k not in ("stocks", "channel_listings")}
    )
    data.stock_changes = _stock_changes(row.get("stocks"))
    data.listing_changes = _listing_changes(row.get("channel_listings"))
    return data


@mutations.field("productVariantBulkUpdate")
@require_any(MANAGE_PRODUCTS)
@with_defaults(count=0, results=[])
@mutation()
def resolve_variant_bulk_update(
    _: None,
    info: GraphQLResolveInfo,
    product: str,
    variants: list[dict[str, Any]],
    error_policy: str | None = None,
) -> dict[str, Any]:
    rows = [
        (decode_id(row["id"], "ProductVariant"), _variant_update_data(row))
        for row in variants
    ]
    results = variant_services.update_variants(
        actor=actor_of(info),
        product_id=decode_id(product, "Product"),
        rows=rows,
        reject_everything=error_policy in (None, "REJECT_EVERYTHING"),
    )
    payload = _bulk_payload(results, with_index=False)
    del payload["product_variants"]
    return payload


@mutations.field("productVariantBulkDelete")
@require_any(MANAGE_PRODUCTS)
@with_defaults(count=0)
@mutation("product_errors")
def resolve_variant_bulk_delete(
    _: None,
    info: GraphQLResolveInfo,
    ids: list[str] | None = None,
    skus: list[str] | None = None,
) -> dict[str, Any]:
    count = variant_services.delete_variants(
        actor=actor_of(info),
        variant_ids=id_list(ids, "ProductVariant"),
        skus=skus or [],
    )
    return {"count": count}


# ---------------------------------------------------------------- channel listings


def _listing_data(entry: dict[str, Any]) -> listings.ProductListingData:
    return listings.ProductListingData(
        channel_id=decode_id(entry["channel_id"], "Channel"),
        is_published=entry.get("is_published"),
        published_at=entry.get("published_at"),
        visible_in_listings=entry.get("visible_in_listings"),
        is_available_for_purchase=entry.get("is_available_for_purchase"),
        available_for_purchase_at=entry.get("available_for_purchase_at"),
        add_variant_ids=id_list(entry.get("add_variants"), "ProductVariant"),
        remove_variant_ids=id_list(entry.get("remove_variants"), "ProductVariant"),
    )


@mutations.field("productChannelListingUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_channel_listing_errors")
def resolve_product_channel_listing_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    product = listings.update_product_channel_listings(
        actor=actor_of(info),
        product_id=decode_id(id, "Product"),
        update=[_listing_data(entry) for entry in input.get("update_channels") or []],
        remove_channel_ids=id_list(input.get("remove_channels"), "Channel"),
    )
    return {"product": product}


@mutations.field("productVariantChannelListingUpdate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_channel_listing_errors")
def resolve_variant_channel_listing_update(
    _: None,
    info: GraphQLResolveInfo,
    input: list[dict[str, Any]],
    id: str | None = None,
    sku: str | None = None,
) -> dict[str, Any]:
    variant_id = _pk_by(
        ProductVariant, "ProductVariant", id=id, external_reference=None, sku=sku
    )
    variant = listings.update_variant_channel_listings(
        actor=actor_of(info), variant_id=variant_id, prices=_prices(input)
    )
    return {"variant": variant}


# ---------------------------------------------------------------- media


@mutations.field("productMediaCreate")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_product_media_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    created = media.create_product_media(
        actor=actor_of(info),
        product_id=decode_id(input["product"], "Product"),
        image=input.get("image"),
        media_url=input.get("media_url"),
        alt=input.get("alt"),
    )
    return {"media": created, "product": _product_of(created)}


@mutations.field("productMediaDelete")
@require_any(MANAGE_PRODUCTS)
@mutation("product_errors")
def resolve_product_media_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    removed = media.delete_product_media(
        actor=actor_of(info), media_id=decode_id(id, "ProductMedia")
    )
    return {"media": removed, "product": _product_of(removed)}


def _product_of(item: ProductMedia) -> Product | None:
    return Product.objects.filter(pk=item.product_id).first()


bindables = [mutations]
