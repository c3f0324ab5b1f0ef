"""Object types of pages."""

from __future__ import annotations

import datetime
from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.attribute.models import Attribute, AttributeType, AttributeValue
from mercato.attribute.queries import filter_attributes
from mercato.core.permissions import Permission
from mercato.graphql.attribute.assigned import Assigned, assigned_attributes
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import channel_of, get_loader
from mercato.graphql.core.ids import decode_ids, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.core.translations import bind_translation
from mercato.graphql.page import loaders as L
from mercato.graphql.product.filters import metadata_pairs
from mercato.page.models import Page, PageTranslation, PageType

page = ObjectType("Page")
page_type = ObjectType("PageType")
page_translation = ObjectType("PageTranslation")

# Who sees attributes hidden from the storefront on pages.
PAGE_STAFF = (Permission.MANAGE_PAGES, Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)


@page.field("id")
def resolve_page_id(root: Page, info: GraphQLResolveInfo) -> str:
    return to_global_id("Page", root.pk)


@page.field("created")
def resolve_created(root: Page, info: GraphQLResolveInfo) -> datetime.datetime:
    return root.created_at


@page.field("publicationDate")
def resolve_publication_date(
    root: Page, info: GraphQLResolveInfo
) -> datetime.date | None:
    return root.published_at.date() if root.published_at else None


@page.field("contentJson")
@page_translation.field("contentJson")
def resolve_content_json(root: Any, info: GraphQLResolveInfo) -> Any:
    return root.content or {}


@page.field("pageType")
def resolve_page_type(root: Page, info: GraphQLResolveInfo) -> PageType | None:
    return get_loader(info.context, L.PageTypeByIdLoader).load_for(
        root, lambda p: p.page_type_id
    )


def _selected(
    attributes: list[Attribute], values: list[AttributeValue], storefront_only: bool
) -> list[dict[str, Any]]:
    by_attribute: dict[int, list[AttributeValue]] = {}
    for value in values:
        by_attribute.setdefault(value.attribute_id, []).append(value)
    return [
        {"attribute": attribute, "values": by_attribute.get(attribute.pk, [])}
        for attribute in attributes
        if attribute.visible_in_storefront or not storefront_only
    ]


@page.field("attributes")
def resolve_attributes(root: Page, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    attributes = (
        get_loader(info.context, L.AttributesByPageTypeLoader).load_for(
            root, lambda p: p.page_type_id
        )
        or []
    )
    values = (
        get_loader(info.context, L.ValuesByPageLoader).load_for(root, lambda p: p.pk)
        or []
    )
    storefront_only = not actor_of(info).has_any_permission(*PAGE_STAFF)
    return _selected(attributes, values, storefront_only)


@page.field("attribute")
def resolve_attribute(
    root: Page, info: GraphQLResolveInfo, slug: str
) -> dict[str, Any] | None:
    selected = resolve_attributes(root, info)
    return next((s for s in selected if s["attribute"].slug == slug), None)


@page.field("assignedAttributes")
def resolve_assigned_attributes(
    root: Page, info: GraphQLResolveInfo, limit: int = 100
) -> list[Assigned]:
    selected = resolve_attributes(root, info)
    loader = get_loader(info.context, L.ValuesByPageLoader)
    siblings = [v for values in loader.cache.values() for v in values or []]
    return assigned_attributes(selected, siblings, channel_of(root), limit)


@page.field("assignedAttribute")
def resolve_assigned_attribute(
    root: Page, info: GraphQLResolveInfo, slug: str
) -> Assigned | None:
    found = resolve_assigned_attributes(root, info, limit=10_000)
    return next((a for a in found if a.attribute.slug == slug), None)


# ---------------------------------------------------------------- PageType


@page_type.field("id")
def resolve_page_type_id(root: PageType, info: GraphQLResolveInfo) -> str:
    return to_global_id("PageType", root.pk)


@page_type.field("attributes")
def resolve_page_type_attributes(
    root: PageType, info: GraphQLResolveInfo
) -> list[Attribute]:
    attributes: list[Attribute] = (
        get_loader(info.context, L.AttributesByPageTypeLoader).load_for(
            root, lambda t: t.pk
        )
        or []
    )
    if actor_of(info).has_any_permission(*PAGE_STAFF):
        return attributes
    return [a for a in attributes if a.visible_in_storefront]


@page_type.field("hasPages")
@require_any(*PAGE_STAFF)
def resolve_has_pages(root: PageType, info: GraphQLResolveInfo) -> bool:
    return bool(
        get_loader(info.context, L.PageTypeHasPagesLoader).load_for(
            root, lambda t: t.pk
        )
    )


@page_type.field("availableAttributes")
@require_any(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
def resolve_available_attributes(
    root: PageType,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    search: str | None = None,
    **page: Any,
) -> Connection:
    filter, where = dict(filter or {}), dict(where or {})
    for data in (filter, where):
        if data.get("ids"):
            data["ids"] = decode_ids(data["ids"], "Attribute")
        data["metadata"] = metadata_pairs(data.get("metadata"))
        # Product-catalog conditions do not apply to page attributes.
        data.pop("in_category", None)
        data.pop("in_collection", None)
    assigned = root.attribute_pages.values("attribute_id")
    attributes = (
        filter_attributes(filter, where, search, storefront_only=False)
        .filter(type=AttributeType.PAGE_TYPE)
        .exclude(pk__in=assigned)
    )
    return connection_from_queryset(
        attributes, page, keys=[("slug", False)], name="availableAttributes"
    )


bind_metadata(page, Permission.MANAGE_PAGES)
bind_metadata(page_type, Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
bind_translation(page, page_translation, PageTranslation, "page")

bindables = [page, page_type, page_translation]
