"""Creating apps and their tokens, and authenticating them."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction

from mercato.app.models import App, AppToken, hash_token
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor, Permission

TOKEN_LENGTH = 30


def _new_token(app: App, name: str) -> tuple[AppToken, str]:
    raw = secrets.token_urlsafe(TOKEN_LENGTH)[:TOKEN_LENGTH]
    token = AppToken.objects.create(
        app=app, name=name, token_hash=hash_token(raw), token_last_4=raw[-4:]
    )
    return token, raw


def _check_permissions(
    actor: Actor, permissions: Iterable[str], errors: ErrorCollector
) -> list[Permission]:
    """Known permissions that the actor holds; an actor can only give what it has."""
    chosen: list[Permission] = []
    for code in permissions:
        if code not in Permission.__members__:
            errors.add(
                "permissions", "INVALID_PERMISSION", f"Unknown permission {code}."
            )
            continue
        chosen.append(Permission(code))
    missing = [p.value for p in chosen if not actor.has_permissions(p)]
    if missing:
        errors.add(
            "permissions",
            "OUT_OF_SCOPE_PERMISSION",
            "You can't add permissions that you don't have.",
            permissions=missing,
        )
    return chosen


def create_app(
    *, actor: Actor, name: str | None, identifier: str | None, permissions: list[str]
) -> tuple[App, str]:
    """A new active app with a first token; returns the app and the raw token."""
    errors = ErrorCollector()
    if not name or not name.strip():
        errors.add("name", "REQUIRED", "This field is required.")
    elif len(name) > 60:
        errors.add("name", "INVALID", "Ensure this value has at most 60 characters.")
    chosen = _check_permissions(actor, permissions, errors)
    errors.raise_if_any()
    assert name is not None
    with transaction.atomic():
        app = App.objects.create(
            name=name.strip(),
            identifier=identifier or "",
            permissions=sorted(p.value for p in chosen),
        )
        _, raw = _new_token(app, "Default")
    return app, raw


def create_app_token(
    *, actor: Actor, app_id: int, name: str | None
) -> tuple[AppToken, str]:
    """Another token for an app whose permissions the actor holds."""
    app = App.objects.filter(pk=app_id).first()
    if app is None:
        raise ValidationFailed.one("app", "NOT_FOUND", "App not found.")
    if not actor.has_permissions(*(Permission(p) for p in app.permissions)):
        raise ValidationFailed.one(
            "app", "OUT_OF_SCOPE_APP", "You can't manage this app."
        )
    with transaction.atomic():
        return _new_token(app, name or "")


def delete_app_token(*, actor: Actor, token_id: int) -> AppToken:
    token = AppToken.objects.select_related("app").filter(pk=token_id).first()
    if token is None:
        raise ValidationFailed.one("id", "NOT_FOUND", "App token not found.")
    if not actor.has_permissions(*(Permission(p) for p in token.app.permissions)):
        raise ValidationFailed.one(
            "id", "OUT_OF_SCOPE_APP", "You can't manage this app."
        )
    with transaction.atomic():
        token.delete()
    return token


def actor_for_app_token(raw: str) -> Actor | None:
    """The actor of an active app's token, or None when the token is unknown."""
    token = (
        AppToken.objects.select_related("app")
        .filter(token_hash=hash_token(raw), app__is_active=True)
        .first()
    )
    if token is None:
        return None
    return Actor(
        app_id=token.app_id,
        permissions=frozenset(
            Permission(p) for p in token.app.permissions if p in Permission.__members__
        ),
    )
