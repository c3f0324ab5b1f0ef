"""Writes of translations: one row per object and language, created or updated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.models import TranslationModel
from mercato.core.permissions import Actor
from mercato.core.slugs import has_nul, is_valid_slug

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
UNIQUE = "UNIQUE"


@dataclass(frozen=True)
class Translatable:
    """A model whose rows get translated, the translation model and the key to it."""

    owner: type[models.Model]
    translation: type[TranslationModel]
    fk: str


def _api_name(field_name: str) -> str:
    head, *rest = field_name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _check(
    target: Translatable, owner_pk: int, language_code: str, values: Mapping[str, Any]
) -> None:
    errors = ErrorCollector()
    for name, value in values.items():
        field = target.translation._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        if has_nul(value):
            errors.add(_api_name(name), INVALID, "Text cannot contain NUL characters.")
        elif isinstance(value, str) and limit is not None and len(value) > limit:
            errors.add(
                _api_name(name),
                INVALID,
                f"Ensure this value has at most {limit} characters.",
            )
    slug = values.get("slug")
    if slug:
        if not is_valid_slug(slug):
            errors.add("slug", INVALID, f"'{slug}' is not a valid slug.")
        elif _slug_taken(target, owner_pk, language_code, slug):
            errors.add("slug", UNIQUE, f"Slug '{slug}' is already taken.")
    errors.raise_if_any()


def _slug_taken(
    target: Translatable, owner_pk: int, language_code: str, slug: str
) -> bool:
    """Whether another object has ``slug`` in its ``language_code`` translation."""
    same: dict[str, Any] = {"language_code": language_code, "slug": slug}
    this: dict[str, Any] = {f"{target.fk}_id": owner_pk}
    rows = target.translation._default_manager.filter(**same).exclude(**this)
    return rows.exists()


def _stored(target: Translatable, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with None replaced by "" for text columns that cannot be null."""
    stored = {}
    for name, value in values.items():
        field = target.translation._meta.get_field(name)
        stored[name] = "" if value is None and not field.null else value
    return stored


def translate(
    *,
    actor: Actor,
    target: Translatable,
    owner_pk: int,
    language_code: str,
    values: Mapping[str, Any],
) -> models.Model:
    """Create or update the ``language_code`` translation of one object.

    ``values`` maps translation model fields to their new text; fields not given
    keep their value. Locks the translated object's row. Returns the object.
    """
    with transaction.atomic():
        owner = target.owner._default_manager.select_for_update().filter(pk=owner_pk)
        found = owner.first()
        if found is None:
            raise ValidationFailed.one("id", NOT_FOUND, "The object does not exist.")
        _check(target, owner_pk, language_code, values)
        lookup: dict[str, Any] = {
            "language_code": language_code,
            f"{target.fk}_id": owner_pk,
        }
        target.translation._default_manager.update_or_create(
            defaults=_stored(target, values), **lookup
        )
    return found
