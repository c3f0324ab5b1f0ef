"""Batch loaders of pages; see mercato.graphql.core.dataloaders."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mercato.attribute.models import (
    AssignedPageAttributeValue,
    Attribute,
    AttributePage,
    AttributeValue,
)
from mercato.graphql.core.dataloaders import Loader, attach_batch
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


class AttributesByPageTypeLoader(_ListLoader):
    """The attributes of each page type, in order."""

    def batch_load(self, keys: list[int]) -> dict[int, list[Attribute]]:
        links = (
            AttributePage.objects.filter(page_type_id__in=keys)
            .select_related("attribute")
            .order_by("sort_order", "pk")
        )
        grouped: dict[int, list[Attribute]] = defaultdict(list)
        for link in links:
            grouped[link.page_type_id].append(link.attribute)
        attach_batch([a for attributes in grouped.values() for a in attributes])
        return grouped


class ValuesByPageLoader(_ListLoader):
    """Attribute values assigned to each page, in order."""

    def batch_load(self, keys: list[int]) -> dict[int, list[AttributeValue]]:
        assigned = (
            AssignedPageAttributeValue.objects.filter(page_id__in=keys)
            .select_related("value")
            .order_by("sort_order", "pk")
        )
        grouped: dict[int, list[AttributeValue]] = defaultdict(list)
        for row in assigned:
            grouped[row.page_id].append(row.value)
        attach_batch([v for values in grouped.values() for v in values])
        return grouped
