"""Writes of permission groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from mercato.account.models import PermissionGroup, User
from mercato.account.queries import is_restricted_to_channels
from mercato.account.services.common import (
    INVALID,
    OUT_OF_SCOPE_CHANNEL,
    OUT_OF_SCOPE_PERMISSION,
    OUT_OF_SCOPE_USER,
    REQUIRED,
    UNIQUE,
    ObjectsNotFound,
    acting_user,
    check_overlap,
    fetch_objects,
    has_nul,
    keeping_permissions_manageable,
    out_of_scope_users,
)
from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor


def _channel_scope(actor: Actor) -> set[int] | None:
    """The channels the acting user reaches; None when they reach every channel
    (or the actor is not a user)."""
    user = acting_user(actor)
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


def _check_group_name(
    errors: ErrorCollector, name: str | None, group_pk: int | None
) -> None:
    if name is None:
        return
    if not name.strip():
        errors.add("name", REQUIRED, "A permission group needs a name.")
    elif has_nul(name):
        errors.add("name", INVALID, "Text cannot contain NUL characters.")
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
        outside = out_of_scope_users(actor, users.values())
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
    add_users = fetch_objects(User, "User", changes.add_user_ids)
    remove_users = fetch_objects(User, "User", changes.remove_user_ids)
    add_channels = fetch_objects(Channel, "Channel", changes.add_channel_ids)
    remove_channels = fetch_objects(Channel, "Channel", changes.remove_channel_ids)
    errors = ErrorCollector()
    _check_group_name(errors, changes.name, group_pk)
    check_overlap(
        errors,
        ("addPermissions", "removePermissions"),
        changes.add_permissions,
        changes.remove_permissions,
        "permissions",
    )
    check_overlap(
        errors,
        ("addUsers", "removeUsers"),
        changes.add_user_ids,
        changes.remove_user_ids,
        "users",
    )
    check_overlap(
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
        with keeping_permissions_manageable(field):
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
        with keeping_permissions_manageable("id"):
            group.delete()
        group.pk = pk
        return group
