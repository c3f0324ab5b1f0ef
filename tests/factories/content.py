"""factory_boy factories of pages and menus, and a ready-made navigation menu."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import factory

from mercato.attribute.models import (
    AssignedPageAttributeValue,
    Attribute,
    AttributePage,
    AttributeValue,
)
from mercato.menu.models import Menu, MenuItem
from mercato.page.models import Page, PageType
from tests.factories.catalog import PAST, Catalog

FUTURE = datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)


def editorjs(text: str) -> dict[str, Any]:
    return {
        "time": 1700000000000,
        "version": "2.24.3",
        "blocks": [{"id": "b1", "type": "paragraph", "data": {"text": text}}],
    }


class PageTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PageType

    name = factory.Sequence(lambda n: f"Page type {n}")
    slug = factory.Sequence(lambda n: f"page-type-{n}")


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    page_type = factory.SubFactory(PageTypeFactory)
    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    content = factory.LazyAttribute(lambda p: editorjs(f"About {p.title}"))
    is_published = True
    published_at = PAST


class MenuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Menu

    name = factory.Sequence(lambda n: f"Menu {n}")
    slug = factory.Sequence(lambda n: f"menu-{n}")


class MenuItemFactory(factory.django.DjangoModelFactory):
    """An item; nested under ``parent`` (in its menu, one level deeper) when given."""

    class Meta:
        model = MenuItem

    parent = None
    menu = factory.LazyAttribute(
        lambda item: item.parent.menu if item.parent else MenuFactory()
    )
    level = factory.LazyAttribute(
        lambda item: item.parent.level + 1 if item.parent else 0
    )
    name = factory.Sequence(lambda n: f"Item {n}")
    sort_order = factory.Sequence(lambda n: n)


def page_attribute(
    page_type: PageType, slug: str, values: list[str], **kwargs: Any
) -> tuple[Attribute, list[AttributeValue]]:
    """A page attribute assigned to ``page_type`` with dropdown ``values``."""
    attribute = Attribute.objects.create(
        slug=slug, name=slug.title(), type="PAGE_TYPE", **kwargs
    )
    AttributePage.objects.create(attribute=attribute, page_type=page_type)
    choices = [
        AttributeValue.objects.create(
            attribute=attribute, name=value.title(), slug=value, sort_order=index
        )
        for index, value in enumerate(values)
    ]
    return attribute, choices


def assign(page: Page, *values: AttributeValue) -> None:
    for index, value in enumerate(values):
        AssignedPageAttributeValue.objects.create(
            page=page, value=value, sort_order=index
        )


@dataclass
class Navbar:
    menu: Menu
    about: Page
    items: list[MenuItem] = field(default_factory=list)


def build_navbar(catalog: Catalog, sections: int = 1) -> Navbar:
    """A "navbar" menu of ``sections`` top-level items with two children each.

    A section links to the catalog's root category; its children link to the
    catalog's collection and to an "about" page. ``n`` sections make ``3 * n`` items.
    """
    assert catalog.collection is not None
    about = PageFactory(title="About us", slug="about")
    menu = MenuFactory(name="Navbar", slug="navbar")
    navbar = Navbar(menu, about)
    for index in range(sections):
        section = MenuItemFactory(
            menu=menu, name=f"Section {index}", category=catalog.root
        )
        featured = MenuItemFactory(
            parent=section, name=f"Featured {index}", collection=catalog.collection
        )
        about_item = MenuItemFactory(parent=section, name=f"About {index}", page=about)
        navbar.items.extend([section, featured, about_item])
    return navbar
