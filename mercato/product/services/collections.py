"""Collections: their fields, their products and their publication per channel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_slug, unique_slug
from mercato.discount.prices import recalculate_product_prices
from mercato.product.models import (
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    Product,
)
from mercato.product.services.common import (
    SEO_AND_NAME,
    UNSET,
    MetadataFields,
    Unset,
    apply_metadata,
    check_ids_exist,
    check_image,
    check_lengths,
    check_metadata,
    check_no_duplicates,
    check_no_nul,
    deleted,
    missing_name,
)
from mercato.thumbnail.services import delete_thumbnails


@dataclass
class CollectionData(MetadataFields):
    """The fields of a collection a caller may set; ``UNSET`` leaves one unchanged."""

    name: str | Unset | None = UNSET
    slug: str | Unset | None = UNSET
    description: Any = UNSET
    seo_title: str | Unset | None = UNSET
    seo_description: str | Unset | None = UNSET
    background_image: File[Any] | Unset | None = UNSET
    background_image_alt: str | Unset | None = UNSET
    product_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ChannelPublication:
    channel_id: int
    is_published: bool | None = None
    published_at: datetime.datetime | None = None


def _validate(
    data: CollectionData, *, instance: Collection | None, errors: ErrorCollector
) -> None:
    check_no_nul(errors, data)
    check_metadata(errors, data)
    if missing_name(data.name, creating=instance is None):
        errors.add("name", "REQUIRED", "A collection needs a name.")
    check_lengths(
        errors,
        Collection,
        data,
        {**SEO_AND_NAME, "background_image_alt": "backgroundImageAlt"},
    )
    if isinstance(data.slug, str):
        check_slug(
            errors,
            Collection,
            data.slug,
            exclude_pk=instance.pk if instance is not None else None,
        )
    if isinstance(data.background_image, File):
        check_image(
            errors, "backgroundImage", data.background_image, invalid_code="INVALID"
        )
    check_no_duplicates(errors, "products", data.product_ids)
    check_ids_exist(errors, Product, "products", data.product_ids)


def _apply(collection: Collection, data: CollectionData) -> bool:
    """Copy the given fields; return whether the background image changed."""
    apply_metadata(collection, data)
    if isinstance(data.name, str) and data.name:
        collection.name = data.name
    if isinstance(data.slug, str):
        collection.slug = data.slug
    elif not collection.slug:
        collection.slug = unique_slug(
            Collection, collection.name, exclude_pk=collection.pk
        )
    if data.description is not UNSET:
        collection.description = data.description
    if data.seo_title is not UNSET:
        collection.seo_title = data.seo_title
    if data.seo_description is not UNSET:
        collection.seo_description = data.seo_description
    if data.background_image_alt is not UNSET:
        collection.background_image_alt = data.background_image_alt or ""
    if data.background_image is UNSET:
        return False
    if data.background_image is None:
        collection.background_image = None
    else:
        collection.background_image.save(
            data.background_image.name or "image", data.background_image, save=False
        )
    return True


def _lock(collection_id: int) -> Collection:
    collection = Collection.objects.select_for_update().filter(pk=collection_id).first()
    if collection is None:
        raise ValidationFailed.one("id", "NOT_FOUND", "The collection does not exist.")
    return collection


def create_collection(*, actor: Actor, data: CollectionData) -> Collection:
    """Create a collection, optionally with products."""
    errors = ErrorCollector()
    _validate(data, instance=None, errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        collection = Collection()
        _apply(collection, data)
        collection.save()
        _add_products(collection, data.product_ids)
    return collection


def update_collection(
    *, actor: Actor, collection_id: int, data: CollectionData
) -> Collection:
    """Change a collection's fields (not its products). Locks the collection."""
    with transaction.atomic():
        collection = _lock(collection_id)
        errors = ErrorCollector()
        _validate(data, instance=collection, errors=errors)
        errors.raise_if_any()
        if _apply(collection, data):
            delete_thumbnails(kind="Collection", pk=collection.pk)
        collection.save()
    return collection


def delete_collection(*, actor: Actor, collection_id: int) -> Collection:
    with transaction.atomic():
        collection = _lock(collection_id)
        delete_thumbnails(kind="Collection", pk=collection_id)
        collection.delete()
    return deleted(collection, collection_id)


def delete_collections(*, actor: Actor, collection_ids: list[int]) -> int:
    """Delete collections; all must exist. Returns how many were deleted."""
    with transaction.atomic():
        ids = list(
            Collection.objects.select_for_update()
            .filter(pk__in=collection_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(ids) != len(set(collection_ids)):
            raise ValidationFailed.one(
                "ids", "NOT_FOUND", "Some of the collections do not exist."
            )
        for pk in ids:
            delete_thumbnails(kind="Collection", pk=pk)
        Collection.objects.filter(pk__in=ids).delete()
    return len(ids)


def _add_products(collection: Collection, product_ids: list[int]) -> None:
    present = set(
        CollectionProduct.objects.filter(collection=collection).values_list(
            "product_id", flat=True
        )
    )
    top = CollectionProduct.objects.filter(collection=collection).aggregate(
        top=Max("sort_order")
    )["top"]
    start = (top if top is not None else -1) + 1
    new = [pk for pk in dict.fromkeys(product_ids) if pk not in present]
    CollectionProduct.objects.bulk_create(
        CollectionProduct(collection=collection, product_id=pk, sort_order=start + i)
        for i, pk in enumerate(new)
    )


def add_products_to_collection(
    *, actor: Actor, collection_id: int, product_ids: list[int]
) -> Collection:
    """Append products to a collection; ones already in it stay where they are."""
    with transaction.atomic():
        collection = _lock(collection_id)
        errors = ErrorCollector()
        if not product_ids:
            errors.add("products", "REQUIRED", "Name at least one product.")
        check_ids_exist(errors, Product, "products", product_ids)
        errors.raise_if_any()
        _add_products(collection, product_ids)
        recalculate_product_prices(product_ids)  # promotions may name the collection
    return collection


def remove_products_from_collection(
    *, actor: Actor, collection_id: int, product_ids: list[int]
) -> Collection:
    with transaction.atomic():
        collection = _lock(collection_id)
        errors = ErrorCollector()
        check_ids_exist(errors, Product, "products", product_ids)
        errors.raise_if_any()
        CollectionProduct.objects.filter(
            collection=collection, product_id__in=product_ids
        ).delete()
        recalculate_product_prices(product_ids)
    return collection


def update_collection_channel_listings(
    *,
    actor: Actor,
    collection_id: int,
    add: list[ChannelPublication],
    remove_channel_ids: list[int],
) -> Collection:
    """Publish or hide a collection per channel; drop its listing in others."""
    with transaction.atomic():
        collection = _lock(collection_id)
        errors = ErrorCollector()
        added = [entry.channel_id for entry in add]
        check_no_duplicates(errors, "addChannels", added)
        both = set(added) & set(remove_channel_ids)
        if both:
            errors.add(
                "input",
                "DUPLICATED_INPUT_ITEM",
                "A channel cannot be both added and removed.",
            )
        check_ids_exist(errors, Channel, "addChannels", added)
        check_ids_exist(errors, Channel, "removeChannels", remove_channel_ids)
        errors.raise_if_any()
        existing = {
            listing.channel_id: listing
            for listing in CollectionChannelListing.objects.select_for_update()
            .filter(collection=collection)
            .order_by("pk")
        }
        for entry in add:
            listing = existing.get(entry.channel_id) or CollectionChannelListing(
                collection=collection, channel_id=entry.channel_id
            )
            if entry.is_published is not None:
                listing.is_published = entry.is_published
            if entry.published_at is not None:
                listing.published_at = entry.published_at
            elif listing.is_published and listing.published_at is None:
                listing.published_at = timezone.now()
            listing.save()
        CollectionChannelListing.objects.filter(
            collection=collection, channel_id__in=remove_channel_ids
        ).delete()
    return collection
