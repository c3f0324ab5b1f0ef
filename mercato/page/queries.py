"""Reads of pages and page types: who sees which page, filters, search and sorting."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from mercato.core.permissions import Actor, Permission
from mercato.page.models import Page, PageType
from mercato.product.queries import metadata_q

SortKeys = list[tuple[str, bool]]

# Unpublished pages without a date sort before every dated one.
_NO_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MAX_SEARCH_WORDS = 10


class InvalidSort(Exception):
    pass


# ---------------------------------------------------------------- visibility


def sees_unpublished_pages(actor: Actor) -> bool:
    """Staff and apps that manage pages see drafts and scheduled pages."""
    return actor.has_any_permission(Permission.MANAGE_PAGES)


def published_q(now: datetime.datetime) -> Q:
    """Pages that are published and whose publication date (if any) has come."""
    return Q(is_published=True) & (
        Q(published_at__isnull=True) | Q(published_at__lte=now)
    )


def visible_pages(actor: Actor) -> QuerySet[Page]:
    """Pages ``actor`` may read: every page for page managers, else published ones."""
    pages = Page.objects.all()
    if sees_unpublished_pages(actor):
        return pages
    return pages.filter(published_q(timezone.now()))


def find_page(
    pages: QuerySet[Page],
    *,
    pk: int | None = None,
    slug: str | None = None,
    language_code: str | None = None,
) -> Page | None:
    """One page of ``pages`` by ID, slug, or translated slug in ``language_code``."""
    if pk is not None:
        return pages.filter(pk=pk).first()
    if language_code:
        return pages.filter(
            translations__slug=slug, translations__language_code=language_code
        ).first()
    return pages.filter(slug=slug).first()


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class PageFilter:
    """Page filters decoded from the API (IDs already turned into primary keys)."""

    ids: Sequence[int] | None = None
    slugs: Sequence[str] | None = None
    page_types: Sequence[int] | None = None
    metadata: Sequence[tuple[str, str | None]] = ()


def filter_pages(pages: QuerySet[Page], page_filter: PageFilter) -> QuerySet[Page]:
    if page_filter.ids is not None:
        pages = pages.filter(pk__in=page_filter.ids)
    if page_filter.slugs is not None:
        pages = pages.filter(slug__in=page_filter.slugs)
    if page_filter.page_types is not None:
        pages = pages.filter(page_type_id__in=page_filter.page_types)
    if page_filter.metadata:
        pages = pages.filter(metadata_q(page_filter.metadata))
    return pages


def _content_text() -> Func:
    """The strings inside the blocks of an Editor.js document, as one text value."""
    return Func(
        F("content"),
        template=(
            "jsonb_path_query_array(%(expressions)s, "
            "'lax $.blocks[*].data.** ? (@.type() == \"string\")')::text"
        ),
        output_field=TextField(),
    )


def search_pages(pages: QuerySet[Page], term: str) -> QuerySet[Page]:
    """Pages whose title, slug or content contain every word of ``term``.

    Adds ``search_rank``: titles starting with the term first, then titles containing
    it, then slugs containing it, then matches in the content only.
    """
    words = term.split()[:_MAX_SEARCH_WORDS]
    phrase = term.strip()
    if words:
        pages = pages.annotate(content_text=_content_text())
    for word in words:
        pages = pages.filter(
            Q(title__icontains=word)
            | Q(slug__icontains=word)
            | Q(content_text__icontains=word)
        )
    rank = Case(
        When(title__istartswith=phrase, then=Value(3)),
        When(title__icontains=phrase, then=Value(2)),
        When(slug__icontains=phrase, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return pages.annotate(search_rank=rank)


# ---------------------------------------------------------------- sorting

PAGE_SORT_FIELDS = {
    "TITLE": "title",
    "SLUG": "slug",
    "VISIBILITY": "is_published",
    "CREATION_DATE": "created_at",
    "CREATED_AT": "created_at",
    "PUBLICATION_DATE": "sort_published_at",
    "PUBLISHED_AT": "sort_published_at",
    "RANK": "search_rank",
}


def sort_pages(
    pages: QuerySet[Page], field: str | None, descending: bool, *, searched: bool
) -> tuple[QuerySet[Page], SortKeys]:
    """``pages`` prepared for sorting by ``field`` and the keys to paginate by.

    The slug (unique) breaks ties so that the order is total.
    """
    if field is None:
        return pages, [("slug", descending)]
    name = PAGE_SORT_FIELDS.get(field)
    if name is None:
        raise InvalidSort(f"Sorting pages by {field} is not supported.")
    if name == "search_rank" and not searched:
        raise InvalidSort("Sorting by RANK is available only when searching.")
    if name == "sort_published_at":
        pages = pages.annotate(
            sort_published_at=Coalesce("published_at", Value(_NO_DATE))
        )
    if name == "slug":
        return pages, [("slug", descending)]
    return pages, [(name, descending), ("slug", descending)]


# ---------------------------------------------------------------- page types


def filter_page_types(
    *, search: str | None = None, slugs: Sequence[str] | None = None
) -> QuerySet[PageType]:
    page_types = PageType.objects.all()
    if search:
        page_types = page_types.filter(
            Q(name__icontains=search) | Q(slug__icontains=search)
        )
    if slugs:
        page_types = page_types.filter(slug__in=slugs)
    return page_types
