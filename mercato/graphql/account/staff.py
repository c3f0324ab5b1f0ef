"""Permission groups, staff members and customers: queries, mutations, relations."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import ObjectType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.account import services
from mercato.account.models import PermissionGroup, User
from mercato.account.queries import (
    UserFilter,
    UserWhere,
    find_user,
    is_restricted_to_channels,
    list_customers,
    list_permission_groups,
    list_staff,
    permissions_from_groups,
)
from mercato.channel.models import Channel
from mercato.channel.queries import list_channels
from mercato.core.errors import FieldError, ValidationFailed
from mercato.core.languages import to_stored_code
from mercato.core.permissions import Permission
from mercato.graphql.account.auth import (
    GroupsByUserLoader,
    mutations,
    permission_display,
    query,
)
from mercato.graphql.core.connections import Connection, SortKeys
from mercato.graphql.core.connections import connection_from_queryset as paginate
from mercato.graphql.core.dataloaders import Loader, attach_batch, get_loader
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any

group_type = ObjectType("Group")
user_type = ObjectType("User")

F = TypeVar("F", bound=Callable[..., Any])

_EXTRA_ID_TYPES = {"users": "User", "groups": "Group", "channels": "Channel"}


def _global_extra(error: FieldError) -> FieldError:
    extra = {
        key: [to_global_id(_EXTRA_ID_TYPES[key], pk) for pk in value]
        if key in _EXTRA_ID_TYPES
        else value
        for key, value in error.extra.items()
    }
    return FieldError(error.field, error.code, error.message, extra)


def domain_errors(resolver: F) -> F:
    """Map the services' primary keys in errors to global IDs, and unknown IDs to
    GraphQL errors (as for any ID that resolves to nothing)."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(root, info, **kwargs)
        except ValidationFailed as failed:
            raise ValidationFailed(_global_extra(e) for e in failed.errors) from None
        except services.ObjectsNotFound as exc:
            ids = ", ".join(to_global_id(exc.type_name, pk) for pk in exc.pks)
            raise GraphQLError(f"Couldn't resolve to a node: {ids}") from exc

    return wrapper  # type: ignore[return-value]


def _ids(values: list[str] | None, type_name: str) -> list[int]:
    return decode_ids(values or [], type_name)


# ---------------------------------------------------------------- loaders


class UsersByGroupLoader(Loader[int, list[User]]):
    def default(self) -> list[User]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[User]]:
        links = PermissionGroup.users.through.objects.filter(
            permissiongroup_id__in=keys
        ).select_related(
            "user__default_shipping_address", "user__default_billing_address"
        )
        grouped: dict[int, list[User]] = {}
        for link in links.order_by("user__email"):
            grouped.setdefault(link.permissiongroup_id, []).append(link.user)
        attach_batch([user for users in grouped.values() for user in users])
        return grouped


class ChannelsByGroupLoader(Loader[int, list[Channel]]):
    def default(self) -> list[Channel]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[Channel]]:
        links = PermissionGroup.channels.through.objects.filter(
            permissiongroup_id__in=keys
        ).select_related("channel")
        grouped: dict[int, list[Channel]] = {}
        for link in links.order_by("channel__slug"):
            grouped.setdefault(link.permissiongroup_id, []).append(link.channel)
        return grouped


def _groups_of(user: User, info: GraphQLResolveInfo) -> list[PermissionGroup]:
    loader = get_loader(info.context, GroupsByUserLoader)
    return loader.load_for(user, lambda u: u.pk) or []


# ---------------------------------------------------------------- Group fields


@group_type.field("users")
def resolve_group_users(root: PermissionGroup, info: GraphQLResolveInfo) -> list[User]:
    loader = get_loader(info.context, UsersByGroupLoader)
    return loader.load_for(root, lambda g: g.pk) or []


@group_type.field("userCanManage")
def resolve_user_can_manage(root: PermissionGroup, info: GraphQLResolveInfo) -> bool:
    held = actor_of(info).permissions
    return all(code in held for code in root.permissions)


@group_type.field("accessibleChannels")
def resolve_group_channels(
    root: PermissionGroup, info: GraphQLResolveInfo
) -> list[Channel]:
    if not root.restricted_access_to_channels:
        return list_channels()
    loader = get_loader(info.context, ChannelsByGroupLoader)
    return loader.load_for(root, lambda g: g.pk) or []


# ---------------------------------------------------------------- User fields


@user_type.field("userPermissions")
def resolve_user_permissions(root: User, info: GraphQLResolveInfo) -> list[Any]:
    """Batched over the user's siblings, so that lists of users cost the same
    whatever their length."""
    held = permissions_from_groups(root, _groups_of(root, info))
    return [permission_display(p.value) for p in sorted(held)]


@user_type.field("restrictedAccessToChannels")
def resolve_restricted(root: User, info: GraphQLResolveInfo) -> bool:
    return is_restricted_to_channels(root, _groups_of(root, info))


@user_type.field("accessibleChannels")
def resolve_user_channels(root: User, info: GraphQLResolveInfo) -> list[Channel]:
    groups = _groups_of(root, info)
    if not is_restricted_to_channels(root, groups):
        return list_channels()
    users_loader = get_loader(info.context, GroupsByUserLoader)
    sibling_groups = (
        group
        for user_groups in users_loader.cache.values()
        for group in user_groups
        if group.restricted_access_to_channels
    )
    loader = get_loader(info.context, ChannelsByGroupLoader)
    loader.load_many_keys(group.pk for group in sibling_groups)
    found: dict[int, Channel] = {}
    for group in groups:
        for channel in loader.load(group.pk):
            found.setdefault(channel.pk, channel)
    return sorted(found.values(), key=lambda c: c.slug)


def _all_groups(info: GraphQLResolveInfo) -> list[PermissionGroup]:
    cache: dict[str, Any] = info.context.cache
    if "all_permission_groups" not in cache:
        groups = list(PermissionGroup.objects.order_by("name", "pk"))
        cache["all_permission_groups"] = attach_batch(groups)
    return cache["all_permission_groups"]  # type: ignore[no-any-return]


@user_type.field("editableGroups")
def resolve_editable_groups(
    root: User, info: GraphQLResolveInfo
) -> list[PermissionGroup]:
    """Groups whose permissions the user holds, limited to channels they reach."""
    held = {p.value for p in permissions_from_groups(root, _groups_of(root, info))}
    if not root.is_staff or not root.is_active:
        return []
    candidates = [g for g in _all_groups(info) if set(g.permissions) <= held]
    if not is_restricted_to_channels(root, _groups_of(root, info)):
        return candidates
    reach = {channel.pk for channel in resolve_user_channels(root, info)}
    loader = get_loader(info.context, ChannelsByGroupLoader)
    return [
        group
        for group in candidates
        if group.restricted_access_to_channels
        and {c.pk for c in loader.load_for(group, lambda g: g.pk) or []} <= reach
    ]


# ---------------------------------------------------------------- queries

_USER_SORT_FIELDS = {
    "FIRST_NAME": "first_name",
    "LAST_NAME": "last_name",
    "EMAIL": "email",
    "CREATED_AT": "date_joined",
    "LAST_MODIFIED_AT": "updated_at",
    "RANK": "email",
}


def _user_sort_keys(sort_by: dict[str, str] | None) -> SortKeys:
    if not sort_by:
        return [("email", False), ("pk", False)]
    name = _USER_SORT_FIELDS.get(sort_by["field"])
    if name is None:
        raise GraphQLError(f"Sorting users by {sort_by['field']} is not supported.")
    descending = sort_by["direction"] == "DESC"
    return [(name, descending), ("pk", descending)]


@query.field("permissionGroups")
@require_any(Permission.MANAGE_STAFF)
def resolve_permission_groups(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, str] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    ids = filter.get("ids")
    groups = list_permission_groups(
        search=filter.get("search"),
        ids=decode_ids(ids, "Group") if ids is not None else None,
    )
    descending = (
        bool(sort_by) and sort_by is not None and sort_by["direction"] == "DESC"
    )
    keys = [("name", descending), ("pk", descending)]
    return paginate(groups, page, keys=keys, name="permissionGroups")


@query.field("permissionGroup")
@require_any(Permission.MANAGE_STAFF)
def resolve_permission_group(
    _: None, info: GraphQLResolveInfo, id: str
) -> PermissionGroup | None:
    return PermissionGroup.objects.filter(pk=decode_id(id, "Group")).first()


@query.field("staffUsers")
@require_any(Permission.MANAGE_STAFF)
def resolve_staff_users(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, str] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    status = filter.get("status")
    ids = filter.get("ids")
    spec = UserFilter(
        search=filter.get("search"),
        ids=decode_ids(ids, "User") if ids is not None else None,
        is_active=None if status is None else status == "ACTIVE",
    )
    keys = _user_sort_keys(sort_by)
    return paginate(list_staff(spec), page, keys=keys, name="staffUsers")


def _range(data: dict[str, Any] | None) -> tuple[Any, Any]:
    data = data or {}
    return data.get("gte"), data.get("lte")


MAX_WHERE_DEPTH = 5


def _string_values(data: dict[str, Any] | None) -> list[str] | None:
    if not data:
        return None
    if data.get("eq") is not None:
        return [data["eq"]]
    if data.get("one_of") is not None:
        return list(data["one_of"])
    return None


def _user_where(data: dict[str, Any], depth: int = 0) -> UserWhere:
    """``CustomerWhereInput`` as a domain filter; AND and OR stand alone."""
    if depth > MAX_WHERE_DEPTH:
        raise GraphQLError(f"`where` may nest AND/OR at most {MAX_WHERE_DEPTH} levels.")
    all_of, any_of = data.get("and"), data.get("or")
    if (all_of is not None or any_of is not None) and len(data) > 1:
        raise GraphQLError(
            "Cannot mix 'AND' or 'OR' with other fields at the same level of `where`."
        )
    ids = data.get("ids")
    return UserWhere(
        ids=decode_ids(ids, "User") if ids is not None else None,
        emails=_string_values(data.get("email")),
        first_names=_string_values(data.get("first_name")),
        last_names=_string_values(data.get("last_name")),
        is_active=data.get("is_active"),
        date_joined=_range(data.get("date_joined")),
        updated_at=_range(data.get("updated_at")),
        all_of=[_user_where(c, depth + 1) for c in all_of or []],
        any_of=[_user_where(c, depth + 1) for c in any_of or []],
    )


@query.field("customers")
@require_any(Permission.MANAGE_USERS)
def resolve_customers(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, str] | None = None,
    search: str | None = None,
    where: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    ids = filter.get("ids")
    joined_gte, joined_lte = _range(filter.get("date_joined"))
    updated_gte, updated_lte = _range(filter.get("updated_at"))
    spec = UserFilter(
        search=" ".join(t for t in (search, filter.get("search")) if t) or None,
        ids=decode_ids(ids, "User") if ids is not None else None,
        date_joined_gte=joined_gte,
        date_joined_lte=joined_lte,
        updated_at_gte=updated_gte,
        updated_at_lte=updated_lte,
        metadata=[(m["key"], m.get("value")) for m in filter.get("metadata") or []],
    )
    keys = _user_sort_keys(sort_by)
    customers = list_customers(spec, _user_where(where) if where else None)
    return paginate(customers, page, keys=keys, name="customers")


@query.field("user")
@require_any(Permission.MANAGE_USERS, Permission.MANAGE_STAFF)
def resolve_user(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    email: str | None = None,
    external_reference: str | None = None,
) -> User | None:
    given = [v for v in (id, email, external_reference) if v is not None]
    if len(given) != 1:
        raise GraphQLError(
            "Provide exactly one of 'id', 'email' or 'externalReference'."
        )
    user = find_user(
        pk=decode_id(id, "User") if id is not None else None,
        email=email,
        external_reference=external_reference,
    )
    if user is None:
        return None
    needed = Permission.MANAGE_STAFF if user.is_staff else Permission.MANAGE_USERS
    return user if actor_of(info).has_permissions(needed) else None


# ---------------------------------------------------------------- groups


def _group_changes(input: dict[str, Any]) -> services.GroupChanges:
    return services.GroupChanges(
        name=input.get("name"),
        add_permissions=list(input.get("add_permissions") or []),
        remove_permissions=list(input.get("remove_permissions") or []),
        add_user_ids=_ids(input.get("add_users"), "User"),
        remove_user_ids=_ids(input.get("remove_users"), "User"),
        add_channel_ids=_ids(input.get("add_channels"), "Channel"),
        remove_channel_ids=_ids(input.get("remove_channels"), "Channel"),
        restricted_access_to_channels=input.get("restricted_access_to_channels"),
    )


@mutations.field("permissionGroupCreate")
@require_any(Permission.MANAGE_STAFF)
@mutation("permission_group_errors")
@domain_errors
def resolve_permission_group_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    group = services.create_permission_group(
        actor=actor_of(info), changes=_group_changes(input)
    )
    return {"group": group}


@mutations.field("permissionGroupUpdate")
@require_any(Permission.MANAGE_STAFF)
@mutation("permission_group_errors")
@domain_errors
def resolve_permission_group_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    group = services.update_permission_group(
        actor=actor_of(info),
        group_id=decode_id(id, "Group"),
        changes=_group_changes(input),
    )
    return {"group": group}


@mutations.field("permissionGroupDelete")
@require_any(Permission.MANAGE_STAFF)
@mutation("permission_group_errors")
@domain_errors
def resolve_permission_group_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    group = services.delete_permission_group(
        actor=actor_of(info), group_id=decode_id(id, "Group")
    )
    return {"group": group}


# ---------------------------------------------------------------- staff


def _metadata(items: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    return [(item["key"], item["value"]) for item in items or []]


def _user_changes(input: dict[str, Any]) -> services.UserChanges:
    language = input.get("language_code")
    return services.UserChanges(
        email=input.get("email"),
        first_name=input.get("first_name"),
        last_name=input.get("last_name"),
        is_active=input.get("is_active"),
        is_confirmed=input.get("is_confirmed"),
        note=input.get("note"),
        language_code=to_stored_code(language) if language else None,
        external_reference=input.get("external_reference"),
        default_billing_address=input.get("default_billing_address"),
        default_shipping_address=input.get("default_shipping_address"),
        metadata=_metadata(input.get("metadata")),
        private_metadata=_metadata(input.get("private_metadata")),
        redirect_url=input.get("redirect_url"),
    )


@mutations.field("staffCreate")
@require_any(Permission.MANAGE_STAFF)
@mutation("staff_errors")
@domain_errors
def resolve_staff_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    user = services.create_staff_member(
        actor=actor_of(info),
        changes=_user_changes(input),
        add_group_ids=_ids(input.get("add_groups"), "Group"),
    )
    return {"user": user}


@mutations.field("staffUpdate")
@require_any(Permission.MANAGE_STAFF)
@mutation("staff_errors")
@domain_errors
def resolve_staff_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    user = services.update_staff_member(
        actor=actor_of(info),
        user_id=decode_id(id, "User"),
        changes=_user_changes(input),
        add_group_ids=_ids(input.get("add_groups"), "Group"),
        remove_group_ids=_ids(input.get("remove_groups"), "Group"),
    )
    return {"user": user}


@mutations.field("staffDelete")
@require_any(Permission.MANAGE_STAFF)
@mutation("staff_errors")
@domain_errors
def resolve_staff_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    user = services.delete_staff_member(
        actor=actor_of(info), user_id=decode_id(id, "User")
    )
    return {"user": user}


# ---------------------------------------------------------------- customers


def _customer_pk(id: str | None, external_reference: str | None) -> int:
    if (id is None) == (external_reference is None):
        raise GraphQLError("Provide exactly one of 'id' or 'externalReference'.")
    if id is not None:
        return decode_id(id, "User")
    user = find_user(external_reference=external_reference)
    if user is None:
        raise GraphQLError(
            f"User with externalReference '{external_reference}' does not exist."
        )
    return int(user.pk)


@mutations.field("customerCreate")
@require_any(Permission.MANAGE_USERS)
@mutation("account_errors")
@domain_errors
def resolve_customer_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    user = services.create_customer(actor=actor_of(info), changes=_user_changes(input))
    return {"user": user}


@mutations.field("customerUpdate")
@require_any(Permission.MANAGE_USERS)
@mutation("account_errors")
@domain_errors
def resolve_customer_update(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    user = services.update_customer(
        actor=actor_of(info),
        user_id=_customer_pk(id, external_reference),
        changes=_user_changes(input),
    )
    return {"user": user}


@mutations.field("customerDelete")
@require_any(Permission.MANAGE_USERS)
@mutation("account_errors")
@domain_errors
def resolve_customer_delete(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    user = services.delete_customer(
        actor=actor_of(info), user_id=_customer_pk(id, external_reference)
    )
    return {"user": user}


bindables: list[Any] = [group_type, user_type]
