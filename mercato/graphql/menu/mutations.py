"""Menu and menu item mutations: a declared permission and one service call each."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.core.translations import Translatable
from mercato.graphql.core.ids import decode_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.core.translate_mutations import translate_resolver
from mercato.menu import services
from mercato.menu.models import MenuItem, MenuItemTranslation
from mercato.menu.services import MenuItemChanges, MenuItemMove

mutations = MutationType()


def _optional_id(value: str | None, type_name: str) -> int | None:
    return decode_id(value, type_name) if value else None


def _item_changes(data: dict[str, Any]) -> MenuItemChanges:
    return MenuItemChanges(
        name=data.get("name"),
        url=data.get("url") or None,
        category_id=_optional_id(data.get("category"), "Category"),
        collection_id=_optional_id(data.get("collection"), "Collection"),
        page_id=_optional_id(data.get("page"), "Page"),
    )


@mutations.field("menuCreate")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    menu = services.create_menu(
        actor=actor_of(info),
        name=input["name"],
        slug=input.get("slug"),
        items=[_item_changes(item) for item in input.get("items") or []],
    )
    return {"menu": menu}


@mutations.field("menuUpdate")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    menu = services.update_menu(
        actor=actor_of(info),
        menu_id=decode_id(id, "Menu"),
        name=input.get("name"),
        slug=input.get("slug"),
    )
    return {"menu": menu}


@mutations.field("menuDelete")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    menu = services.delete_menu(actor=actor_of(info), menu_id=decode_id(id, "Menu"))
    return {"menu": menu}


@mutations.field("menuItemCreate")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_item_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    item = services.create_menu_item(
        actor=actor_of(info),
        menu_id=decode_id(input["menu"], "Menu"),
        parent_id=_optional_id(input.get("parent"), "MenuItem"),
        changes=_item_changes(input),
    )
    return {"menu_item": item}


@mutations.field("menuItemUpdate")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_item_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    item = services.update_menu_item(
        actor=actor_of(info),
        item_id=decode_id(id, "MenuItem"),
        changes=_item_changes(input),
    )
    return {"menu_item": item}


@mutations.field("menuItemDelete")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_item_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    item = services.delete_menu_item(
        actor=actor_of(info), item_id=decode_id(id, "MenuItem")
    )
    return {"menu_item": item}


@mutations.field("menuItemMove")
@require_any(Permission.MANAGE_MENUS)
@mutation("menu_errors")
def resolve_menu_item_move(
    _: None, info: GraphQLResolveInfo, menu: str, moves: list[dict[str, Any]]
) -> dict[str, Any]:
    result = services.move_menu_items(
        actor=actor_of(info),
        menu_id=decode_id(menu, "Menu"),
        moves=[
            MenuItemMove(
                item_id=decode_id(move["item_id"], "MenuItem"),
                parent_id=_optional_id(move.get("parent_id"), "MenuItem"),
                sort_order=move.get("sort_order") or 0,
            )
            for move in moves
        ],
    )
    return {"menu": result}


mutations.set_field(
    "menuItemTranslate",
    translate_resolver(
        Translatable(MenuItem, MenuItemTranslation, "menu_item"),
        "MenuItem",
        "menu_item",
    ),
)

bindables = [mutations]
