"""Root query fields of menus."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import attach_batch
from mercato.graphql.core.ids import decode_id
from mercato.graphql.product.filters import metadata_pairs
from mercato.menu.models import Menu, MenuItem
from mercato.menu.queries import filter_menu_items, filter_menus, sort_menus

query = QueryType()


def menu_channel(info: GraphQLResolveInfo, slug: str | None) -> Any:
    """The channel links of menus are shown in.

    Menus themselves belong to no channel, so leaving the channel out is not an error:
    the only active channel is used, and with several, linked collections stay hidden
    from shoppers.
    """
    if slug is not None:
        return channel_from_arg(info, slug)
    try:
        return channel_from_arg(info, None)
    except GraphQLError:
        return None


@query.field("menu")
def resolve_menu(
    _: None,
    info: GraphQLResolveInfo,
    channel: str | None = None,
    id: str | None = None,
    name: str | None = None,
    slug: str | None = None,
) -> Menu | None:
    given = [value for value in (id, name, slug) if value is not None]
    if len(given) != 1:
        raise GraphQLError("Provide exactly one of 'id', 'name' or 'slug'.")
    scope = menu_channel(info, channel)
    menus = Menu.objects.order_by("pk")
    if id is not None:
        menus = menus.filter(pk=decode_id(id, "Menu"))
    elif slug is not None:
        menus = menus.filter(slug=slug)
    else:
        menus = menus.filter(name=name)
    found = menus.first()
    return attach_batch([found], scope)[0] if found else None


@query.field("menus")
def resolve_menus(
    _: None,
    info: GraphQLResolveInfo,
    channel: str | None = None,
    sort_by: dict[str, str] | None = None,
    filter: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    slugs = [*(filter.get("slug") or []), *(filter.get("slugs") or [])]
    menus = filter_menus(
        search=filter.get("search"),
        slugs=slugs or None,
        metadata=metadata_pairs(filter.get("metadata")),
    )
    sort_by = sort_by or {}
    menus, keys = sort_menus(
        menus, sort_by.get("field"), sort_by.get("direction") == "DESC"
    )
    return connection_from_queryset(
        menus, page, keys=keys, name="menus", channel=menu_channel(info, channel)
    )


@query.field("menuItem")
def resolve_menu_item(
    _: None, info: GraphQLResolveInfo, id: str, channel: str | None = None
) -> MenuItem | None:
    pk = decode_id(id, "MenuItem")
    scope = menu_channel(info, channel)
    found = MenuItem.objects.filter(pk=pk).first()
    return attach_batch([found], scope)[0] if found else None


@query.field("menuItems")
def resolve_menu_items(
    _: None,
    info: GraphQLResolveInfo,
    channel: str | None = None,
    sort_by: dict[str, str] | None = None,
    filter: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    items = filter_menu_items(
        search=filter.get("search"), metadata=metadata_pairs(filter.get("metadata"))
    )
    keys: list[tuple[str, bool]] = [("pk", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        keys = [("name", descending), ("pk", descending)]
    return connection_from_queryset(
        items, page, keys=keys, name="menuItems", channel=menu_channel(info, channel)
    )
