"""Writes of the public and private metadata of any object that carries them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.models import ModelWithMetadata
from mercato.core.permissions import Actor
from mercato.core.slugs import has_nul

NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
INVALID = "INVALID"


def _lock(model: type[ModelWithMetadata], pk: int) -> ModelWithMetadata:
    found = model._default_manager.select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.one("id", NOT_FOUND, "The object does not exist.")
    return found


def _field(private: bool) -> str:
    return "private_metadata" if private else "metadata"


def update_metadata(
    *,
    actor: Actor,
    model: type[ModelWithMetadata],
    pk: int,
    items: Sequence[tuple[str, str]],
    private: bool = False,
) -> ModelWithMetadata:
    """Set the given keys of an object's (private) metadata; locks the object row."""
    errors = ErrorCollector()
    if any(not key.strip() for key, _ in items):
        errors.add("input", REQUIRED, "Metadata keys cannot be empty.")
    if has_nul(dict(items)):
        errors.add("input", INVALID, "Metadata cannot contain NUL characters.")
    errors.raise_if_any()
    with transaction.atomic():
        instance = _lock(model, pk)
        name = _field(private)
        data = dict(getattr(instance, name) or {})
        data.update({key.strip(): value for key, value in items})
        setattr(instance, name, data)
        instance.save(update_fields=[name])
    return instance


def delete_metadata(
    *,
    actor: Actor,
    model: type[ModelWithMetadata],
    pk: int,
    keys: Sequence[str],
    private: bool = False,
) -> ModelWithMetadata:
    """Remove the given keys (missing ones are ignored); locks the object row."""
    if has_nul(list(keys)):
        raise ValidationFailed.one("keys", INVALID, "Keys cannot contain NUL.")
    with transaction.atomic():
        instance = _lock(model, pk)
        name = _field(private)
        data = dict(getattr(instance, name) or {})
        for key in keys:
            data.pop(key.strip(), None)
        setattr(instance, name, data)
        instance.save(update_fields=[name])
    return instance
