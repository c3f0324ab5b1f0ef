"""Absolute URLs of images and their thumbnails, as the API returns them.

Building a URL never touches the database: the thumbnail itself is made by the
``/thumbnail/`` view on first request. Resolvers of ``Product.thumbnail``,
``ProductMedia.url``, ``Category.backgroundImage`` and ``Collection.backgroundImage``
call ``image_url`` / ``image`` with ``kind`` one of ``"ProductMedia"``, ``"Category"``,
``"Collection"``.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from django.core.files.storage import default_storage
from django.urls import get_script_prefix
from graphql import GraphQLResolveInfo

from mercato.graphql.core.ids import to_global_id
from mercato.thumbnail.models import ThumbnailFormat, ThumbnailKind
from mercato.thumbnail.services import snap_thumbnail_size

_ORIGIN_CACHE_KEY = "images.origin"


def image_url(
    info: GraphQLResolveInfo,
    *,
    kind: str,
    pk: int,
    stored_name: str,
    size: int | None,
    format: str | None,
) -> str:
    """The absolute URL of a stored image, or of its thumbnail when ``size`` is given.

    ``size`` None or 0 means the original file; other sizes snap up to the next
    generated size (32 ... 4096; negative sizes give the smallest). ``format`` is a
    ``ThumbnailFormatEnum`` value (``"WEBP"``, ``"AVIF"``, ``"ORIGINAL"``) or None.
    Thumbnail URLs end in ``?v=<hash of the stored name>`` so that a replaced image gets
    a new URL and clients may cache each one forever.
    """
    if not size:
        return _absolute(info, default_storage.url(stored_name))
    return _absolute(info, _thumbnail_path(kind, pk, stored_name, size, format))


@lru_cache(maxsize=8192)
def _thumbnail_path(
    kind: str, pk: int, stored_name: str, size: int, format: str | None
) -> str:
    """The root-relative thumbnail URL; a pure function, so remembered (product
    lists ask for the same thumbnails on every request)."""
    kind_name = ThumbnailKind(kind).value
    format_name = ThumbnailFormat((format or ThumbnailFormat.ORIGINAL).lower()).value
    version = hashlib.sha256(stored_name.encode()).hexdigest()[:8]
    return (
        f"{get_script_prefix()}thumbnail/{to_global_id(kind_name, pk)}/"
        f"{snap_thumbnail_size(max(size, 1))}/{format_name}/?v={version}"
    )


def image(
    info: GraphQLResolveInfo,
    *,
    kind: str,
    pk: int,
    stored_name: str | None,
    alt: str | None,
    size: int | None,
    format: str | None,
) -> dict[str, Any] | None:
    """The API's ``Image`` (``url`` and ``alt``), or None without a stored image."""
    if not stored_name:
        return None
    url = image_url(
        info, kind=kind, pk=pk, stored_name=stored_name, size=size, format=format
    )
    return {"url": url, "alt": alt}


def _absolute(info: GraphQLResolveInfo, url: str) -> str:
    """Prefix a root-relative URL with the request's scheme and host."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    origin = _origin(info)
    return origin + url if origin else url


def _origin(info: GraphQLResolveInfo) -> str:
    """``scheme://host`` of the current request, computed once per request."""
    context = info.context
    cache: dict[str, Any] | None = getattr(context, "cache", None)
    if cache is not None and _ORIGIN_CACHE_KEY in cache:
        return str(cache[_ORIGIN_CACHE_KEY])
    request = getattr(context, "request", None)
    origin = request.build_absolute_uri("/")[:-1] if request is not None else ""
    if cache is not None:
        cache[_ORIGIN_CACHE_KEY] = origin
    return origin
