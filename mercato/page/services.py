"""Writes of pages and page types."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mercato.attribute.models import Attribute, AttributePage, AttributeType
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length, check_slug, has_nul, unique_slug
from mercato.page.models import Page, PageType

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
ATTRIBUTE_ALREADY_ASSIGNED = "ATTRIBUTE_ALREADY_ASSIGNED"

# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageChanges:
    """Page fields to set; ``None`` keeps the current value."""

    title: str | None = None
    slug: str | None = None
    content: Any = None
    is_published: bool | None = None
    published_at: datetime.datetime | None = None
    seo_title: str | None = None
    seo_description: str | None = None


def _check_page(
    errors: ErrorCollector, changes: PageChanges, *, exclude_pk: int | None
) -> None:
    if changes.title is not None and not changes.title.strip():
        errors.add("title", REQUIRED, "A page needs a title.")
    check_length(errors, Page, {"title": changes.title})
    seo = {"seoTitle": changes.seo_title, "seoDescription": changes.seo_description}
    check_length(errors, Page, seo)
    if changes.slug is not None:
        check_slug(errors, Page, changes.slug, exclude_pk=exclude_pk)
    if changes.content is not None and not isinstance(changes.content, dict):
        errors.add("content", INVALID, "The content must be an Editor.js document.")
    elif has_nul(changes.content):
        errors.add("content", INVALID, "Text cannot contain NUL characters.")


def _apply(page: Page, changes: PageChanges) -> None:
    for name in ("slug", "content", "seo_title", "seo_description", "published_at"):
        value = getattr(changes, name)
        if value is not None:
            setattr(page, name, value)
    if changes.title is not None:
        page.title = changes.title.strip()
    if changes.is_published is not None:
        page.is_published = changes.is_published
    if page.is_published and page.published_at is None:
        page.published_at = timezone.now()


def create_page(*, actor: Actor, page_type_id: int, changes: PageChanges) -> Page:
    """Create a page of a page type; a missing slug is made from the title."""
    errors = ErrorCollector()
    if changes.title is None:
        errors.add("title", REQUIRED, "A page needs a title.")
    if not PageType.objects.filter(pk=page_type_id).exists():
        errors.add("pageType", NOT_FOUND, "Page type not found.")
    _check_page(errors, changes, exclude_pk=None)
    errors.raise_if_any()
    with transaction.atomic():
        page = Page(page_type_id=page_type_id)
        _apply(page, changes)
        if not page.slug:
            page.slug = unique_slug(Page, page.title)
        page.save()
    return page


def update_page(*, actor: Actor, page_id: int, changes: PageChanges) -> Page:
    """Change the given fields of a page; locks the page row."""
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(pk=page_id).first()
        if page is None:
            raise ValidationFailed.one("id", NOT_FOUND, "Page not found.")
        errors = ErrorCollector()
        _check_page(errors, changes, exclude_pk=page.pk)
        errors.raise_if_any()
        _apply(page, changes)
        page.save()
    return page


def delete_page(*, actor: Actor, page_id: int) -> Page:
    """Delete a page with its translations, attribute values and menu items."""
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(pk=page_id).first()
        if page is None:
            raise ValidationFailed.one("id", NOT_FOUND, "Page not found.")
        pk = page.pk
        page.delete()
        page.pk = pk
    return page


def delete_pages(*, actor: Actor, page_ids: Sequence[int]) -> int:
    """Delete the pages in ``page_ids`` (all must exist); returns how many."""
    with transaction.atomic():
        pages = Page.objects.select_for_update().filter(pk__in=page_ids).order_by("pk")
        found = [page.pk for page in pages]
        if set(page_ids) - set(found):
            raise ValidationFailed.one("ids", NOT_FOUND, "Some pages do not exist.")
        Page.objects.filter(pk__in=found).delete()
    return len(found)


# ---------------------------------------------------------------- page types


def _check_page_type(
    errors: ErrorCollector,
    *,
    name: str | None,
    slug: str | None,
    exclude_pk: int | None,
) -> None:
    if name is not None and not name.strip():
        errors.add("name", REQUIRED, "A page type needs a name.")
    check_length(errors, PageType, {"name": name})
    if slug is not None:
        check_slug(errors, PageType, slug, exclude_pk=exclude_pk)


def _check_attributes(
    errors: ErrorCollector,
    field: str,
    attribute_ids: Sequence[int],
    *,
    assigned: set[int] | None = None,
) -> None:
    """Page attributes that exist, listed once; with ``assigned``, not yet assigned."""
    if len(set(attribute_ids)) != len(attribute_ids):
        errors.add(field, DUPLICATED_INPUT_ITEM, "An attribute is listed twice.")
    kinds = dict(
        Attribute.objects.filter(pk__in=attribute_ids).values_list("pk", "type")
    )
    if set(attribute_ids) - set(kinds):
        errors.add(field, NOT_FOUND, "Some attributes do not exist.")
    if any(kind != AttributeType.PAGE_TYPE for kind in kinds.values()):
        errors.add(field, INVALID, "Only page attributes can be assigned.")
    if assigned is not None and assigned & set(attribute_ids):
        errors.add(
            field,
            ATTRIBUTE_ALREADY_ASSIGNED,
            "Some attributes are already assigned to the page type.",
        )


def _assign(page_type: PageType, attribute_ids: Sequence[int]) -> None:
    """Append ``attribute_ids`` after the type's attributes, numbering all of them."""
    if not attribute_ids:
        return
    current = AttributePage.objects.filter(page_type=page_type).order_by(
        F("sort_order").asc(nulls_last=True), "pk"
    )
    for position, link in enumerate(current):
        if link.sort_order != position:
            link.sort_order = position
            link.save(update_fields=["sort_order"])
    start = len(current)
    AttributePage.objects.bulk_create(
        AttributePage(page_type=page_type, attribute_id=pk, sort_order=start + i)
        for i, pk in enumerate(attribute_ids)
    )


def create_page_type(
    *,
    actor: Actor,
    name: str | None,
    slug: str | None = None,
    attribute_ids: Sequence[int] = (),
) -> PageType:
    """Create a page type with the given page attributes, in that order."""
    errors = ErrorCollector()
    if name is None:
        errors.add("name", REQUIRED, "A page type needs a name.")
    _check_page_type(errors, name=name, slug=slug, exclude_pk=None)
    _check_attributes(errors, "addAttributes", attribute_ids)
    errors.raise_if_any()
    assert name is not None  # checked above
    with transaction.atomic():
        page_type = PageType.objects.create(
            name=name.strip(), slug=slug or unique_slug(PageType, name)
        )
        _assign(page_type, attribute_ids)
    return page_type


def update_page_type(
    *,
    actor: Actor,
    page_type_id: int,
    name: str | None = None,
    slug: str | None = None,
    add_attribute_ids: Sequence[int] = (),
    remove_attribute_ids: Sequence[int] = (),
) -> PageType:
    """Change a page type and which attributes it has; locks the page type row."""
    with transaction.atomic():
        page_type = _lock_page_type(page_type_id, "id")
        assigned = set(
            AttributePage.objects.filter(page_type=page_type).values_list(
                "attribute_id", flat=True
            )
        )
        errors = ErrorCollector()
        _check_page_type(errors, name=name, slug=slug, exclude_pk=page_type.pk)
        _check_attributes(errors, "addAttributes", add_attribute_ids, assigned=assigned)
        _check_attributes(errors, "removeAttributes", remove_attribute_ids)
        errors.raise_if_any()
        if name is not None:
            page_type.name = name.strip()
        if slug is not None:
            page_type.slug = slug
        page_type.save()
        AttributePage.objects.filter(
            page_type=page_type, attribute_id__in=remove_attribute_ids
        ).delete()
        _assign(page_type, add_attribute_ids)
    return page_type


def _lock_page_type(page_type_id: int, field: str) -> PageType:
    page_type = PageType.objects.select_for_update().filter(pk=page_type_id).first()
    if page_type is None:
        raise ValidationFailed.one(field, NOT_FOUND, "Page type not found.")
    return page_type


def assign_page_attributes(
    *, actor: Actor, page_type_id: int, attribute_ids: Sequence[int]
) -> PageType:
    """Append page attributes to a page type; locks the page type row."""
    with transaction.atomic():
        page_type = _lock_page_type(page_type_id, "pageTypeId")
        assigned = set(
            AttributePage.objects.filter(page_type=page_type).values_list(
                "attribute_id", flat=True
            )
        )
        errors = ErrorCollector()
        _check_attributes(errors, "attributeIds", attribute_ids, assigned=assigned)
        errors.raise_if_any()
        _assign(page_type, attribute_ids)
    return page_type


def unassign_page_attributes(
    *, actor: Actor, page_type_id: int, attribute_ids: Sequence[int]
) -> PageType:
    """Take attributes off a page type (unassigned ones are ignored)."""
    with transaction.atomic():
        page_type = _lock_page_type(page_type_id, "pageTypeId")
        errors = ErrorCollector()
        _check_attributes(errors, "attributeIds", attribute_ids)
        errors.raise_if_any()
        AttributePage.objects.filter(
            page_type=page_type, attribute_id__in=attribute_ids
        ).delete()
    return page_type


def delete_page_type(*, actor: Actor, page_type_id: int) -> PageType:
    """Delete a page type and every page of that type."""
    with transaction.atomic():
        page_type = _lock_page_type(page_type_id, "id")
        pk = page_type.pk
        page_type.delete()
        page_type.pk = pk
    return page_type
