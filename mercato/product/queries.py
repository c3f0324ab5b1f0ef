"""Catalog reads: visibility per channel and actor, filters, search, sorting."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from mercato.attribute.models import AssignedProductAttributeValue, AttributeValue
from mercato.channel.models import Channel
from mercato.core.permissions import Actor
from mercato.inventory.models import Stock
from mercato.product.models import (
    Category,
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    Product,
    ProductChannelListing,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)

SortKeys = list[tuple[str, bool]]

# Sorting on a price needs a number for products without one; they go last.
_NO_PRICE = Decimal("1e15")


class InvalidSort(Exception):
    pass


# ---------------------------------------------------------------- visibility


def _published_listings(channel: Channel) -> QuerySet[ProductChannelListing]:
    now = timezone.now()
    return ProductChannelListing.objects.filter(
        Q(published_at__lte=now) | Q(published_at__isnull=True),
        channel=channel,
        is_published=True,
    )


def visible_products(
    channel: Channel | None, actor: Actor, *, in_listings: bool = True
) -> QuerySet[Product]:
    """Products ``actor`` may see in ``channel``.

    Shoppers see published products of active channels (and, in lists, only those
    visible in listings); staff with product rights see every product of the channel,
    or every product when no channel is given.
    """
    products = Product.objects.all()
    if actor.sees_hidden_catalog:
        if channel is None:
            return products
        return products.filter(
            Exists(
                ProductChannelListing.objects.filter(
                    product=OuterRef("pk"), channel=channel
                )
            )
        )
    if channel is None or not channel.is_active:
        return products.none()
    listings = _published_listings(channel)
    if in_listings:
        listings = listings.filter(visible_in_listings=True)
    return products.filter(Exists(listings.filter(product=OuterRef("pk"))))


def visible_variants(channel: Channel | None, actor: Actor) -> QuerySet[ProductVariant]:
    variants = ProductVariant.objects.all()
    if actor.sees_hidden_catalog and channel is None:
        return variants
    if channel is None:
        return variants.none()
    listed = ProductVariantChannelListing.objects.filter(
        variant=OuterRef("pk"), channel=channel
    )
    if not actor.sees_hidden_catalog:
        listed = listed.filter(price_amount__isnull=False)
        variants = variants.filter(
            product__in=visible_products(channel, actor, in_listings=False)
        )
    return variants.filter(Exists(listed))


def visible_collections(channel: Channel | None, actor: Actor) -> QuerySet[Collection]:
    collections = Collection.objects.all()
    if actor.sees_hidden_catalog:
        if channel is None:
            return collections
        return collections.filter(
            Exists(
                CollectionChannelListing.objects.filter(
                    collection=OuterRef("pk"), channel=channel
                )
            )
        )
    if channel is None or not channel.is_active:
        return collections.none()
    now = timezone.now()
    published = CollectionChannelListing.objects.filter(
        Q(published_at__lte=now) | Q(published_at__isnull=True),
        collection=OuterRef("pk"),
        channel=channel,
        is_published=True,
    )
    return collections.filter(Exists(published))


# ---------------------------------------------------------------- search


_WORD = re.compile(r"[\w]+", re.UNICODE)


def search_words(term: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(term)][:10]


def search_products(products: QuerySet[Product], term: str) -> QuerySet[Product]:
    """Products whose name, description, SKUs or attribute values contain every word.

    Matching is by substring (trigram-indexed), so prefixes and parts of words match;
    the rank favours whole words and prefixes (full-text) and names that start with the
    term.
    """
    words = search_words(term)
    if not words:
        return products.annotate(search_rank=Value(0.0, output_field=FloatField()))
    for word in words:
        products = products.filter(search_document__contains=word)
    tsquery = SearchQuery(
        " & ".join(f"{w}:*" for w in words), search_type="raw", config="simple"
    )
    rank = Cast(SearchRank(F("search_vector"), tsquery), FloatField())
    name_boost = Q(name__istartswith=term.strip())
    from django.db.models import Case, When

    return products.annotate(
        search_rank=rank
        + Case(
            When(name_boost, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class ProductFilter:
    """Product filters decoded from the API (IDs already turned into primary keys)."""

    ids: Sequence[int] | None = None
    slugs: Sequence[str] | None = None
    names: Sequence[str] | None = None
    categories: Sequence[int] | None = None
    include_subcategories: bool = True
    collections: Sequence[int] | None = None
    product_types: Sequence[int] | None = None
    has_category: bool | None = None
    is_published: bool | None = None
    is_available: bool | None = None
    is_visible_in_listing: bool | None = None
    published_from: Any = None
    available_from: Any = None
    price_gte: Decimal | None = None
    price_lte: Decimal | None = None
    minimal_price_gte: Decimal | None = None
    minimal_price_lte: Decimal | None = None
    stock_availability: str | None = None
    updated_gte: Any = None
    updated_lte: Any = None
    metadata: Sequence[tuple[str, str | None]] = ()
    attributes: Sequence[AttributeFilter] = ()
    gift_card: bool | None = None
    search: str | None = None


@dataclass(frozen=True)
class AttributeFilter:
    slug: str
    value_slugs: Sequence[str] | None = None
    value_names: Sequence[str] | None = None
    numeric_gte: Decimal | None = None
    numeric_lte: Decimal | None = None
    boolean: bool | None = None
    date_gte: Any = None
    date_lte: Any = None


def metadata_q(items: Sequence[tuple[str, str | None]], field: str = "metadata") -> Q:
    condition = Q()
    for key, value in items:
        if value is None:
            condition &= Q(**{f"{field}__has_key": key})
        else:
            condition &= Q(**{f"{field}__contains": {key: value}})
    return condition


def _attribute_q(attribute_filter: AttributeFilter) -> Q:
    values = AttributeValue.objects.filter(attribute__slug=attribute_filter.slug)
    if attribute_filter.value_slugs is not None:
        values = values.filter(slug__in=attribute_filter.value_slugs)
    if attribute_filter.value_names is not None:
        values = values.filter(name__in=attribute_filter.value_names)
    if attribute_filter.boolean is not None:
        values = values.filter(boolean=attribute_filter.boolean)
    if attribute_filter.date_gte is not None:
        values = values.filter(date_time__date__gte=attribute_filter.date_gte)
    if attribute_filter.date_lte is not None:
        values = values.filter(date_time__date__lte=attribute_filter.date_lte)
    if (
        attribute_filter.numeric_gte is not None
        or attribute_filter.numeric_lte is not None
    ):
        numbers = values.filter(name__regex=r"^-?[0-9]+(\.[0-9]+)?$").annotate(
            number=Cast("name", FloatField())
        )
        if attribute_filter.numeric_gte is not None:
            numbers = numbers.filter(number__gte=float(attribute_filter.numeric_gte))
        if attribute_filter.numeric_lte is not None:
            numbers = numbers.filter(number__lte=float(attribute_filter.numeric_lte))
        values = numbers
    assigned = AssignedProductAttributeValue.objects.filter(
        product=OuterRef("pk"), value__in=values
    )
    return Q(Exists(assigned))


def _price_subquery(channel: Channel) -> Subquery:
    return Subquery(
        ProductVariantChannelListing.objects.filter(
            variant__product=OuterRef("pk"), channel=channel, price_amount__isnull=False
        )
        .values("variant__product")
        .annotate(low=Min(Coalesce("discounted_price_amount", "price_amount")))
        .values("low")[:1]
    )


def _listing_filter(
    products: QuerySet[Product], channel: Channel | None, **lookups: Any
) -> QuerySet[Product]:
    listings = ProductChannelListing.objects.filter(product=OuterRef("pk"), **lookups)
    if channel is not None:
        listings = listings.filter(channel=channel)
    return products.filter(Exists(listings))


def filter_products(
    products: QuerySet[Product], f: ProductFilter, channel: Channel | None
) -> QuerySet[Product]:
    """Apply every filter of ``f``; filters that need prices use ``channel``."""
    products = products.filter(_identity_q(f), _relations_q(f))
    if f.metadata:
        products = products.filter(metadata_q(f.metadata))
    for attribute_filter in f.attributes:
        products = products.filter(_attribute_q(attribute_filter))
    products = _filter_listings(products, f, channel)
    products = _filter_prices(products, f, channel)
    if f.stock_availability is not None:
        products = _filter_stock(products, f.stock_availability, channel)
    if f.search:
        products = search_products(products, f.search)
    return products


def _identity_q(f: ProductFilter) -> Q:
    lookups = {
        "pk__in": f.ids,
        "slug__in": f.slugs,
        "name__in": f.names,
        "product_type__in": f.product_types,
        "updated_at__gte": f.updated_gte,
        "updated_at__lte": f.updated_lte,
    }
    condition = Q(**{k: v for k, v in lookups.items() if v is not None})
    if f.has_category is not None:
        condition &= Q(category__isnull=not f.has_category)
    if f.gift_card is not None:
        gift = Q(product_type__kind="GIFT_CARD")
        condition &= gift if f.gift_card else ~gift
    return condition


def _relations_q(f: ProductFilter) -> Q:
    condition = Q()
    if f.categories is not None:
        if f.include_subcategories:
            tree = Q(pk__in=f.categories) | Q(tree_path__overlap=list(f.categories))
            condition &= Q(category__in=Category.objects.filter(tree))
        else:
            condition &= Q(category__in=f.categories)
    if f.collections is not None:
        in_collection = CollectionProduct.objects.filter(
            product=OuterRef("pk"), collection__in=f.collections
        )
        condition &= Q(Exists(in_collection))
    return condition


def _filter_listings(
    products: QuerySet[Product], f: ProductFilter, channel: Channel | None
) -> QuerySet[Product]:
    now = timezone.now()
    if f.is_published is not None:
        products = (
            _listing_filter(products, channel, is_published=True)
            if f.is_published
            else products.exclude(
                Exists(
                    ProductChannelListing.objects.filter(
                        product=OuterRef("pk"),
                        is_published=True,
                        **({"channel": channel} if channel else {}),
                    )
                )
            )
        )
    if f.is_visible_in_listing is not None:
        products = _listing_filter(
            products, channel, visible_in_listings=f.is_visible_in_listing
        )
    if f.published_from is not None:
        products = _listing_filter(
            products, channel, published_at__lte=f.published_from
        )
    if f.available_from is not None:
        products = _listing_filter(
            products, channel, available_for_purchase_at__lte=f.available_from
        )
    if f.is_available is not None:
        available = ProductChannelListing.objects.filter(
            product=OuterRef("pk"), available_for_purchase_at__lte=now
        )
        if channel is not None:
            available = available.filter(channel=channel)
        products = products.filter(
            Exists(available) if f.is_available else ~Exists(available)
        )
    return products


def _filter_prices(
    products: QuerySet[Product], f: ProductFilter, channel: Channel | None
) -> QuerySet[Product]:
    bounds = (f.price_gte, f.price_lte, f.minimal_price_gte, f.minimal_price_lte)
    if all(bound is None for bound in bounds) or channel is None:
        return products
    if f.price_gte is not None or f.price_lte is not None:
        prices = ProductVariantChannelListing.objects.filter(
            variant__product=OuterRef("pk"), channel=channel, price_amount__isnull=False
        )
        if f.price_gte is not None:
            prices = prices.filter(price_amount__gte=f.price_gte)
        if f.price_lte is not None:
            prices = prices.filter(price_amount__lte=f.price_lte)
        products = products.filter(Exists(prices))
    if f.minimal_price_gte is not None or f.minimal_price_lte is not None:
        products = products.annotate(minimal_price=_price_subquery(channel))
        if f.minimal_price_gte is not None:
            products = products.filter(minimal_price__gte=f.minimal_price_gte)
        if f.minimal_price_lte is not None:
            products = products.filter(minimal_price__lte=f.minimal_price_lte)
    return products


def _filter_stock(
    products: QuerySet[Product], availability: str, channel: Channel | None
) -> QuerySet[Product]:
    stocks = Stock.objects.filter(product_variant__product=OuterRef("pk"))
    if channel is not None:
        stocks = stocks.filter(warehouse__channels=channel)
    in_stock = Exists(stocks.filter(quantity__gt=F("quantity_allocated")))
    return products.filter(in_stock if availability == "IN_STOCK" else ~in_stock)


# ---------------------------------------------------------------- sorting


def sort_products(
    products: QuerySet[Product],
    field: str | None,
    descending: bool,
    channel: Channel | None,
    collection_id: int | None = None,
) -> tuple[QuerySet[Product], SortKeys]:
    """Annotate what ``field`` sorts by; return the queryset and unique keys."""
    d = descending
    if field is None:
        field = "RANK" if "search_rank" in products.query.annotations else "SLUG"
    if field in _PLAIN_SORTS:
        annotations, keys = _PLAIN_SORTS[field]
        return products.annotate(**annotations), [(k, d) for k in keys]
    if field == "RANK":
        if "search_rank" not in products.query.annotations:
            raise InvalidSort("Sorting by RANK is available only when searching.")
        return products, [("search_rank", not d), ("slug", d)]
    if field in {"PRICE", "MINIMAL_PRICE"}:
        if channel is None:
            raise InvalidSort("Sorting by price requires a channel.")
        products = products.annotate(
            sort_price=Coalesce(_price_subquery(channel), Value(_NO_PRICE))
        )
        return products, [("sort_price", d), ("slug", d)]
    if field in {"PUBLISHED", "PUBLISHED_AT", "PUBLICATION_DATE"}:
        return _sort_by_listing(products, field, d, channel)
    if field == "COLLECTION":
        return _sort_by_collection(products, d, collection_id)
    raise InvalidSort(f"Sorting by {field} is not supported.")


def sort_products_by_attribute(
    products: QuerySet[Product], attribute_id: int, descending: bool
) -> tuple[QuerySet[Product], SortKeys]:
    """Order by the product's value of an attribute (its position among the
    attribute's values, then its name); products without a value come last."""
    first_value = AssignedProductAttributeValue.objects.filter(
        product=OuterRef("pk"), value__attribute_id=attribute_id
    ).order_by("value__sort_order", "value__name", "value_id")
    products = products.annotate(
        sort_value_order=Coalesce(
            Subquery(first_value.values("value__sort_order")[:1]), Value(2**31 - 1)
        ),
        sort_value_name=Coalesce(
            Subquery(first_value.values("value__name")[:1]), Value("\uffff")
        ),
    )
    d = descending
    return products, [("sort_value_order", d), ("sort_value_name", d), ("slug", d)]


_PLAIN_SORTS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "NAME": ({}, ["name", "slug"]),
    "SLUG": ({}, ["slug"]),
    "CREATED_AT": ({}, ["created_at", "pk"]),
    "DATE": ({}, ["created_at", "pk"]),
    "LAST_MODIFIED_AT": ({}, ["updated_at", "pk"]),
    "LAST_MODIFIED": ({}, ["updated_at", "pk"]),
    "RATING": (
        {"sort_rating": Coalesce("rating", Value(-1.0))},
        ["sort_rating", "slug"],
    ),
    "TYPE": ({"sort_type": F("product_type__name")}, ["sort_type", "slug"]),
}


def _sort_by_collection(
    products: QuerySet[Product], d: bool, collection_id: int | None
) -> tuple[QuerySet[Product], SortKeys]:
    if collection_id is None:
        raise InvalidSort("Sorting by COLLECTION is available only in a collection.")
    order = CollectionProduct.objects.filter(
        product=OuterRef("pk"), collection_id=collection_id
    )
    products = products.annotate(
        sort_collection=Coalesce(
            Subquery(order.values("sort_order")[:1]), Value(2**31 - 1)
        )
    )
    return products, [("sort_collection", d), ("pk", d)]


def _sort_by_listing(
    products: QuerySet[Product], field: str, d: bool, channel: Channel | None
) -> tuple[QuerySet[Product], SortKeys]:
    if channel is None:
        raise InvalidSort(f"Sorting by {field} requires a channel.")
    listing = ProductChannelListing.objects.filter(
        product=OuterRef("pk"), channel=channel
    )
    if field == "PUBLISHED":
        products = products.annotate(
            sort_published=Coalesce(
                Subquery(listing.values("is_published")[:1]), Value(False)
            )
        )
        return products, [("sort_published", d), ("slug", d)]
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    products = products.annotate(
        sort_published_at=Coalesce(
            Subquery(listing.values("published_at")[:1]), Value(epoch)
        )
    )
    return products, [("sort_published_at", d), ("slug", d)]


# ---------------------------------------------------------------- other reads


def visible_categories() -> QuerySet[Category]:
    return Category.objects.all()


def filter_categories(
    categories: QuerySet[Category],
    *,
    ids: Sequence[int] | None = None,
    slugs: Sequence[str] | None = None,
    search: str | None = None,
    level: int | None = None,
    metadata: Sequence[tuple[str, str | None]] = (),
) -> QuerySet[Category]:
    if ids is not None:
        categories = categories.filter(pk__in=ids)
    if slugs is not None:
        categories = categories.filter(slug__in=slugs)
    if level is not None:
        categories = categories.filter(level=level)
    if search:
        categories = categories.filter(
            Q(name__icontains=search)
            | Q(slug__icontains=search)
            | Q(description_plaintext__icontains=search)
        )
    if metadata:
        categories = categories.filter(metadata_q(metadata))
    return categories


def category_subtree_q(category_id: int) -> Q:
    """Products in the category or any category below it."""
    return Q(category_id=category_id) | Q(category__tree_path__contains=[category_id])


def product_types() -> QuerySet[ProductType]:
    return ProductType.objects.all()


def total_stock(variant_id: int) -> int:
    total = Stock.objects.filter(product_variant_id=variant_id).aggregate(
        q=Sum("quantity")
    )
    return int(total["q"] or 0)
