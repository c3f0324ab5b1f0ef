"""Object types of the catalog."""

from __future__ import annotations

from typing import Any

from ariadne import EnumType, ObjectType
from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from graphql import GraphQLResolveInfo

from mercato.channel.models import Channel
from mercato.core.permissions import Permission
from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.connections import (
    Connection,
    batched_child_connections,
    connection_from_queryset,
    first_page_of_batch,
    is_first_page,
    validate_page_args,
)
from mercato.graphql.core.dataloaders import channel_of, get_loader
from mercato.graphql.core.ids import decode_id, to_global_id
from mercato.graphql.core.images import image, image_url
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.core.translations import bind_translation
from mercato.graphql.inventory.loaders import StocksByVariantLoader
from mercato.graphql.product import loaders as L
from mercato.graphql.product.queries import (
    filter_variants,
    product_connection,
    where_variants,
)
from mercato.inventory.queries import available_quantity
from mercato.product.availability import is_available_for_purchase
from mercato.product.models import (
    Category,
    CategoryTranslation,
    Collection,
    CollectionTranslation,
    Product,
    ProductMedia,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
)
from mercato.product.pricing import get_product_pricing, get_variant_pricing
from mercato.product.queries import (
    category_subtree_q,
    visible_products,
    visible_variants,
)
from mercato.tax.queries import ChannelTaxes, get_cached_channel_taxes

product = ObjectType("Product")
variant = ObjectType("ProductVariant")
category = ObjectType("Category")
collection = ObjectType("Collection")
product_type = ObjectType("ProductType")
media = ObjectType("ProductMedia")
product_listing = ObjectType("ProductChannelListing")
variant_listing = ObjectType("ProductVariantChannelListing")
collection_listing = ObjectType("CollectionChannelListing")


def _id_resolver(type_name: str) -> Any:
    def resolve_id(root: Any, info: GraphQLResolveInfo) -> str:
        return to_global_id(type_name, root.pk)

    return resolve_id


for _type, _name in (
    (product, "Product"),
    (variant, "ProductVariant"),
    (category, "Category"),
    (collection, "Collection"),
    (product_type, "ProductType"),
    (media, "ProductMedia"),
    (product_listing, "ProductChannelListing"),
    (variant_listing, "ProductVariantChannelListing"),
    (collection_listing, "CollectionChannelListing"),
):
    _type.set_field("id", _id_resolver(_name))


def _listing(info: GraphQLResolveInfo, root: Product) -> Any:
    channel = channel_of(root)
    if channel is None:
        return None
    return get_loader(info.context, L.ProductListingLoader, channel).load_for(
        root, lambda p: p.pk
    )


# ---------------------------------------------------------------- Product


@product.field("created")
def resolve_created(root: Product, info: GraphQLResolveInfo) -> Any:
    return root.created_at


@product.field("channel")
def resolve_product_channel(root: Any, info: GraphQLResolveInfo) -> str | None:
    channel = channel_of(root)
    return channel.slug if channel is not None else None


@product.field("productType")
def resolve_product_type(root: Product, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.ProductTypeByIdLoader).load_for(
        root, lambda p: p.product_type_id
    )


@product.field("category")
def resolve_category(root: Product, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.CategoryByIdLoader).load_for(
        root, lambda p: p.category_id
    )


def _variants(info: GraphQLResolveInfo, root: Product) -> list[ProductVariant]:
    channel = channel_of(root)
    if channel is None and not actor_of(info).sees_hidden_catalog:
        return []
    loader = get_loader(info.context, L.VariantsByProductLoader, channel)
    return loader.load_for(root, lambda p: p.pk) or []


@product.field("variants")
def resolve_variants(root: Product, info: GraphQLResolveInfo) -> list[ProductVariant]:
    return _variants(info, root)


@product.field("productVariants")
def resolve_product_variants(
    root: Product,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    sort_by: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    channel = channel_of(root)
    actor = actor_of(info)
    validate_page_args(page.get("first"), page.get("last"), "productVariants")
    if channel is None and not actor.sees_hidden_catalog:
        variants = ProductVariant.objects.none()
    else:
        variants = visible_variants(channel, actor)
    variants = where_variants(
        filter_variants(variants, filter or {}, None), where or {}
    )
    if sort_by:
        descending = sort_by.get("direction") == "DESC"
        keys = [("updated_at", descending), ("pk", descending)]
    else:
        # Variants without a position come last, as in ``Product.variants``.
        variants = variants.annotate(position=Coalesce("sort_order", Value(2**31 - 1)))
        keys = [("position", False), ("pk", False)]
    if not is_first_page(page):
        return connection_from_queryset(
            variants.filter(product=root),
            page,
            keys=keys,
            name="productVariants",
            channel=channel,
        )
    return first_page_of_batch(
        info.context,
        root,
        ("productVariants", repr((filter, where, sort_by, page["first"]))),
        lambda ids: batched_child_connections(
            variants,
            parent_field="product",
            parent_ids=ids,
            keys=keys,
            first=page["first"],
            channel=channel,
        ),
    )


@product.field("defaultVariant")
def resolve_default_variant(root: Product, info: GraphQLResolveInfo) -> Any:
    if root.default_variant_id is None:
        return None
    return next(
        (v for v in _variants(info, root) if v.pk == root.default_variant_id), None
    )


@product.field("variant")
def resolve_variant(
    root: Product,
    info: GraphQLResolveInfo,
    id: str | None = None,
    sku: str | None = None,
) -> Any:
    pk = decode_id(id, "ProductVariant") if id else None
    for candidate in _variants(info, root):
        if (pk is not None and candidate.pk == pk) or (sku and candidate.sku == sku):
            return candidate
    return None


def _media(info: GraphQLResolveInfo, root: Product) -> list[ProductMedia]:
    loader = get_loader(info.context, L.MediaByProductLoader)
    return loader.load_for(root, lambda p: p.pk) or []


@product.field("media")
def resolve_media(
    root: Product, info: GraphQLResolveInfo, sort_by: dict[str, str] | None = None
) -> list[ProductMedia]:
    items = _media(info, root)
    if sort_by:
        return sorted(items, key=lambda m: m.pk, reverse=sort_by["direction"] == "DESC")
    return items


@product.field("mediaById")
def resolve_media_by_id(root: Product, info: GraphQLResolveInfo, id: str) -> Any:
    pk = decode_id(id, "ProductMedia")
    return next((m for m in _media(info, root) if m.pk == pk), None)


@product.field("thumbnail")
def resolve_thumbnail(
    root: Product,
    info: GraphQLResolveInfo,
    size: int | None = None,
    format: str | None = None,
) -> Any:
    items = _media(info, root)
    if not items:
        return None
    first = items[0]
    return image(
        info,
        kind="ProductMedia",
        pk=first.pk,
        stored_name=first.image.name or "",
        alt=first.alt,
        size=size,
        format=format,
    )


def _channel_taxes(
    info: GraphQLResolveInfo, channel: Channel, address: Any = None
) -> ChannelTaxes:
    """The channel's taxes in the address's country, else the channel's default
    country; read once per request and country."""
    country = (address or {}).get("country") or channel.default_country
    key = f"tax:{channel.pk}:{country}"
    taxes: ChannelTaxes | None = info.context.cache.get(key)
    if taxes is None:
        taxes = get_cached_channel_taxes(channel=channel, country_code=str(country))
        info.context.cache[key] = taxes
    return taxes


def _tax_class_id(listing: Any) -> int | None:
    """The tax class the listing loaders annotate on each row."""
    value: int | None = getattr(listing, "tax_class_id", None)
    return value


@product.field("pricing")
def resolve_product_pricing(
    root: Product, info: GraphQLResolveInfo, address: Any = None
) -> Any:
    channel = channel_of(root)
    if channel is None:
        return None
    listings = get_loader(
        info.context, L.VariantListingsByProductLoader, channel
    ).load_for(root, lambda p: p.pk)
    if not listings:
        return None
    return get_product_pricing(
        listings, _channel_taxes(info, channel, address), _tax_class_id(listings[0])
    )


@product.field("isAvailableForPurchase")
def resolve_is_available_for_purchase(root: Product, info: GraphQLResolveInfo) -> Any:
    if channel_of(root) is None:
        return None
    return is_available_for_purchase(_listing(info, root), timezone.now())


@product.field("availableForPurchaseAt")
def resolve_available_for_purchase_at(root: Product, info: GraphQLResolveInfo) -> Any:
    listing = _listing(info, root)
    return listing.available_for_purchase_at if listing else None


@product.field("isAvailable")
def resolve_is_available(
    root: Product, info: GraphQLResolveInfo, address: Any = None
) -> Any:
    channel = channel_of(root)
    if channel is None:
        return None
    if not is_available_for_purchase(_listing(info, root), timezone.now()):
        return False
    # In stock: some variant has units left after orders and checkouts take theirs.
    return any(_units_left(info, v) > 0 for v in _variants(info, root))


@product.field("channelListings")
@require_any(Permission.MANAGE_PRODUCTS)
def resolve_product_channel_listings(root: Product, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.ProductListingsLoader).load_for(
        root, lambda p: p.pk
    )


@product.field("collections")
def resolve_product_collections(root: Product, info: GraphQLResolveInfo) -> Any:
    channel = channel_of(root)
    if channel is None and not actor_of(info).sees_hidden_catalog:
        return []
    return (
        get_loader(info.context, L.CollectionsByProductLoader, channel).load_for(
            root, lambda p: p.pk
        )
        or []
    )


# ---------------------------------------------------------------- ProductVariant


@variant.field("name")
def resolve_variant_name(root: ProductVariant, info: GraphQLResolveInfo) -> str:
    return root.name or ""


@variant.field("created")
def resolve_variant_created(root: ProductVariant, info: GraphQLResolveInfo) -> Any:
    return root.created_at


@variant.field("channel")
def resolve_variant_channel(root: Any, info: GraphQLResolveInfo) -> str | None:
    channel = channel_of(root)
    return channel.slug if channel is not None else None


@variant.field("product")
def resolve_variant_product(root: ProductVariant, info: GraphQLResolveInfo) -> Any:
    loader = get_loader(info.context, L.ProductByIdLoader, channel_of(root))
    return loader.load_for(root, lambda v: v.product_id)


@variant.field("pricing")
def resolve_variant_pricing(
    root: ProductVariant, info: GraphQLResolveInfo, address: Any = None
) -> Any:
    channel = channel_of(root)
    if channel is None:
        return None
    listing = get_loader(info.context, L.VariantListingLoader, channel).load_for(
        root, lambda v: v.pk
    )
    if listing is None:
        return None
    return get_variant_pricing(
        listing, _channel_taxes(info, channel, address), _tax_class_id(listing)
    )


@variant.field("channelListings")
@require_any(Permission.MANAGE_PRODUCTS)
def resolve_variant_channel_listings(
    root: ProductVariant, info: GraphQLResolveInfo
) -> Any:
    return get_loader(info.context, L.VariantListingsLoader).load_for(
        root, lambda v: v.pk
    )


@variant.field("media")
def resolve_variant_media(root: ProductVariant, info: GraphQLResolveInfo) -> Any:
    return (
        get_loader(info.context, L.MediaByVariantLoader).load_for(root, lambda v: v.pk)
        or []
    )


def _stocks(info: GraphQLResolveInfo, root: ProductVariant) -> list[Any]:
    loader = get_loader(info.context, StocksByVariantLoader, channel_of(root))
    return loader.load_for(root, lambda v: v.pk) or []


@variant.field("stocks")
@require_any(Permission.MANAGE_PRODUCTS, Permission.MANAGE_ORDERS)
def resolve_variant_stocks(
    root: ProductVariant, info: GraphQLResolveInfo, **_: Any
) -> list[Any]:
    return _stocks(info, root)


def _units_left(info: GraphQLResolveInfo, root: ProductVariant) -> int:
    """Units a shopper can still buy, at most a checkout line's limit: stock less
    allocations and (in channels that reserve) other checkouts' reservations."""
    limit: int = settings.MAX_CHECKOUT_LINE_QUANTITY
    if not root.track_inventory:
        return limit
    return min(available_quantity(_stocks(info, root)), limit)


@variant.field("quantityAvailable")
def resolve_quantity_available(
    root: ProductVariant, info: GraphQLResolveInfo, **_: Any
) -> int | None:
    if (
        root.track_inventory
        and channel_of(root) is None
        and not actor_of(info).sees_hidden_catalog
    ):
        return None
    return _units_left(info, root)


# ---------------------------------------------------------------- Category


@category.field("parent")
def resolve_parent(root: Category, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.CategoryByIdLoader).load_for(
        root, lambda c: c.parent_id
    )


@category.field("children")
def resolve_children(
    root: Category, info: GraphQLResolveInfo, **page: Any
) -> Connection:
    keys = [("pk", False)]
    validate_page_args(page.get("first"), page.get("last"), "children")
    if not is_first_page(page):
        return connection_from_queryset(
            Category.objects.filter(parent=root), page, keys=keys, name="children"
        )
    return first_page_of_batch(
        info.context,
        root,
        ("children", page["first"]),
        lambda ids: batched_child_connections(
            Category.objects.all(),
            parent_field="parent",
            parent_ids=ids,
            keys=keys,
            first=page["first"],
        ),
    )


@category.field("ancestors")
def resolve_ancestors(
    root: Category, info: GraphQLResolveInfo, **page: Any
) -> Connection:
    ancestors = Category.objects.filter(pk__in=root.tree_path)
    return connection_from_queryset(
        ancestors, page, keys=[("level", False), ("pk", False)], name="ancestors"
    )


@category.field("products")
def resolve_category_products(
    root: Category, info: GraphQLResolveInfo, channel: str | None = None, **kwargs: Any
) -> Connection:
    scope = channel_from_arg(info, channel)
    products = visible_products(scope, actor_of(info)).filter(
        category_subtree_q(root.pk)
    )
    return product_connection(
        info,
        products,
        scope,
        filter=kwargs.pop("filter", None),
        where=kwargs.pop("where", None),
        sort_by=kwargs.pop("sort_by", None),
        search=kwargs.pop("search", None),
        page=kwargs,
        scope=f"category:{root.pk}",
    )


def _background(
    info: GraphQLResolveInfo, root: Any, kind: str, size: int | None, format: str | None
) -> Any:
    return image(
        info,
        kind=kind,
        pk=root.pk,
        stored_name=root.background_image.name or "",
        alt=root.background_image_alt,
        size=size,
        format=format,
    )


@category.field("backgroundImage")
def resolve_category_background(
    root: Category,
    info: GraphQLResolveInfo,
    size: int | None = None,
    format: str | None = None,
) -> Any:
    return _background(info, root, "Category", size, format)


# ---------------------------------------------------------------- Collection


@collection.field("channel")
def resolve_collection_channel(root: Any, info: GraphQLResolveInfo) -> str | None:
    channel = channel_of(root)
    return channel.slug if channel is not None else None


@collection.field("backgroundImage")
def resolve_collection_background(
    root: Collection,
    info: GraphQLResolveInfo,
    size: int | None = None,
    format: str | None = None,
) -> Any:
    return _background(info, root, "Collection", size, format)


@collection.field("products")
def resolve_collection_products(
    root: Collection, info: GraphQLResolveInfo, **kwargs: Any
) -> Connection:
    scope = channel_of(root)
    products = visible_products(scope, actor_of(info)).filter(
        collection_products__collection=root
    )
    return product_connection(
        info,
        products,
        scope,
        filter=kwargs.pop("filter", None),
        where=kwargs.pop("where", None),
        sort_by=kwargs.pop("sort_by", None),
        search=kwargs.pop("search", None),
        page=kwargs,
        scope=f"collection:{root.pk}",
        collection_id=root.pk,
    )


@collection.field("channelListings")
@require_any(Permission.MANAGE_PRODUCTS)
def resolve_collection_listings(root: Collection, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.CollectionListingsLoader).load_for(
        root, lambda c: c.pk
    )


# ---------------------------------------------------------------- ProductType


@product_type.field("productAttributes")
def resolve_product_attributes(root: Any, info: GraphQLResolveInfo) -> Any:
    return (
        get_loader(info.context, L.ProductAttributesByTypeLoader).load_for(
            root, lambda t: t.pk
        )
        or []
    )


@product_type.field("variantAttributes")
def resolve_variant_attributes(
    root: Any, info: GraphQLResolveInfo, variant_selection: str | None = None
) -> Any:
    pairs = (
        get_loader(info.context, L.VariantAttributesByTypeLoader).load_for(
            root, lambda t: t.pk
        )
        or []
    )
    return [a for a, selection in pairs if _in_scope(selection, variant_selection)]


def _in_scope(selection: bool, scope: str | None) -> bool:
    if scope == "VARIANT_SELECTION":
        return selection
    if scope == "NOT_VARIANT_SELECTION":
        return not selection
    return True


# ---------------------------------------------------------------- ProductMedia


@media.field("url")
def resolve_media_url(
    root: ProductMedia,
    info: GraphQLResolveInfo,
    size: int | None = None,
    format: str | None = None,
) -> str:
    if not root.image:
        return root.external_url or ""
    return image_url(
        info,
        kind="ProductMedia",
        pk=root.pk,
        stored_name=root.image.name or "",
        size=size,
        format=format,
    )


@media.field("productId")
def resolve_media_product_id(root: ProductMedia, info: GraphQLResolveInfo) -> str:
    return to_global_id("Product", root.product_id)


# ---------------------------------------------------------------- listings


@product_listing.field("channel")
@variant_listing.field("channel")
@collection_listing.field("channel")
def resolve_listing_channel(root: Any, info: GraphQLResolveInfo) -> Any:
    from mercato.graphql.channel.loaders import ChannelByIdLoader

    return get_loader(info.context, ChannelByIdLoader).load_for(
        root, lambda r: r.channel_id
    )


@product_listing.field("isAvailableForPurchase")
def resolve_listing_available(root: Any, info: GraphQLResolveInfo) -> bool:
    return is_available_for_purchase(root, timezone.now())


@product_listing.field("pricing")
def resolve_listing_pricing(
    root: Any, info: GraphQLResolveInfo, address: Any = None
) -> Any:
    from mercato.graphql.channel.loaders import ChannelByIdLoader

    channel = get_loader(info.context, ChannelByIdLoader).load_for(
        root, lambda r: r.channel_id
    )
    if channel is None:
        return None
    # One query per channel, for the listed products of every sibling listing.
    listings = get_loader(
        info.context, L.VariantListingsByProductLoader, channel
    ).load_for(root, lambda r: r.product_id)
    if not listings:
        return None
    return get_product_pricing(
        listings,
        _channel_taxes(info, channel, address),
        _tax_class_id(listings[0]),
    )


@variant_listing.field("price")
def resolve_listing_price(root: Any, info: GraphQLResolveInfo) -> Any:
    pricing = get_variant_pricing(root)
    return pricing.price_undiscounted.gross if pricing else None


@variant_listing.field("costPrice")
@require_any(Permission.MANAGE_PRODUCTS)
def resolve_listing_cost_price(root: Any, info: GraphQLResolveInfo) -> Any:
    from mercato.core.money import money

    if root.cost_price_amount is None:
        return None
    return money(root.cost_price_amount, root.currency)


for _type, _permission in (
    (product, Permission.MANAGE_PRODUCTS),
    (variant, Permission.MANAGE_PRODUCTS),
    (category, Permission.MANAGE_PRODUCTS),
    (collection, Permission.MANAGE_PRODUCTS),
    (product_type, Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
    (media, Permission.MANAGE_PRODUCTS),
):
    bind_metadata(_type, _permission)

_translations = {
    "ProductTranslation": ObjectType("ProductTranslation"),
    "ProductVariantTranslation": ObjectType("ProductVariantTranslation"),
    "CategoryTranslation": ObjectType("CategoryTranslation"),
    "CollectionTranslation": ObjectType("CollectionTranslation"),
}
bind_translation(
    product, _translations["ProductTranslation"], ProductTranslation, "product"
)
bind_translation(
    variant,
    _translations["ProductVariantTranslation"],
    ProductVariantTranslation,
    "product_variant",
)
bind_translation(
    category, _translations["CategoryTranslation"], CategoryTranslation, "category"
)
bind_translation(
    collection,
    _translations["CollectionTranslation"],
    CollectionTranslation,
    "collection",
)

enums = [
    EnumType("ProductMediaType", {"IMAGE": "IMAGE", "VIDEO": "VIDEO"}),
    EnumType("ProductTypeKindEnum", {"NORMAL": "NORMAL", "GIFT_CARD": "GIFT_CARD"}),
]

bindables = [
    product,
    variant,
    category,
    collection,
    product_type,
    media,
    product_listing,
    variant_listing,
    collection_listing,
    *_translations.values(),
    *enums,
]
