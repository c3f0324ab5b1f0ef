"""Voucher reads the Saleor dashboard sends: catalogue counts without a page size."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from tests.factories.catalog import build_catalog
from tests.factories.discount import make_voucher

pytestmark = pytest.mark.django_db

MANAGE = (Permission.MANAGE_DISCOUNTS,)

COUNTS = """
query($id: ID!) {
  voucher(id: $id) {
    productsCount: products { totalCount }
    variantsCount: variants { totalCount }
    categoriesCount: categories { totalCount }
    collectionsCount: collections { totalCount }
    codes { totalCount }
    products(first: 1) { totalCount edges { node { slug } } }
  }
}
"""
EDGES_WITHOUT_SIZE = """
query($id: ID!) { voucher(id: $id) { products { edges { node { slug } } } } }
"""


def _voucher() -> str:
    catalog = build_catalog(3)
    code = make_voucher(catalog.channel)
    voucher = code.voucher
    voucher.products.add(*catalog.products[:2])
    voucher.variants.add(catalog.variants[0])
    voucher.categories.add(catalog.root, catalog.child)
    return to_global_id("Voucher", voucher.pk)


def test_catalogue_counts_need_no_page_size(staff_gql: Any) -> None:
    result = staff_gql(COUNTS, {"id": _voucher()}, permissions=MANAGE)
    assert result.errors is None
    voucher = result.data["voucher"]
    assert voucher["productsCount"] == {"totalCount": 2}
    assert voucher["variantsCount"] == {"totalCount": 1}
    assert voucher["categoriesCount"] == {"totalCount": 2}
    assert voucher["collectionsCount"] == {"totalCount": 0}
    assert voucher["codes"] == {"totalCount": 1}
    assert voucher["products"]["totalCount"] == 2
    assert len(voucher["products"]["edges"]) == 1


def test_edges_still_need_a_page_size(staff_gql: Any) -> None:
    result = staff_gql(EDGES_WITHOUT_SIZE, {"id": _voucher()}, permissions=MANAGE)
    assert result.errors is not None
    assert "You must provide a `first` or `last` value" in result.errors[0].message
    assert "`products` connection" in result.errors[0].message
