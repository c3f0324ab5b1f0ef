"""Writes of staff members."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from mercato.account.models import PermissionGroup, User
from mercato.account.services.common import (
    OUT_OF_SCOPE_GROUP,
    ObjectsNotFound,
    check_overlap,
    clean_email,
    fetch_objects,
    keeping_permissions_manageable,
    lock_user,
)
from mercato.account.services.users import (
    UserChanges,
    check_deactivation,
    check_names,
    check_redirect_url,
    check_staff_target,
    delete_user,
    send_set_password_email,
    set_active,
    set_plain_fields,
)
from mercato.core.errors import ErrorCollector
from mercato.core.permissions import Actor


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
    """Create a staff member (without a password) in the given groups.

    With ``changes.redirect_url``, they are emailed a link to choose a password.
    """
    with transaction.atomic():
        groups = fetch_objects(PermissionGroup, "Group", add_group_ids)
        errors = ErrorCollector()
        email = clean_email(errors, changes.email, None)
        check_names(errors, changes)
        redirect_url = check_redirect_url(errors, changes)
        _check_groups_in_scope(errors, actor, "addGroups", groups.values())
        errors.raise_if_any()
        user = User(
            email=email, is_staff=True, is_active=changes.is_active is not False
        )
        set_plain_fields(user, changes)
        user.save()
        for group in groups.values():
            group.users.add(user)
        if redirect_url:
            send_set_password_email(user, redirect_url)
        return user


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
        user = lock_user(user_id)
        if not user.is_staff:
            raise ObjectsNotFound("User", [user_id])
        add_groups = fetch_objects(PermissionGroup, "Group", add_group_ids)
        remove_groups = fetch_objects(PermissionGroup, "Group", remove_group_ids)
        errors = ErrorCollector()
        email = (
            clean_email(errors, changes.email, user.pk)
            if changes.email is not None
            else user.email
        )
        check_names(errors, changes)
        check_staff_target(errors, actor, user)
        check_deactivation(errors, actor, user, changes.is_active)
        check_overlap(
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
        set_plain_fields(user, changes)
        field = "removeGroups" if changes.is_active is not False else "isActive"
        with keeping_permissions_manageable(field):
            set_active(user, changes.is_active)
            user.save()
            for group in add_groups.values():
                group.users.add(user)
            for group in remove_groups.values():
                group.users.remove(user)
        return user


def delete_staff_member(*, actor: Actor, user_id: int) -> User:
    """Delete a staff member; never oneself, a superuser or the last holder of a
    permission among staff managers. Locks the user."""
    with transaction.atomic():
        user = lock_user(user_id)
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
            check_staff_target(errors, actor, user)
        errors.raise_if_any()
        with keeping_permissions_manageable("id"):
            return delete_user(user)
