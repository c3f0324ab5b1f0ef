"""Images of products: upload and removal."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.product.models import ProductMedia, ProductMediaType
from mercato.product.services.common import check_image
from mercato.product.services.products import lock_product
from mercato.thumbnail.services import delete_thumbnails

logger = logging.getLogger(__name__)
ALT_MAX_LENGTH = 250


def create_product_media(
    *,
    actor: Actor,
    product_id: int,
    image: File[Any] | None,
    media_url: str | None = None,
    alt: str | None = None,
) -> ProductMedia:
    """Add an uploaded image to a product, after the other media.

    The file is checked with Pillow (at most 10 MB) and stored under ``products/``.
    External media URLs are not supported. Locks the product.
    """
    errors = ErrorCollector()
    if image is None and not media_url:
        errors.add("input", "REQUIRED", "Send an image or a media URL.")
    elif image is not None and media_url:
        errors.add(
            "input", "DUPLICATED_INPUT_ITEM", "Send an image or a URL, not both."
        )
    elif media_url:
        errors.add(
            "mediaUrl",
            "UNSUPPORTED_MEDIA_PROVIDER",
            "Media from external URLs is not supported.",
        )
    if image is not None:
        check_image(errors, "image", image)
    if alt is not None and len(alt) > ALT_MAX_LENGTH:
        errors.add(
            "alt", "INVALID", f"The alt text exceeds {ALT_MAX_LENGTH} characters."
        )
    with transaction.atomic():
        product = lock_product(product_id, field="product")
        errors.raise_if_any()
        assert image is not None
        top = ProductMedia.objects.filter(product=product).aggregate(
            top=Max("sort_order")
        )["top"]
        media = ProductMedia(
            product=product,
            alt=alt or "",
            type=ProductMediaType.IMAGE,
            sort_order=(top if top is not None else -1) + 1,
        )
        media.image.save(image.name or "image", image, save=False)
        media.save()
    return media


def delete_product_media(*, actor: Actor, media_id: int) -> ProductMedia:
    """Remove a media item with its thumbnails; its file goes after the commit."""
    with transaction.atomic():
        media = ProductMedia.objects.filter(pk=media_id).first()
        if media is None:
            raise ValidationFailed.one("id", "NOT_FOUND", "The media does not exist.")
        lock_product(media.product_id)
        delete_thumbnails(kind="ProductMedia", pk=media_id)
        name = media.image.name if media.image else None
        media.delete()
        if name:
            transaction.on_commit(lambda: _delete_file(name))
    media.pk = media_id
    return media


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Cannot delete media file %s", name, exc_info=True)
