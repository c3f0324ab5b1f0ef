"""Reads of navigation menus and their item trees."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from mercato.menu.models import Menu, MenuItem
from mercato.product.queries import metadata_q

SortKeys = list[tuple[str, bool]]


@dataclass
class MenuTree:
    """The items of one menu linked in memory: top-level items, children by parent."""

    roots: list[MenuItem] = field(default_factory=list)
    children: dict[int, list[MenuItem]] = field(default_factory=dict)
    by_id: dict[int, MenuItem] = field(default_factory=dict)


def load_menu_trees(menu_ids: Iterable[int]) -> dict[int, MenuTree]:
    """The item tree of every menu in ``menu_ids``, read in one query.

    Siblings are ordered by ``sort_order`` (items without one last), then by ID.
    """
    items = MenuItem.objects.filter(menu_id__in=list(menu_ids)).order_by(
        F("sort_order").asc(nulls_last=True), "pk"
    )
    return build_menu_trees(items)


def build_menu_trees(items: Iterable[MenuItem]) -> dict[int, MenuTree]:
    """Link ``items`` (already in sibling order) into one tree per menu."""
    trees: dict[int, MenuTree] = {}
    ordered = list(items)
    for item in ordered:
        trees.setdefault(item.menu_id, MenuTree()).by_id[item.pk] = item
    for item in ordered:
        tree = trees[item.menu_id]
        if item.parent_id is None:
            tree.roots.append(item)
        elif item.parent_id in tree.by_id:
            tree.children.setdefault(item.parent_id, []).append(item)
    return trees


def filter_menus(
    *,
    search: str | None = None,
    slugs: Sequence[str] | None = None,
    metadata: Sequence[tuple[str, str | None]] = (),
) -> QuerySet[Menu]:
    menus = Menu.objects.all()
    if search:
        menus = menus.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    if slugs:
        menus = menus.filter(slug__in=slugs)
    if metadata:
        menus = menus.filter(metadata_q(metadata))
    return menus


def sort_menus(
    menus: QuerySet[Menu], field: str | None, descending: bool
) -> tuple[QuerySet[Menu], SortKeys]:
    """``menus`` prepared for sorting by ``field`` (``NAME``, ``ITEMS_COUNT``)."""
    if field == "ITEMS_COUNT":
        menus = menus.annotate(items_count=Count("items"))
        return menus, [("items_count", descending), ("pk", descending)]
    if field == "NAME":
        return menus, [("name", descending), ("pk", descending)]
    return menus, [("pk", descending)]


def filter_menu_items(
    *, search: str | None = None, metadata: Sequence[tuple[str, str | None]] = ()
) -> QuerySet[MenuItem]:
    items = MenuItem.objects.all()
    if search:
        items = items.filter(name__icontains=search)
    if metadata:
        items = items.filter(metadata_q(metadata))
    return items
