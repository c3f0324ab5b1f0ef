"""Create, change and delete attributes and their values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils.text import slugify

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeInputType,
    AttributeType,
    AttributeValue,
)
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_slug, has_nul, unique_slug
from mercato.product.search import update_products_search_index
from mercato.product.services.common import check_lengths, check_no_nul

SLUG_MAX_LENGTH = 250
CHOICE_TYPES = (
    AttributeInputType.DROPDOWN,
    AttributeInputType.MULTISELECT,
    AttributeInputType.SWATCH,
)
FLAGS = (
    "value_required",
    "is_variant_only",
    "visible_in_storefront",
    "filterable_in_storefront",
    "filterable_in_dashboard",
    "storefront_search_position",
    "available_in_grid",
)


class _Unset:
    """Marks an input field the caller did not send; false, like a missing value."""

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass
class ValueData:
    """Fields of an attribute value; ``UNSET`` leaves one unchanged."""

    name: Any = UNSET
    value: Any = UNSET
    rich_text: Any = UNSET
    plain_text: Any = UNSET
    file_url: Any = UNSET
    content_type: Any = UNSET
    external_reference: Any = UNSET


@dataclass
class AttributeData:
    """Fields of an attribute; ``UNSET`` leaves one unchanged.

    ``flags`` holds the booleans and the search position, by model field name.
    """

    name: Any = UNSET
    slug: Any = UNSET
    type: Any = UNSET
    input_type: Any = UNSET
    entity_type: Any = UNSET
    unit: Any = UNSET
    external_reference: Any = UNSET
    flags: dict[str, Any] = field(default_factory=dict)
    add_values: list[ValueData] = field(default_factory=list)
    remove_value_ids: list[int] = field(default_factory=list)


def _missing_name(value: object, *, creating: bool) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return creating


def _slugify(text: str) -> str:
    return slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH]


def _unique_slug(rows: models.QuerySet[Any], name: str) -> str:
    base = _slugify(name)[: SLUG_MAX_LENGTH - 8] or "attribute"
    taken = set(rows.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _taken(rows: models.QuerySet[Any], exclude_pk: int | None, **lookup: Any) -> bool:
    return rows.filter(**lookup).exclude(pk=exclude_pk or 0).exists()


def _check_values(
    errors: ErrorCollector,
    attribute: Attribute | None,
    input_type: str,
    values: list[ValueData],
    field: str,
) -> None:
    if values and input_type not in CHOICE_TYPES:
        errors.add(
            field, "INVALID", f"{input_type} attributes have no predefined values."
        )
        return
    slugs: set[str] = set()
    for value in values:
        if not isinstance(value.name, str) or not value.name.strip():
            errors.add(field, "REQUIRED", "A value needs a name.")
            continue
        slug = _slugify(value.name) or "value"
        exists = attribute is not None and _taken(
            AttributeValue.objects.filter(attribute=attribute), None, slug=slug
        )
        if slug in slugs or exists:
            errors.add(field, "ALREADY_EXISTS", f"The value '{value.name}' exists.")
        slugs.add(slug)
        _check_value_reference(errors, value, None, field)


def _check_value_reference(
    errors: ErrorCollector, value: ValueData, exclude_pk: int | None, field: str
) -> None:
    check_no_nul(errors, value)
    texts = ("name", "value", "file_url", "content_type", "external_reference")
    check_lengths(errors, AttributeValue, value, dict.fromkeys(texts, field))
    reference = value.external_reference
    if (
        isinstance(reference, str)
        and reference
        and _taken(
            AttributeValue.objects.all(), exclude_pk, external_reference=reference
        )
    ):
        errors.add(field, "UNIQUE", "The external reference is used.")


def _validate(
    data: AttributeData, *, instance: Attribute | None, errors: ErrorCollector
) -> str:
    """Check the input; return the attribute's input type after the change."""
    exclude_pk = instance.pk if instance is not None else None
    check_no_nul(errors, data)
    if _missing_name(data.name, creating=instance is None):
        errors.add("name", "REQUIRED", "An attribute needs a name.")
    check_lengths(
        errors,
        Attribute,
        data,
        {"name": "name", "external_reference": "externalReference"},
    )
    if isinstance(data.slug, str):
        check_slug(errors, Attribute, data.slug, exclude_pk=exclude_pk)
    if isinstance(data.external_reference, str) and data.external_reference:
        reference = data.external_reference
        if _taken(Attribute.objects.all(), exclude_pk, external_reference=reference):
            errors.add("externalReference", "UNIQUE", "The reference is used.")
    if instance is None and data.type not in AttributeType.values:
        errors.add("type", "REQUIRED", "An attribute needs a type.")
    input_type = (
        instance.input_type
        if instance is not None
        else (
            data.input_type
            if isinstance(data.input_type, str)
            else AttributeInputType.DROPDOWN
        )
    )
    if (
        instance is None
        and input_type == AttributeInputType.REFERENCE
        and not data.entity_type
    ):
        errors.add(
            "entityType", "REQUIRED", "A reference attribute needs an entity type."
        )
    field = "values" if instance is None else "addValues"
    _check_values(errors, instance, input_type, data.add_values, field)
    if instance is not None and data.remove_value_ids:
        owned = set(
            AttributeValue.objects.filter(
                attribute=instance, pk__in=data.remove_value_ids
            ).values_list("pk", flat=True)
        )
        if owned != set(data.remove_value_ids):
            errors.add(
                "removeValues", "INVALID", "Some values are not this attribute's."
            )
    return str(input_type)


def _apply(attribute: Attribute, data: AttributeData) -> None:
    if isinstance(data.name, str) and data.name:
        attribute.name = data.name
    if isinstance(data.slug, str):
        attribute.slug = data.slug
    elif not attribute.slug:
        attribute.slug = unique_slug(Attribute, attribute.name)
    for name in ("type", "input_type", "entity_type"):
        value = getattr(data, name)
        if value is not UNSET and value is not None and attribute.pk is None:
            setattr(attribute, name, value)
    if data.unit is not UNSET:
        attribute.unit = data.unit
    if data.external_reference is not UNSET:
        attribute.external_reference = data.external_reference or None
    for name, value in data.flags.items():
        if name in FLAGS and value is not None:
            setattr(attribute, name, value)


def _apply_value(value: AttributeValue, data: ValueData) -> None:
    if isinstance(data.name, str) and data.name.strip():
        value.name = data.name.strip()
        if not value.slug:
            value.slug = _unique_slug(
                AttributeValue.objects.filter(attribute_id=value.attribute_id),
                value.name,
            )
    for name in ("value", "rich_text", "plain_text", "file_url", "content_type"):
        given = getattr(data, name)
        if given is not UNSET:
            setattr(value, name, given if name != "value" else (given or ""))
    if data.external_reference is not UNSET:
        value.external_reference = data.external_reference or None


def _add_values(attribute: Attribute, values: list[ValueData]) -> None:
    top = AttributeValue.objects.filter(attribute=attribute).aggregate(
        top=Max("sort_order")
    )["top"]
    start = (top if top is not None else -1) + 1
    for offset, data in enumerate(values):
        value = AttributeValue(attribute=attribute, sort_order=start + offset)
        _apply_value(value, data)
        value.save()


def _lock(attribute_id: int) -> Attribute:
    attribute = Attribute.objects.select_for_update().filter(pk=attribute_id).first()
    if attribute is None:
        raise ValidationFailed.one("id", "NOT_FOUND", "The attribute does not exist.")
    return attribute


def find_attribute_id(*, external_reference: str) -> int | None:
    if has_nul(external_reference):
        return None
    return (
        Attribute.objects.filter(external_reference=external_reference)
        .values_list("pk", flat=True)
        .first()
    )


def find_value_id(*, external_reference: str) -> int | None:
    if has_nul(external_reference):
        return None
    return (
        AttributeValue.objects.filter(external_reference=external_reference)
        .values_list("pk", flat=True)
        .first()
    )


def create_attribute(*, actor: Actor, data: AttributeData) -> Attribute:
    """Create an attribute with its predefined values."""
    errors = ErrorCollector()
    _validate(data, instance=None, errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        attribute = Attribute()
        _apply(attribute, data)
        attribute.save()
        _add_values(attribute, data.add_values)
    return attribute


def update_attribute(
    *, actor: Actor, attribute_id: int, data: AttributeData
) -> Attribute:
    """Change an attribute, add values and remove values. Locks the attribute."""
    with transaction.atomic():
        attribute = _lock(attribute_id)
        errors = ErrorCollector()
        _validate(data, instance=attribute, errors=errors)
        errors.raise_if_any()
        _apply(attribute, data)
        attribute.save()
        _delete_values(data.remove_value_ids)
        _add_values(attribute, data.add_values)
    return attribute


def _affected_products(value_filter: dict[str, Any]) -> list[int]:
    direct = AssignedProductAttributeValue.objects.filter(**value_filter).values_list(
        "product_id", flat=True
    )
    through = AssignedVariantAttributeValue.objects.filter(**value_filter).values_list(
        "variant__product_id", flat=True
    )
    return sorted(set(direct) | set(through))


def _delete_values(value_ids: list[int]) -> None:
    if not value_ids:
        return
    product_ids = _affected_products({"value_id__in": value_ids})
    AttributeValue.objects.filter(pk__in=value_ids).delete()
    update_products_search_index(product_ids)


def delete_attribute(*, actor: Actor, attribute_id: int) -> Attribute:
    """Delete an attribute, its values and their assignments."""
    with transaction.atomic():
        attribute = _lock(attribute_id)
        product_ids = _affected_products({"value__attribute_id": attribute_id})
        attribute.delete()
        update_products_search_index(product_ids)
    attribute.pk = attribute_id
    return attribute


def delete_attributes(*, actor: Actor, attribute_ids: list[int]) -> int:
    with transaction.atomic():
        ids = list(
            Attribute.objects.select_for_update()
            .filter(pk__in=attribute_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(ids) != len(set(attribute_ids)):
            raise ValidationFailed.one(
                "ids", "NOT_FOUND", "Some of the attributes do not exist."
            )
        product_ids = _affected_products({"value__attribute_id__in": ids})
        Attribute.objects.filter(pk__in=ids).delete()
        update_products_search_index(product_ids)
    return len(ids)


def create_attribute_value(
    *, actor: Actor, attribute_id: int, data: ValueData
) -> AttributeValue:
    """Add a predefined value to a choice attribute. Locks the attribute."""
    with transaction.atomic():
        attribute = _lock(attribute_id)
        errors = ErrorCollector()
        _check_values(errors, attribute, attribute.input_type, [data], "name")
        errors.raise_if_any()
        _add_values(attribute, [data])
        value = AttributeValue.objects.filter(attribute=attribute).latest("pk")
    return value


def update_attribute_value(
    *, actor: Actor, value_id: int, data: ValueData
) -> AttributeValue:
    """Rename or change a value; products showing it are re-indexed."""
    with transaction.atomic():
        value = AttributeValue.objects.select_for_update().filter(pk=value_id).first()
        if value is None:
            raise ValidationFailed.one("id", "NOT_FOUND", "The value does not exist.")
        errors = ErrorCollector()
        if data.name == "" or (data.name is None and data.name is not UNSET):
            errors.add("name", "REQUIRED", "A value needs a name.")
        elif isinstance(data.name, str) and _taken(
            AttributeValue.objects.filter(attribute_id=value.attribute_id),
            value.pk,
            slug=_slugify(data.name),
        ):
            errors.add("name", "ALREADY_EXISTS", f"The value '{data.name}' exists.")
        _check_value_reference(errors, data, value.pk, "externalReference")
        errors.raise_if_any()
        _apply_value(value, data)
        if isinstance(data.name, str):
            value.slug = _slugify(data.name) or value.slug
        value.save()
        update_products_search_index(_affected_products({"value_id": value.pk}))
    return value


def delete_attribute_value(*, actor: Actor, value_id: int) -> AttributeValue:
    with transaction.atomic():
        value = AttributeValue.objects.select_for_update().filter(pk=value_id).first()
        if value is None:
            raise ValidationFailed.one("id", "NOT_FOUND", "The value does not exist.")
        _delete_values([value_id])
    value.pk = value_id
    return value
