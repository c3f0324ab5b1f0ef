"""Helpers shared by the catalog services: unset fields, slugs, rich text, images."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.files import File
from django.db import models
from PIL import Image, UnidentifiedImageError

from mercato.core.errors import ErrorCollector
from mercato.core.slugs import has_nul

MAX_IMAGE_BYTES = 10 * 1024 * 1024

T = TypeVar("T")


class Unset(enum.Enum):
    """Marks an input field the caller did not send (as opposed to sending null)."""

    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset.UNSET


def is_set(value: object) -> bool:
    return value is not UNSET


def editorjs_plaintext(document: Any) -> str:
    """The text inside an Editor.js document's blocks, tags removed."""
    if not isinstance(document, dict):
        return ""
    parts: list[str] = []
    for block in document.get("blocks") or []:
        if isinstance(block, dict):
            parts.extend(_strings(block.get("data")))
    text = " ".join(part.strip() for part in parts if part.strip())
    return _strip_tags(text)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _strip_tags(text: str) -> str:
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "<":
            depth += 1
        elif char == ">" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


def check_image(
    errors: ErrorCollector,
    field: str,
    upload: File[Any],
    *,
    invalid_code: str = "UNSUPPORTED_MIME_TYPE",
) -> None:
    """Record an error unless ``upload`` is an image Pillow can read, at most 10 MB."""
    if (upload.size or 0) > MAX_IMAGE_BYTES:
        errors.add(
            field,
            "FILE_SIZE_LIMIT_EXCEEDED",
            f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.",
        )
        return
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        errors.add(field, invalid_code, "The file is not an image that can be read.")
    finally:
        upload.seek(0)


def existing_ids(
    model: type[models.Model], ids: Iterable[int], **filters: Any
) -> set[int]:
    wanted = set(ids)
    if not wanted:
        return set()
    return set(
        model._default_manager.filter(pk__in=wanted, **filters).values_list(
            "pk", flat=True
        )
    )


def check_ids_exist(
    errors: ErrorCollector,
    model: type[models.Model],
    field: str,
    ids: Iterable[int],
    **filters: Any,
) -> None:
    wanted = list(ids)
    missing = set(wanted) - existing_ids(model, wanted, **filters)
    if missing:
        errors.add(
            field,
            "NOT_FOUND",
            f"{model.__name__} not found: {', '.join(map(str, sorted(missing)))}.",
        )


def check_no_duplicates(
    errors: ErrorCollector, field: str, ids: Iterable[object]
) -> None:
    seen: set[object] = set()
    for item in ids:
        if item in seen:
            errors.add(field, "DUPLICATED_INPUT_ITEM", "Items repeat in the input.")
            return
        seen.add(item)


def deleted(instance: T, pk: int) -> T:
    """Give a deleted instance its primary key back, so the API can still name it."""
    instance.pk = pk  # type: ignore[attr-defined]
    return instance


def missing_name(value: object, *, creating: bool) -> bool:
    """Whether a name is blank, or absent when creating (absent on update is fine)."""
    if isinstance(value, str):
        return not value.strip()
    return creating


SEO_AND_NAME = {
    "name": "name",
    "seo_title": "seo",
    "seo_description": "seo",
}


def check_lengths(
    errors: ErrorCollector,
    model: type[models.Model],
    data: object,
    names: dict[str, str],
) -> None:
    """Record an error for each given text longer than its column allows.

    ``names`` maps the attribute of ``data`` (and the model field) to the input
    field reported in the error.
    """
    for attr, input_name in names.items():
        value = getattr(data, attr)
        limit = getattr(model._meta.get_field(attr), "max_length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            errors.add(
                input_name, "INVALID", f"{attr} takes at most {limit} characters."
            )


def check_no_nul(errors: ErrorCollector, data: object) -> None:
    """An ``INVALID`` error per input field whose text holds a NUL character.

    PostgreSQL cannot store NUL, so such input must stop here rather than fail
    in the database. ``data`` is one of the services' input dataclasses.
    """
    for item in dataclasses.fields(data):  # type: ignore[arg-type]
        if _contains_nul(getattr(data, item.name)):
            errors.add(
                _input_name(item.name),
                "INVALID",
                "Text cannot contain NUL characters.",
            )


def _contains_nul(value: object) -> bool:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(
            _contains_nul(getattr(value, item.name))
            for item in dataclasses.fields(value)
        )
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    return has_nul(value)


def _input_name(field_name: str) -> str:
    if field_name.startswith("seo_"):
        return "seo"
    base = field_name.removesuffix("_ids").removesuffix("_id")
    head, *rest = base.split("_")
    return head + "".join(part.title() for part in rest)


MetadataItems = list[tuple[str, str]]


@dataclasses.dataclass
class MetadataFields:
    """Metadata keys to set on an object; existing keys not named stay."""

    metadata: MetadataItems | Unset | None = UNSET
    private_metadata: MetadataItems | Unset | None = UNSET


def check_metadata(errors: ErrorCollector, data: MetadataFields) -> None:
    for attr in ("metadata", "private_metadata"):
        items = getattr(data, attr)
        if isinstance(items, list) and any(not key.strip() for key, _ in items):
            errors.add(_input_name(attr), "REQUIRED", "Metadata keys cannot be empty.")


def apply_metadata(instance: models.Model, data: MetadataFields) -> None:
    for attr in ("metadata", "private_metadata"):
        items = getattr(data, attr)
        if isinstance(items, list):
            setattr(instance, attr, {**getattr(instance, attr), **dict(items)})
