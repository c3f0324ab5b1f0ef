"""HTTP views that serve thumbnails and stored media files.

``/thumbnail/<global id>/<size>/<format>/`` makes a thumbnail on first request (see
``mercato.thumbnail.services``) and serves its bytes; thumbnail URLs are cacheable
forever because a replaced source image yields a new URL (``?v=``, see
``mercato.graphql.core.images``). ``/media/<path>`` serves stored images so a single
process is enough; a production deployment may serve ``MEDIA_ROOT`` from a CDN instead.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from typing import TypeVar

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseNotFound,
    HttpResponseNotModified,
)
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe
from graphql import GraphQLError

from mercato.graphql.core.ids import from_global_id
from mercato.thumbnail.errors import ThumbnailError, ThumbnailErrorCode
from mercato.thumbnail.models import ThumbnailKind
from mercato.thumbnail.services import (
    content_type_for,
    delete_thumbnail,
    get_or_create_thumbnail,
    read_thumbnail,
)

logger = logging.getLogger(__name__)

THUMBNAIL_CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_CACHE_CONTROL = "public, max-age=86400"
# Only images are served from /media/; other stored files may be private.
# SVG is left out on purpose: served from our origin it could run scripts.
MEDIA_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp", "avif"})
_MAX_SIZE_DIGITS = 6
_MAX_PK = 2**63

_R = TypeVar("_R", bound=HttpResponseBase)


@require_safe
def thumbnail_view(
    request: HttpRequest, global_id: str, size: str, format: str = "original"
) -> HttpResponseBase:
    """Serve the thumbnail of a product media, category or collection image."""
    source = _decode_source_id(global_id)
    if source is None:
        return HttpResponseBadRequest("Invalid object ID.", content_type="text/plain")
    if not (size.isascii() and size.isdigit() and len(size) <= _MAX_SIZE_DIGITS):
        return HttpResponseBadRequest("Invalid image size.", content_type="text/plain")
    if format != format.lower():
        return HttpResponseBadRequest(
            "Invalid image format.", content_type="text/plain"
        )
    kind, pk = source
    for _attempt in range(2):
        try:
            thumbnail = get_or_create_thumbnail(
                kind=kind, pk=pk, size=int(size), format=format
            )
        except ThumbnailError as error:
            return _thumbnail_error_response(error)
        if thumbnail is None:
            return HttpResponseNotFound("No such image.", content_type="text/plain")
        etag = _etag(thumbnail.file_name)
        if _is_not_modified(request, etag):
            return _not_modified(etag, THUMBNAIL_CACHE_CONTROL)
        data = read_thumbnail(thumbnail)
        if data is not None:
            response = HttpResponse(
                data, content_type=content_type_for(thumbnail.file_name)
            )
            return _with_cache_headers(response, etag, THUMBNAIL_CACHE_CONTROL)
        # The file vanished from storage (e.g. cleaned up by hand): make it again.
        delete_thumbnail(thumbnail)
    return HttpResponseNotFound("No such image.", content_type="text/plain")


@require_safe
def media_view(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an image from the default storage, refusing anything outside it."""
    if not _is_safe_media_path(path):
        return HttpResponseNotFound("No such file.", content_type="text/plain")
    try:
        etag = _etag(f"{path}:{default_storage.size(path)}:{_modified_time(path)}")
        if _is_not_modified(request, etag):
            return _not_modified(etag, MEDIA_CACHE_CONTROL)
        file = default_storage.open(path, "rb")
    except (OSError, SuspiciousFileOperation):
        return HttpResponseNotFound("No such file.", content_type="text/plain")
    response = FileResponse(file, content_type=content_type_for(path))
    return _with_cache_headers(response, etag, MEDIA_CACHE_CONTROL)


def _decode_source_id(global_id: str) -> tuple[ThumbnailKind, int] | None:
    try:
        type_name, raw_pk = from_global_id(global_id)
        kind = ThumbnailKind(type_name)
        pk = int(raw_pk)
    except (GraphQLError, ValueError):
        return None
    if not 0 < pk < _MAX_PK:
        return None
    return kind, pk


def _thumbnail_error_response(error: ThumbnailError) -> HttpResponse:
    if error.code == ThumbnailErrorCode.INVALID_IMAGE:
        # The stored source is broken; nothing the client can fix, nothing to serve.
        return HttpResponseNotFound(error.message, content_type="text/plain")
    return HttpResponseBadRequest(error.message, content_type="text/plain")


def _is_safe_media_path(path: str) -> bool:
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return False
    if any(part in ("", ".", "..") for part in path.split("/")):
        return False
    if posixpath.normpath(path) != path:
        return False
    return path.rpartition(".")[2].lower() in MEDIA_EXTENSIONS


def _modified_time(path: str) -> str:
    try:
        return default_storage.get_modified_time(path).isoformat()
    except NotImplementedError:
        return ""


def _etag(value: str) -> str:
    return '"' + hashlib.sha256(value.encode()).hexdigest()[:32] + '"'


def _is_not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.removeprefix("W/") == etag for tag in parse_etags(header))


def _not_modified(etag: str, cache_control: str) -> HttpResponseNotModified:
    return _with_cache_headers(HttpResponseNotModified(), etag, cache_control)


def _with_cache_headers(response: _R, etag: str, cache_control: str) -> _R:
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
