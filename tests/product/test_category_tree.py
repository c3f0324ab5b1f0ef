"""The category services keep ``level`` and ``tree_path`` right when the tree moves."""

from __future__ import annotations

import pytest

from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor, Permission
from mercato.product.models import Category
from mercato.product.services.categories import (
    CategoryData,
    create_category,
    delete_categories,
    update_category,
)
from tests.factories.catalog import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

STAFF = Actor(
    user_id=1, is_staff=True, permissions=frozenset({Permission.MANAGE_PRODUCTS})
)


def test_created_child_sits_below_its_parent() -> None:
    root = create_category(actor=STAFF, data=CategoryData(name="Root"))
    child = create_category(
        actor=STAFF, data=CategoryData(name="Child"), parent_id=root.pk
    )
    assert (root.level, root.tree_path, root.slug) == (0, [], "root")
    assert (child.level, child.tree_path, child.parent_id) == (1, [root.pk], root.pk)


def test_moving_a_category_moves_its_descendants() -> None:
    a = CategoryFactory()
    b = CategoryFactory(parent=a)
    c = CategoryFactory(parent=b)
    other = CategoryFactory()
    update_category(
        actor=STAFF, category_id=b.pk, data=CategoryData(), parent_id=other.pk
    )
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.parent_id, b.level, b.tree_path) == (other.pk, 1, [other.pk])
    assert (c.level, c.tree_path) == (2, [other.pk, b.pk])
    update_category(actor=STAFF, category_id=b.pk, data=CategoryData(), parent_id=None)
    c.refresh_from_db()
    assert (c.level, c.tree_path) == (1, [b.pk])


@pytest.mark.parametrize("target", ["self", "descendant"])
def test_a_category_cannot_move_below_itself(target: str) -> None:
    a = CategoryFactory()
    b = CategoryFactory(parent=a)
    parent = a if target == "self" else b
    with pytest.raises(ValidationFailed) as failed:
        update_category(
            actor=STAFF, category_id=a.pk, data=CategoryData(), parent_id=parent.pk
        )
    assert [(e.field, e.code) for e in failed.value.errors] == [("parent", "INVALID")]
    a.refresh_from_db()
    assert (a.parent_id, a.level) == (None, 0)


def test_deleting_a_category_deletes_its_subtree_and_keeps_products() -> None:
    a = CategoryFactory()
    b = CategoryFactory(parent=a)
    product = ProductFactory(category=b)
    assert delete_categories(actor=STAFF, category_ids=[a.pk]) == 1
    assert not Category.objects.filter(pk__in=[a.pk, b.pk]).exists()
    product.refresh_from_db()
    assert product.category_id is None
