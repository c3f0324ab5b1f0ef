from __future__ import annotations

from typing import Any

from ariadne import EnumType, ObjectType, QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.attribute.models import (
    Attribute,
    AttributeEntityType,
    AttributeInputType,
    AttributeTranslation,
    AttributeType,
    AttributeValue,
    AttributeValueTranslation,
)
from mercato.attribute.queries import filter_attribute_values, filter_attributes
from mercato.core.permissions import Permission
from mercato.graphql.attribute.assigned import Assigned, assigned_attributes
from mercato.graphql.attribute.assigned import bindables as assigned_bindables
from mercato.graphql.attribute.mutations import bindables as mutation_bindables
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import Loader, batch_of, channel_of, get_loader
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of
from mercato.graphql.core.translations import bind_translation
from mercato.graphql.product import loaders as L
from mercato.graphql.product.filters import metadata_pairs

query = QueryType()
attribute = ObjectType("Attribute")
value = ObjectType("AttributeValue")
product = ObjectType("Product")
variant = ObjectType("ProductVariant")

ATTRIBUTE_SORT = {
    "NAME": "name",
    "SLUG": "slug",
    "VALUE_REQUIRED": "value_required",
    "IS_VARIANT_ONLY": "is_variant_only",
    "VISIBLE_IN_STOREFRONT": "visible_in_storefront",
    "FILTERABLE_IN_STOREFRONT": "filterable_in_storefront",
    "FILTERABLE_IN_DASHBOARD": "filterable_in_dashboard",
    "STOREFRONT_SEARCH_POSITION": "storefront_search_position",
    "AVAILABLE_IN_GRID": "available_in_grid",
}


@query.field("attributes")
def resolve_attributes(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    search: str | None = None,
    sort_by: dict[str, str] | None = None,
    channel: str | None = None,
    **page: Any,
) -> Connection:
    filter, where = dict(filter or {}), dict(where or {})
    for data in (filter, where):
        if data.get("ids"):
            data["ids"] = decode_ids(data["ids"], "Attribute")
        data["metadata"] = metadata_pairs(data.get("metadata"))
        for key in ("in_category", "in_collection"):
            if data.get(key):
                data[key] = decode_id(data[key], key.removeprefix("in_").capitalize())
    attributes = filter_attributes(
        filter, where, search, storefront_only=not actor_of(info).sees_hidden_catalog
    )
    keys: list[tuple[str, bool]] = [("slug", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        keys = [(ATTRIBUTE_SORT[sort_by["field"]], descending), ("slug", descending)]
    return connection_from_queryset(attributes, page, keys=keys, name="attributes")


@query.field("attribute")
def resolve_attribute(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    slug: str | None = None,
    external_reference: str | None = None,
) -> Attribute | None:
    given = [v for v in (id, slug, external_reference) if v is not None]
    if len(given) != 1:
        raise GraphQLError(
            "Provide exactly one of 'id', 'slug' or 'externalReference'."
        )
    if id is not None:
        return Attribute.objects.filter(pk=decode_id(id, "Attribute")).first()
    if slug is not None:
        return Attribute.objects.filter(slug=slug).first()
    return Attribute.objects.filter(external_reference=external_reference).first()


@attribute.field("id")
def resolve_attribute_id(root: Attribute, info: GraphQLResolveInfo) -> str:
    return to_global_id("Attribute", root.pk)


@attribute.field("withChoices")
def resolve_with_choices(root: Attribute, info: GraphQLResolveInfo) -> bool:
    return root.input_type in {
        AttributeInputType.DROPDOWN,
        AttributeInputType.MULTISELECT,
        AttributeInputType.SWATCH,
    }


@attribute.field("unit")
def resolve_unit(root: Attribute, info: GraphQLResolveInfo) -> str | None:
    return root.unit.upper() if root.unit else None


@attribute.field("choices")
def resolve_choices(
    root: Attribute,
    info: GraphQLResolveInfo,
    sort_by: dict[str, str] | None = None,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    search: str | None = None,
    **page: Any,
) -> Connection | None:
    if not resolve_with_choices(root, info):
        return None
    filter, where = dict(filter or {}), dict(where or {})
    for data in (filter, where):
        if data.get("ids"):
            data["ids"] = decode_ids(data["ids"], "AttributeValue")
    values = filter_attribute_values(root, filter, where, search)
    keys: list[tuple[str, bool]] = [("sort_order", False), ("pk", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        keys = [(sort_by["field"].lower(), descending), ("pk", descending)]
    return connection_from_queryset(values, page, keys=keys, name="choices")


@value.field("id")
def resolve_value_id(root: AttributeValue, info: GraphQLResolveInfo) -> str:
    return to_global_id("AttributeValue", root.pk)


def _attribute_of(info: GraphQLResolveInfo, root: AttributeValue) -> Attribute:
    loader = get_loader(info.context, AttributeByIdLoader)
    found = loader.load_for(root, lambda v: v.attribute_id)
    assert found is not None
    return found


@value.field("inputType")
def resolve_value_input_type(root: AttributeValue, info: GraphQLResolveInfo) -> str:
    return _attribute_of(info, root).input_type


@value.field("value")
def resolve_value_value(root: AttributeValue, info: GraphQLResolveInfo) -> str | None:
    return root.value or None


@value.field("reference")
def resolve_reference(root: AttributeValue, info: GraphQLResolveInfo) -> str | None:
    if root.reference_product_id:
        return to_global_id("Product", root.reference_product_id)
    if root.reference_variant_id:
        return to_global_id("ProductVariant", root.reference_variant_id)
    if root.reference_page_id:
        return to_global_id("Page", root.reference_page_id)
    return None


@value.field("file")
def resolve_file(
    root: AttributeValue, info: GraphQLResolveInfo
) -> dict[str, Any] | None:
    if not root.file_url:
        return None
    return {"url": root.file_url, "content_type": root.content_type}


@value.field("date")
def resolve_date(root: AttributeValue, info: GraphQLResolveInfo) -> Any:
    return root.date_time.date() if root.date_time else None


class AttributeByIdLoader(Loader[int, Attribute]):
    def batch_load(self, keys: list[int]) -> dict[int, Attribute]:
        return {a.pk: a for a in Attribute.objects.filter(pk__in=keys)}


# ---------------------------------------------------------------- selected attributes


def _selected(
    attributes: list[Attribute], values: list[AttributeValue], storefront_only: bool
) -> list[dict[str, Any]]:
    by_attribute: dict[int, list[AttributeValue]] = {}
    for item in values:
        by_attribute.setdefault(item.attribute_id, []).append(item)
    return [
        {"attribute": a, "values": by_attribute.get(a.pk, [])}
        for a in attributes
        if a.visible_in_storefront or not storefront_only
    ]


@product.field("attributes")
def resolve_product_attributes(
    root: Any, info: GraphQLResolveInfo
) -> list[dict[str, Any]]:
    attributes = (
        get_loader(info.context, L.ProductAttributesByTypeLoader).load_for(
            root, lambda p: p.product_type_id
        )
        or []
    )
    values = (
        get_loader(info.context, L.ValuesByProductLoader).load_for(root, lambda p: p.pk)
        or []
    )
    return _selected(attributes, values, not actor_of(info).sees_hidden_catalog)


@product.field("attribute")
def resolve_product_attribute(
    root: Any, info: GraphQLResolveInfo, slug: str
) -> dict[str, Any] | None:
    selected = resolve_product_attributes(root, info)
    return next((s for s in selected if s["attribute"].slug == slug), None)


@variant.field("attributes")
def resolve_variant_attributes(
    root: Any, info: GraphQLResolveInfo, variant_selection: str | None = None
) -> list[dict[str, Any]]:
    products = get_loader(info.context, L.ProductByIdLoader)
    owner = products.load_for(root, lambda v: v.product_id)
    if owner is None:
        return []
    type_ids = [
        p.product_type_id
        for s in batch_of(root).items
        if (p := products.cache.get(s.product_id)) is not None
    ]
    pairs = (
        get_loader(info.context, L.VariantAttributesByTypeLoader).load(
            owner.product_type_id, type_ids
        )
        or []
    )
    values = (
        get_loader(info.context, L.ValuesByVariantLoader).load_for(root, lambda v: v.pk)
        or []
    )
    attributes = [
        a
        for a, selection in pairs
        if variant_selection in (None, "ALL")
        or (variant_selection == "VARIANT_SELECTION") == selection
    ]
    return _selected(attributes, values, not actor_of(info).sees_hidden_catalog)


bind_metadata(attribute, Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES)
_attribute_translation = ObjectType("AttributeTranslation")
_value_translation = ObjectType("AttributeValueTranslation")
bind_translation(attribute, _attribute_translation, AttributeTranslation, "attribute")
bind_translation(
    value, _value_translation, AttributeValueTranslation, "attribute_value"
)


def _enum(name: str, choices: Any) -> EnumType:
    return EnumType(name, {member.value: member.value for member in choices})


def _siblings(loader: Any) -> list[AttributeValue]:
    return [v for values in loader.cache.values() for v in values or []]


@product.field("assignedAttributes")
def resolve_product_assigned(
    root: Any, info: GraphQLResolveInfo, limit: int = 100
) -> list[Assigned]:
    selected = resolve_product_attributes(root, info)
    siblings = _siblings(get_loader(info.context, L.ValuesByProductLoader))
    return assigned_attributes(selected, siblings, channel_of(root), limit)


@product.field("assignedAttribute")
def resolve_product_assigned_one(
    root: Any, info: GraphQLResolveInfo, slug: str
) -> Assigned | None:
    found = resolve_product_assigned(root, info, limit=10_000)
    return next((a for a in found if a.attribute.slug == slug), None)


@variant.field("assignedAttributes")
def resolve_variant_assigned(
    root: Any, info: GraphQLResolveInfo, limit: int = 100
) -> list[Assigned]:
    selected = resolve_variant_attributes(root, info)
    siblings = _siblings(get_loader(info.context, L.ValuesByVariantLoader))
    return assigned_attributes(selected, siblings, channel_of(root), limit)


@variant.field("assignedAttribute")
def resolve_variant_assigned_one(
    root: Any, info: GraphQLResolveInfo, slug: str
) -> Assigned | None:
    found = resolve_variant_assigned(root, info, limit=10_000)
    return next((a for a in found if a.attribute.slug == slug), None)


bindables = [
    *mutation_bindables,
    *assigned_bindables,
    query,
    attribute,
    value,
    product,
    variant,
    _attribute_translation,
    _value_translation,
    _enum("AttributeInputTypeEnum", AttributeInputType),
    _enum("AttributeEntityTypeEnum", AttributeEntityType),
    _enum("AttributeTypeEnum", AttributeType),
]
