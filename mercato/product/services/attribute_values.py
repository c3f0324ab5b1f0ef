"""Validate and store the attribute values of products and variants.

Validation (``plan_attribute_values``) reads only; ``store_attribute_values`` writes
the planned values once the owner exists. Choice values (dropdown, swatch,
multiselect, boolean) are shared by every owner; typed values (text, numbers, dates,
references) belong to one owner and are named after it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import slugify

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeEntityType,
    AttributeInputType,
    AttributeValue,
)
from mercato.core.errors import ErrorCollector
from mercato.page.models import Page
from mercato.product.models import Product, ProductVariant
from mercato.product.services.common import editorjs_plaintext

FIELD = "attributes"
NAME_LIMIT = 250
REFERENCE_MODELS: dict[str, tuple[str, type[models.Model], str]] = {
    AttributeEntityType.PRODUCT: ("Product", Product, "reference_product"),
    AttributeEntityType.PRODUCT_VARIANT: (
        "ProductVariant",
        ProductVariant,
        "reference_variant",
    ),
    AttributeEntityType.PAGE: ("Page", Page, "reference_page"),
}


@dataclass(frozen=True)
class AttributeValueData:
    """What a caller sends for one attribute; which part counts depends on its type.

    ``choices`` holds ``(value id, None)`` or ``(None, value name)`` pairs;
    ``references`` holds ``(type name, pk)`` pairs.
    """

    attribute_id: int
    choices: tuple[tuple[int | None, str | None], ...] = ()
    plain_text: str | None = None
    rich_text: Any = None
    numeric: str | None = None
    boolean: bool | None = None
    date: datetime.date | None = None
    references: tuple[tuple[str, int], ...] = ()


@dataclass
class _Spec:
    """One value to assign: an existing value, or one to create or refresh."""

    existing: AttributeValue | None = None
    slug: str = ""
    owned: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlannedAttribute:
    attribute: Attribute
    specs: list[_Spec]


def plan_attribute_values(
    errors: ErrorCollector,
    *,
    allowed: list[Attribute],
    inputs: list[AttributeValueData],
    require_all: bool,
) -> list[PlannedAttribute]:
    """Check values against the attributes the owner's type allows; plan the writes.

    With ``require_all`` (creating), every required attribute must get a value.
    """
    by_id = {attribute.pk: attribute for attribute in allowed}
    planned: list[PlannedAttribute] = []
    seen: set[int] = set()
    for data in inputs:
        attribute = by_id.get(data.attribute_id)
        if data.attribute_id in seen:
            errors.add(FIELD, "DUPLICATED_INPUT_ITEM", "An attribute is given twice.")
            continue
        seen.add(data.attribute_id)
        if attribute is None:
            errors.add(
                FIELD,
                "ATTRIBUTE_CANNOT_BE_ASSIGNED",
                f"Attribute {data.attribute_id} is not one of this type's attributes.",
            )
            continue
        specs = _plan_one(errors, attribute, data)
        if specs is None:
            continue
        if not specs and attribute.value_required:
            errors.add(FIELD, "REQUIRED", f"Attribute {attribute.slug} needs a value.")
            continue
        planned.append(PlannedAttribute(attribute, specs))
    if require_all:
        for attribute in allowed:
            if attribute.value_required and attribute.pk not in seen:
                errors.add(
                    FIELD, "REQUIRED", f"Attribute {attribute.slug} needs a value."
                )
    return planned


def _plan_one(
    errors: ErrorCollector, attribute: Attribute, data: AttributeValueData
) -> list[_Spec] | None:
    kind = attribute.input_type
    if kind in (AttributeInputType.DROPDOWN, AttributeInputType.SWATCH):
        if len(data.choices) > 1:
            errors.add(FIELD, "INVALID", f"Attribute {attribute.slug} takes one value.")
            return None
        return _plan_choices(errors, attribute, data.choices)
    if kind == AttributeInputType.MULTISELECT:
        return _plan_choices(errors, attribute, data.choices)
    if kind == AttributeInputType.NUMERIC:
        return _plan_numeric(errors, attribute, data.numeric)
    if kind == AttributeInputType.REFERENCE:
        return _plan_references(errors, attribute, data.references)
    return _plan_typed(errors, attribute, data)


def _plan_typed(
    errors: ErrorCollector, attribute: Attribute, data: AttributeValueData
) -> list[_Spec] | None:
    kind = attribute.input_type
    if kind == AttributeInputType.PLAIN_TEXT:
        text = (data.plain_text or "").strip()
        if not text:
            return []
        return [_owned(text[:NAME_LIMIT], plain_text=text)]
    if kind == AttributeInputType.RICH_TEXT:
        plain = editorjs_plaintext(data.rich_text)
        if not data.rich_text or not plain:
            return []
        return [_owned(plain[:NAME_LIMIT], rich_text=data.rich_text)]
    if kind == AttributeInputType.BOOLEAN:
        if data.boolean is None:
            return []
        answer = "Yes" if data.boolean else "No"
        return [
            _Spec(
                slug=f"{attribute.pk}_{str(data.boolean).lower()}",
                fields={"name": f"{attribute.name}: {answer}", "boolean": data.boolean},
            )
        ]
    if kind == AttributeInputType.DATE:
        if data.date is None:
            return []
        moment = datetime.datetime.combine(data.date, datetime.time(), datetime.UTC)
        return [_owned(data.date.isoformat(), date_time=moment)]
    errors.add(FIELD, "INVALID", f"Values of {kind} attributes cannot be set here yet.")
    return None


def _owned(name: str, **fields: Any) -> _Spec:
    return _Spec(owned=True, fields={"name": name, **fields})


def _plan_numeric(
    errors: ErrorCollector, attribute: Attribute, numeric: str | None
) -> list[_Spec] | None:
    if numeric is None or not numeric.strip():
        return []
    try:
        number = float(numeric)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        errors.add(FIELD, "INVALID", f"Attribute {attribute.slug} takes a number.")
        return None
    return [_owned(numeric.strip()[:NAME_LIMIT])]


def _plan_choices(
    errors: ErrorCollector,
    attribute: Attribute,
    choices: tuple[tuple[int | None, str | None], ...],
) -> list[_Spec] | None:
    ids = [pk for pk, _ in choices if pk is not None]
    existing = {v.pk: v for v in AttributeValue.objects.filter(pk__in=ids)}
    names = [name.strip() for pk, name in choices if pk is None and name]
    by_slug = {
        v.slug: v
        for v in AttributeValue.objects.filter(
            attribute=attribute,
            slug__in=[slugify(n, allow_unicode=True) for n in names],
        )
    }
    specs: list[_Spec] = []
    keys: set[str] = set()
    for pk, name in choices:
        if pk is not None:
            value = existing.get(pk)
            if value is None or value.attribute_id != attribute.pk:
                errors.add(
                    FIELD,
                    "NOT_FOUND",
                    f"Value {pk} is not a value of attribute {attribute.slug}.",
                )
                return None
            spec = _Spec(existing=value, slug=value.slug)
        elif name and name.strip():
            slug = slugify(name.strip(), allow_unicode=True)[:NAME_LIMIT] or "value"
            found = by_slug.get(slug)
            spec = (
                _Spec(existing=found, slug=slug)
                if found is not None
                else _Spec(slug=slug, fields={"name": name.strip()[:NAME_LIMIT]})
            )
        else:
            errors.add(FIELD, "REQUIRED", "A choice needs an id or a value.")
            return None
        if spec.slug in keys:
            errors.add(FIELD, "DUPLICATED_INPUT_ITEM", "A value is given twice.")
            return None
        keys.add(spec.slug)
        specs.append(spec)
    return specs


def _plan_references(
    errors: ErrorCollector,
    attribute: Attribute,
    references: tuple[tuple[str, int], ...],
) -> list[_Spec] | None:
    target = REFERENCE_MODELS.get(attribute.entity_type or "")
    if target is None:
        errors.add(
            FIELD,
            "INVALID",
            f"References to {attribute.entity_type} are not supported.",
        )
        return None
    type_name, model, column = target
    if any(name != type_name for name, _ in references):
        errors.add(
            FIELD, "INVALID", f"Attribute {attribute.slug} refers to {type_name}."
        )
        return None
    pks = list(dict.fromkeys(pk for _, pk in references))
    objects = {obj.pk: obj for obj in model._default_manager.filter(pk__in=pks)}
    if len(objects) != len(pks):
        errors.add(FIELD, "NOT_FOUND", "Some of the referenced objects do not exist.")
        return None
    return [
        _Spec(
            owned=True,
            slug=f"ref{pk}",
            fields={
                "name": str(objects[pk])[:NAME_LIMIT],
                column + "_id": pk,
            },
        )
        for pk in pks
    ]


def _materialise(spec: _Spec, attribute: Attribute, owner_key: str) -> AttributeValue:
    if spec.existing is not None:
        return spec.existing
    if spec.owned:
        slug = f"{owner_key}_{attribute.pk}" + (f"_{spec.slug}" if spec.slug else "")
        value, _ = AttributeValue.objects.update_or_create(
            attribute=attribute, slug=slug, defaults=spec.fields
        )
        return value
    value, _ = AttributeValue.objects.get_or_create(
        attribute=attribute, slug=spec.slug, defaults=spec.fields
    )
    return value


def store_product_values(product: Product, planned: list[PlannedAttribute]) -> None:
    """Replace the values of the planned attributes of ``product``."""
    for entry in planned:
        AssignedProductAttributeValue.objects.filter(
            product=product, value__attribute=entry.attribute
        ).delete()
        AssignedProductAttributeValue.objects.bulk_create(
            AssignedProductAttributeValue(
                product=product,
                value=_materialise(spec, entry.attribute, f"product{product.pk}"),
                sort_order=position,
            )
            for position, spec in enumerate(entry.specs)
        )


def store_variant_values(
    variant: ProductVariant, planned: list[PlannedAttribute]
) -> None:
    """Replace the values of the planned attributes of ``variant``."""
    for entry in planned:
        AssignedVariantAttributeValue.objects.filter(
            variant=variant, value__attribute=entry.attribute
        ).delete()
        AssignedVariantAttributeValue.objects.bulk_create(
            AssignedVariantAttributeValue(
                variant=variant,
                value=_materialise(spec, entry.attribute, f"variant{variant.pk}"),
                sort_order=position,
            )
            for position, spec in enumerate(entry.specs)
        )
