"""Slugs and text limits, checked the same way by the write services of domains."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import slugify

from mercato.core.errors import ErrorCollector

INVALID = "INVALID"
REQUIRED = "REQUIRED"
UNIQUE = "UNIQUE"


def max_length_of(model: type[models.Model], field_name: str) -> int | None:
    field = model._meta.get_field(field_name)
    return getattr(field, "max_length", None)


def check_length(
    errors: ErrorCollector,
    model: type[models.Model],
    values: dict[str, str | None],
) -> None:
    """An ``INVALID`` error for every value longer than its model field allows.

    ``values`` maps API field names (camel case) to their text; the model field has
    the snake-case name.
    """
    for api_name, value in values.items():
        limit = max_length_of(model, _snake(api_name))
        if has_nul(value):
            errors.add(api_name, INVALID, "Text cannot contain NUL characters.")
        elif value is not None and limit is not None and len(value) > limit:
            errors.add(
                api_name, INVALID, f"Ensure this value has at most {limit} characters."
            )


def has_nul(value: Any) -> bool:
    """Whether text (or any string inside a JSON value) holds a NUL character,
    which PostgreSQL cannot store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def is_valid_slug(slug: str) -> bool:
    return bool(slug) and slugify(slug, allow_unicode=True) == slug


def unique_slug(
    model: type[models.Model], text: str, *, exclude_pk: int | None = None
) -> str:
    """A slug made from ``text`` that no other ``model`` row has (``-2``, ``-3``...)."""
    limit = max_length_of(model, "slug") or 255
    base = (slugify(text, allow_unicode=True) or "item")[: limit - 8]
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def check_slug(
    errors: ErrorCollector,
    model: type[models.Model],
    slug: str,
    *,
    exclude_pk: int | None = None,
    field: str = "slug",
) -> None:
    """``INVALID`` for a malformed or too long slug, ``UNIQUE`` for a taken one."""
    limit = max_length_of(model, "slug") or 255
    if not is_valid_slug(slug) or len(slug) > limit:
        errors.add(field, INVALID, f"'{slug}' is not a valid slug.")
        return
    taken = model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists()
    if taken:
        errors.add(field, UNIQUE, f"Slug '{slug}' is already taken.")
