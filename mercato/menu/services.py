"""Writes of navigation menus and their item trees.

An item's ``level`` is always its parent's level plus one (0 at the top), and the
``sort_order`` of siblings runs 0, 1, 2... after every write that moves items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Max

from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length, check_slug, unique_slug
from mercato.menu.models import Menu, MenuItem
from mercato.page.models import Page
from mercato.product.models import Category, Collection

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
CANNOT_ASSIGN_NODE = "CANNOT_ASSIGN_NODE"
INVALID_MENU_ITEM = "INVALID_MENU_ITEM"
TOO_MANY_MENU_ITEMS = "TOO_MANY_MENU_ITEMS"

_LINKS = ("url", "category_id", "collection_id", "page_id")


@dataclass(frozen=True)
class MenuItemChanges:
    """Item fields to set; ``None`` keeps the current value.

    At most one link target (``url``, category, collection or page) may be given;
    giving one replaces whatever the item linked to before.
    """

    name: str | None = None
    url: str | None = None
    category_id: int | None = None
    collection_id: int | None = None
    page_id: int | None = None

    @property
    def links(self) -> dict[str, object]:
        return {
            name: getattr(self, name)
            for name in _LINKS
            if getattr(self, name) is not None
        }


@dataclass(frozen=True)
class MenuItemMove:
    """Put ``item_id`` under ``parent_id`` (None: the top level), shifted by
    ``sort_order`` places among its siblings (negative: towards the start)."""

    item_id: int
    parent_id: int | None = None
    sort_order: int = 0


# ---------------------------------------------------------------- validation


def _check_item(
    errors: ErrorCollector,
    changes: MenuItemChanges,
    *,
    creating: bool,
    field_prefix: str = "",
) -> None:
    name = changes.name
    if (creating and name is None) or (name is not None and not name.strip()):
        errors.add(field_prefix + "name", REQUIRED, "A menu item needs a name.")
    check_length(errors, MenuItem, {"name": name, "url": changes.url})
    links = changes.links
    if len(links) > 1:
        errors.add(
            field_prefix + "items",
            TOO_MANY_MENU_ITEMS,
            "Link an item to one of a URL, category, collection or page.",
        )
    if changes.url:
        try:
            URLValidator()(changes.url)
        except ValidationError:
            errors.add(field_prefix + "url", INVALID, "Enter a valid URL.")
    targets: tuple[tuple[str, int | None, type[models.Model]], ...] = (
        ("category", changes.category_id, Category),
        ("collection", changes.collection_id, Collection),
        ("page", changes.page_id, Page),
    )
    for field, pk, model in targets:
        if pk is not None and not model._default_manager.filter(pk=pk).exists():
            errors.add(field_prefix + field, NOT_FOUND, f"The {field} does not exist.")


def _check_menu(
    errors: ErrorCollector,
    *,
    name: str | None,
    slug: str | None,
    exclude_pk: int | None,
) -> None:
    if name is not None and not name.strip():
        errors.add("name", REQUIRED, "A menu needs a name.")
    check_length(errors, Menu, {"name": name})
    if slug is not None:
        check_slug(errors, Menu, slug, exclude_pk=exclude_pk)


def _set_links(item: MenuItem, changes: MenuItemChanges) -> None:
    links = changes.links
    if links:
        for name in _LINKS:
            setattr(item, name, links.get(name))
    if changes.name is not None:
        item.name = changes.name.strip()


def _next_sort_order(menu_id: int, parent_id: int | None) -> int:
    top = MenuItem.objects.filter(menu_id=menu_id, parent_id=parent_id).aggregate(
        top=Max("sort_order")
    )["top"]
    return 0 if top is None else top + 1


# ---------------------------------------------------------------- menus


def create_menu(
    *,
    actor: Actor,
    name: str,
    slug: str | None = None,
    items: Sequence[MenuItemChanges] = (),
) -> Menu:
    """Create a menu with ``items`` at its top level, in that order."""
    errors = ErrorCollector()
    _check_menu(errors, name=name, slug=slug, exclude_pk=None)
    for entry in items:
        _check_item(errors, entry, creating=True)
    errors.raise_if_any()
    with transaction.atomic():
        menu = Menu.objects.create(
            name=name.strip(), slug=slug or unique_slug(Menu, name)
        )
        for position, changes in enumerate(items):
            top_item = MenuItem(menu=menu, sort_order=position, level=0)
            _set_links(top_item, changes)
            top_item.save()
    return menu


def update_menu(
    *, actor: Actor, menu_id: int, name: str | None = None, slug: str | None = None
) -> Menu:
    """Rename a menu or change its slug; locks the menu row."""
    with transaction.atomic():
        menu = lock_menu(menu_id)
        errors = ErrorCollector()
        _check_menu(errors, name=name, slug=slug, exclude_pk=menu.pk)
        errors.raise_if_any()
        if name is not None:
            menu.name = name.strip()
        if slug is not None:
            menu.slug = slug
        menu.save()
    return menu


def delete_menu(*, actor: Actor, menu_id: int) -> Menu:
    """Delete a menu with all its items."""
    with transaction.atomic():
        menu = lock_menu(menu_id)
        pk = menu.pk
        menu.delete()
        menu.pk = pk
    return menu


def lock_menu(menu_id: int, *, field: str = "id") -> Menu:
    menu = Menu.objects.select_for_update().filter(pk=menu_id).first()
    if menu is None:
        raise ValidationFailed.one(field, NOT_FOUND, "Menu not found.")
    return menu


# ---------------------------------------------------------------- items


def create_menu_item(
    *,
    actor: Actor,
    menu_id: int,
    parent_id: int | None = None,
    changes: MenuItemChanges,
) -> MenuItem:
    """Add an item at the end of the top level of a menu or of ``parent``'s children.

    Locks the menu row, so that concurrent writes to one menu run one at a time.
    """
    with transaction.atomic():
        lock_menu(menu_id, field="menu")
        errors = ErrorCollector()
        _check_item(errors, changes, creating=True)
        parent = None
        if parent_id is not None:
            parent = MenuItem.objects.filter(pk=parent_id).first()
            if parent is None:
                errors.add("parent", NOT_FOUND, "The parent item does not exist.")
            elif parent.menu_id != menu_id:
                errors.add(
                    "parent", INVALID_MENU_ITEM, "The parent belongs to another menu."
                )
        errors.raise_if_any()
        item = MenuItem(
            menu_id=menu_id,
            parent=parent,
            level=parent.level + 1 if parent else 0,
            sort_order=_next_sort_order(menu_id, parent_id),
        )
        _set_links(item, changes)
        item.save()
    return item


def _lock_item(item_id: int) -> MenuItem:
    item = MenuItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Menu item not found.")
    return item


def update_menu_item(
    *, actor: Actor, item_id: int, changes: MenuItemChanges
) -> MenuItem:
    """Rename an item or change what it links to; locks the item row."""
    with transaction.atomic():
        item = _lock_item(item_id)
        errors = ErrorCollector()
        _check_item(errors, changes, creating=False)
        errors.raise_if_any()
        _set_links(item, changes)
        item.save()
    return item


def delete_menu_item(*, actor: Actor, item_id: int) -> MenuItem:
    """Delete an item with everything nested under it."""
    with transaction.atomic():
        item = _lock_item(item_id)
        pk = item.pk
        item.delete()
        item.pk = pk
    return item


def move_menu_items(
    *, actor: Actor, menu_id: int, moves: Sequence[MenuItemMove]
) -> Menu:
    """Apply ``moves`` in order, then renumber siblings and fix every level.

    Locks the menu row and all its item rows (in primary-key order). Nothing is
    written unless every move is valid.
    """
    with transaction.atomic():
        menu = lock_menu(menu_id, field="menu")
        items = {
            item.pk: item
            for item in MenuItem.objects.select_for_update()
            .filter(menu=menu)
            .order_by("pk")
        }
        before = {pk: (i.parent_id, i.sort_order, i.level) for pk, i in items.items()}
        tree = _Tree(items)
        errors = ErrorCollector()
        for move in moves:
            tree.apply(move, errors)
        errors.raise_if_any()
        tree.renumber()
        for pk, item in items.items():
            if (item.parent_id, item.sort_order, item.level) != before[pk]:
                item.save(update_fields=["parent", "sort_order", "level"])
    return menu


class _Tree:
    """The items of one menu, rearranged in memory before anything is saved."""

    def __init__(self, items: dict[int, MenuItem]) -> None:
        self.items = items
        self.children: dict[int | None, list[int]] = {}
        ordered = sorted(
            items.values(),
            key=lambda i: (i.sort_order is None, i.sort_order or 0, i.pk),
        )
        for item in ordered:
            self.children.setdefault(item.parent_id, []).append(item.pk)

    def _is_within(self, pk: int, ancestor: int) -> bool:
        current: int | None = pk
        while current is not None:
            if current == ancestor:
                return True
            current = self.items[current].parent_id
        return False

    def apply(self, move: MenuItemMove, errors: ErrorCollector) -> None:
        if move.item_id not in self.items:
            errors.add("item", NOT_FOUND, "The item is not in this menu.")
            return
        if move.parent_id is not None:
            if move.parent_id not in self.items:
                errors.add("parent", NOT_FOUND, "The parent is not in this menu.")
                return
            if self._is_within(move.parent_id, move.item_id):
                errors.add(
                    "parent",
                    CANNOT_ASSIGN_NODE,
                    "An item cannot be nested under itself or its descendants.",
                )
                return
        item = self.items[move.item_id]
        old = self.children.setdefault(item.parent_id, [])
        position = old.index(item.pk)
        old.remove(item.pk)
        siblings = self.children.setdefault(move.parent_id, [])
        if move.parent_id != item.parent_id:
            position = len(siblings)
        target = min(max(position + move.sort_order, 0), len(siblings))
        siblings.insert(target, item.pk)
        item.parent_id = move.parent_id

    def renumber(self) -> None:
        pending: list[tuple[int | None, int]] = [(None, 0)]
        while pending:
            parent, level = pending.pop()
            for position, pk in enumerate(self.children.get(parent, [])):
                item = self.items[pk]
                item.sort_order = position
                item.level = level
                pending.append((pk, level + 1))
