"""A shipping method's tax class: set, kept, cleared, refused when unknown, read
with MANAGE_SHIPPING or MANAGE_TAXES, and nulled when the class is deleted."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from mercato.shipping.models import ShippingMethod
from mercato.tax.models import TaxClass
from tests.factories.shipping import ShippingMethodFactory, ShippingZoneFactory

pytestmark = pytest.mark.django_db

SHIPPING = (Permission.MANAGE_SHIPPING,)

CREATE = """
mutation($input: ShippingPriceInput!) {
  shippingPriceCreate(input: $input) {
    shippingMethod { id name taxClass { id name } }
    errors { field code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: ShippingPriceInput!) {
  shippingPriceUpdate(id: $id, input: $input) {
    shippingMethod { name taxClass { name } }
    errors { field code }
  }
}
"""
ZONE = """
query($id: ID!) {
  shippingZone(id: $id) { shippingMethods { name taxClass { name } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def payload(result: Any, name: str) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data[name]  # type: ignore[no-any-return]


def test_create_with_a_tax_class(staff_gql: Any) -> None:
    zone = ShippingZoneFactory()
    reduced = TaxClass.objects.create(name="Reduced")
    data = payload(
        staff_gql(
            CREATE,
            {
                "input": {
                    "shippingZone": gid("ShippingZone", zone.pk),
                    "name": "Courier",
                    "type": "PRICE",
                    "taxClass": gid("TaxClass", reduced.pk),
                }
            },
            permissions=SHIPPING,
        ),
        "shippingPriceCreate",
    )
    assert data["errors"] == []
    assert data["shippingMethod"]["taxClass"] == {
        "id": gid("TaxClass", reduced.pk),
        "name": "Reduced",
    }
    assert ShippingMethod.objects.get().tax_class_id == reduced.pk


def test_update_keeps_sets_and_clears_the_tax_class(staff_gql: Any) -> None:
    reduced = TaxClass.objects.create(name="Reduced")
    standard = TaxClass.objects.create(name="Standard")
    method = ShippingMethodFactory(name="Courier", tax_class=reduced)
    method_id = gid("ShippingMethodType", method.pk)

    def update(input: dict[str, Any]) -> dict[str, Any]:
        return payload(
            staff_gql(UPDATE, {"id": method_id, "input": input}, permissions=SHIPPING),
            "shippingPriceUpdate",
        )

    kept = update({"name": "Van"})
    assert kept["shippingMethod"] == {"name": "Van", "taxClass": {"name": "Reduced"}}

    changed = update({"taxClass": gid("TaxClass", standard.pk)})
    assert changed["shippingMethod"]["taxClass"] == {"name": "Standard"}

    cleared = update({"taxClass": None})
    assert cleared["errors"] == []
    assert cleared["shippingMethod"]["taxClass"] is None
    method.refresh_from_db()
    assert method.tax_class_id is None


def test_unknown_tax_class_is_not_found_and_changes_nothing(staff_gql: Any) -> None:
    reduced = TaxClass.objects.create(name="Reduced")
    method = ShippingMethodFactory(name="Kept", tax_class=reduced)
    missing = gid("TaxClass", reduced.pk + 1000)

    updated = payload(
        staff_gql(
            UPDATE,
            {
                "id": gid("ShippingMethodType", method.pk),
                "input": {"name": "Changed", "taxClass": missing},
            },
            permissions=SHIPPING,
        ),
        "shippingPriceUpdate",
    )
    assert updated == {
        "shippingMethod": None,
        "errors": [{"field": "taxClass", "code": "NOT_FOUND"}],
    }
    method.refresh_from_db()
    assert (method.name, method.tax_class_id) == ("Kept", reduced.pk)

    created = payload(
        staff_gql(
            CREATE,
            {
                "input": {
                    "shippingZone": gid("ShippingZone", method.shipping_zone_id),
                    "name": "New",
                    "type": "PRICE",
                    "taxClass": missing,
                }
            },
            permissions=SHIPPING,
        ),
        "shippingPriceCreate",
    )
    assert created["errors"] == [{"field": "taxClass", "code": "NOT_FOUND"}]
    assert ShippingMethod.objects.count() == 1


def test_an_id_of_another_type_is_refused(staff_gql: Any) -> None:
    method = ShippingMethodFactory(name="Kept")
    result = staff_gql(
        UPDATE,
        {
            "id": gid("ShippingMethodType", method.pk),
            "input": {"name": "Changed", "taxClass": gid("Product", 1)},
        },
        permissions=SHIPPING,
    )
    assert result.errors is not None
    assert "Expected: TaxClass" in result.errors[0].message
    method.refresh_from_db()
    assert method.name == "Kept"


def test_shipping_staff_read_the_tax_class_without_manage_taxes(
    staff_gql: Any,
) -> None:
    # The field admits MANAGE_SHIPPING or MANAGE_TAXES (test_permission_matrix);
    # the zones around it already need MANAGE_SHIPPING.
    method = ShippingMethodFactory(tax_class=TaxClass.objects.create(name="Reduced"))
    zone_id = {"id": gid("ShippingZone", method.shipping_zone_id)}
    data = payload(staff_gql(ZONE, zone_id, permissions=SHIPPING), "shippingZone")
    assert data["shippingMethods"][0]["taxClass"] == {"name": "Reduced"}


def test_tax_classes_of_many_methods_load_together(
    staff_gql: Any, count_queries: Any
) -> None:
    zone = ShippingZoneFactory()

    def run() -> int:
        with count_queries() as queries:
            data = payload(
                staff_gql(ZONE, {"id": gid("ShippingZone", zone.pk)}, SHIPPING),
                "shippingZone",
            )
        assert all(m["taxClass"] for m in data["shippingMethods"])
        return len(queries)

    ShippingMethodFactory(
        shipping_zone=zone, tax_class=TaxClass.objects.create(name="A")
    )
    one = run()
    for name in ("B", "C", "D"):
        ShippingMethodFactory(
            shipping_zone=zone, tax_class=TaxClass.objects.create(name=name)
        )
    assert run() == one


def test_deleting_the_tax_class_clears_it() -> None:
    reduced = TaxClass.objects.create(name="Reduced")
    method = ShippingMethodFactory(tax_class=reduced)
    reduced.delete()
    method.refresh_from_db()
    assert method.tax_class_id is None
