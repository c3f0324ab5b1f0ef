"""Token mutations, ``me`` and the ``User``/``Group`` types."""

from __future__ import annotations

from typing import Any

from ariadne import EnumType, ObjectType, QueryType, ScalarType
from graphql import GraphQLResolveInfo

from mercato.account import auth
from mercato.account.models import Address, PermissionGroup, User
from mercato.core.errors import ValidationFailed
from mercato.core.languages import to_enum_value
from mercato.core.permissions import Permission
from mercato.graphql.core.dataloaders import Loader, attach_batch, get_loader
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.mutations import error_payload, mutation
from mercato.graphql.core.permissions import actor_of

REFRESH_COOKIE = "refreshToken"

query = QueryType()
mutations = ObjectType("Mutation")
user_type = ObjectType("User")
group_type = ObjectType("Group")


def permission_display(code: str) -> dict[str, str]:
    return {"code": code, "name": code.replace("_", " ").capitalize() + "."}


def _client_ip(info: GraphQLResolveInfo) -> str:
    request = info.context.request
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


def _current_user(info: GraphQLResolveInfo) -> User | None:
    actor = actor_of(info)
    if actor.user_id is None:
        return None
    cache: dict[str, Any] = info.context.cache
    if "me" not in cache:
        cache["me"] = User.objects.filter(pk=actor.user_id, is_active=True).first()
    return cache["me"]  # type: ignore[no-any-return]


@query.field("me")
def resolve_me(_: None, info: GraphQLResolveInfo) -> User | None:
    return _current_user(info)


@mutations.field("tokenCreate")
@mutation("account_errors")
def resolve_token_create(
    _: None,
    info: GraphQLResolveInfo,
    email: str,
    password: str,
    audience: str | None = None,
) -> dict[str, Any]:
    issued = auth.create_tokens(email=email, password=password, ip=_client_ip(info))
    info.context.cookies[REFRESH_COOKIE] = issued.refresh
    return {
        "token": issued.access,
        "refresh_token": issued.refresh,
        "csrf_token": issued.csrf,
        "user": issued.user,
    }


@mutations.field("tokenRefresh")
@mutation("account_errors")
def resolve_token_refresh(
    _: None,
    info: GraphQLResolveInfo,
    refresh_token: str | None = None,
    csrf_token: str | None = None,
) -> dict[str, Any]:
    from_cookie = refresh_token is None
    if from_cookie and info.context.request is not None:
        refresh_token = info.context.request.COOKIES.get(REFRESH_COOKIE)
    if not refresh_token:
        raise ValidationFailed.one(
            "refreshToken", "JWT_MISSING_TOKEN", "Missing refreshToken"
        )
    issued = auth.refresh_tokens(
        refresh_token=refresh_token, csrf_token=csrf_token, from_cookie=from_cookie
    )
    info.context.cookies[REFRESH_COOKIE] = issued.refresh
    return {"token": issued.access, "user": issued.user}


@mutations.field("tokenVerify")
@mutation("account_errors")
def resolve_token_verify(
    _: None, info: GraphQLResolveInfo, token: str
) -> dict[str, Any]:
    try:
        user, payload = auth.verify_token(token)
    except ValidationFailed as failed:
        return {"is_valid": False, "errors": [error_payload(e) for e in failed.errors]}
    return {"is_valid": True, "user": user, "payload": payload}


@mutations.field("tokensDeactivateAll")
@mutation("account_errors")
def resolve_tokens_deactivate_all(_: None, info: GraphQLResolveInfo) -> dict[str, Any]:
    user = _current_user(info)
    if user is None:
        raise PermissionDenied()
    auth.deactivate_all_tokens(user=user)
    return {}


# ---------------------------------------------------------------- types


@user_type.field("id")
def resolve_user_id(root: User, info: GraphQLResolveInfo) -> str:
    return to_global_id("User", root.pk)


@user_type.field("languageCode")
def resolve_language_code(root: User, info: GraphQLResolveInfo) -> str:
    return to_enum_value(root.language_code)


class AddressesByUserLoader(Loader[int, list[Address]]):
    def default(self) -> list[Address]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[Address]]:
        links = User.addresses.through.objects.filter(user_id__in=keys).select_related(
            "address"
        )
        grouped: dict[int, list[Address]] = {}
        for link in links.order_by("address_id"):
            grouped.setdefault(link.user_id, []).append(link.address)
        attach_batch([a for book in grouped.values() for a in book])
        return grouped


class GroupsByUserLoader(Loader[int, list[PermissionGroup]]):
    def default(self) -> list[PermissionGroup]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[PermissionGroup]]:
        links = PermissionGroup.users.through.objects.filter(
            user_id__in=keys
        ).select_related("permissiongroup")
        grouped: dict[int, list[PermissionGroup]] = {}
        for link in links.order_by("permissiongroup__name"):
            grouped.setdefault(link.user_id, []).append(link.permissiongroup)
        return grouped


@user_type.field("addresses")
def resolve_addresses(root: User, info: GraphQLResolveInfo) -> list[Address]:
    return (
        get_loader(info.context, AddressesByUserLoader).load_for(root, lambda u: u.pk)
        or []
    )


@user_type.field("note")
def resolve_note(root: User, info: GraphQLResolveInfo) -> str | None:
    actor = actor_of(info)
    if actor.has_any_permission(Permission.MANAGE_USERS, Permission.MANAGE_STAFF):
        return root.note
    return None


@user_type.field("permissionGroups")
def resolve_permission_groups(root: User, info: GraphQLResolveInfo) -> list[Any]:
    loader = get_loader(info.context, GroupsByUserLoader)
    return loader.load_for(root, lambda u: u.pk) or []


@group_type.field("id")
def resolve_group_id(root: PermissionGroup, info: GraphQLResolveInfo) -> str:
    return to_global_id("Group", root.pk)


@group_type.field("permissions")
def resolve_group_permissions(
    root: PermissionGroup, info: GraphQLResolveInfo
) -> list[dict[str, str]]:
    return [permission_display(code) for code in sorted(root.permissions)]


bind_metadata(user_type, Permission.MANAGE_USERS)

generic_scalar = ScalarType("GenericScalar")

bindables: list[Any] = [
    query,
    mutations,
    user_type,
    group_type,
    generic_scalar,
    EnumType("PermissionEnum", {p.value: p.value for p in Permission}),
]
