"""Writes of permission groups, staff members and customers.

Every service owns its transaction and validates everything before it writes; a
mistake is a ``ValidationFailed`` with Saleor's error codes (``AccountErrorCode`` for
staff and customers, ``PermissionGroupErrorCode`` for groups). Errors about listed
objects carry their primary keys in ``extra`` (``users``, ``groups``, ``channels``);
the API layer turns them into global IDs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model

from mercato.account.addresses import validate_address
from mercato.account.auth import permissions_of
from mercato.account.models import Address, PermissionGroup, RefreshToken, User
from mercato.account.queries import is_restricted_to_channels
from mercato.channel.models import Channel
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


def _fetch(model: type[Model], type_name: str, pks: Iterable[int]) -> dict[int, Any]:
    wanted = set(pks)
    if not wanted:
        return {}
    found = {obj.pk: obj for obj in model._default_manager.filter(pk__in=wanted)}
    if wanted - set(found):
        raise ObjectsNotFound(type_name, wanted - set(found))
    return found


def _check_overlap(
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


def _clean_email(errors: ErrorCollector, email: str | None, user_pk: int | None) -> str:
    value = (email or "").strip().lower()
    if not value:
        errors.add("email", REQUIRED, "An email address is required.")
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


def _acting_user(actor: Actor) -> User | None:
    if actor.user_id is None:
        return None
    return User.objects.filter(pk=actor.user_id).first()


def _lock_user(user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise ObjectsNotFound("User", [user_id])
    return user


def _revoke_tokens(user: User) -> None:
    user.rotate_token_key()
    RefreshToken.objects.filter(user=user).update(revoked=True)


def _out_of_scope_users(actor: Actor, users: Iterable[User]) -> list[int]:
    """Users holding a permission the actor lacks: the actor may not manage them."""
    return sorted(u.pk for u in users if not permissions_of(u) <= actor.permissions)


def _manageable_permissions() -> set[str]:
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
def _keeping_permissions_manageable(field: str | None) -> Iterator[None]:
    """Fail the write in the block (the caller's transaction rolls it back) when it
    leaves a permission that no staff manager holds any more."""
    before = _manageable_permissions()
    yield
    lost = sorted(before - _manageable_permissions())
    if lost:
        message = "The change leaves permissions that no staff manager holds."
        extra = {"permissions": lost}
        raise ValidationFailed(
            [FieldError(field, LEFT_NOT_MANAGEABLE_PERMISSION, message, extra)]
        )


def _channel_scope(actor: Actor) -> set[int] | None:
    """The channels the acting user reaches; None when they reach every channel
    (or the actor is not a user)."""
    user = _acting_user(actor)
    if user is None:
        return None
    groups = list(
        PermissionGroup.objects.filter(users=user).prefetch_related("channels")
    )
    if not is_restricted_to_channels(user, groups):
        return None
    return {channel.pk for group in groups for channel in group.channels.all()}


def _check_channel_scope(
    errors: ErrorCollector, actor: Actor, changes: GroupChanges, restricted: bool
) -> None:
    scope = _channel_scope(actor)
    if scope is None:
        return
    if not restricted:
        errors.add(
            "restrictedAccessToChannels",
            OUT_OF_SCOPE_CHANNEL,
            "You can't give access to every channel: yours is limited.",
        )
    for field, ids in (
        ("addChannels", changes.add_channel_ids),
        ("removeChannels", changes.remove_channel_ids),
    ):
        outside = sorted(set(ids) - scope)
        if outside:
            errors.add(
                field,
                OUT_OF_SCOPE_CHANNEL,
                "You can't manage channels you have no access to.",
                channels=outside,
            )


# ---------------------------------------------------------------- groups


def _check_group_name(
    errors: ErrorCollector, name: str | None, group_pk: int | None
) -> None:
    if name is None:
        return
    if not name.strip():
        errors.add("name", REQUIRED, "A permission group needs a name.")
    elif len(name) > 150:
        errors.add("name", INVALID, "The name is longer than 150 characters.")
    elif PermissionGroup.objects.filter(name=name).exclude(pk=group_pk or 0).exists():
        errors.add("name", UNIQUE, "A permission group with this name exists.")


def _check_permission_scope(
    errors: ErrorCollector, actor: Actor, field: str, codes: Sequence[str]
) -> None:
    missing = sorted({c for c in codes if c not in actor.permissions})
    if missing:
        errors.add(
            field,
            OUT_OF_SCOPE_PERMISSION,
            "You can't grant or revoke permissions you don't have.",
            permissions=missing,
        )


def _check_group_users(
    errors: ErrorCollector,
    actor: Actor,
    add: Mapping[int, User],
    remove: Mapping[int, User],
) -> None:
    non_staff = sorted(pk for pk, user in add.items() if not user.is_staff)
    if non_staff:
        errors.add(
            "addUsers",
            "ASSIGN_NON_STAFF_MEMBER",
            "Only staff members can join a permission group.",
            users=non_staff,
        )
    for field, users in (("addUsers", add), ("removeUsers", remove)):
        outside = _out_of_scope_users(actor, users.values())
        if outside:
            errors.add(
                field,
                OUT_OF_SCOPE_USER,
                "You can't manage users with more permissions than yours.",
                users=outside,
            )


@dataclass(frozen=True)
class GroupChanges:
    """What ``permissionGroupCreate``/``permissionGroupUpdate`` change."""

    name: str | None = None
    add_permissions: Sequence[str] = ()
    remove_permissions: Sequence[str] = ()
    add_user_ids: Sequence[int] = ()
    remove_user_ids: Sequence[int] = ()
    add_channel_ids: Sequence[int] = ()
    remove_channel_ids: Sequence[int] = ()
    restricted_access_to_channels: bool | None = None


def _validate_group_changes(
    actor: Actor, changes: GroupChanges, group: PermissionGroup | None
) -> None:
    group_pk = group.pk if group is not None else None
    add_users = _fetch(User, "User", changes.add_user_ids)
    remove_users = _fetch(User, "User", changes.remove_user_ids)
    add_channels = _fetch(Channel, "Channel", changes.add_channel_ids)
    remove_channels = _fetch(Channel, "Channel", changes.remove_channel_ids)
    errors = ErrorCollector()
    _check_group_name(errors, changes.name, group_pk)
    _check_overlap(
        errors,
        ("addPermissions", "removePermissions"),
        changes.add_permissions,
        changes.remove_permissions,
        "permissions",
    )
    _check_overlap(
        errors,
        ("addUsers", "removeUsers"),
        changes.add_user_ids,
        changes.remove_user_ids,
        "users",
    )
    _check_overlap(
        errors,
        ("addChannels", "removeChannels"),
        changes.add_channel_ids,
        changes.remove_channel_ids,
        "channels",
    )
    _check_permission_scope(errors, actor, "addPermissions", changes.add_permissions)
    _check_permission_scope(
        errors, actor, "removePermissions", changes.remove_permissions
    )
    _check_group_users(errors, actor, add_users, remove_users)
    restricted = changes.restricted_access_to_channels
    if restricted is None and group is not None:
        restricted = group.restricted_access_to_channels
    touches_channels = (
        group is None
        or bool(add_channels or remove_channels)
        or changes.restricted_access_to_channels is not None
    )
    if touches_channels:
        _check_channel_scope(errors, actor, changes, bool(restricted))
    errors.raise_if_any()


def _apply_group_changes(group: PermissionGroup, changes: GroupChanges) -> None:
    if changes.name is not None:
        group.name = changes.name
    if changes.restricted_access_to_channels is not None:
        group.restricted_access_to_channels = changes.restricted_access_to_channels
    removed = set(changes.remove_permissions)
    kept = [code for code in group.permissions if code not in removed]
    group.permissions = sorted(set(kept) | set(changes.add_permissions))
    group.save()
    group.users.add(*changes.add_user_ids)
    group.users.remove(*changes.remove_user_ids)
    group.channels.add(*changes.add_channel_ids)
    group.channels.remove(*changes.remove_channel_ids)


def create_permission_group(*, actor: Actor, changes: GroupChanges) -> PermissionGroup:
    """Create a group; the actor may grant only permissions they hold."""
    if changes.name is None:
        raise ValidationFailed.one("name", REQUIRED, "A permission group needs a name.")
    with transaction.atomic():
        _validate_group_changes(actor, changes, None)
        group = PermissionGroup(
            name=changes.name,
            restricted_access_to_channels=bool(changes.restricted_access_to_channels),
        )
        _apply_group_changes(group, changes)
        return group


def lock_permission_group(group_id: int) -> PermissionGroup:
    group = PermissionGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise ObjectsNotFound("Group", [group_id])
    return group


def update_permission_group(
    *, actor: Actor, group_id: int, changes: GroupChanges
) -> PermissionGroup:
    """Change a group's name, permissions, members and channels.

    Locks the group. The actor may change only permissions they hold, members whose
    permissions they hold and channels they reach; no change may leave a permission
    that no staff manager holds.
    """
    with transaction.atomic():
        group = lock_permission_group(group_id)
        _validate_group_changes(actor, changes, group)
        field = "removePermissions" if changes.remove_permissions else "removeUsers"
        with _keeping_permissions_manageable(field):
            _apply_group_changes(group, changes)
        return group


def delete_permission_group(*, actor: Actor, group_id: int) -> PermissionGroup:
    """Delete a group whose permissions the actor holds all of; locks the group."""
    with transaction.atomic():
        group = lock_permission_group(group_id)
        errors = ErrorCollector()
        _check_permission_scope(errors, actor, "id", group.permissions)
        errors.raise_if_any()
        pk = group.pk
        with _keeping_permissions_manageable("id"):
            group.delete()
        group.pk = pk
        return group


# ---------------------------------------------------------------- staff


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


def _set_plain_fields(user: User, changes: UserChanges) -> None:
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


def _check_names(errors: ErrorCollector, changes: UserChanges) -> None:
    keys = [key for key, _ in (*changes.metadata, *changes.private_metadata)]
    if any(not key.strip() for key in keys):
        errors.add("metadata", REQUIRED, "Metadata keys cannot be empty.")
    for name, field in (("first_name", "firstName"), ("last_name", "lastName")):
        value = getattr(changes, name)
        if value is not None and len(value) > 256:
            errors.add(field, INVALID, "The value is longer than 256 characters.")


def _check_groups_in_scope(
    errors: ErrorCollector, actor: Actor, field: str, groups: Iterable[PermissionGroup]
) -> None:
    outside = sorted(
        g.pk for g in groups if not set(g.permissions) <= set(actor.permissions)
    )
    if outside:
        errors.add(
            field,
            OUT_OF_SCOPE_GROUP,
            "You can't manage groups with permissions you don't have.",
            groups=outside,
        )


def create_staff_member(
    *, actor: Actor, changes: UserChanges, add_group_ids: Sequence[int] = ()
) -> User:
    """Create a staff member (without a password) in the given groups."""
    with transaction.atomic():
        groups = _fetch(PermissionGroup, "Group", add_group_ids)
        errors = ErrorCollector()
        email = _clean_email(errors, changes.email, None)
        _check_names(errors, changes)
        _check_groups_in_scope(errors, actor, "addGroups", groups.values())
        errors.raise_if_any()
        user = User(
            email=email, is_staff=True, is_active=changes.is_active is not False
        )
        _set_plain_fields(user, changes)
        user.save()
        for group in groups.values():
            group.users.add(user)
        return user


def _check_staff_target(errors: ErrorCollector, actor: Actor, user: User) -> None:
    if _out_of_scope_users(actor, [user]):
        errors.add(
            "id",
            OUT_OF_SCOPE_USER,
            "You can't manage users with more permissions than yours.",
        )


def _check_deactivation(
    errors: ErrorCollector, actor: Actor, user: User, is_active: bool | None
) -> None:
    if is_active is not False or not user.is_active:
        return
    if user.pk == actor.user_id:
        errors.add(
            "isActive", "DEACTIVATE_OWN_ACCOUNT", "You cannot deactivate yourself."
        )
    elif user.is_superuser:
        acting = _acting_user(actor)
        if acting is None or not acting.is_superuser:
            errors.add(
                "isActive",
                "DEACTIVATE_SUPERUSER_ACCOUNT",
                "Only a superuser can deactivate a superuser.",
            )


def update_staff_member(
    *,
    actor: Actor,
    user_id: int,
    changes: UserChanges,
    add_group_ids: Sequence[int] = (),
    remove_group_ids: Sequence[int] = (),
) -> User:
    """Change a staff member and their groups; locks the user.

    Deactivating a user invalidates every token issued to them.
    """
    with transaction.atomic():
        user = _lock_user(user_id)
        if not user.is_staff:
            raise ObjectsNotFound("User", [user_id])
        add_groups = _fetch(PermissionGroup, "Group", add_group_ids)
        remove_groups = _fetch(PermissionGroup, "Group", remove_group_ids)
        errors = ErrorCollector()
        email = (
            _clean_email(errors, changes.email, user.pk)
            if changes.email is not None
            else user.email
        )
        _check_names(errors, changes)
        _check_staff_target(errors, actor, user)
        _check_deactivation(errors, actor, user, changes.is_active)
        _check_overlap(
            errors,
            ("addGroups", "removeGroups"),
            add_group_ids,
            remove_group_ids,
            "groups",
        )
        _check_groups_in_scope(errors, actor, "addGroups", add_groups.values())
        _check_groups_in_scope(errors, actor, "removeGroups", remove_groups.values())
        errors.raise_if_any()
        user.email = email
        _set_plain_fields(user, changes)
        field = "removeGroups" if changes.is_active is not False else "isActive"
        with _keeping_permissions_manageable(field):
            _set_active(user, changes.is_active)
            user.save()
            for group in add_groups.values():
                group.users.add(user)
            for group in remove_groups.values():
                group.users.remove(user)
        return user


def _set_active(user: User, is_active: bool | None) -> None:
    """Deactivating a user invalidates every token issued to them."""
    if is_active is None:
        return
    if user.is_active and not is_active:
        _revoke_tokens(user)
    user.is_active = is_active


def delete_staff_member(*, actor: Actor, user_id: int) -> User:
    """Delete a staff member; never oneself, a superuser or the last holder of a
    permission among staff managers. Locks the user."""
    with transaction.atomic():
        user = _lock_user(user_id)
        errors = ErrorCollector()
        if user.pk == actor.user_id:
            errors.add(
                "id", "DELETE_OWN_ACCOUNT", "You cannot delete your own account."
            )
        elif user.is_superuser:
            errors.add(
                "id", "DELETE_SUPERUSER_ACCOUNT", "You cannot delete a superuser."
            )
        elif not user.is_staff:
            errors.add(
                "id", "DELETE_NON_STAFF_USER", "This user is not a staff member."
            )
        else:
            _check_staff_target(errors, actor, user)
        errors.raise_if_any()
        with _keeping_permissions_manageable("id"):
            return _delete_user(user)


def _delete_user(user: User) -> User:
    pk = user.pk
    addresses = list(user.addresses.values_list("pk", flat=True))
    user.delete()
    Address.objects.filter(pk__in=addresses).delete()
    user.pk = pk
    return user


# ---------------------------------------------------------------- customers


def _validated_addresses(
    changes: UserChanges,
) -> dict[str, dict[str, str]]:
    """The new default addresses, checked by their country's rules."""
    result: dict[str, dict[str, str]] = {}
    problems = []
    for name, address_type in (
        ("default_shipping_address", "SHIPPING"),
        ("default_billing_address", "BILLING"),
    ):
        data = getattr(changes, name)
        if data is None:
            continue
        try:
            result[name] = validate_address(data, address_type=address_type)
        except ValidationFailed as failed:
            problems.extend(failed.errors)
    if problems:
        raise ValidationFailed(problems)
    return result


def _check_external_reference(
    errors: ErrorCollector, value: str | None, user_pk: int | None
) -> None:
    if not value:
        return
    if len(value) > 250:
        errors.add("externalReference", INVALID, "The value is too long.")
    elif (
        User.objects.filter(external_reference=value).exclude(pk=user_pk or 0).exists()
    ):
        errors.add(
            "externalReference", UNIQUE, "A user with this reference already exists."
        )


def _save_default_addresses(
    user: User, addresses: Mapping[str, dict[str, str]]
) -> None:
    for name, data in addresses.items():
        address = Address.objects.create(**data)
        user.addresses.add(address)
        setattr(user, name, address)
    if addresses:
        user.save(update_fields=[*addresses, "updated_at"])


def create_customer(*, actor: Actor, changes: UserChanges) -> User:
    """Create a customer with optional default shipping and billing addresses."""
    with transaction.atomic():
        errors = ErrorCollector()
        email = _clean_email(errors, changes.email, None)
        _check_names(errors, changes)
        _check_external_reference(errors, changes.external_reference, None)
        errors.raise_if_any()
        addresses = _validated_addresses(changes)
        user = User(email=email, is_active=changes.is_active is not False)
        _set_plain_fields(user, changes)
        user.save()
        _save_default_addresses(user, addresses)
        return user


def update_customer(*, actor: Actor, user_id: int, changes: UserChanges) -> User:
    """Change a customer; new default addresses are added to their address book.

    Locks the user. Deactivating a customer invalidates their tokens.
    """
    with transaction.atomic():
        user = _lock_user(user_id)
        errors = ErrorCollector()
        email = (
            _clean_email(errors, changes.email, user.pk)
            if changes.email is not None
            else user.email
        )
        _check_names(errors, changes)
        _check_external_reference(errors, changes.external_reference, user.pk)
        if user.is_staff:
            _check_staff_target(errors, actor, user)
            _check_deactivation(errors, actor, user, changes.is_active)
        errors.raise_if_any()
        addresses = _validated_addresses(changes)
        user.email = email
        _set_plain_fields(user, changes)
        with _keeping_permissions_manageable("isActive"):
            _set_active(user, changes.is_active)
            user.save()
        _save_default_addresses(user, addresses)
        return user


def delete_customer(*, actor: Actor, user_id: int) -> User:
    """Delete a customer with their addresses; staff accounts are refused."""
    with transaction.atomic():
        user = _lock_user(user_id)
        if user.is_staff:
            raise ValidationFailed.one(
                "id", "DELETE_STAFF_ACCOUNT", "Cannot delete a staff account."
            )
        return _delete_user(user)


# ---------------------------------------------------------------- superuser


def create_superuser(
    *,
    email: str,
    password: str,
    validate: bool = True,
    on_exists: Callable[[User], None] | None = None,
) -> User:
    """Create a superuser (staff, active, confirmed, every permission).

    With ``validate``, the password goes through Django's password validators.
    When the email is taken, ``on_exists`` is called with that user (if given)
    and the user is returned unchanged; otherwise ``UNIQUE`` is raised.
    """
    errors = ErrorCollector()
    existing = User.objects.filter(email=(email or "").strip().lower()).first()
    if existing is not None:
        if on_exists is not None:
            on_exists(existing)
            return existing
        errors.add("email", UNIQUE, "A user with this email already exists.")
        errors.raise_if_any()
    clean = _clean_email(errors, email, None)
    if not password:
        errors.add("password", REQUIRED, "A password is required.")
    elif validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", "INVALID_PASSWORD", message)
    errors.raise_if_any()
    with transaction.atomic():
        return User.objects.create(
            email=clean,
            password=make_password(password),
            is_staff=True,
            is_superuser=True,
            is_active=True,
            is_confirmed=True,
        )
