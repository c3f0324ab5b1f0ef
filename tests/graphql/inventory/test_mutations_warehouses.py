from __future__ import annotations

from typing import Any

import pytest

from mercato.account.models import Address
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import Stock, Warehouse
from tests.factories.catalog import VariantFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: WarehouseCreateInput!) {
  createWarehouse(input: $input) {
    warehouse { id name slug email isPrivate clickAndCollectOption
      address { city postalCode country { code } } }
    errors { field code }
    warehouseErrors { field code }
  }
}
"""
UPDATE = """
mutation($id: ID, $ref: String, $input: WarehouseUpdateInput!) {
  updateWarehouse(id: $id, externalReference: $ref, input: $input) {
    warehouse { name slug isPrivate clickAndCollectOption externalReference
      address { city } }
    errors { field code }
  }
}
"""
DELETE = """
mutation($id: ID!) {
  deleteWarehouse(id: $id) { warehouse { id name } errors { field code } }
}
"""

ADDRESS = {
    "streetAddress1": "1 Market St",
    "city": "San Francisco",
    "postalCode": "94105",
    "country": "US",
    "countryArea": "CA",
}


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def test_create_warehouse(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": {"name": "Main Depot", "email": "d@example.com", "address": ADDRESS}},
    )
    assert result.errors is None
    payload = result.data["createWarehouse"]
    assert payload["errors"] == [] and payload["warehouseErrors"] == []
    assert payload["warehouse"]["slug"] == "main-depot"
    assert payload["warehouse"]["isPrivate"] is True
    assert payload["warehouse"]["clickAndCollectOption"] == "DISABLED"
    assert payload["warehouse"]["address"] == {
        "city": "SAN FRANCISCO",
        "postalCode": "94105",
        "country": {"code": "US"},
    }
    warehouse = Warehouse.objects.get()
    assert warehouse.email == "d@example.com"
    assert warehouse.address.street_address_1 == "1 Market St"


def test_slug_from_name_is_made_unique(staff_gql: Any) -> None:
    WarehouseFactory(slug="depot")
    result = staff_gql(CREATE, {"input": {"name": "Depot", "address": ADDRESS}})
    assert result.data["createWarehouse"]["warehouse"]["slug"] == "depot-2"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"slug": "taken"}, "slug", "UNIQUE"),
        ({"email": "not-an-email"}, "email", "INVALID"),
        ({"name": "x" * 251}, "name", "INVALID"),
        ({"name": " "}, "name", "REQUIRED"),
        ({"address": {**ADDRESS, "postalCode": "nope"}}, "postalCode", "INVALID"),
        ({"address": {"city": "Nowhere"}}, "country", "REQUIRED"),
    ],
)
def test_create_warehouse_bad_input(
    staff_gql: Any, overrides: dict[str, Any], field: str, code: str
) -> None:
    WarehouseFactory(slug="taken")
    before = Address.objects.count()
    variables = {"input": {"name": "New", "address": ADDRESS, **overrides}}
    payload = staff_gql(CREATE, variables).data["createWarehouse"]
    assert payload["warehouse"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in payload["errors"]]
    assert Warehouse.objects.count() == 1
    assert Address.objects.count() == before


def test_warehouse_mutations_need_manage_products(staff_gql: Any, gql: Any) -> None:
    warehouse = WarehouseFactory(name="Old")
    for query, variables in [
        (CREATE, {"input": {"name": "New", "address": ADDRESS}}),
        (UPDATE, {"id": gid(warehouse), "input": {"name": "New"}}),
        (DELETE, {"id": gid(warehouse)}),
    ]:
        denied = staff_gql(query, variables, permissions=(Permission.MANAGE_ORDERS,))
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    assert Warehouse.objects.get().name == "Old"


def test_update_warehouse(staff_gql: Any) -> None:
    warehouse = WarehouseFactory(external_reference="ext-1")
    result = staff_gql(
        UPDATE,
        {
            "ref": "ext-1",
            "input": {
                "name": "Renamed",
                "slug": "renamed",
                "isPrivate": False,
                "clickAndCollectOption": "LOCAL",
                "externalReference": "ext-2",
                "address": ADDRESS,
            },
        },
    )
    assert result.errors is None
    assert result.data["updateWarehouse"] == {
        "warehouse": {
            "name": "Renamed",
            "slug": "renamed",
            "isPrivate": False,
            "clickAndCollectOption": "LOCAL",
            "externalReference": "ext-2",
            "address": {"city": "SAN FRANCISCO"},
        },
        "errors": [],
    }
    warehouse.refresh_from_db()
    assert warehouse.click_and_collect_option == "local"
    assert Address.objects.count() == 1


def test_update_warehouse_bad_input_changes_nothing(staff_gql: Any) -> None:
    WarehouseFactory(external_reference="other")
    warehouse = WarehouseFactory(name="Mine")
    result = staff_gql(
        UPDATE,
        {
            "id": gid(warehouse),
            "input": {"name": "Renamed", "externalReference": "other"},
        },
    )
    assert result.data["updateWarehouse"]["errors"] == [
        {"field": "externalReference", "code": "UNIQUE"}
    ]
    warehouse.refresh_from_db()
    assert warehouse.name == "Mine"
    missing = staff_gql(
        UPDATE, {"id": to_global_id("Warehouse", 99999), "input": {"name": "x"}}
    )
    assert missing.data["updateWarehouse"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND"}
    ]


def test_delete_warehouse_with_stock_and_address(staff_gql: Any) -> None:
    warehouse = WarehouseFactory(name="Gone")
    Stock.objects.create(warehouse=warehouse, product_variant=VariantFactory())
    result = staff_gql(DELETE, {"id": gid(warehouse)})
    assert result.data["deleteWarehouse"] == {
        "warehouse": {"id": gid(warehouse), "name": "Gone"},
        "errors": [],
    }
    assert not Warehouse.objects.exists()
    assert not Stock.objects.exists()
    assert not Address.objects.exists()


def test_nul_characters_are_invalid_input(staff_gql: Any) -> None:
    variables = {
        "input": {"name": "Depot\x00", "address": {**ADDRESS, "city": "S\x00F"}}
    }
    result = staff_gql(CREATE, variables)
    assert result.errors is None
    assert sorted(codes_of(result.data["createWarehouse"])) == [
        ("address", "INVALID"),
        ("name", "INVALID"),
    ]
    assert not Warehouse.objects.exists()


def codes_of(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]
