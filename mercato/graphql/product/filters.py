"""Decode the API's product `filter`/`where` inputs into domain filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from graphql import GraphQLError

from mercato.channel.models import Channel
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.product.models import Product
from mercato.product.queries import AttributeFilter, ProductFilter, filter_products


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise GraphQLError(f"Invalid number: {value!r}.") from exc


def metadata_pairs(items: list[dict[str, Any]] | None) -> list[tuple[str, str | None]]:
    return [(item["key"], item.get("value")) for item in items or []]


def _global_ids(value: dict[str, Any] | None, type_name: str) -> list[int] | None:
    if value is None:
        return None
    if value.get("eq") is not None:
        return [decode_id(value["eq"], type_name)]
    if value.get("one_of") is not None:
        return decode_ids(value["one_of"], type_name)
    return None


def _strings(value: dict[str, Any] | None) -> list[str] | None:
    if value is None:
        return None
    if value.get("eq") is not None:
        return [value["eq"]]
    if value.get("one_of") is not None:
        return list(value["one_of"])
    return None


def _attribute_filters(items: list[dict[str, Any]] | None) -> list[AttributeFilter]:
    result = []
    for item in items or []:
        slug = item.get("slug")
        if not slug:
            raise GraphQLError("Attribute filters need a `slug`.")
        value = item.get("value") or {}
        numeric = value.get("numeric") or {}
        numeric_range = numeric.get("range") or {}
        values_range = item.get("values_range") or {}
        date_range = value.get("date") or item.get("date") or {}
        result.append(
            AttributeFilter(
                slug=slug,
                value_slugs=_strings(value.get("slug")) or item.get("values"),
                value_names=_strings(value.get("name")),
                numeric_gte=_decimal(
                    numeric.get("eq")
                    if numeric.get("eq") is not None
                    else numeric_range.get("gte", values_range.get("gte"))
                ),
                numeric_lte=_decimal(
                    numeric.get("eq")
                    if numeric.get("eq") is not None
                    else numeric_range.get("lte", values_range.get("lte"))
                ),
                boolean=value.get("boolean", item.get("boolean")),
                date_gte=date_range.get("gte"),
                date_lte=date_range.get("lte"),
            )
        )
    return result


def _price_bounds(
    value: dict[str, Any] | None,
) -> tuple[Decimal | None, Decimal | None]:
    if not value:
        return None, None
    if value.get("eq") is not None:
        return _decimal(value["eq"]), _decimal(value["eq"])
    bounds = value.get("range") or value
    return _decimal(bounds.get("gte")), _decimal(bounds.get("lte"))


def product_filter_from_legacy(data: dict[str, Any]) -> ProductFilter:
    """The deprecated ``filter: ProductFilterInput``."""
    price_gte, price_lte = _price_bounds(data.get("price"))
    minimal_gte, minimal_lte = _price_bounds(data.get("minimal_price"))
    updated = data.get("updated_at") or {}
    return ProductFilter(
        ids=decode_ids(data["ids"], "Product") if data.get("ids") else None,
        slugs=data.get("slugs"),
        categories=decode_ids(data["categories"], "Category")
        if data.get("categories")
        else None,
        collections=decode_ids(data["collections"], "Collection")
        if data.get("collections")
        else None,
        product_types=decode_ids(data["product_types"], "ProductType")
        if data.get("product_types")
        else None,
        has_category=data.get("has_category"),
        is_published=data.get("is_published"),
        is_available=data.get("is_available"),
        is_visible_in_listing=data.get("is_visible_in_listing"),
        published_from=data.get("published_from"),
        available_from=data.get("available_from"),
        price_gte=price_gte,
        price_lte=price_lte,
        minimal_price_gte=minimal_gte,
        minimal_price_lte=minimal_lte,
        stock_availability=data.get("stock_availability"),
        updated_gte=updated.get("gte"),
        updated_lte=updated.get("lte"),
        metadata=metadata_pairs(data.get("metadata")),
        attributes=_attribute_filters(data.get("attributes")),
        gift_card=data.get("gift_card"),
        search=data.get("search"),
    )


def product_filter_from_where(data: dict[str, Any]) -> ProductFilter:
    """One level of ``where: ProductWhereInput`` (without AND/OR)."""
    price_gte, price_lte = _price_bounds(data.get("price"))
    minimal_gte, minimal_lte = _price_bounds(data.get("minimal_price"))
    updated = data.get("updated_at") or {}
    updated_range = updated.get("range") or {}
    eq = updated.get("eq")
    return ProductFilter(
        ids=decode_ids(data["ids"], "Product") if data.get("ids") is not None else None,
        names=_strings(data.get("name")),
        slugs=_strings(data.get("slug")),
        categories=_global_ids(data.get("category"), "Category"),
        include_subcategories=False,
        collections=_global_ids(data.get("collection"), "Collection"),
        product_types=_global_ids(data.get("product_type"), "ProductType"),
        has_category=data.get("has_category"),
        is_published=data.get("is_published"),
        is_available=data.get("is_available"),
        is_visible_in_listing=data.get("is_visible_in_listing"),
        published_from=data.get("published_from"),
        available_from=data.get("available_from"),
        price_gte=price_gte,
        price_lte=price_lte,
        minimal_price_gte=minimal_gte,
        minimal_price_lte=minimal_lte,
        stock_availability=data.get("stock_availability"),
        updated_gte=eq or updated_range.get("gte"),
        updated_lte=eq or updated_range.get("lte"),
        metadata=metadata_pairs(data.get("metadata")),
        attributes=_attribute_filters(data.get("attributes")),
        gift_card=data.get("gift_card"),
    )


MAX_WHERE_DEPTH = 5


def apply_where(
    products: QuerySet[Product],
    where: dict[str, Any],
    channel: Channel | None,
    depth: int = 0,
) -> QuerySet[Product]:
    """Apply ``where`` including its nested ``AND``/``OR`` lists."""
    if depth > MAX_WHERE_DEPTH:
        raise GraphQLError(f"`where` may nest AND/OR at most {MAX_WHERE_DEPTH} levels.")
    and_list, or_list = where.get("and"), where.get("or")
    if and_list and or_list:
        raise GraphQLError("Cannot mix 'AND' and 'OR' at the same level of `where`.")
    products = filter_products(products, product_filter_from_where(where), channel)
    for clause in and_list or []:
        products = apply_where(products, clause, channel, depth + 1)
    if or_list:
        base = Product.objects.all()
        matches = Q()
        for clause in or_list:
            matching = apply_where(base, clause, channel, depth + 1).values("pk")
            matches |= Q(pk__in=matching)
        products = products.filter(matches)
    return products
