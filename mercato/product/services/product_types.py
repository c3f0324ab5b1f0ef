"""Product types and the attributes their products and variants carry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeType,
    AttributeVariant,
)
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_slug, unique_slug
from mercato.product.models import Product, ProductType, ProductTypeKind
from mercato.product.search import update_products_search_index
from mercato.product.services.common import (
    UNSET,
    Unset,
    check_ids_exist,
    check_lengths,
    check_no_duplicates,
    check_no_nul,
    deleted,
    missing_name,
)
from mercato.product.services.products import delete_products_now
from mercato.tax.models import TaxClass


@dataclass
class ProductTypeData:
    """Fields of a product type; attribute lists replace the current assignment."""

    name: str | Unset | None = UNSET
    slug: str | Unset | None = UNSET
    kind: str | Unset | None = UNSET
    is_shipping_required: bool | Unset | None = UNSET
    product_attribute_ids: list[int] | Unset | None = UNSET
    variant_attribute_ids: list[int] | Unset | None = UNSET
    tax_class_id: int | Unset | None = UNSET


def _check_attributes(
    errors: ErrorCollector, field: str, ids: list[int] | Unset | None
) -> None:
    if not isinstance(ids, list):
        return
    check_no_duplicates(errors, field, ids)
    found = dict(Attribute.objects.filter(pk__in=ids).values_list("pk", "type"))
    if set(ids) - set(found):
        errors.add(field, "NOT_FOUND", "Some of the attributes do not exist.")
    if any(kind != AttributeType.PRODUCT_TYPE for kind in found.values()):
        errors.add(
            field,
            "INVALID",
            "Only attributes of type PRODUCT_TYPE can be assigned to product types.",
        )


def _validate(
    data: ProductTypeData, *, instance: ProductType | None, errors: ErrorCollector
) -> None:
    check_no_nul(errors, data)
    if missing_name(data.name, creating=instance is None):
        errors.add("name", "REQUIRED", "A product type needs a name.")
    check_lengths(errors, ProductType, data, {"name": "name"})
    if isinstance(data.slug, str):
        check_slug(
            errors,
            ProductType,
            data.slug,
            exclude_pk=instance.pk if instance is not None else None,
        )
    _check_attributes(errors, "productAttributes", data.product_attribute_ids)
    if isinstance(data.tax_class_id, int):
        check_ids_exist(errors, TaxClass, "taxClass", [data.tax_class_id])
    _check_attributes(errors, "variantAttributes", data.variant_attribute_ids)
    if (
        isinstance(data.product_attribute_ids, list)
        and isinstance(data.variant_attribute_ids, list)
        and set(data.product_attribute_ids) & set(data.variant_attribute_ids)
    ):
        errors.add(
            "attributes",
            "ATTRIBUTE_ALREADY_ASSIGNED",
            "An attribute cannot be both a product and a variant attribute.",
        )


def _apply(product_type: ProductType, data: ProductTypeData) -> None:
    if isinstance(data.name, str) and data.name:
        product_type.name = data.name
    if isinstance(data.slug, str):
        product_type.slug = data.slug
    elif not product_type.slug:
        product_type.slug = unique_slug(
            ProductType, product_type.name, exclude_pk=product_type.pk
        )
    if isinstance(data.kind, str):
        product_type.kind = ProductTypeKind(data.kind)
    if isinstance(data.is_shipping_required, bool):
        product_type.is_shipping_required = data.is_shipping_required
    if data.tax_class_id is not UNSET:
        product_type.tax_class_id = data.tax_class_id


def _assign(product_type: ProductType, data: ProductTypeData) -> None:
    """Replace the attribute assignment; drop values of attributes taken away."""
    if isinstance(data.product_attribute_ids, list):
        wanted = data.product_attribute_ids
        gone = AttributeProduct.objects.filter(product_type=product_type).exclude(
            attribute_id__in=wanted
        )
        gone_ids = list(gone.values_list("attribute_id", flat=True))
        gone.delete()
        values = AssignedProductAttributeValue.objects.filter(
            product__product_type=product_type, value__attribute_id__in=gone_ids
        )
        product_ids = list(values.values_list("product_id", flat=True).distinct())
        values.delete()
        update_products_search_index(product_ids)
        for position, attribute_id in enumerate(wanted):
            AttributeProduct.objects.update_or_create(
                product_type=product_type,
                attribute_id=attribute_id,
                defaults={"sort_order": position},
            )
    if isinstance(data.variant_attribute_ids, list):
        wanted = data.variant_attribute_ids
        gone_variant = AttributeVariant.objects.filter(
            product_type=product_type
        ).exclude(attribute_id__in=wanted)
        gone_ids = list(gone_variant.values_list("attribute_id", flat=True))
        gone_variant.delete()
        variant_values = AssignedVariantAttributeValue.objects.filter(
            variant__product__product_type=product_type,
            value__attribute_id__in=gone_ids,
        )
        product_ids = list(
            variant_values.values_list("variant__product_id", flat=True).distinct()
        )
        variant_values.delete()
        update_products_search_index(product_ids)
        for position, attribute_id in enumerate(wanted):
            AttributeVariant.objects.update_or_create(
                product_type=product_type,
                attribute_id=attribute_id,
                defaults={"sort_order": position},
            )


def create_product_type(*, actor: Actor, data: ProductTypeData) -> ProductType:
    """Create a product type with its product and variant attributes."""
    errors = ErrorCollector()
    _validate(data, instance=None, errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        product_type = ProductType()
        _apply(product_type, data)
        product_type.save()
        _assign(product_type, data)
    return product_type


def update_product_type(
    *, actor: Actor, product_type_id: int, data: ProductTypeData
) -> ProductType:
    """Change a product type. Locks it."""
    with transaction.atomic():
        product_type = (
            ProductType.objects.select_for_update().filter(pk=product_type_id).first()
        )
        if product_type is None:
            raise ValidationFailed.one(
                "id", "NOT_FOUND", "The product type does not exist."
            )
        errors = ErrorCollector()
        _validate(data, instance=product_type, errors=errors)
        errors.raise_if_any()
        _apply(product_type, data)
        product_type.save()
        _assign(product_type, data)
    return product_type


def delete_product_type(*, actor: Actor, product_type_id: int) -> ProductType:
    """Delete a product type and every product of that type."""
    with transaction.atomic():
        product_type = (
            ProductType.objects.select_for_update().filter(pk=product_type_id).first()
        )
        if product_type is None:
            raise ValidationFailed.one(
                "id", "NOT_FOUND", "The product type does not exist."
            )
        product_ids = list(
            Product.objects.select_for_update()
            .filter(product_type=product_type)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        delete_products_now(product_ids)
        product_type.delete()
    return deleted(product_type, product_type_id)
