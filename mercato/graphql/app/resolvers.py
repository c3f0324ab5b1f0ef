from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from mercato.app import services
from mercato.app.models import App, AppToken
from mercato.core.permissions import Permission
from mercato.graphql.account.auth import permission_display
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import Loader, get_loader
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import decode_id, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any

query = QueryType()
mutations = ObjectType("Mutation")
app_type = ObjectType("App")
token_type = ObjectType("AppToken")


@query.field("apps")
@require_any(Permission.MANAGE_APPS)
def resolve_apps(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, str] | None = None,
    **page: Any,
) -> Connection:
    apps = App.objects.all()
    filter = filter or {}
    if filter.get("search"):
        apps = apps.filter(name__icontains=filter["search"])
    if filter.get("is_active") is not None:
        apps = apps.filter(is_active=filter["is_active"])
    if filter.get("type"):
        apps = apps.filter(type=filter["type"])
    descending = bool(sort_by and sort_by["direction"] == "DESC")
    field = "created_at" if sort_by and sort_by["field"] == "CREATION_DATE" else "name"
    return connection_from_queryset(
        apps, page, keys=[(field, descending), ("pk", descending)], name="apps"
    )


@query.field("app")
def resolve_app(_: None, info: GraphQLResolveInfo, id: str | None = None) -> App | None:
    actor = actor_of(info)
    if id is None:
        if actor.app_id is None:
            raise PermissionDenied()
        return App.objects.filter(pk=actor.app_id).first()
    pk = decode_id(id, "App")
    if pk != actor.app_id and not actor.has_permissions(Permission.MANAGE_APPS):
        raise PermissionDenied([Permission.MANAGE_APPS.value])
    return App.objects.filter(pk=pk).first()


@mutations.field("appCreate")
@require_any(Permission.MANAGE_APPS)
@mutation("app_errors")
def resolve_app_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    app, raw = services.create_app(
        actor=actor_of(info),
        name=input.get("name"),
        identifier=input.get("identifier"),
        permissions=list(input.get("permissions") or []),
    )
    return {"app": app, "auth_token": raw}


@mutations.field("appTokenCreate")
@require_any(Permission.MANAGE_APPS)
@mutation("app_errors")
def resolve_app_token_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    token, raw = services.create_app_token(
        actor=actor_of(info),
        app_id=decode_id(input["app"], "App"),
        name=input.get("name"),
    )
    return {"app_token": token, "auth_token": raw}


@mutations.field("appTokenDelete")
@require_any(Permission.MANAGE_APPS)
@mutation("app_errors")
def resolve_app_token_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    token = services.delete_app_token(
        actor=actor_of(info), token_id=decode_id(id, "AppToken")
    )
    return {"app_token": token}


@app_type.field("id")
def resolve_app_id(root: App, info: GraphQLResolveInfo) -> str:
    return to_global_id("App", root.pk)


@app_type.field("created")
def resolve_created(root: App, info: GraphQLResolveInfo) -> Any:
    return root.created_at


@app_type.field("permissions")
def resolve_permissions(root: App, info: GraphQLResolveInfo) -> list[dict[str, str]]:
    return [permission_display(code) for code in root.permissions]


class TokensByAppLoader(Loader[int, list[AppToken]]):
    def default(self) -> list[AppToken]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[AppToken]]:
        grouped: dict[int, list[AppToken]] = {}
        for token in AppToken.objects.filter(app_id__in=keys).order_by("pk"):
            grouped.setdefault(token.app_id, []).append(token)
        return grouped


@app_type.field("tokens")
@require_any(Permission.MANAGE_APPS)
def resolve_tokens(root: App, info: GraphQLResolveInfo) -> list[AppToken]:
    return (
        get_loader(info.context, TokensByAppLoader).load_for(root, lambda a: a.pk) or []
    )


@token_type.field("id")
def resolve_token_id(root: AppToken, info: GraphQLResolveInfo) -> str:
    return to_global_id("AppToken", root.pk)


@token_type.field("authToken")
def resolve_masked_token(root: AppToken, info: GraphQLResolveInfo) -> str:
    return root.token_last_4


bind_metadata(app_type, Permission.MANAGE_APPS)

bindables = [query, mutations, app_type, token_type]
