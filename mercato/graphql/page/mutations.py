"""Page and page type mutations: a declared permission and one service call each."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Permission
from mercato.core.translations import Translatable
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.core.translate_mutations import translate_resolver
from mercato.graphql.core.translations import bind_translation
from mercato.page import services
from mercato.page.models import Page, PageTranslation
from mercato.page.services import PageChanges

mutations = MutationType()
translatable_content = ObjectType("PageTranslatableContent")
bulk_delete_payload = ObjectType("PageBulkDelete")


@bulk_delete_payload.field("count")
def resolve_bulk_delete_count(root: dict[str, Any], info: GraphQLResolveInfo) -> int:
    """Zero when the deletion failed (the payload then only carries errors)."""
    return int(root.get("count", 0))


def _changes(data: dict[str, Any]) -> PageChanges:
    seo = data.get("seo") or {}
    return PageChanges(
        title=data.get("title"),
        slug=data.get("slug"),
        content=data.get("content"),
        is_published=data.get("is_published"),
        published_at=data.get("published_at"),
        seo_title=seo.get("title"),
        seo_description=seo.get("description"),
    )


@mutations.field("pageCreate")
@require_any(Permission.MANAGE_PAGES)
@mutation("page_errors")
def resolve_page_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    page = services.create_page(
        actor=actor_of(info),
        page_type_id=decode_id(input["page_type"], "PageType"),
        changes=_changes(input),
    )
    return {"page": page}


@mutations.field("pageUpdate")
@require_any(Permission.MANAGE_PAGES)
@mutation("page_errors")
def resolve_page_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    page = services.update_page(
        actor=actor_of(info), page_id=decode_id(id, "Page"), changes=_changes(input)
    )
    return {"page": page}


@mutations.field("pageDelete")
@require_any(Permission.MANAGE_PAGES)
@mutation("page_errors")
def resolve_page_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    page = services.delete_page(actor=actor_of(info), page_id=decode_id(id, "Page"))
    return {"page": page}


@mutations.field("pageBulkDelete")
@require_any(Permission.MANAGE_PAGES)
@mutation("page_errors")
def resolve_page_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = services.delete_pages(
        actor=actor_of(info), page_ids=decode_ids(ids, "Page")
    )
    return {"count": count}


@mutations.field("pageTypeCreate")
@require_any(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
@mutation("page_errors")
def resolve_page_type_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    page_type = services.create_page_type(
        actor=actor_of(info),
        name=input.get("name"),
        slug=input.get("slug"),
        attribute_ids=decode_ids(input.get("add_attributes") or [], "Attribute"),
    )
    return {"page_type": page_type}


@mutations.field("pageTypeUpdate")
@require_any(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
@mutation("page_errors")
def resolve_page_type_update(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any], id: str | None = None
) -> dict[str, Any]:
    if id is None:
        raise ValidationFailed.one("id", "REQUIRED", "Give the page type's ID.")
    page_type = services.update_page_type(
        actor=actor_of(info),
        page_type_id=decode_id(id, "PageType"),
        name=input.get("name"),
        slug=input.get("slug"),
        add_attribute_ids=decode_ids(input.get("add_attributes") or [], "Attribute"),
        remove_attribute_ids=decode_ids(
            input.get("remove_attributes") or [], "Attribute"
        ),
    )
    return {"page_type": page_type}


@mutations.field("pageTypeDelete")
@require_any(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
@mutation("page_errors")
def resolve_page_type_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    page_type = services.delete_page_type(
        actor=actor_of(info), page_type_id=decode_id(id, "PageType")
    )
    return {"page_type": page_type}


@mutations.field("pageAttributeAssign")
@require_any(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
@mutation("page_errors")
def resolve_page_attribute_assign(
    _: None, info: GraphQLResolveInfo, attribute_ids: list[str], page_type_id: str
) -> dict[str, Any]:
    page_type = services.assign_page_attributes(
        actor=actor_of(info),
        page_type_id=decode_id(page_type_id, "PageType"),
        attribute_ids=decode_ids(attribute_ids, "Attribute"),
    )
    return {"page_type": page_type}


@mutations.field("pageAttributeUnassign")
@require_any(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES)
@mutation("page_errors")
def resolve_page_attribute_unassign(
    _: None, info: GraphQLResolveInfo, attribute_ids: list[str], page_type_id: str
) -> dict[str, Any]:
    page_type = services.unassign_page_attributes(
        actor=actor_of(info),
        page_type_id=decode_id(page_type_id, "PageType"),
        attribute_ids=decode_ids(attribute_ids, "Attribute"),
    )
    return {"page_type": page_type}


mutations.set_field(
    "pageTranslate",
    translate_resolver(Translatable(Page, PageTranslation, "page"), "Page", "page"),
)


@translatable_content.field("id")
def resolve_content_id(root: Page, info: GraphQLResolveInfo) -> str:
    return to_global_id("PageTranslatableContent", root.pk)


@translatable_content.field("pageId")
def resolve_content_page_id(root: Page, info: GraphQLResolveInfo) -> str:
    return to_global_id("Page", root.pk)


@translatable_content.field("page")
def resolve_content_page(root: Page, info: GraphQLResolveInfo) -> Page:
    return root


bind_translation(
    translatable_content, ObjectType("PageTranslation"), PageTranslation, "page"
)

bindables = [mutations, translatable_content, bulk_delete_payload]
