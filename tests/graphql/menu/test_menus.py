from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.cache import cache

from mercato.channel.queries import forget_channels
from mercato.core.permissions import Permission
from mercato.menu.models import MenuItemTranslation
from mercato.product.models import CollectionChannelListing
from tests.factories.catalog import build_catalog
from tests.factories.content import (
    FUTURE,
    MenuFactory,
    MenuItemFactory,
    build_navbar,
)

pytestmark = pytest.mark.django_db

NAVBAR = """
query Navbar($channel: String, $slug: String) {
  menu(slug: $slug, channel: $channel) {
    id name slug
    items {
      id name level url
      category { slug }
      collection { slug }
      page { slug }
      children {
        name level url
        category { slug }
        collection { slug }
        page { slug title }
        parent { name }
        children { name }
      }
    }
  }
}
"""


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def navbar(gql: Any, channel: str | None = "default-channel") -> dict[str, Any]:
    result = gql(NAVBAR, {"slug": "navbar", "channel": channel})
    assert "errors" not in result, result
    return result["data"]["menu"]  # type: ignore[no-any-return]


def test_menu_by_slug_with_nested_children_and_links(gql: Any) -> None:
    catalog = build_catalog(1)
    built = build_navbar(catalog, sections=2)
    MenuItemFactory(menu=built.menu, name="Blog", url="https://blog.example.com/")
    menu = navbar(gql)
    assert menu["id"] == global_id("Menu", built.menu.pk)
    assert menu["name"] == "Navbar"
    assert [item["name"] for item in menu["items"]] == [
        "Section 0",
        "Section 1",
        "Blog",
    ]
    section = menu["items"][0]
    assert section["level"] == 0
    assert section["category"] == {"slug": "apparel"}
    assert section["collection"] is None
    assert section["children"] == [
        {
            "name": "Featured 0",
            "level": 1,
            "url": None,
            "category": None,
            "collection": {"slug": "featured-products"},
            "page": None,
            "parent": {"name": "Section 0"},
            "children": [],
        },
        {
            "name": "About 0",
            "level": 1,
            "url": None,
            "category": None,
            "collection": None,
            "page": {"slug": "about", "title": "About us"},
            "parent": {"name": "Section 0"},
            "children": [],
        },
    ]
    blog = menu["items"][2]
    assert blog["url"] == "https://blog.example.com/"
    assert blog["children"] == []


def test_items_follow_sort_order(gql: Any) -> None:
    build_catalog(0)
    menu = MenuFactory(slug="navbar")
    MenuItemFactory(menu=menu, name="Last", sort_order=None)
    MenuItemFactory(menu=menu, name="Second", sort_order=5)
    MenuItemFactory(menu=menu, name="First", sort_order=1)
    assert [item["name"] for item in navbar(gql)["items"]] == [
        "First",
        "Second",
        "Last",
    ]


def test_deep_tree(gql: Any) -> None:
    build_catalog(0)
    menu = MenuFactory(slug="footer")
    top = MenuItemFactory(menu=menu, name="Help")
    middle = MenuItemFactory(parent=top, name="Orders")
    MenuItemFactory(parent=middle, name="Returns")
    MenuItemFactory(parent=middle, name="Tracking")
    query = """{ menu(slug: "footer", channel: "default-channel") { items {
        name children { name children { name level parent { name parent { name } }
        menu { slug } } } } } }"""
    result = gql(query)
    assert "errors" not in result, result
    (help_item,) = result["data"]["menu"]["items"]
    (orders,) = help_item["children"]
    assert orders["name"] == "Orders"
    assert orders["children"] == [
        {
            "name": name,
            "level": 2,
            "parent": {"name": "Orders", "parent": {"name": "Help"}},
            "menu": {"slug": "footer"},
        }
        for name in ("Returns", "Tracking")
    ]


def test_navbar_query_count_does_not_grow_with_items(
    gql: Any, count_queries: Any
) -> None:
    catalog = build_catalog(1)
    small = build_navbar(catalog, sections=1)
    assert len(small.items) == 3
    with count_queries() as few:
        assert len(navbar(gql)["items"]) == 1
    small.menu.delete()
    small.about.delete()
    large = build_navbar(catalog, sections=4)
    assert len(large.items) == 12
    cache.clear()  # the channel list is cached; count it in both runs
    with count_queries() as many:
        menu = navbar(gql)
    assert len(menu["items"]) == 4
    assert all(len(item["children"]) == 2 for item in menu["items"])
    # channel list, menu, items, categories, collections, pages
    assert len(many) == len(few) == 6


def test_menu_item_translations(gql: Any, count_queries: Any) -> None:
    catalog = build_catalog(1)
    built = build_navbar(catalog, sections=2)
    for item in built.items:
        MenuItemTranslation.objects.create(
            menu_item=item, language_code="pl", name=f"PL {item.name}"
        )
    query = """{ menu(slug: "navbar", channel: "default-channel") { items {
        translation(languageCode: PL) { name language { code } }
        children { translation(languageCode: PL) { name } }
        de: translation(languageCode: DE) { name } } } }"""
    with count_queries() as queries:
        result = gql(query)
    assert "errors" not in result, result
    first = result["data"]["menu"]["items"][0]
    assert first["translation"] == {"name": "PL Section 0", "language": {"code": "PL"}}
    assert first["children"][1]["translation"] == {"name": "PL About 0"}
    assert first["de"] is None
    # menu, channel, items, then one per language
    assert len(queries) == 5


def test_collection_hidden_outside_its_channel(gql: Any, staff_gql: Any) -> None:
    catalog = build_catalog(1)
    build_navbar(catalog)

    def featured(menu: dict[str, Any]) -> Any:
        return menu["items"][0]["children"][0]["collection"]

    assert featured(navbar(gql)) == {"slug": "featured-products"}
    # The collection is not listed in the PLN channel.
    assert featured(navbar(gql, "channel-pln")) is None
    CollectionChannelListing.objects.filter(collection=catalog.collection).update(
        is_published=False
    )
    assert featured(navbar(gql)) is None
    staff = staff_gql(NAVBAR, {"slug": "navbar", "channel": "default-channel"})
    assert staff.errors is None
    assert featured(staff.data["menu"]) == {"slug": "featured-products"}


def test_menu_without_channel(gql: Any) -> None:
    catalog = build_catalog(1)
    build_navbar(catalog)
    # Two active channels and none named: the menu is served, collections are not.
    menu = navbar(gql, channel=None)
    assert menu["items"][0]["category"] == {"slug": "apparel"}
    assert menu["items"][0]["children"][0]["collection"] is None
    catalog.other_channel.is_active = False
    catalog.other_channel.save()
    forget_channels()  # what the channel services do after a write
    menu = navbar(gql, channel=None)
    assert menu["items"][0]["children"][0]["collection"] == {
        "slug": "featured-products"
    }


def test_unpublished_page_link_is_hidden(gql: Any, staff_gql: Any) -> None:
    catalog = build_catalog(1)
    built = build_navbar(catalog)
    built.about.published_at = FUTURE
    built.about.save()
    about = navbar(gql)["items"][0]["children"][1]
    assert about["name"] == "About 0"
    assert about["page"] is None
    staff = staff_gql(
        NAVBAR,
        {"slug": "navbar", "channel": "default-channel"},
        permissions=(Permission.MANAGE_PAGES,),
    )
    assert staff.data["menu"]["items"][0]["children"][1]["page"] == {
        "slug": "about",
        "title": "About us",
    }


def test_menu_by_id_and_name(gql: Any) -> None:
    catalog = build_catalog(1)
    built = build_navbar(catalog)
    query = """query($id: ID, $name: String) {
      menu(id: $id, name: $name, channel: "default-channel") { slug }
    }"""
    by_id = gql(query, {"id": global_id("Menu", built.menu.pk)})
    assert by_id == {"data": {"menu": {"slug": "navbar"}}}
    assert gql(query, {"name": "Navbar"}) == {"data": {"menu": {"slug": "navbar"}}}
    assert gql(query, {"name": "Nope"}) == {"data": {"menu": None}}
    neither = gql(query, {})
    assert neither["errors"][0]["message"] == (
        "Provide exactly one of 'id', 'name' or 'slug'."
    )


def test_menu_item_by_id(gql: Any) -> None:
    catalog = build_catalog(1)
    built = build_navbar(catalog)
    section, featured, _ = built.items
    query = """query($id: ID!) { menuItem(id: $id, channel: "default-channel") {
        id name menu { slug } parent { name } children { name collection { slug } }
        collection { slug }
    } }"""
    result = gql(query, {"id": global_id("MenuItem", section.pk)})
    assert "errors" not in result, result
    assert result["data"]["menuItem"] == {
        "id": global_id("MenuItem", section.pk),
        "name": "Section 0",
        "menu": {"slug": "navbar"},
        "parent": None,
        "children": [
            {"name": "Featured 0", "collection": {"slug": "featured-products"}},
            {"name": "About 0", "collection": None},
        ],
        "collection": None,
    }
    child = gql(query, {"id": global_id("MenuItem", featured.pk)})
    assert child["data"]["menuItem"]["parent"] == {"name": "Section 0"}
    assert child["data"]["menuItem"]["collection"] == {"slug": "featured-products"}
    missing = gql(query, {"id": global_id("MenuItem", 999999)})
    assert missing == {"data": {"menuItem": None}}


def test_menus_list(gql: Any) -> None:
    catalog = build_catalog(1)
    build_navbar(catalog, sections=2)
    footer = MenuFactory(name="Footer", slug="footer", metadata={"area": "bottom"})
    MenuItemFactory(menu=footer, name="Contact")
    MenuFactory(name="Empty", slug="empty")
    query = """query($sortBy: MenuSortingInput, $filter: MenuFilterInput) {
      menus(first: 10, sortBy: $sortBy, filter: $filter, channel: "default-channel") {
        totalCount edges { node { slug items { name } } }
      }
    }"""

    def menu_slugs(variables: dict[str, Any]) -> list[str]:
        result = gql(query, variables)
        assert "errors" not in result, result
        return [e["node"]["slug"] for e in result["data"]["menus"]["edges"]]

    assert menu_slugs({}) == ["navbar", "footer", "empty"]
    by_count = {"field": "ITEMS_COUNT", "direction": "DESC"}
    assert menu_slugs({"sortBy": by_count}) == ["navbar", "footer", "empty"]
    by_name = {"field": "NAME", "direction": "ASC"}
    assert menu_slugs({"sortBy": by_name}) == ["empty", "footer", "navbar"]
    assert menu_slugs({"filter": {"search": "foot"}}) == ["footer"]
    assert menu_slugs({"filter": {"slugs": ["empty", "navbar"]}}) == [
        "navbar",
        "empty",
    ]
    assert menu_slugs({"filter": {"slug": ["empty"]}}) == ["empty"]
    metadata = {"metadata": [{"key": "area", "value": "bottom"}]}
    assert menu_slugs({"filter": metadata}) == ["footer"]
    result = gql(query, {})
    items = [e["node"]["items"] for e in result["data"]["menus"]["edges"]]
    assert items == [
        [{"name": "Section 0"}, {"name": "Section 1"}],
        [{"name": "Contact"}],
        [],
    ]


def test_menu_items_list(gql: Any, count_queries: Any) -> None:
    catalog = build_catalog(1)
    build_navbar(catalog, sections=3)
    query = """query($filter: MenuItemFilterInput, $sortBy: MenuItemSortingInput) {
      menuItems(first: 20, filter: $filter, sortBy: $sortBy,
                channel: "default-channel") {
        totalCount
        edges { node { name level menu { slug } parent { name } children { name }
                       collection { slug } page { slug } } }
      }
    }"""
    with count_queries() as queries:
        result = gql(query, {"sortBy": {"field": "NAME", "direction": "ASC"}})
    assert "errors" not in result, result
    nodes = [edge["node"] for edge in result["data"]["menuItems"]["edges"]]
    assert result["data"]["menuItems"]["totalCount"] == 9
    assert [n["name"] for n in nodes[:3]] == ["About 0", "About 1", "About 2"]
    assert nodes[0]["parent"] == {"name": "Section 0"}
    assert nodes[0]["page"] == {"slug": "about"}
    sections = [n for n in nodes if n["level"] == 0]
    assert [len(n["children"]) for n in sections] == [2, 2, 2]
    # items, count, channel, menus, trees, collections, pages
    assert len(queries) == 7
    found = gql(query, {"filter": {"search": "featured 1"}})
    assert [e["node"]["name"] for e in found["data"]["menuItems"]["edges"]] == [
        "Featured 1"
    ]


@pytest.mark.parametrize(
    "bad_id",
    [
        "garbage",
        base64.b64encode(b"Page:1").decode(),
        base64.b64encode(b"Menu:x").decode(),
        "",
    ],
)
def test_invalid_or_foreign_menu_ids(gql: Any, bad_id: str) -> None:
    build_catalog(0)
    MenuFactory(slug="navbar")
    result = gql(
        'query($id: ID) { menu(id: $id, channel: "default-channel") { slug } }',
        {"id": bad_id},
    )
    assert gql.last_status == 200
    assert result["data"]["menu"] is None
    assert result["errors"][0]["message"].startswith(f"Invalid ID: {bad_id}.")
    item = gql("query($id: ID!) { menuItem(id: $id) { name } }", {"id": bad_id})
    assert gql.last_status == 200
    assert item["data"]["menuItem"] is None
    assert item["errors"][0]["message"].startswith(f"Invalid ID: {bad_id}.")


def test_foreign_menu_id_names_the_types(gql: Any) -> None:
    page_id = base64.b64encode(b"Page:1").decode()
    result = gql("query($id: ID!) { menuItem(id: $id) { name } }", {"id": page_id})
    assert result["errors"][0]["message"] == (
        f"Invalid ID: {page_id}. Expected: MenuItem, received: Page."
    )


def test_unknown_channel(gql: Any) -> None:
    build_catalog(0)
    MenuFactory(slug="navbar")
    result = gql(NAVBAR, {"slug": "navbar", "channel": "nowhere"})
    assert result["errors"][0]["message"] == (
        "Channel with 'nowhere' slug does not exist."
    )


def test_private_metadata_needs_manage_menus(gql: Any, staff_gql: Any) -> None:
    build_catalog(0)
    menu = MenuFactory(slug="navbar", private_metadata={"owner": "marketing"})
    MenuItemFactory(menu=menu, metadata={"icon": "star"})
    query = """{ menu(slug: "navbar", channel: "default-channel") {
        privateMetadata { key } items { metadata { key value } } } }"""
    denied = gql(query)
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    allowed = staff_gql(query, permissions=(Permission.MANAGE_MENUS,))
    assert allowed.errors is None
    assert allowed.data["menu"] == {
        "privateMetadata": [{"key": "owner"}],
        "items": [{"metadata": [{"key": "icon", "value": "star"}]}],
    }
