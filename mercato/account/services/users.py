"""What staff and customer writes share: the fields of a user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mercato.account import links
from mercato.account.links import Purpose
from mercato.account.models import Address, User
from mercato.account.services.common import (
    INVALID,
    OUT_OF_SCOPE_USER,
    REQUIRED,
    acting_user,
    check_no_nul,
    out_of_scope_users,
    revoke_tokens,
)
from mercato.core.email import defer_email
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor


@dataclass(frozen=True)
class UserChanges:
    """Fields of a user that staff and customer mutations set; None keeps a value."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_active: bool | None = None
    is_confirmed: bool | None = None
    note: str | None = None
    language_code: str | None = None
    external_reference: str | None = None
    default_billing_address: Mapping[str, Any] | None = None
    default_shipping_address: Mapping[str, Any] | None = None
    metadata: Sequence[tuple[str, str]] = ()
    private_metadata: Sequence[tuple[str, str]] = ()
    #: Where the emailed link to choose a password leads (new users only).
    redirect_url: str | None = None


def set_plain_fields(user: User, changes: UserChanges) -> None:
    if changes.metadata:
        user.metadata = {**user.metadata, **dict(changes.metadata)}
    if changes.private_metadata:
        user.private_metadata = {
            **user.private_metadata,
            **dict(changes.private_metadata),
        }
    for name in ("first_name", "last_name", "note", "language_code"):
        value = getattr(changes, name)
        if value is not None:
            setattr(user, name, value)
    if changes.external_reference is not None:
        user.external_reference = changes.external_reference or None
    if changes.is_confirmed is not None:
        user.is_confirmed = changes.is_confirmed


def check_names(errors: ErrorCollector, changes: UserChanges) -> None:
    """Checks of the plain text fields (names, note, reference, metadata)."""
    keys = [key for key, _ in (*changes.metadata, *changes.private_metadata)]
    if any(not key.strip() for key in keys):
        errors.add("metadata", REQUIRED, "Metadata keys cannot be empty.")
    check_no_nul(
        errors,
        {
            "firstName": changes.first_name,
            "lastName": changes.last_name,
            "note": changes.note,
            "externalReference": changes.external_reference,
            "metadata": " ".join(f"{k} {v}" for k, v in changes.metadata),
            "privateMetadata": " ".join(
                f"{k} {v}" for k, v in changes.private_metadata
            ),
        },
    )
    for name, field in (("first_name", "firstName"), ("last_name", "lastName")):
        value = getattr(changes, name)
        if value is not None and len(value) > 256:
            errors.add(field, INVALID, "The value is longer than 256 characters.")


def check_staff_target(errors: ErrorCollector, actor: Actor, user: User) -> None:
    if out_of_scope_users(actor, [user]):
        errors.add(
            "id",
            OUT_OF_SCOPE_USER,
            "You can't manage users with more permissions than yours.",
        )


def check_deactivation(
    errors: ErrorCollector, actor: Actor, user: User, is_active: bool | None
) -> None:
    if is_active is not False or not user.is_active:
        return
    if user.pk == actor.user_id:
        errors.add(
            "isActive", "DEACTIVATE_OWN_ACCOUNT", "You cannot deactivate yourself."
        )
    elif user.is_superuser:
        acting = acting_user(actor)
        if acting is None or not acting.is_superuser:
            errors.add(
                "isActive",
                "DEACTIVATE_SUPERUSER_ACCOUNT",
                "Only a superuser can deactivate a superuser.",
            )


def set_active(user: User, is_active: bool | None) -> None:
    """Deactivating a user invalidates every token issued to them."""
    if is_active is None:
        return
    if user.is_active and not is_active:
        revoke_tokens(user)
    user.is_active = is_active


def delete_user(user: User) -> User:
    pk = user.pk
    addresses = list(user.addresses.values_list("pk", flat=True))
    user.delete()
    Address.objects.filter(pk__in=addresses).delete()
    user.pk = pk
    return user


def check_redirect_url(errors: ErrorCollector, changes: UserChanges) -> str | None:
    """The checked ``redirect_url``, if one was given."""
    if not changes.redirect_url:
        return None
    try:
        return links.check_redirect_url(changes.redirect_url)
    except ValidationFailed as failed:
        errors.errors.extend(failed.errors)
        return None


def send_set_password_email(user: User, redirect_url: str) -> None:
    """Email ``user`` a link to choose their password; the email is a job deferred
    in the caller's transaction. The link is a password-reset link, so
    ``setPassword`` accepts it."""
    token = links.make_token(Purpose.RESET_PASSWORD, user)
    link = links.build_link(redirect_url, email=user.email, token=token)
    defer_email(
        to=user.email,
        template="password_reset",
        context={"link": link, "email": user.email, "first_name": user.first_name},
    )
