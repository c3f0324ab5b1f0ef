"""Generate, cache and discard thumbnails of product media, categories and collections.

Thumbnails are made on first request and kept both as a file in the default storage
(under ``thumbnails/``) and as a ``Thumbnail`` row, so later requests only read them.
"""

from __future__ import annotations

import hashlib
import io
import logging
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from PIL import Image, ImageOps, UnidentifiedImageError, features

from mercato.product.models import Category, Collection, ProductMedia
from mercato.thumbnail.errors import ThumbnailError, ThumbnailErrorCode
from mercato.thumbnail.models import (
    SOURCE_FIELDS,
    THUMBNAIL_SIZES,
    Thumbnail,
    ThumbnailFormat,
    ThumbnailKind,
)

logger = logging.getLogger(__name__)

_SOURCES: dict[str, tuple[type[models.Model], str]] = {
    ThumbnailKind.PRODUCT_MEDIA: (ProductMedia, "image"),
    ThumbnailKind.CATEGORY: (Category, "background_image"),
    ThumbnailKind.COLLECTION: (Collection, "background_image"),
}

# Pillow format names a thumbnail of the ORIGINAL format may be written in; any other
# source format (BMP, TIFF, ...) is written as PNG.
_ORIGINAL_OUTPUT_FORMATS = {
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "PNG": "PNG",
    "GIF": "GIF",
    "WEBP": "WEBP",
    "AVIF": "AVIF",
}
_EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "AVIF": "avif",
}
_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
}
_MAX_PK = 2**63


def snap_thumbnail_size(size: int) -> int:
    """Return the smallest generated size that is at least ``size`` (capped at 4096)."""
    if size <= 0:
        raise ThumbnailError(
            ThumbnailErrorCode.INVALID_SIZE,
            "The size must be a positive number of pixels.",
        )
    for allowed in THUMBNAIL_SIZES:
        if allowed >= size:
            return allowed
    return THUMBNAIL_SIZES[-1]


def parse_thumbnail_format(value: str | None) -> ThumbnailFormat:
    """Map ``"webp"``, ``"AVIF"``, ``None`` (original) ... to a ``ThumbnailFormat``."""
    if value is None:
        return ThumbnailFormat.ORIGINAL
    try:
        return ThumbnailFormat(value.lower())
    except ValueError:
        allowed = ", ".join(ThumbnailFormat.values)
        raise ThumbnailError(
            ThumbnailErrorCode.UNSUPPORTED_FORMAT,
            f"Unsupported thumbnail format {value!r}; use one of: {allowed}.",
        ) from None


def parse_thumbnail_kind(value: str) -> ThumbnailKind:
    try:
        return ThumbnailKind(value)
    except ValueError:
        raise ThumbnailError(
            ThumbnailErrorCode.UNKNOWN_KIND,
            f"Objects of type {value!r} have no thumbnails.",
        ) from None


@cache
def is_avif_supported() -> bool:
    return bool(features.check("avif"))


def content_type_for(name: str) -> str:
    """The MIME type of a stored image, judged by its extension."""
    extension = name.rpartition(".")[2].lower()
    return _CONTENT_TYPES.get(extension, "application/octet-stream")


def get_source_image_name(*, kind: str, pk: int) -> str | None:
    """The storage name of the image of a source object, or None when it has none."""
    model, field = _SOURCES[parse_thumbnail_kind(kind)]
    if not 0 < pk < _MAX_PK:
        return None
    name = model._default_manager.filter(pk=pk).values_list(field, flat=True).first()
    return str(name) if name else None


def get_or_create_thumbnail(
    *, kind: str, pk: int, size: int, format: str | None
) -> Thumbnail | None:
    """Return the thumbnail of an object's image, generating and storing it if needed.

    ``size`` snaps up to the next generated size and the image is never enlarged.
    AVIF falls back to WEBP when this Pillow cannot encode AVIF. Returns None when the
    object does not exist or has no image. Safe to call concurrently: a lost race on
    the unique constraint discards this request's copy and returns the winner's row.
    Raises ``ThumbnailError`` for a bad size, format or kind, or an unreadable image.
    """
    kind = parse_thumbnail_kind(kind)
    size = snap_thumbnail_size(size)
    thumbnail_format = _effective_format(parse_thumbnail_format(format))
    source_name = get_source_image_name(kind=kind, pk=pk)
    if source_name is None:
        return None
    lookup = {SOURCE_FIELDS[kind] + "_id": pk, "size": size, "format": thumbnail_format}
    existing = Thumbnail.objects.filter(**lookup).first()
    if existing is not None and existing.source_name == source_name:
        return existing
    stored_name = _generate(
        kind=kind,
        pk=pk,
        source_name=source_name,
        size=size,
        thumbnail_format=thumbnail_format,
    )
    if existing is None:
        return _insert(lookup, stored_name=stored_name, source_name=source_name)
    return _replace(existing, lookup, stored_name=stored_name, source_name=source_name)


def read_thumbnail(thumbnail: Thumbnail) -> bytes | None:
    """The bytes of a stored thumbnail, or None when its file has gone missing."""
    try:
        with default_storage.open(thumbnail.file_name, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        return None
    return bytes(data)


def delete_thumbnail(thumbnail: Thumbnail) -> None:
    """Remove one thumbnail row; its file is deleted once the transaction commits."""
    name = thumbnail.file_name
    Thumbnail.objects.filter(pk=thumbnail.pk).delete()
    _delete_files_on_commit([name])


def delete_thumbnails(*, kind: str, pk: int) -> None:
    """Remove every thumbnail of an object, e.g. after its image was replaced.

    Files are deleted once the caller's transaction commits.
    """
    field = SOURCE_FIELDS[parse_thumbnail_kind(kind)]
    rows = Thumbnail.objects.filter(**{field + "_id": pk})
    names = list(rows.values_list("image", flat=True))
    rows.delete()
    _delete_files_on_commit(names)


def _effective_format(requested: ThumbnailFormat) -> ThumbnailFormat:
    if requested == ThumbnailFormat.AVIF and not is_avif_supported():
        return ThumbnailFormat.WEBP
    return requested


def _insert(
    lookup: dict[str, object], *, stored_name: str, source_name: str
) -> Thumbnail | None:
    try:
        with transaction.atomic():
            return Thumbnail.objects.create(
                **lookup, image=stored_name, source_name=source_name
            )
    except IntegrityError:
        # Another request stored the same thumbnail first; keep theirs. (None when
        # instead the source object was deleted meanwhile.)
        _delete_files_on_commit([stored_name])
        return Thumbnail.objects.filter(**lookup).first()


def _replace(
    existing: Thumbnail,
    lookup: dict[str, object],
    *,
    stored_name: str,
    source_name: str,
) -> Thumbnail | None:
    """Point a thumbnail made from a since-replaced image at a fresh copy."""
    old_name = existing.file_name
    updated = Thumbnail.objects.filter(
        pk=existing.pk, source_name=existing.source_name
    ).update(image=stored_name, source_name=source_name)
    if updated:
        _delete_files_on_commit([old_name])
        existing.image.name = stored_name
        existing.source_name = source_name
        return existing
    # Another request refreshed or deleted the row meanwhile.
    refreshed = Thumbnail.objects.filter(pk=existing.pk).first()
    if refreshed is None:
        return _insert(lookup, stored_name=stored_name, source_name=source_name)
    _delete_files_on_commit([stored_name])
    return refreshed


def _generate(
    *,
    kind: str,
    pk: int,
    source_name: str,
    size: int,
    thumbnail_format: ThumbnailFormat,
) -> str:
    """Render the thumbnail and save it to the default storage; return its name."""
    try:
        with default_storage.open(source_name, "rb") as source:
            data, pillow_format = _render(source.read(), size, thumbnail_format)
    except FileNotFoundError:
        raise ThumbnailError(
            ThumbnailErrorCode.INVALID_IMAGE, "The image file is missing from storage."
        ) from None
    digest = hashlib.sha256(source_name.encode()).hexdigest()[:12]
    extension = _EXTENSIONS[pillow_format]
    name = f"thumbnails/{kind.lower()}/{pk}/{digest}-{size}.{extension}"
    return default_storage.save(name, ContentFile(data))


_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
    "AVIF": {"quality": 60},
}


def _render(
    data: bytes, size: int, thumbnail_format: ThumbnailFormat
) -> tuple[bytes, str]:
    """Fit an encoded image into ``size`` and re-encode it; return bytes and format."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            pillow_format = _output_format(thumbnail_format, source.format or "PNG")
            source.draft("RGB", (size, size))  # JPEG only: decode at reduced scale.
            image = ImageOps.exif_transpose(source)
        if image.mode not in ("RGB", "RGBA", "L") or pillow_format == "JPEG":
            has_alpha = image.has_transparency_data and pillow_format != "JPEG"
            image = image.convert("RGBA" if has_alpha else "RGB")
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        output = io.BytesIO()
        image.save(output, format=pillow_format, **_SAVE_OPTIONS.get(pillow_format, {}))
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
    ) as exc:
        logger.warning("Cannot thumbnail image: %s", exc)
        raise ThumbnailError(
            ThumbnailErrorCode.INVALID_IMAGE, "The stored image cannot be read."
        ) from exc
    return output.getvalue(), pillow_format


def _output_format(thumbnail_format: ThumbnailFormat, source_format: str) -> str:
    if thumbnail_format == ThumbnailFormat.WEBP:
        return "WEBP"
    if thumbnail_format == ThumbnailFormat.AVIF:
        return "AVIF"
    output = _ORIGINAL_OUTPUT_FORMATS.get(source_format, "PNG")
    if output == "AVIF" and not is_avif_supported():
        return "WEBP"
    return output


def _delete_files_on_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Cannot delete thumbnail file %s", name, exc_info=True)

    transaction.on_commit(delete)
