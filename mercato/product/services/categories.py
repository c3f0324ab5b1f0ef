"""Create, change, move and delete categories, keeping the tree columns right."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import transaction

from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_slug, unique_slug
from mercato.product.models import Category, Product
from mercato.product.search import update_products_search_index
from mercato.product.services.common import (
    SEO_AND_NAME,
    UNSET,
    MetadataFields,
    Unset,
    apply_metadata,
    check_image,
    check_lengths,
    check_metadata,
    check_no_nul,
    deleted,
    editorjs_plaintext,
    missing_name,
)
from mercato.thumbnail.services import delete_thumbnails


@dataclass
class CategoryData(MetadataFields):
    """The fields of a category a caller may set; ``UNSET`` leaves one unchanged."""

    name: str | Unset | None = UNSET
    slug: str | Unset | None = UNSET
    description: Any = UNSET
    seo_title: str | Unset | None = UNSET
    seo_description: str | Unset | None = UNSET
    background_image: File[Any] | Unset | None = UNSET
    background_image_alt: str | Unset | None = UNSET


def _validate(
    data: CategoryData, *, instance: Category | None, errors: ErrorCollector
) -> None:
    check_no_nul(errors, data)
    check_metadata(errors, data)
    if missing_name(data.name, creating=instance is None):
        errors.add("name", "REQUIRED", "A category needs a name.")
    check_lengths(
        errors,
        Category,
        data,
        {**SEO_AND_NAME, "background_image_alt": "backgroundImageAlt"},
    )
    if isinstance(data.slug, str):
        check_slug(
            errors,
            Category,
            data.slug,
            exclude_pk=instance.pk if instance is not None else None,
        )
    if isinstance(data.background_image, File):
        check_image(errors, "backgroundImage", data.background_image)


def _apply(category: Category, data: CategoryData) -> bool:
    """Copy the given fields; return whether the background image changed."""
    apply_metadata(category, data)
    if isinstance(data.name, str):
        category.name = data.name
    if isinstance(data.slug, str):
        category.slug = data.slug
    elif not category.slug:
        category.slug = unique_slug(Category, category.name, exclude_pk=category.pk)
    if data.description is not UNSET:
        category.description = data.description
        category.description_plaintext = editorjs_plaintext(data.description)
    if data.seo_title is not UNSET:
        category.seo_title = data.seo_title
    if data.seo_description is not UNSET:
        category.seo_description = data.seo_description
    if data.background_image_alt is not UNSET:
        category.background_image_alt = data.background_image_alt or ""
    if data.background_image is UNSET:
        return False
    if data.background_image is None:
        category.background_image = None
    else:
        category.background_image.save(
            data.background_image.name or "image", data.background_image, save=False
        )
    return True


def _tree_position(parent: Category | None) -> tuple[int, list[int]]:
    if parent is None:
        return 0, []
    return parent.level + 1, [*parent.tree_path, parent.pk]


def create_category(
    *, actor: Actor, data: CategoryData, parent_id: int | None = None
) -> Category:
    """Create a category, as a root or under ``parent_id``."""
    errors = ErrorCollector()
    parent = None
    if parent_id is not None:
        parent = Category.objects.filter(pk=parent_id).first()
        if parent is None:
            errors.add("parent", "NOT_FOUND", "The parent category does not exist.")
    _validate(data, instance=None, errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        level, path = _tree_position(parent)
        category = Category(parent=parent, level=level, tree_path=path)
        _apply(category, data)
        category.save()
    return category


def update_category(
    *,
    actor: Actor,
    category_id: int,
    data: CategoryData,
    parent_id: int | Unset | None = UNSET,
) -> Category:
    """Change a category; moving it (``parent_id``) moves its whole subtree.

    Locks the category and its descendants in primary-key order.
    """
    with transaction.atomic():
        subtree = Category.objects.filter(pk=category_id)
        if parent_id is not UNSET:
            subtree |= Category.objects.filter(tree_path__contains=[category_id])
        locked = {c.pk: c for c in subtree.select_for_update().order_by("pk")}
        category = locked.get(category_id)
        if category is None:
            raise ValidationFailed.one(
                "id", "NOT_FOUND", "The category does not exist."
            )
        errors = ErrorCollector()
        new_parent: Category | Unset | None = UNSET
        if parent_id is not UNSET:
            new_parent = _check_new_parent(category, parent_id, errors)
        _validate(data, instance=category, errors=errors)
        errors.raise_if_any()
        if _apply(category, data):
            delete_thumbnails(kind="Category", pk=category.pk)
        if not isinstance(new_parent, Unset):
            _move(category, new_parent)
        category.save()
    return category


def _check_new_parent(
    category: Category, parent_id: int | None, errors: ErrorCollector
) -> Category | None:
    if parent_id is None:
        return None
    parent = Category.objects.filter(pk=parent_id).first()
    if parent is None:
        errors.add("parent", "NOT_FOUND", "The parent category does not exist.")
    elif parent.pk == category.pk or category.pk in parent.tree_path:
        errors.add(
            "parent",
            "INVALID",
            "A category cannot be moved under itself or one of its descendants.",
        )
    return parent


def _move(category: Category, parent: Category | None) -> None:
    """Re-root ``category`` under ``parent``; rewrite the paths of its descendants.

    The caller holds row locks on the category and its descendants.
    """
    descendants = list(
        Category.objects.filter(tree_path__contains=[category.pk]).order_by("pk")
    )
    level, path = _tree_position(parent)
    category.parent = parent
    category.level, category.tree_path = level, path
    for child in descendants:
        below = child.tree_path[child.tree_path.index(category.pk) :]
        child.tree_path = [*path, *below]
        child.level = len(child.tree_path)
    Category.objects.bulk_update(descendants, ["tree_path", "level"])


def delete_category(*, actor: Actor, category_id: int) -> Category:
    """Delete a category with everything below it; its products lose their category."""
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise ValidationFailed.one(
                "id", "NOT_FOUND", "The category does not exist."
            )
        _delete_subtrees([category.pk])
    return deleted(category, category_id)


def delete_categories(*, actor: Actor, category_ids: list[int]) -> int:
    """Delete categories (and their subtrees); return how many were named."""
    with transaction.atomic():
        ids = list(
            Category.objects.select_for_update()
            .filter(pk__in=category_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(ids) != len(set(category_ids)):
            raise ValidationFailed.one(
                "ids", "NOT_FOUND", "Some of the categories do not exist."
            )
        _delete_subtrees(ids)
    return len(ids)


def _delete_subtrees(ids: list[int]) -> None:
    subtree = Category.objects.filter(pk__in=ids) | Category.objects.filter(
        tree_path__overlap=ids
    )
    subtree_ids = list(subtree.values_list("pk", flat=True))
    product_ids = list(
        Product.objects.filter(category_id__in=subtree_ids).values_list("pk", flat=True)
    )
    for pk in subtree_ids:
        delete_thumbnails(kind="Category", pk=pk)
    Category.objects.filter(pk__in=subtree_ids).delete()
    update_products_search_index(product_ids)
