"""Reads of users, staff members and permission groups."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from mercato.account.models import PermissionGroup, User
from mercato.core.permissions import Permission


@dataclass(frozen=True)
class UserFilter:
    """Filters of ``staffUsers`` and ``customers``; None means no condition."""

    search: str | None = None
    ids: Sequence[int] | None = None
    is_active: bool | None = None
    date_joined_gte: datetime.date | None = None
    date_joined_lte: datetime.date | None = None
    updated_at_gte: datetime.datetime | None = None
    updated_at_lte: datetime.datetime | None = None
    metadata: Sequence[tuple[str, str | None]] = field(default_factory=tuple)


def _search_q(search: str) -> Q:
    condition = Q()
    for word in search.replace("\x00", "").split():
        condition &= (
            Q(email__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    return condition


def _user_filter_q(spec: UserFilter) -> Q:
    condition = Q()
    if spec.search:
        condition &= _search_q(spec.search)
    if spec.ids is not None:
        condition &= Q(pk__in=spec.ids)
    if spec.is_active is not None:
        condition &= Q(is_active=spec.is_active)
    if spec.date_joined_gte is not None:
        condition &= Q(date_joined__date__gte=spec.date_joined_gte)
    if spec.date_joined_lte is not None:
        condition &= Q(date_joined__date__lte=spec.date_joined_lte)
    if spec.updated_at_gte is not None:
        condition &= Q(updated_at__gte=spec.updated_at_gte)
    if spec.updated_at_lte is not None:
        condition &= Q(updated_at__lte=spec.updated_at_lte)
    for key, value in spec.metadata:
        if "\x00" in key + (value or ""):
            condition &= Q(pk__in=[])  # no stored metadata holds NUL
            continue
        condition &= (
            Q(metadata__has_key=key)
            if value is None
            else Q(metadata__contains={key: value})
        )
    return condition


@dataclass(frozen=True)
class UserWhere:
    """One level of ``customers(where: ...)``: its conditions all hold, and so do
    every clause of ``all_of`` and at least one of ``any_of`` (when given)."""

    ids: Sequence[int] | None = None
    emails: Sequence[str] | None = None
    first_names: Sequence[str] | None = None
    last_names: Sequence[str] | None = None
    is_active: bool | None = None
    date_joined: tuple[datetime.datetime | None, datetime.datetime | None] = (
        None,
        None,
    )
    updated_at: tuple[datetime.datetime | None, datetime.datetime | None] = (
        None,
        None,
    )
    all_of: Sequence[UserWhere] = ()
    any_of: Sequence[UserWhere] = ()


def _range_q(name: str, bounds: tuple[Any, Any]) -> Q:
    condition = Q()
    if bounds[0] is not None:
        condition &= Q(**{f"{name}__gte": bounds[0]})
    if bounds[1] is not None:
        condition &= Q(**{f"{name}__lte": bounds[1]})
    return condition


def user_where_q(where: UserWhere) -> Q:
    condition = Q()
    emails = [e.strip().lower() for e in where.emails or []]
    for name, values in (
        ("pk", where.ids),
        ("email", emails if where.emails is not None else None),
        ("first_name", where.first_names),
        ("last_name", where.last_names),
    ):
        if values is not None:
            # Text with NUL cannot be stored, so it matches nothing.
            kept = [v for v in values if not (isinstance(v, str) and "\x00" in v)]
            condition &= Q(**{f"{name}__in": kept})
    if where.is_active is not None:
        condition &= Q(is_active=where.is_active)
    condition &= _range_q("date_joined", where.date_joined)
    condition &= _range_q("updated_at", where.updated_at)
    for clause in where.all_of:
        condition &= user_where_q(clause)
    if where.any_of:
        alternatives = Q(pk__in=[])
        for clause in where.any_of:
            alternatives |= user_where_q(clause)
        condition &= alternatives
    return condition


def _users() -> QuerySet[User]:
    return User.objects.select_related(
        "default_shipping_address", "default_billing_address"
    )


def list_staff(spec: UserFilter) -> QuerySet[User]:
    return _users().filter(Q(is_staff=True) & _user_filter_q(spec))


def list_customers(spec: UserFilter, where: UserWhere | None = None) -> QuerySet[User]:
    condition = Q(is_staff=False) & _user_filter_q(spec)
    if where is not None:
        condition &= user_where_q(where)
    return _users().filter(condition)


def find_user(
    *,
    pk: int | None = None,
    email: str | None = None,
    external_reference: str | None = None,
) -> User | None:
    """The user with the given ID, email or external reference (one is given)."""
    users = User.objects.all()
    if "\x00" in (email or "") + (external_reference or ""):
        return None
    if pk is not None:
        return users.filter(pk=pk).first()
    if email is not None:
        return users.filter(email=email.strip().lower()).first()
    return users.filter(external_reference=external_reference).first()


def list_permission_groups(
    *, search: str | None = None, ids: Sequence[int] | None = None
) -> QuerySet[PermissionGroup]:
    groups = PermissionGroup.objects.all()
    if search:
        groups = groups.filter(name__icontains=search.replace("\x00", "").strip())
    if ids is not None:
        groups = groups.filter(pk__in=ids)
    return groups


def is_restricted_to_channels(user: User, groups: Sequence[PermissionGroup]) -> bool:
    """A user is limited to some channels when every group of theirs is limited."""
    if user.is_superuser:
        return False
    return all(group.restricted_access_to_channels for group in groups)


def permissions_from_groups(
    user: User, groups: Sequence[PermissionGroup]
) -> frozenset[Permission]:
    """What ``permissions_of`` answers, from groups already loaded."""
    if not user.is_active or not user.is_staff:
        return frozenset()
    if user.is_superuser:
        return frozenset(Permission)
    codes = {code for group in groups for code in group.permissions}
    return frozenset(Permission(c) for c in codes if c in Permission.__members__)
