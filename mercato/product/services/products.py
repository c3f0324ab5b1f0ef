"""Create, change and delete products."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mercato.attribute.models import Attribute, AttributeProduct, AttributeVariant
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_slug, unique_slug
from mercato.discount.prices import recalculate_product_prices
from mercato.product.models import (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductMedia,
    ProductType,
)
from mercato.product.search import update_products_search_index
from mercato.product.services.attribute_values import (
    AttributeValueData,
    PlannedAttribute,
    plan_attribute_values,
    store_product_values,
)
from mercato.product.services.common import (
    SEO_AND_NAME,
    UNSET,
    MetadataFields,
    Unset,
    apply_metadata,
    check_ids_exist,
    check_lengths,
    check_metadata,
    check_no_duplicates,
    check_no_nul,
    deleted,
    editorjs_plaintext,
    missing_name,
)
from mercato.tax.models import TaxClass
from mercato.thumbnail.services import delete_thumbnails

RATING_RANGE = (0.0, 5.0)


@dataclass
class ProductData(MetadataFields):
    """Fields of a product a caller may set; ``UNSET`` leaves one unchanged."""

    product_type_id: int | Unset = UNSET
    name: str | Unset | None = UNSET
    slug: str | Unset | None = UNSET
    description: object = UNSET
    seo_title: str | Unset | None = UNSET
    seo_description: str | Unset | None = UNSET
    category_id: int | Unset | None = UNSET
    collection_ids: list[int] | Unset | None = UNSET
    rating: float | Unset | None = UNSET
    external_reference: str | Unset | None = UNSET
    attributes: list[AttributeValueData] | Unset | None = UNSET
    tax_class_id: int | Unset | None = UNSET


def assigned_attributes(
    link: type[AttributeProduct] | type[AttributeVariant], product_type_id: int
) -> list[Attribute]:
    """The attributes a product type gives its products or variants, in order."""
    ids = list(
        link.objects.filter(product_type_id=product_type_id).values_list(
            "attribute_id", flat=True
        )
    )
    found = Attribute.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _validate(
    data: ProductData, *, instance: Product | None, errors: ErrorCollector
) -> list[PlannedAttribute]:
    exclude_pk = instance.pk if instance is not None else None
    check_no_nul(errors, data)
    check_metadata(errors, data)
    if missing_name(data.name, creating=instance is None):
        errors.add("name", "REQUIRED", "A product needs a name.")
    check_lengths(
        errors,
        Product,
        data,
        {**SEO_AND_NAME, "external_reference": "externalReference"},
    )
    if isinstance(data.slug, str):
        check_slug(errors, Product, data.slug, exclude_pk=exclude_pk)
    if isinstance(data.category_id, int):
        check_ids_exist(errors, Category, "category", [data.category_id])
    if isinstance(data.tax_class_id, int):
        check_ids_exist(errors, TaxClass, "taxClass", [data.tax_class_id])
    if isinstance(data.collection_ids, list):
        check_no_duplicates(errors, "collections", data.collection_ids)
        check_ids_exist(errors, Collection, "collections", data.collection_ids)
    if isinstance(data.rating, float) and not (
        RATING_RANGE[0] <= data.rating <= RATING_RANGE[1]
    ):
        errors.add("rating", "INVALID", "The rating must be between 0 and 5.")
    if isinstance(data.external_reference, str) and data.external_reference:
        taken = Product.objects.filter(external_reference=data.external_reference)
        if taken.exclude(pk=exclude_pk or 0).exists():
            errors.add("externalReference", "UNIQUE", "The external reference is used.")
    product_type_id = (
        instance.product_type_id if instance is not None else data.product_type_id
    )
    if not isinstance(product_type_id, int):
        return []
    if not ProductType.objects.filter(pk=product_type_id).exists():
        errors.add("productType", "NOT_FOUND", "The product type does not exist.")
        return []
    return plan_attribute_values(
        errors,
        allowed=assigned_attributes(AttributeProduct, product_type_id),
        inputs=data.attributes if isinstance(data.attributes, list) else [],
        require_all=instance is None,
    )


def _apply(product: Product, data: ProductData) -> None:
    apply_metadata(product, data)
    if isinstance(data.name, str) and data.name:
        product.name = data.name
    if isinstance(data.slug, str):
        product.slug = data.slug
    elif not product.slug:
        product.slug = unique_slug(Product, product.name, exclude_pk=product.pk)
    if data.description is not UNSET:
        product.description = data.description
        product.description_plaintext = editorjs_plaintext(data.description)
    if data.seo_title is not UNSET:
        product.seo_title = data.seo_title
    if data.seo_description is not UNSET:
        product.seo_description = data.seo_description
    if data.category_id is not UNSET:
        product.category_id = data.category_id
    if data.rating is not UNSET:
        product.rating = data.rating
    if data.tax_class_id is not UNSET:
        product.tax_class_id = data.tax_class_id
    if data.external_reference is not UNSET:
        product.external_reference = data.external_reference or None


def _set_collections(product: Product, collection_ids: list[int]) -> None:
    CollectionProduct.objects.filter(product=product).exclude(
        collection_id__in=collection_ids
    ).delete()
    present = set(
        CollectionProduct.objects.filter(product=product).values_list(
            "collection_id", flat=True
        )
    )
    CollectionProduct.objects.bulk_create(
        CollectionProduct(product=product, collection_id=pk)
        for pk in collection_ids
        if pk not in present
    )


def create_product(*, actor: Actor, data: ProductData) -> Product:
    """Create a product of a type, with attribute values and collections."""
    errors = ErrorCollector()
    if not isinstance(data.product_type_id, int):
        errors.add("productType", "REQUIRED", "A product needs a product type.")
    planned = _validate(data, instance=None, errors=errors)
    errors.raise_if_any()
    assert isinstance(data.product_type_id, int)
    with transaction.atomic():
        product = Product(product_type_id=data.product_type_id)
        _apply(product, data)
        product.save()
        store_product_values(product, planned)
        if isinstance(data.collection_ids, list):
            _set_collections(product, data.collection_ids)
        update_products_search_index([product.pk])
    return product


def lock_product(product_id: int, field: str = "id") -> Product:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ValidationFailed.one(field, "NOT_FOUND", "The product does not exist.")
    return product


def update_product(*, actor: Actor, product_id: int, data: ProductData) -> Product:
    """Change a product; given attributes and collections replace the old ones.

    Locks the product.
    """
    with transaction.atomic():
        product = lock_product(product_id)
        errors = ErrorCollector()
        planned = _validate(data, instance=product, errors=errors)
        errors.raise_if_any()
        _apply(product, data)
        product.save()
        store_product_values(product, planned)
        if isinstance(data.collection_ids, list):
            _set_collections(product, data.collection_ids)
        update_products_search_index([product.pk])
        if data.category_id is not UNSET or isinstance(data.collection_ids, list):
            recalculate_product_prices([product.pk])  # promotions may name them
    return product


def delete_products_now(product_ids: list[int]) -> None:
    """Delete products and the thumbnails of their media. Caller holds the locks."""
    media_ids = ProductMedia.objects.filter(product_id__in=product_ids).values_list(
        "pk", flat=True
    )
    for media_id in list(media_ids):
        delete_thumbnails(kind="ProductMedia", pk=media_id)
    Product.objects.filter(pk__in=product_ids).delete()


def delete_product(*, actor: Actor, product_id: int) -> Product:
    with transaction.atomic():
        product = lock_product(product_id)
        delete_products_now([product_id])
    return deleted(product, product_id)


def delete_products(*, actor: Actor, product_ids: list[int]) -> int:
    """Delete products; every one must exist. Locks them in primary-key order."""
    with transaction.atomic():
        ids = list(
            Product.objects.select_for_update()
            .filter(pk__in=product_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(ids) != len(set(product_ids)):
            raise ValidationFailed.one(
                "ids", "NOT_FOUND", "Some of the products do not exist."
            )
        delete_products_now(ids)
    return len(ids)
