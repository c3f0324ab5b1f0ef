"""Reads of attributes and their values."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeValue,
)


def _metadata_q(items: list[tuple[str, str | None]]) -> Q:
    condition = Q()
    for key, value in items:
        condition &= (
            Q(metadata__has_key=key)
            if value is None
            else Q(metadata__contains={key: value})
        )
    return condition


def _string_q(field: str, data: dict[str, Any] | None) -> Q:
    if not data:
        return Q()
    if data.get("eq") is not None:
        return Q(**{field: data["eq"]})
    if data.get("one_of") is not None:
        return Q(**{f"{field}__in": data["one_of"]})
    return Q()


def filter_attributes(
    filter: dict[str, Any],
    where: dict[str, Any],
    search: str | None,
    *,
    storefront_only: bool,
) -> QuerySet[Attribute]:
    attributes = Attribute.objects.all()
    if storefront_only:
        attributes = attributes.filter(visible_in_storefront=True)
    term = search or filter.get("search")
    if term:
        attributes = attributes.filter(
            Q(name__icontains=term) | Q(slug__icontains=term)
        )
    for data in (filter, where):
        for flag in (
            "value_required",
            "is_variant_only",
            "visible_in_storefront",
            "filterable_in_storefront",
            "filterable_in_dashboard",
            "available_in_grid",
        ):
            if data.get(flag) is not None:
                attributes = attributes.filter(**{flag: data[flag]})
        if data.get("ids"):
            attributes = attributes.filter(pk__in=data["ids"])
        if data.get("metadata"):
            attributes = attributes.filter(_metadata_q(data["metadata"]))
        if data.get("in_category"):
            attributes = _used_by(
                attributes, Q(product__category_id=data["in_category"])
            )
        if data.get("in_collection"):
            attributes = _used_by(
                attributes,
                Q(product__collection_products__collection_id=data["in_collection"]),
            )
    if filter.get("type"):
        attributes = attributes.filter(type=filter["type"])
    if filter.get("slugs"):
        attributes = attributes.filter(slug__in=filter["slugs"])
    attributes = attributes.filter(
        _string_q("name", where.get("name")), _string_q("slug", where.get("slug"))
    )
    return attributes


def _used_by(attributes: QuerySet[Attribute], products: Q) -> QuerySet[Attribute]:
    assigned = AssignedProductAttributeValue.objects.filter(
        products, value__attribute=OuterRef("pk")
    )
    return attributes.filter(Exists(assigned))


def filter_attribute_values(
    attribute: Attribute,
    filter: dict[str, Any],
    where: dict[str, Any],
    search: str | None,
) -> QuerySet[AttributeValue]:
    values = attribute.values.all()
    term = search or filter.get("search")
    if term:
        values = values.filter(Q(name__icontains=term) | Q(slug__icontains=term))
    if filter.get("slugs"):
        values = values.filter(slug__in=filter["slugs"])
    for data in (filter, where):
        if data.get("ids"):
            values = values.filter(pk__in=data["ids"])
    return values.filter(
        _string_q("name", where.get("name")), _string_q("slug", where.get("slug"))
    )
