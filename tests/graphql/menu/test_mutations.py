from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.menu.models import Menu, MenuItem, MenuItemTranslation
from tests.factories.catalog import CategoryFactory
from tests.factories.content import MenuFactory, MenuItemFactory, PageFactory

pytestmark = pytest.mark.django_db

MENUS = (Permission.MANAGE_MENUS,)

MENU_CREATE = """
mutation($input: MenuCreateInput!) {
  menuCreate(input: $input) {
    menu { id name slug items { name url level category { slug } } }
    errors { field code }
    menuErrors { field code }
  }
}
"""
MENU_UPDATE = """
mutation($id: ID!, $input: MenuInput!) {
  menuUpdate(id: $id, input: $input) { menu { name slug } errors { field code } }
}
"""
MENU_DELETE = """
mutation($id: ID!) { menuDelete(id: $id) { menu { id name } errors { field code } } }
"""
ITEM_CREATE = """
mutation($input: MenuItemCreateInput!) {
  menuItemCreate(input: $input) {
    menuItem { id name level url parent { name } page { slug } }
    errors { field code }
  }
}
"""
ITEM_UPDATE = """
mutation($id: ID!, $input: MenuItemInput!) {
  menuItemUpdate(id: $id, input: $input) {
    menuItem { name url category { slug } } errors { field code }
  }
}
"""
ITEM_DELETE = """
mutation($id: ID!) {
  menuItemDelete(id: $id) { menuItem { id name } errors { field code } }
}
"""
ITEM_MOVE = """
mutation($menu: ID!, $moves: [MenuItemMoveInput!]!) {
  menuItemMove(menu: $menu, moves: $moves) {
    menu { items { name level children { name level children { name level } } } }
    errors { field code }
  }
}
"""
ITEM_TRANSLATE = """
mutation($id: ID!, $input: NameTranslationInput!) {
  menuItemTranslate(id: $id, input: $input, languageCode: PL) {
    menuItem { translation(languageCode: PL) { name } } errors { field code }
  }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def codes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def test_create_menu_with_items(staff_gql: Any) -> None:
    category = CategoryFactory(slug="shoes")
    result = staff_gql(
        MENU_CREATE,
        {
            "input": {
                "name": "Main Nav",
                "items": [
                    {"name": "Shoes", "category": gid(category)},
                    {"name": "Blog", "url": "https://example.com/blog"},
                ],
            }
        },
        permissions=MENUS,
    )
    assert result.errors is None
    payload = result.data["menuCreate"]
    assert payload["errors"] == [] and payload["menuErrors"] == []
    assert payload["menu"]["slug"] == "main-nav"
    assert payload["menu"]["items"] == [
        {"name": "Shoes", "url": None, "level": 0, "category": {"slug": "shoes"}},
        {
            "name": "Blog",
            "url": "https://example.com/blog",
            "level": 0,
            "category": None,
        },
    ]


def test_create_menu_bad_input(staff_gql: Any) -> None:
    MenuFactory(slug="taken")
    category = CategoryFactory()
    result = staff_gql(
        MENU_CREATE,
        {
            "input": {
                "name": "x" * 251,
                "slug": "taken",
                "items": [
                    {
                        "name": "Two",
                        "url": "https://a.example",
                        "category": gid(category),
                    },
                    {"name": "Bad", "url": "not a url"},
                    {"name": "Gone", "page": to_global_id("Page", 99999)},
                ],
            }
        },
        permissions=MENUS,
    )
    payload = result.data["menuCreate"]
    assert payload["menu"] is None
    assert sorted(codes(payload)) == [
        ("items", "TOO_MANY_MENU_ITEMS"),
        ("name", "INVALID"),
        ("page", "NOT_FOUND"),
        ("slug", "UNIQUE"),
        ("url", "INVALID"),
    ]
    assert Menu.objects.count() == 1 and not MenuItem.objects.exists()


def test_update_and_delete_menu(staff_gql: Any) -> None:
    MenuFactory(slug="other")
    menu = MenuFactory(name="Old", slug="old")
    MenuItemFactory(menu=menu)
    taken = staff_gql(
        MENU_UPDATE, {"id": gid(menu), "input": {"slug": "other"}}, permissions=MENUS
    )
    assert codes(taken.data["menuUpdate"]) == [("slug", "UNIQUE")]
    result = staff_gql(
        MENU_UPDATE,
        {"id": gid(menu), "input": {"name": "New", "slug": "new"}},
        permissions=MENUS,
    )
    assert result.data["menuUpdate"] == {
        "menu": {"name": "New", "slug": "new"},
        "errors": [],
    }
    deleted = staff_gql(MENU_DELETE, {"id": gid(menu)}, permissions=MENUS)
    assert deleted.data["menuDelete"] == {
        "menu": {"id": gid(menu), "name": "New"},
        "errors": [],
    }
    assert Menu.objects.count() == 1 and not MenuItem.objects.exists()


def test_create_nested_item(staff_gql: Any) -> None:
    parent = MenuItemFactory(name="Parent")
    page = PageFactory(slug="about")
    result = staff_gql(
        ITEM_CREATE,
        {
            "input": {
                "name": "About",
                "menu": gid(parent.menu),
                "parent": gid(parent),
                "page": gid(page),
            }
        },
        permissions=MENUS,
    )
    assert result.errors is None
    item = result.data["menuItemCreate"]["menuItem"]
    assert item["level"] == 1
    assert item["parent"] == {"name": "Parent"}
    assert item["page"] == {"slug": "about"}
    assert MenuItem.objects.get(name="About").level == 1


def test_create_item_bad_input(staff_gql: Any) -> None:
    parent = MenuItemFactory()
    other_menu = MenuFactory()
    result = staff_gql(
        ITEM_CREATE,
        {
            "input": {
                "name": "x" * 129,
                "menu": gid(other_menu),
                "parent": gid(parent),
            }
        },
        permissions=MENUS,
    )
    assert sorted(codes(result.data["menuItemCreate"])) == [
        ("name", "INVALID"),
        ("parent", "INVALID_MENU_ITEM"),
    ]
    missing = staff_gql(
        ITEM_CREATE,
        {"input": {"name": "x", "menu": to_global_id("Menu", 99999)}},
        permissions=MENUS,
    )
    assert codes(missing.data["menuItemCreate"]) == [("menu", "NOT_FOUND")]
    assert MenuItem.objects.count() == 1


def test_update_item_link_replaces_the_old_one(staff_gql: Any) -> None:
    item = MenuItemFactory(name="Old", url="https://old.example")
    category = CategoryFactory(slug="new")
    result = staff_gql(
        ITEM_UPDATE,
        {"id": gid(item), "input": {"name": "New", "category": gid(category)}},
        permissions=MENUS,
    )
    assert result.data["menuItemUpdate"] == {
        "menuItem": {"name": "New", "url": None, "category": {"slug": "new"}},
        "errors": [],
    }
    both = staff_gql(
        ITEM_UPDATE,
        {
            "id": gid(item),
            "input": {"url": "https://x.example", "category": gid(category)},
        },
        permissions=MENUS,
    )
    assert codes(both.data["menuItemUpdate"]) == [("items", "TOO_MANY_MENU_ITEMS")]
    item.refresh_from_db()
    assert (item.url, item.category_id) == (None, category.pk)


def test_delete_item_with_children(staff_gql: Any) -> None:
    parent = MenuItemFactory(name="Parent")
    MenuItemFactory(parent=parent)
    result = staff_gql(ITEM_DELETE, {"id": gid(parent)}, permissions=MENUS)
    assert result.data["menuItemDelete"] == {
        "menuItem": {"id": gid(parent), "name": "Parent"},
        "errors": [],
    }
    assert not MenuItem.objects.exists()


def test_move_items_keeps_levels_consistent(staff_gql: Any) -> None:
    menu = MenuFactory()
    a = MenuItemFactory(menu=menu, name="A", sort_order=0)
    b = MenuItemFactory(menu=menu, name="B", sort_order=1)
    b1 = MenuItemFactory(parent=b, name="B1", sort_order=0)
    c = MenuItemFactory(menu=menu, name="C", sort_order=2)
    result = staff_gql(
        ITEM_MOVE,
        {
            "menu": gid(menu),
            "moves": [
                {"itemId": gid(b), "parentId": gid(a)},
                {"itemId": gid(c), "sortOrder": -5},
            ],
        },
        permissions=MENUS,
    )
    assert result.errors is None
    payload = result.data["menuItemMove"]
    assert payload["errors"] == []
    assert payload["menu"]["items"] == [
        {"name": "C", "level": 0, "children": []},
        {
            "name": "A",
            "level": 0,
            "children": [
                {"name": "B", "level": 1, "children": [{"name": "B1", "level": 2}]}
            ],
        },
    ]
    b1.refresh_from_db()
    assert b1.level == 2


def test_move_into_own_descendant_is_refused(staff_gql: Any) -> None:
    parent = MenuItemFactory(name="P")
    child = MenuItemFactory(parent=parent, name="C")
    elsewhere = MenuItemFactory(name="Elsewhere")
    result = staff_gql(
        ITEM_MOVE,
        {
            "menu": gid(parent.menu),
            "moves": [
                {"itemId": gid(parent), "parentId": gid(child)},
                {"itemId": gid(elsewhere)},
            ],
        },
        permissions=MENUS,
    )
    assert codes(result.data["menuItemMove"]) == [
        ("parent", "CANNOT_ASSIGN_NODE"),
        ("item", "NOT_FOUND"),
    ]
    parent.refresh_from_db()
    assert parent.parent_id is None and parent.level == 0


def test_translate_menu_item(staff_gql: Any) -> None:
    item = MenuItemFactory()
    result = staff_gql(
        ITEM_TRANSLATE,
        {"id": gid(item), "input": {"name": "Buty"}},
        permissions=(Permission.MANAGE_TRANSLATIONS,),
    )
    assert result.data["menuItemTranslate"] == {
        "menuItem": {"translation": {"name": "Buty"}},
        "errors": [],
    }
    denied = staff_gql(
        ITEM_TRANSLATE, {"id": gid(item), "input": {"name": "x"}}, permissions=MENUS
    )
    assert isinstance(denied.errors[0].original_error, PermissionDenied)
    assert MenuItemTranslation.objects.get().language_code == "pl"


def test_menu_mutations_need_manage_menus(staff_gql: Any, gql: Any) -> None:
    item = MenuItemFactory(name="Kept")
    menu = item.menu
    for query, variables in [
        (MENU_CREATE, {"input": {"name": "x"}}),
        (MENU_UPDATE, {"id": gid(menu), "input": {"name": "x"}}),
        (MENU_DELETE, {"id": gid(menu)}),
        (ITEM_CREATE, {"input": {"name": "x", "menu": gid(menu)}}),
        (ITEM_UPDATE, {"id": gid(item), "input": {"name": "x"}}),
        (ITEM_DELETE, {"id": gid(item)}),
        (ITEM_MOVE, {"menu": gid(menu), "moves": [{"itemId": gid(item)}]}),
    ]:
        denied = staff_gql(query, variables, permissions=(Permission.MANAGE_PAGES,))
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    assert MenuItem.objects.get().name == "Kept"
    assert Menu.objects.count() == 1
