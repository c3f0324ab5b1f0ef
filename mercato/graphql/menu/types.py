"""Object types of menus.

Items are served from the in-memory tree of their menu (``MenuTreeLoader``): a whole
menu, however deep, costs one query, plus one per kind of link asked for.
"""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.dataloaders import channel_of, get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.translations import bind_translation
from mercato.graphql.menu.loaders import (
    MenuByIdLoader,
    MenuTreeLoader,
    VisibleCollectionByIdLoader,
)
from mercato.graphql.page.loaders import VisiblePageByIdLoader
from mercato.graphql.product.loaders import CategoryByIdLoader
from mercato.menu.models import Menu, MenuItem, MenuItemTranslation
from mercato.menu.queries import MenuTree

menu = ObjectType("Menu")
menu_item = ObjectType("MenuItem")
menu_item_translation = ObjectType("MenuItemTranslation")


def _tree(info: GraphQLResolveInfo, root: Any, menu_id_of: Any) -> MenuTree:
    loader = get_loader(info.context, MenuTreeLoader, channel_of(root))
    return loader.load_for(root, menu_id_of) or MenuTree()


@menu.field("id")
def resolve_menu_id(root: Menu, info: GraphQLResolveInfo) -> str:
    return to_global_id("Menu", root.pk)


@menu.field("items")
def resolve_items(root: Menu, info: GraphQLResolveInfo) -> list[MenuItem]:
    return _tree(info, root, lambda m: m.pk).roots


# ---------------------------------------------------------------- MenuItem


@menu_item.field("id")
def resolve_item_id(root: MenuItem, info: GraphQLResolveInfo) -> str:
    return to_global_id("MenuItem", root.pk)


@menu_item.field("menu")
def resolve_item_menu(root: MenuItem, info: GraphQLResolveInfo) -> Menu | None:
    loader = get_loader(info.context, MenuByIdLoader, channel_of(root))
    return loader.load_for(root, lambda i: i.menu_id)


@menu_item.field("parent")
def resolve_parent(root: MenuItem, info: GraphQLResolveInfo) -> MenuItem | None:
    if root.parent_id is None:
        return None
    return _tree(info, root, lambda i: i.menu_id).by_id.get(root.parent_id)


@menu_item.field("children")
def resolve_children(root: MenuItem, info: GraphQLResolveInfo) -> list[MenuItem]:
    return _tree(info, root, lambda i: i.menu_id).children.get(root.pk, [])


@menu_item.field("category")
def resolve_category(root: MenuItem, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, CategoryByIdLoader).load_for(
        root, lambda i: i.category_id
    )


@menu_item.field("collection")
def resolve_collection(root: MenuItem, info: GraphQLResolveInfo) -> Any:
    loader = get_loader(info.context, VisibleCollectionByIdLoader, channel_of(root))
    return loader.load_for(root, lambda i: i.collection_id)


@menu_item.field("page")
def resolve_page(root: MenuItem, info: GraphQLResolveInfo) -> Any:
    loader = get_loader(info.context, VisiblePageByIdLoader, channel_of(root))
    return loader.load_for(root, lambda i: i.page_id)


bind_metadata(menu, Permission.MANAGE_MENUS)
bind_metadata(menu_item, Permission.MANAGE_MENUS)
bind_translation(menu_item, menu_item_translation, MenuItemTranslation, "menu_item")

bindables = [menu, menu_item, menu_item_translation]
