from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import Stock
from tests.factories.catalog import VariantFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation($variantId: ID!, $stocks: [StockInput!]!) {
  productVariantStocksCreate(variantId: $variantId, stocks: $stocks) {
    productVariant { id stocks { quantity warehouse { slug } } }
    errors { field code index }
    bulkStockErrors { field code index }
  }
}
"""
UPDATE = """
mutation($variantId: ID, $sku: String, $stocks: [StockInput!]!) {
  productVariantStocksUpdate(variantId: $variantId, sku: $sku, stocks: $stocks) {
    productVariant { stocks { quantity warehouse { slug } } }
    errors { field code index }
  }
}
"""
DELETE = """
mutation($variantId: ID, $sku: String, $warehouseIds: [ID!]) {
  productVariantStocksDelete(
    variantId: $variantId, sku: $sku, warehouseIds: $warehouseIds
  ) {
    productVariant { stocks { warehouse { slug } } }
    errors { field code }
    stockErrors { field code }
  }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def quantities(variant: Any) -> dict[str, int]:
    return {
        s.warehouse.slug: s.quantity
        for s in Stock.objects.filter(product_variant=variant)
    }


def test_create_stocks(staff_gql: Any) -> None:
    variant = VariantFactory()
    a, b = WarehouseFactory(slug="a"), WarehouseFactory(slug="b")
    stocks = [
        {"warehouse": gid(a), "quantity": 5},
        {"warehouse": gid(b), "quantity": 0},
    ]
    result = staff_gql(CREATE, {"variantId": gid(variant), "stocks": stocks})
    assert result.errors is None
    payload = result.data["productVariantStocksCreate"]
    assert payload["errors"] == [] and payload["bulkStockErrors"] == []
    assert payload["productVariant"]["id"] == gid(variant)
    assert quantities(variant) == {"a": 5, "b": 0}


def test_create_stocks_bad_input_changes_nothing(staff_gql: Any) -> None:
    variant = VariantFactory()
    a, b = WarehouseFactory(slug="a"), WarehouseFactory(slug="b")
    Stock.objects.create(warehouse=b, product_variant=variant, quantity=1)
    stocks = [
        {"warehouse": gid(a), "quantity": -1},
        {"warehouse": gid(a), "quantity": 2},
        {"warehouse": to_global_id("Warehouse", 99999), "quantity": 1},
        {"warehouse": gid(b), "quantity": 3},
    ]
    result = staff_gql(CREATE, {"variantId": gid(variant), "stocks": stocks})
    payload = result.data["productVariantStocksCreate"]
    assert payload["productVariant"] is None
    assert payload["errors"] == [
        {"field": "quantity", "code": "INVALID", "index": 0},
        {"field": "warehouse", "code": "DUPLICATED_INPUT_ITEM", "index": 1},
        {"field": "warehouse", "code": "NOT_FOUND", "index": 2},
        {"field": "warehouse", "code": "UNIQUE", "index": 3},
    ]
    assert quantities(variant) == {"b": 1}


def test_stocks_of_unknown_variant(staff_gql: Any) -> None:
    warehouse = WarehouseFactory()
    result = staff_gql(
        CREATE,
        {
            "variantId": to_global_id("ProductVariant", 99999),
            "stocks": [{"warehouse": gid(warehouse), "quantity": 1}],
        },
    )
    assert result.data["productVariantStocksCreate"]["errors"] == [
        {"field": "variantId", "code": "NOT_FOUND", "index": None}
    ]
    foreign = staff_gql(
        CREATE,
        {"variantId": gid(warehouse), "stocks": []},
    )
    assert foreign.errors and "Invalid ID" in foreign.errors[0].message
    assert not Stock.objects.exists()


def test_update_stocks_by_sku_sets_and_adds(staff_gql: Any) -> None:
    variant = VariantFactory(sku="SKU-1")
    a, b = WarehouseFactory(slug="a"), WarehouseFactory(slug="b")
    Stock.objects.create(warehouse=a, product_variant=variant, quantity=1)
    stocks = [
        {"warehouse": gid(a), "quantity": 7},
        {"warehouse": gid(b), "quantity": 2},
    ]
    result = staff_gql(UPDATE, {"sku": "SKU-1", "stocks": stocks})
    assert result.data["productVariantStocksUpdate"]["errors"] == []
    assert quantities(variant) == {"a": 7, "b": 2}


def test_update_stocks_rejects_negative(staff_gql: Any) -> None:
    variant = VariantFactory()
    a = WarehouseFactory(slug="a")
    Stock.objects.create(warehouse=a, product_variant=variant, quantity=1)
    result = staff_gql(
        UPDATE,
        {"variantId": gid(variant), "stocks": [{"warehouse": gid(a), "quantity": -5}]},
    )
    assert result.data["productVariantStocksUpdate"]["errors"] == [
        {"field": "quantity", "code": "INVALID", "index": 0}
    ]
    assert quantities(variant) == {"a": 1}


def test_delete_stocks(staff_gql: Any) -> None:
    variant = VariantFactory()
    a, b = WarehouseFactory(slug="a"), WarehouseFactory(slug="b")
    for warehouse in (a, b):
        Stock.objects.create(warehouse=warehouse, product_variant=variant)
    result = staff_gql(DELETE, {"variantId": gid(variant), "warehouseIds": [gid(a)]})
    payload = result.data["productVariantStocksDelete"]
    assert payload["errors"] == [] and payload["stockErrors"] == []
    assert payload["productVariant"]["stocks"] == [{"warehouse": {"slug": "b"}}]
    unknown = staff_gql(
        DELETE,
        {"variantId": gid(variant), "warehouseIds": [to_global_id("Warehouse", 9999)]},
    )
    assert unknown.data["productVariantStocksDelete"]["errors"] == [
        {"field": "warehouseIds", "code": "NOT_FOUND"}
    ]
    assert quantities(variant) == {"b": 0}


def test_stock_mutations_need_manage_products(staff_gql: Any, gql: Any) -> None:
    variant = VariantFactory()
    warehouse = WarehouseFactory()
    Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=3)
    stocks = [{"warehouse": gid(warehouse), "quantity": 9}]
    for query, variables in [
        (CREATE, {"variantId": gid(variant), "stocks": stocks}),
        (UPDATE, {"variantId": gid(variant), "stocks": stocks}),
        (DELETE, {"variantId": gid(variant), "warehouseIds": [gid(warehouse)]}),
    ]:
        denied = staff_gql(query, variables, permissions=(Permission.MANAGE_ORDERS,))
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    assert quantities(variant) == {warehouse.slug: 3}


def test_nul_in_sku_is_not_found(staff_gql: Any) -> None:
    result = staff_gql(UPDATE, {"sku": "SKU\x00", "stocks": []})
    assert result.errors is None
    assert result.data["productVariantStocksUpdate"]["errors"] == [
        {"field": "sku", "code": "NOT_FOUND", "index": None}
    ]
