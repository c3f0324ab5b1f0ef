"""Root query fields of the catalog."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from django.db.models import Count, Q, QuerySet
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.languages import to_stored_code
from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import attach_batch
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.graphql.core.permissions import actor_of
from mercato.graphql.product.filters import (
    apply_where,
    metadata_pairs,
    product_filter_from_legacy,
)
from mercato.product.models import (
    Category,
    Collection,
    Product,
    ProductType,
    ProductVariant,
)
from mercato.product.queries import (
    InvalidSort,
    filter_categories,
    filter_products,
    metadata_q,
    search_products,
    sort_products,
    sort_products_by_attribute,
    visible_collections,
    visible_products,
    visible_variants,
)

query = QueryType()


def _one_of(**kwargs: Any) -> tuple[str, Any]:
    given = [(k, v) for k, v in kwargs.items() if v is not None]
    if len(given) != 1:
        names = ", ".join(f"'{k}'" for k in kwargs)
        raise GraphQLError(f"Provide exactly one of {names}.")
    return given[0]


def product_connection(
    info: GraphQLResolveInfo,
    products: QuerySet[Product],
    channel: Any,
    *,
    filter: dict[str, Any] | None,
    where: dict[str, Any] | None,
    sort_by: dict[str, Any] | None,
    search: str | None,
    page: dict[str, Any],
    scope: str,
    collection_id: int | None = None,
) -> Connection:
    """Filter, search, sort and paginate ``products`` (already visible ones).

    ``scope`` names what ``products`` was limited to (all, a category, a collection).
    """
    if filter:
        products = filter_products(
            products, product_filter_from_legacy(filter), channel
        )
    if where:
        products = apply_where(products, where, channel)
    if search:
        products = search_products(products, search)
    sort_by = sort_by or {}
    field = sort_by.get("field")
    descending = sort_by.get("direction") == "DESC"
    if sort_by and field is None and not sort_by.get("attribute_id"):
        raise GraphQLError("Specify the `field` or the `attributeId` to sort by.")
    try:
        if sort_by.get("attribute_id"):
            attribute_id = decode_id(sort_by["attribute_id"], "Attribute")
            products, keys = sort_products_by_attribute(
                products, attribute_id, descending
            )
        else:
            products, keys = sort_products(
                products, field, descending, channel, collection_id
            )
    except InvalidSort as exc:
        raise GraphQLError(str(exc)) from exc
    count_key = _count_key(info, channel, scope, filter, where, search)
    return connection_from_queryset(
        products, page, keys=keys, name="products", channel=channel, count_key=count_key
    )


def _count_key(
    info: GraphQLResolveInfo, channel: Any, scope: str, *parts: Any
) -> str | None:
    """What decides which products match (nothing that orders them); None for staff,
    whose counts are never cached."""
    if actor_of(info).sees_hidden_catalog:
        return None
    return repr((getattr(channel, "pk", None), scope, *parts))


@query.field("products")
def resolve_products(
    _: None,
    info: GraphQLResolveInfo,
    channel: str | None = None,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    sort_by: dict[str, Any] | None = None,
    search: str | None = None,
    **page: Any,
) -> Connection:
    scope = channel_from_arg(info, channel or (filter or {}).get("channel"))
    products = visible_products(scope, actor_of(info))
    return product_connection(
        info,
        products,
        scope,
        filter=filter,
        where=where,
        sort_by=sort_by,
        search=search,
        page=page,
        scope="products",
    )


@query.field("product")
def resolve_product(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    slug: str | None = None,
    external_reference: str | None = None,
    slug_language_code: str | None = None,
    channel: str | None = None,
) -> Product | None:
    key, value = _one_of(id=id, slug=slug, externalReference=external_reference)
    scope = channel_from_arg(info, channel)
    products = visible_products(scope, actor_of(info), in_listings=False)
    if key == "id":
        products = products.filter(pk=decode_id(value, "Product"))
    elif key == "slug" and slug_language_code:
        products = products.filter(
            translations__slug=value,
            translations__language_code=to_stored_code(slug_language_code),
        )
    elif key == "slug":
        products = products.filter(slug=value)
    else:
        products = products.filter(external_reference=value)
    found = products.first()
    return attach_batch([found], scope)[0] if found else None


@query.field("productVariant")
def resolve_product_variant(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    sku: str | None = None,
    external_reference: str | None = None,
    channel: str | None = None,
) -> ProductVariant | None:
    key, value = _one_of(id=id, sku=sku, externalReference=external_reference)
    scope = channel_from_arg(info, channel)
    variants = visible_variants(scope, actor_of(info))
    lookup = {"id": "pk", "sku": "sku", "externalReference": "external_reference"}[key]
    if key == "id":
        value = decode_id(value, "ProductVariant")
    found = variants.filter(**{lookup: value}).first()
    return attach_batch([found], scope)[0] if found else None


@query.field("productVariants")
def resolve_product_variants(
    _: None,
    info: GraphQLResolveInfo,
    ids: list[str] | None = None,
    channel: str | None = None,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    search: str | None = None,
    sort_by: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    scope = channel_from_arg(info, channel)
    variants = visible_variants(scope, actor_of(info))
    if ids:
        variants = variants.filter(pk__in=decode_ids(ids, "ProductVariant"))
    variants = filter_variants(variants, filter or {}, search)
    variants = where_variants(variants, where or {})
    descending = (sort_by or {}).get("direction") == "DESC"
    keys = (
        [("updated_at", descending), ("pk", descending)] if sort_by else [("pk", False)]
    )
    return connection_from_queryset(
        variants, page, keys=keys, name="productVariants", channel=scope
    )


def filter_variants(
    variants: QuerySet[ProductVariant], data: dict[str, Any], search: str | None
) -> QuerySet[ProductVariant]:
    term = search or data.get("search")
    if term:
        variants = variants.filter(
            Q(name__icontains=term)
            | Q(sku__icontains=term)
            | Q(product__name__icontains=term)
        )
    if data.get("sku"):
        variants = variants.filter(sku__in=data["sku"])
    if data.get("metadata"):
        variants = variants.filter(metadata_q(metadata_pairs(data["metadata"])))
    updated = data.get("updated_at") or {}
    if updated.get("gte"):
        variants = variants.filter(updated_at__gte=updated["gte"])
    if updated.get("lte"):
        variants = variants.filter(updated_at__lte=updated["lte"])
    return variants


def where_variants(
    variants: QuerySet[ProductVariant], where: dict[str, Any]
) -> QuerySet[ProductVariant]:
    if where.get("ids"):
        variants = variants.filter(pk__in=decode_ids(where["ids"], "ProductVariant"))
    sku = where.get("sku") or {}
    if sku.get("eq") is not None:
        variants = variants.filter(sku=sku["eq"])
    if sku.get("one_of") is not None:
        variants = variants.filter(sku__in=sku["one_of"])
    variants = filter_variants(
        variants,
        {"metadata": where.get("metadata"), "updated_at": where.get("updated_at")},
        None,
    )
    for clause in where.get("and") or []:
        variants = where_variants(variants, clause)
    if where.get("or"):
        matches = Q()
        for clause in where["or"]:
            matches |= Q(
                pk__in=where_variants(ProductVariant.objects.all(), clause).values("pk")
            )
        variants = variants.filter(matches)
    return variants


# ---------------------------------------------------------------- categories


@query.field("category")
def resolve_category(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    slug: str | None = None,
    slug_language_code: str | None = None,
) -> Category | None:
    key, value = _one_of(id=id, slug=slug)
    if key == "id":
        return Category.objects.filter(pk=decode_id(value, "Category")).first()
    if slug_language_code:
        return Category.objects.filter(
            translations__slug=value,
            translations__language_code=to_stored_code(slug_language_code),
        ).first()
    return Category.objects.filter(slug=value).first()


CATEGORY_SORT = {
    "NAME": "name",
    "PRODUCT_COUNT": "sort_products",
    "SUBCATEGORY_COUNT": "sort_children",
}


@query.field("categories")
def resolve_categories(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    sort_by: dict[str, Any] | None = None,
    level: int | None = None,
    **page: Any,
) -> Connection:
    filter, where = filter or {}, where or {}
    ids = filter.get("ids") or where.get("ids")
    categories = filter_categories(
        Category.objects.all(),
        ids=decode_ids(ids, "Category") if ids else None,
        slugs=filter.get("slugs"),
        search=filter.get("search"),
        level=level,
        metadata=metadata_pairs(filter.get("metadata") or where.get("metadata")),
    )
    keys: list[tuple[str, bool]] = [("pk", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        name = CATEGORY_SORT[sort_by["field"]]
        if name == "sort_products":
            categories = categories.annotate(
                sort_products=Count("products", distinct=True)
            )
        elif name == "sort_children":
            categories = categories.annotate(
                sort_children=Count("children", distinct=True)
            )
        keys = [(name, descending), ("slug", descending)]
    return connection_from_queryset(categories, page, keys=keys, name="categories")


# ---------------------------------------------------------------- collections


@query.field("collection")
def resolve_collection(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    slug: str | None = None,
    slug_language_code: str | None = None,
    channel: str | None = None,
) -> Collection | None:
    key, value = _one_of(id=id, slug=slug)
    scope = channel_from_arg(info, channel)
    collections = visible_collections(scope, actor_of(info))
    if key == "id":
        found = collections.filter(pk=decode_id(value, "Collection")).first()
    elif slug_language_code:
        found = collections.filter(
            translations__slug=value,
            translations__language_code=to_stored_code(slug_language_code),
        ).first()
    else:
        found = collections.filter(slug=value).first()
    return attach_batch([found], scope)[0] if found else None


@query.field("collections")
def resolve_collections(
    _: None,
    info: GraphQLResolveInfo,
    channel: str | None = None,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    sort_by: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    filter, where = filter or {}, where or {}
    scope = channel_from_arg(info, channel or filter.get("channel"))
    collections = visible_collections(scope, actor_of(info))
    ids = filter.get("ids") or where.get("ids")
    if ids:
        collections = collections.filter(pk__in=decode_ids(ids, "Collection"))
    if filter.get("slugs"):
        collections = collections.filter(slug__in=filter["slugs"])
    if filter.get("search"):
        collections = collections.filter(
            Q(name__icontains=filter["search"]) | Q(slug__icontains=filter["search"])
        )
    pairs = metadata_pairs(filter.get("metadata") or where.get("metadata"))
    if pairs:
        collections = collections.filter(metadata_q(pairs))
    keys: list[tuple[str, bool]] = [("slug", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        if sort_by["field"] == "PRODUCT_COUNT":
            collections = collections.annotate(
                sort_products=Count("collection_products", distinct=True)
            )
            keys = [("sort_products", descending), ("slug", descending)]
        else:
            keys = [("name", descending), ("slug", descending)]
    return connection_from_queryset(
        collections, page, keys=keys, name="collections", channel=scope
    )


# ---------------------------------------------------------------- product types


@query.field("productType")
def resolve_product_type(
    _: None, info: GraphQLResolveInfo, id: str
) -> ProductType | None:
    return ProductType.objects.filter(pk=decode_id(id, "ProductType")).first()


@query.field("productTypes")
def resolve_product_types(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    types = ProductType.objects.all()
    if filter.get("ids"):
        types = types.filter(pk__in=decode_ids(filter["ids"], "ProductType"))
    if filter.get("slugs"):
        types = types.filter(slug__in=filter["slugs"])
    if filter.get("kind"):
        types = types.filter(kind=filter["kind"])
    if filter.get("search"):
        types = types.filter(name__icontains=filter["search"])
    if filter.get("metadata"):
        types = types.filter(metadata_q(metadata_pairs(filter["metadata"])))
    keys: list[tuple[str, bool]] = [("slug", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        field = (
            "is_shipping_required"
            if sort_by["field"] == "SHIPPING_REQUIRED"
            else "name"
        )
        keys = [(field, descending), ("slug", descending)]
    return connection_from_queryset(types, page, keys=keys, name="productTypes")
