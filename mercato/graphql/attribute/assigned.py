"""``assignedAttributes``: an object's attribute values, typed by input type.

The owners (pages, products, variants) build their selected attributes as for
``attributes`` (attribute + values); this module wraps each into the concrete
``Assigned*Attribute`` type and resolves the typed ``value``. References are
loaded in one query per referenced type for all siblings, and only those the
actor may see are returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ariadne import InterfaceType, ObjectType
from graphql import GraphQLResolveInfo

from mercato.attribute.models import (
    Attribute,
    AttributeEntityType,
    AttributeInputType,
    AttributeValue,
    AttributeValueTranslation,
)
from mercato.core.languages import to_stored_code
from mercato.graphql.core.dataloaders import Loader, attach_batch, get_loader
from mercato.graphql.core.translations import translation_loader
from mercato.page.queries import visible_pages
from mercato.product.queries import visible_products, visible_variants

_SIMPLE = {
    AttributeInputType.NUMERIC: "AssignedNumericAttribute",
    AttributeInputType.RICH_TEXT: "AssignedTextAttribute",
    AttributeInputType.PLAIN_TEXT: "AssignedPlainTextAttribute",
    AttributeInputType.FILE: "AssignedFileAttribute",
    AttributeInputType.DROPDOWN: "AssignedSingleChoiceAttribute",
    AttributeInputType.MULTISELECT: "AssignedMultiChoiceAttribute",
    AttributeInputType.SWATCH: "AssignedSwatchAttribute",
    AttributeInputType.BOOLEAN: "AssignedBooleanAttribute",
    AttributeInputType.DATE: "AssignedDateAttribute",
    AttributeInputType.DATE_TIME: "AssignedDateTimeAttribute",
}
_ENTITY = {
    AttributeEntityType.PAGE: "Page",
    AttributeEntityType.PRODUCT: "Product",
    AttributeEntityType.PRODUCT_VARIANT: "ProductVariant",
    AttributeEntityType.CATEGORY: "Category",
    AttributeEntityType.COLLECTION: "Collection",
}


@dataclass(eq=False)
class Assigned:
    """One attribute of an owner with its values, and what to batch them with."""

    attribute: Attribute
    values: list[AttributeValue]
    siblings: list[AttributeValue]
    channel: Any

    @property
    def type_name(self) -> str:
        input_type = self.attribute.input_type
        if input_type in _SIMPLE:
            return _SIMPLE[AttributeInputType(input_type)]
        entity = _ENTITY.get(AttributeEntityType(self.attribute.entity_type or "PAGE"))
        many = input_type == AttributeInputType.REFERENCE
        return f"Assigned{'Multi' if many else 'Single'}{entity}ReferenceAttribute"


def assigned_attributes(
    selected: Iterable[dict[str, Any]],
    siblings: list[AttributeValue],
    channel: Any,
    limit: int | None = None,
) -> list[Assigned]:
    """Wrap ``attributes``-style selections; ``siblings`` are the values of every
    object loaded alongside (so references load once for all of them)."""
    items = [
        Assigned(s["attribute"], list(s["values"]), siblings, channel) for s in selected
    ]
    return items[:limit] if limit is not None else items


assigned_attribute = InterfaceType("AssignedAttribute")


@assigned_attribute.type_resolver
def resolve_assigned_type(obj: Assigned, *_: Any) -> str:
    return obj.type_name


# ---------------------------------------------------------------- reference loaders


class _VisiblePages(Loader[int, Any]):
    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        rows = visible_pages(self.context.actor).filter(pk__in=keys)
        return {row.pk: row for row in attach_batch(list(rows), self.channel)}


class _VisibleProducts(Loader[int, Any]):
    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        rows = visible_products(
            self.channel, self.context.actor, in_listings=False
        ).filter(pk__in=keys)
        return {row.pk: row for row in attach_batch(list(rows), self.channel)}


class _VisibleVariants(Loader[int, Any]):
    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        rows = visible_variants(self.channel, self.context.actor).filter(pk__in=keys)
        return {row.pk: row for row in attach_batch(list(rows), self.channel)}


_REFERENCES: dict[str, tuple[type[Loader[int, Any]], str]] = {
    "Page": (_VisiblePages, "reference_page_id"),
    "Product": (_VisibleProducts, "reference_product_id"),
    "ProductVariant": (_VisibleVariants, "reference_variant_id"),
}


def _references(info: GraphQLResolveInfo, obj: Assigned, entity: str) -> list[Any]:
    if entity not in _REFERENCES:
        return []  # category and collection references are not stored
    loader_class, column = _REFERENCES[entity]
    loader = get_loader(info.context, loader_class, obj.channel)
    wanted = [getattr(v, column) for v in obj.values if getattr(v, column)]
    if not wanted:
        return []
    loader.load_many_keys(
        [*wanted, *(getattr(v, column) for v in obj.siblings if getattr(v, column))]
    )
    return [found for pk in wanted if (found := loader.cache.get(pk)) is not None]


def _first(values: list[AttributeValue]) -> AttributeValue | None:
    return values[0] if values else None


# ---------------------------------------------------------------- concrete types


def _object(name: str) -> ObjectType:
    return ObjectType(name)


numeric = _object("AssignedNumericAttribute")
text = _object("AssignedTextAttribute")
plain_text = _object("AssignedPlainTextAttribute")
file_type = _object("AssignedFileAttribute")
single_choice = _object("AssignedSingleChoiceAttribute")
multi_choice = _object("AssignedMultiChoiceAttribute")
swatch = _object("AssignedSwatchAttribute")
boolean = _object("AssignedBooleanAttribute")
date = _object("AssignedDateAttribute")
date_time = _object("AssignedDateTimeAttribute")
choice_value = _object("AssignedChoiceAttributeValue")
swatch_value = _object("AssignedSwatchAttributeValue")

_ValueTranslations = translation_loader(AttributeValueTranslation, "attribute_value")


def _translation(info: GraphQLResolveInfo, value: AttributeValue, code: str) -> Any:
    loader = get_loader(info.context, _ValueTranslations, to_stored_code(code))
    return loader.load_for(value, lambda v: v.pk)


@numeric.field("value")
def resolve_numeric(obj: Assigned, info: GraphQLResolveInfo) -> float | None:
    value = _first(obj.values)
    if value is None:
        return None
    try:
        return float(value.name)
    except ValueError:
        return None


@text.field("value")
def resolve_rich_text(obj: Assigned, info: GraphQLResolveInfo) -> Any:
    value = _first(obj.values)
    return value.rich_text if value is not None else None


@text.field("translation")
def resolve_rich_text_translation(
    obj: Assigned, info: GraphQLResolveInfo, language_code: str
) -> Any:
    value = _first(obj.values)
    found = _translation(info, value, language_code) if value is not None else None
    return found.rich_text if found is not None else None


@plain_text.field("value")
def resolve_plain_text(obj: Assigned, info: GraphQLResolveInfo) -> str | None:
    value = _first(obj.values)
    return value.plain_text if value is not None else None


@plain_text.field("translation")
def resolve_plain_text_translation(
    obj: Assigned, info: GraphQLResolveInfo, language_code: str
) -> str | None:
    value = _first(obj.values)
    found = _translation(info, value, language_code) if value is not None else None
    return found.plain_text if found is not None else None


def _file(value: AttributeValue | None) -> dict[str, Any] | None:
    if value is None or not value.file_url:
        return None
    return {"url": value.file_url, "content_type": value.content_type}


@file_type.field("value")
def resolve_file(obj: Assigned, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    return _file(_first(obj.values))


@single_choice.field("value")
@swatch.field("value")
def resolve_single_choice(
    obj: Assigned, info: GraphQLResolveInfo
) -> AttributeValue | None:
    return _first(obj.values)


@multi_choice.field("value")
def resolve_multi_choice(
    obj: Assigned, info: GraphQLResolveInfo, limit: int = 100
) -> list[AttributeValue]:
    return obj.values[:limit]


@choice_value.field("translation")
@swatch_value.field("translation")
def resolve_choice_translation(
    value: AttributeValue, info: GraphQLResolveInfo, language_code: str
) -> str | None:
    found = _translation(info, value, language_code)
    return found.name if found is not None else None


@swatch_value.field("hexColor")
def resolve_hex_color(value: AttributeValue, info: GraphQLResolveInfo) -> str | None:
    return value.value or None


@swatch_value.field("file")
def resolve_swatch_file(
    value: AttributeValue, info: GraphQLResolveInfo
) -> dict[str, Any] | None:
    return _file(value)


@boolean.field("value")
def resolve_boolean(obj: Assigned, info: GraphQLResolveInfo) -> bool | None:
    value = _first(obj.values)
    return value.boolean if value is not None else None


@date.field("value")
def resolve_date(obj: Assigned, info: GraphQLResolveInfo) -> Any:
    value = _first(obj.values)
    return value.date_time.date() if value is not None and value.date_time else None


@date_time.field("value")
def resolve_date_time(obj: Assigned, info: GraphQLResolveInfo) -> Any:
    value = _first(obj.values)
    return value.date_time if value is not None else None


def _reference_types() -> list[ObjectType]:
    types = []
    for entity in _ENTITY.values():
        single = ObjectType(f"AssignedSingle{entity}ReferenceAttribute")
        multi = ObjectType(f"AssignedMulti{entity}ReferenceAttribute")

        def resolve_one(
            obj: Assigned, info: GraphQLResolveInfo, entity: str = entity
        ) -> Any:
            found = _references(info, obj, entity)
            return found[0] if found else None

        def resolve_many(
            obj: Assigned,
            info: GraphQLResolveInfo,
            limit: int = 100,
            entity: str = entity,
        ) -> list[Any]:
            return _references(info, obj, entity)[:limit]

        single.set_field("value", resolve_one)
        multi.set_field("value", resolve_many)
        types.extend([single, multi])
    return types


bindables: list[Any] = [
    assigned_attribute,
    numeric,
    text,
    plain_text,
    file_type,
    single_choice,
    multi_choice,
    swatch,
    boolean,
    date,
    date_time,
    choice_value,
    swatch_value,
    *_reference_types(),
]
