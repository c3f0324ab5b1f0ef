"""What the account services share: error codes, lookups, scope checks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Model

from mercato.account.auth import permissions_of
from mercato.account.models import PermissionGroup, RefreshToken, User
from mercato.core.errors import ErrorCollector, FieldError, ValidationFailed
from mercato.core.permissions import Actor, Permission

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
UNIQUE = "UNIQUE"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
OUT_OF_SCOPE_PERMISSION = "OUT_OF_SCOPE_PERMISSION"
OUT_OF_SCOPE_GROUP = "OUT_OF_SCOPE_GROUP"
OUT_OF_SCOPE_USER = "OUT_OF_SCOPE_USER"
OUT_OF_SCOPE_CHANNEL = "OUT_OF_SCOPE_CHANNEL"
LEFT_NOT_MANAGEABLE_PERMISSION = "LEFT_NOT_MANAGEABLE_PERMISSION"


class ObjectsNotFound(Exception):
    """Some of the objects an input names do not exist (a client error on IDs)."""

    def __init__(self, type_name: str, pks: Collection[int]) -> None:
        super().__init__(f"{type_name} not found: {sorted(pks)}")
        self.type_name = type_name
        self.pks = sorted(pks)


# ---------------------------------------------------------------- helpers


def fetch_objects(
    model: type[Model], type_name: str, pks: Iterable[int]
) -> dict[int, Any]:
    wanted = set(pks)
    if not wanted:
        return {}
    found = {obj.pk: obj for obj in model._default_manager.filter(pk__in=wanted)}
    if wanted - set(found):
        raise ObjectsNotFound(type_name, wanted - set(found))
    return found


def check_overlap(
    errors: ErrorCollector,
    fields: tuple[str, str],
    add: Iterable[Any],
    remove: Iterable[Any],
    extra_name: str,
) -> None:
    both = sorted(set(add) & set(remove))
    if both:
        errors.add(
            None,
            DUPLICATED_INPUT_ITEM,
            f"The same items cannot be in both {fields[0]} and {fields[1]}.",
            **{extra_name: both},
        )


def has_nul(value: object) -> bool:
    """PostgreSQL cannot store NUL characters: such text is refused as INVALID."""
    return isinstance(value, str) and "\x00" in value


def check_no_nul(errors: ErrorCollector, values: dict[str, object]) -> None:
    for field, value in values.items():
        if has_nul(value):
            errors.add(field, INVALID, "Text cannot contain NUL characters.")


def clean_email(errors: ErrorCollector, email: str | None, user_pk: int | None) -> str:
    value = (email or "").strip().lower()
    if not value:
        errors.add("email", REQUIRED, "An email address is required.")
        return value
    if has_nul(value):
        errors.add("email", INVALID, "Enter a valid email address.")
        return value
    try:
        validate_email(value)
    except ValidationError:
        errors.add("email", INVALID, "Enter a valid email address.")
        return value
    taken = User.objects.filter(email=value).exclude(pk=user_pk or 0).exists()
    if taken:
        errors.add("email", UNIQUE, "A user with this email already exists.")
    return value


def acting_user(actor: Actor) -> User | None:
    if actor.user_id is None:
        return None
    return User.objects.filter(pk=actor.user_id).first()


def lock_user(user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise ObjectsNotFound("User", [user_id])
    return user


def revoke_tokens(user: User) -> None:
    user.rotate_token_key()
    RefreshToken.objects.filter(user=user).update(revoked=True)


def out_of_scope_users(actor: Actor, users: Iterable[User]) -> list[int]:
    """Users holding a permission the actor lacks: the actor may not manage them."""
    return sorted(u.pk for u in users if not permissions_of(u) <= actor.permissions)


def manageable_permissions() -> set[str]:
    """Permissions some active staff member holding MANAGE_STAFF also holds: the
    ones somebody can still grant and revoke."""
    superusers = User.objects.filter(is_superuser=True, is_active=True, is_staff=True)
    if superusers.exists():
        return {p.value for p in Permission}
    held: dict[int, set[str]] = {}
    links = PermissionGroup.users.through.objects.filter(
        user__is_active=True, user__is_staff=True
    ).values_list("user_id", "permissiongroup__permissions")
    for user_id, codes in links:
        held.setdefault(user_id, set()).update(codes)
    managers = [codes for codes in held.values() if Permission.MANAGE_STAFF in codes]
    return set().union(*managers)


@contextmanager
def keeping_permissions_manageable(field: str | None) -> Iterator[None]:
    """Fail the write in the block (the caller's transaction rolls it back) when it
    leaves a permission that no staff manager holds any more."""
    before = manageable_permissions()
    yield
    lost = sorted(before - manageable_permissions())
    if lost:
        message = "The change leaves permissions that no staff manager holds."
        extra = {"permissions": lost}
        raise ValidationFailed(
            [FieldError(field, LEFT_NOT_MANAGEABLE_PERMISSION, message, extra)]
        )
