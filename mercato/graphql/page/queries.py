"""Root query fields of pages and page types."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from django.db.models import Q, QuerySet
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.languages import to_stored_code
from mercato.graphql.core.channels import channel_from_arg
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import attach_batch
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.graphql.core.permissions import actor_of
from mercato.graphql.product.filters import metadata_pairs
from mercato.page.models import Page, PageType
from mercato.page.queries import (
    InvalidSort,
    PageFilter,
    filter_page_types,
    filter_pages,
    find_page,
    search_pages,
    sort_pages,
    visible_pages,
)

query = QueryType()

MAX_WHERE_DEPTH = 5


def _check_channel(info: GraphQLResolveInfo, channel: str | None) -> Any:
    """Pages are not channel-scoped; a named channel must still exist."""
    return channel_from_arg(info, channel) if channel is not None else None


@query.field("page")
def resolve_page(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    slug: str | None = None,
    slug_language_code: str | None = None,
    channel: str | None = None,
) -> Page | None:
    if (id is None) == (slug is None):
        raise GraphQLError("Provide exactly one of 'id' or 'slug'.")
    scope = _check_channel(info, channel)
    found = find_page(
        visible_pages(actor_of(info)),
        pk=decode_id(id, "Page") if id is not None else None,
        slug=slug,
        language_code=to_stored_code(slug_language_code)
        if slug_language_code
        else None,
    )
    return attach_batch([found], scope)[0] if found else None


def _ids(values: list[str] | None, type_name: str) -> list[int] | None:
    return decode_ids(values, type_name) if values is not None else None


def _global_ids(value: dict[str, Any] | None, type_name: str) -> list[int] | None:
    if not value:
        return None
    if value.get("eq") is not None:
        return [decode_id(value["eq"], type_name)]
    if value.get("one_of") is not None:
        return decode_ids(value["one_of"], type_name)
    return None


def _strings(value: dict[str, Any] | None) -> list[str] | None:
    if not value:
        return None
    if value.get("eq") is not None:
        return [value["eq"]]
    if value.get("one_of") is not None:
        return list(value["one_of"])
    return None


def page_filter_from_legacy(data: dict[str, Any]) -> PageFilter:
    """The deprecated ``filter: PageFilterInput`` (its ``search`` is handled apart)."""
    return PageFilter(
        ids=decode_ids(data["ids"], "Page") if data.get("ids") else None,
        slugs=data.get("slugs") or None,
        page_types=decode_ids(data["page_types"], "PageType")
        if data.get("page_types")
        else None,
        metadata=metadata_pairs(data.get("metadata")),
    )


def metadata_where_q(data: dict[str, Any]) -> Q:
    """``MetadataFilterInput``: the key must be present with one of the values."""
    key = data["key"]
    value = data.get("value") or {}
    if value.get("eq") is not None:
        return Q(metadata__contains={key: value["eq"]})
    if value.get("one_of") is not None:
        matches = Q(pk__in=[])
        for choice in value["one_of"]:
            matches |= Q(metadata__contains={key: choice})
        return matches
    return Q(metadata__has_key=key)


def apply_where(
    pages: QuerySet[Page], where: dict[str, Any], depth: int = 0
) -> QuerySet[Page]:
    """Apply one level of ``where: PageWhereInput`` and its nested AND/OR lists."""
    if depth > MAX_WHERE_DEPTH:
        raise GraphQLError(f"`where` may nest AND/OR at most {MAX_WHERE_DEPTH} levels.")
    and_list, or_list = where.get("and"), where.get("or")
    if and_list and or_list:
        raise GraphQLError("Cannot mix 'AND' and 'OR' at the same level of `where`.")
    pages = filter_pages(
        pages,
        PageFilter(
            ids=_ids(where.get("ids"), "Page"),
            slugs=_strings(where.get("slug")),
            page_types=_global_ids(where.get("page_type"), "PageType"),
        ),
    )
    if where.get("metadata"):
        pages = pages.filter(metadata_where_q(where["metadata"]))
    for clause in and_list or []:
        pages = apply_where(pages, clause, depth + 1)
    if or_list:
        matches = Q()
        for clause in or_list:
            matching = apply_where(Page.objects.all(), clause, depth + 1)
            matches |= Q(pk__in=matching.values("pk"))
        pages = pages.filter(matches)
    return pages


@query.field("pages")
def resolve_pages(
    _: None,
    info: GraphQLResolveInfo,
    sort_by: dict[str, str] | None = None,
    filter: dict[str, Any] | None = None,
    search: str | None = None,
    where: dict[str, Any] | None = None,
    channel: str | None = None,
    **page: Any,
) -> Connection:
    scope = _check_channel(info, channel)
    pages = visible_pages(actor_of(info))
    if filter:
        pages = filter_pages(pages, page_filter_from_legacy(filter))
    if where:
        pages = apply_where(pages, where)
    term = search or (filter or {}).get("search")
    if term:
        pages = search_pages(pages, term)
    sort_by = sort_by or {}
    try:
        pages, keys = sort_pages(
            pages,
            sort_by.get("field"),
            sort_by.get("direction") == "DESC",
            searched=bool(term),
        )
    except InvalidSort as exc:
        raise GraphQLError(str(exc)) from exc
    return connection_from_queryset(pages, page, keys=keys, name="pages", channel=scope)


@query.field("pageType")
def resolve_page_type(_: None, info: GraphQLResolveInfo, id: str) -> PageType | None:
    return PageType.objects.filter(pk=decode_id(id, "PageType")).first()


@query.field("pageTypes")
def resolve_page_types(
    _: None,
    info: GraphQLResolveInfo,
    sort_by: dict[str, str] | None = None,
    filter: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    page_types = filter_page_types(
        search=filter.get("search"), slugs=filter.get("slugs")
    )
    keys: list[tuple[str, bool]] = [("slug", False)]
    if sort_by:
        descending = sort_by["direction"] == "DESC"
        keys = [("slug", descending)]
        if sort_by["field"] == "NAME":
            keys.insert(0, ("name", descending))
    return connection_from_queryset(page_types, page, keys=keys, name="pageTypes")
