"""Batch loaders of pages; see mercato.graphql.core.dataloaders."""

from __future__ import annotations

from typing import Any

from mercato.attribute.models import (
    AssignedPageAttributeValue,
    AttributePage,
)
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.page.models import Page, PageType
from mercato.page.queries import visible_pages


class _ListLoader(Loader[int, list[Any]]):
    def default(self) -> list[Any]:
        return []


class PageTypeByIdLoader(Loader[int, PageType]):
    def batch_load(self, keys: list[int]) -> dict[int, PageType]:
        found = attach_batch(list(PageType.objects.filter(pk__in=keys)))
        return {page_type.pk: page_type for page_type in found}


class VisiblePageByIdLoader(Loader[int, Page]):
    """Pages by ID, limited to those the request's actor may read."""

    def batch_load(self, keys: list[int]) -> dict[int, Page]:
        pages = visible_pages(self.context.actor).filter(pk__in=keys)
        return {page.pk: page for page in attach_batch(list(pages), self.channel)}


class PageTypeHasPagesLoader(Loader[int, bool]):
    def default(self) -> bool:
        return False

    def batch_load(self, keys: list[int]) -> dict[int, bool]:
        used = Page.objects.filter(page_type_id__in=keys).values_list(
            "page_type_id", flat=True
        )
        return dict.fromkeys(used.distinct(), True)


class AttributesByPageTypeLoader(RelatedListLoader):
    """The attributes of each page type, in order."""

    model = AttributePage
    owner = "page_type"
    pick = "attribute"
    ordering = ("sort_order", "pk")


class ValuesByPageLoader(RelatedListLoader):
    """Attribute values assigned to each page, in order."""

    model = AssignedPageAttributeValue
    owner = "page"
    pick = "value"
    ordering = ("sort_order", "pk")
