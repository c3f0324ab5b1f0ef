"""Batch loaders of menus; see mercato.graphql.core.dataloaders.

A loader's scope is the channel of the query, so that the items and the collections
they link to are read as that channel shows them.
"""

from __future__ import annotations

from mercato.graphql.core.dataloaders import Loader, attach_batch
from mercato.menu.models import Menu
from mercato.menu.queries import MenuTree, load_menu_trees
from mercato.product.models import Collection
from mercato.product.queries import visible_collections


class MenuByIdLoader(Loader[int, Menu]):
    def batch_load(self, keys: list[int]) -> dict[int, Menu]:
        found = attach_batch(list(Menu.objects.filter(pk__in=keys)), self.channel)
        return {menu.pk: menu for menu in found}


class MenuTreeLoader(Loader[int, MenuTree]):
    """The whole item tree of each menu.

    Every item of every menu loaded together is one batch, so the links of all items,
    at any depth, are fetched with one query per kind of link.
    """

    def default(self) -> MenuTree:
        return MenuTree()

    def batch_load(self, keys: list[int]) -> dict[int, MenuTree]:
        trees = load_menu_trees(keys)
        attach_batch(
            [item for tree in trees.values() for item in tree.by_id.values()],
            self.channel,
        )
        return trees


class VisibleCollectionByIdLoader(Loader[int, Collection]):
    """Collections by ID that the actor may see in the loader's channel."""

    def batch_load(self, keys: list[int]) -> dict[int, Collection]:
        collections = visible_collections(self.channel, self.context.actor).filter(
            pk__in=keys
        )
        found = attach_batch(list(collections), self.channel)
        return {collection.pk: collection for collection in found}
