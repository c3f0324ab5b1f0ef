"""Attribute and attribute value mutations over the API."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeValue,
)
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.product.models import Product
from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db

TYPES = (Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,)


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def run(staff_gql: Any, query: str, variables: dict[str, Any], name: str) -> Any:
    result = staff_gql(query, variables, permissions=TYPES)
    assert result.errors is None, result.errors
    return result.data[name]


def assert_denied(result: Any) -> None:
    assert result.errors
    assert isinstance(result.errors[0].original_error, PermissionDenied)


CREATE = """
mutation($input: AttributeCreateInput!) {
  attributeCreate(input: $input) {
    attribute { id name slug type inputType entityType unit valueRequired
      choices(first: 10) { edges { node { name slug value } } } }
    errors { field code message }
    attributeErrors { field code }
  }
}
"""


def test_attribute_create_with_values(staff_gql: Any) -> None:
    result = run(
        staff_gql,
        CREATE,
        {
            "input": {
                "name": "Shade",
                "type": "PRODUCT_TYPE",
                "inputType": "SWATCH",
                "valueRequired": True,
                "values": [{"name": "Deep Red", "value": "#aa0000"}, {"name": "Blue"}],
            }
        },
        "attributeCreate",
    )
    assert result["errors"] == [] and result["attributeErrors"] == []
    attribute = result["attribute"]
    assert (attribute["slug"], attribute["inputType"], attribute["valueRequired"]) == (
        "shade",
        "SWATCH",
        True,
    )
    assert [edge["node"] for edge in attribute["choices"]["edges"]] == [
        {"name": "Deep Red", "slug": "deep-red", "value": "#aa0000"},
        {"name": "Blue", "slug": "blue", "value": None},
    ]


def test_attribute_create_errors_change_nothing(staff_gql: Any) -> None:
    Attribute.objects.create(slug="size", name="Size", type="PRODUCT_TYPE")
    result = run(
        staff_gql,
        CREATE,
        {
            "input": {
                "name": "Size",
                "slug": "size",
                "type": "PRODUCT_TYPE",
                "values": [{"name": "S"}, {"name": "s"}],
            }
        },
        "attributeCreate",
    )
    assert result["attribute"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("slug", "UNIQUE"),
        ("values", "ALREADY_EXISTS"),
    ]
    reference = run(
        staff_gql,
        CREATE,
        {"input": {"name": "Link", "type": "PRODUCT_TYPE", "inputType": "REFERENCE"}},
        "attributeCreate",
    )
    assert reference["attributeErrors"] == [{"field": "entityType", "code": "REQUIRED"}]
    plain = run(
        staff_gql,
        CREATE,
        {
            "input": {
                "name": "Notes",
                "type": "PRODUCT_TYPE",
                "inputType": "PLAIN_TEXT",
                "values": [{"name": "x"}],
            }
        },
        "attributeCreate",
    )
    assert plain["attributeErrors"] == [{"field": "values", "code": "INVALID"}]
    assert Attribute.objects.count() == 1
    assert not AttributeValue.objects.exists()


def test_attribute_mutations_need_their_permission(staff_gql: Any) -> None:
    assert_denied(staff_gql(CREATE, {"input": {"name": "X", "type": "PRODUCT_TYPE"}}))
    assert not Attribute.objects.exists()


UPDATE = """
mutation($id: ID, $ref: String, $input: AttributeUpdateInput!) {
  attributeUpdate(id: $id, externalReference: $ref, input: $input) {
    attribute { name slug visibleInStorefront externalReference
      choices(first: 10) { edges { node { name } } } }
    errors { field code }
  }
}
"""


def test_attribute_update_adds_and_removes_values(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    red = AttributeValue.objects.get(attribute=catalog.color, slug="red")
    product = catalog.products[0]
    result = run(
        staff_gql,
        UPDATE,
        {
            "id": gid(catalog.color),
            "input": {
                "name": "Colour",
                "visibleInStorefront": False,
                "externalReference": "erp-colour",
                "removeValues": [gid(red)],
                "addValues": [{"name": "Green"}],
            },
        },
        "attributeUpdate",
    )
    assert result == {
        "attribute": {
            "name": "Colour",
            "slug": "color",
            "visibleInStorefront": False,
            "externalReference": "erp-colour",
            "choices": result["attribute"]["choices"],
        },
        "errors": [],
    }
    names = {edge["node"]["name"] for edge in result["attribute"]["choices"]["edges"]}
    assert names == {"Blue", "Green"}
    assert not AssignedProductAttributeValue.objects.filter(product=product).exists()
    document = Product.objects.filter(pk=product.pk).values_list(
        "search_document", flat=True
    )
    assert "red" not in document.get()
    by_reference = run(
        staff_gql,
        UPDATE,
        {"ref": "erp-colour", "input": {"addValues": [{"name": "blue"}]}},
        "attributeUpdate",
    )
    assert by_reference == {
        "attribute": None,
        "errors": [{"field": "addValues", "code": "ALREADY_EXISTS"}],
    }
    foreign = AttributeValue.objects.get(attribute=catalog.size, slug="s")
    wrong = run(
        staff_gql,
        UPDATE,
        {"id": gid(catalog.color), "input": {"removeValues": [gid(foreign)]}},
        "attributeUpdate",
    )
    assert wrong["errors"] == [{"field": "removeValues", "code": "INVALID"}]
    assert AttributeValue.objects.filter(pk=foreign.pk).exists()


def test_attribute_delete_and_bulk_delete(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    deleted = run(
        staff_gql,
        "mutation($id: ID!) { attributeDelete(id: $id) { attribute { id slug } errors "
        "{ code } } }",
        {"id": gid(catalog.color)},
        "attributeDelete",
    )
    assert deleted == {
        "attribute": {"id": gid(catalog.color), "slug": "color"},
        "errors": [],
    }
    missing = run(
        staff_gql,
        "mutation($ids: [ID!]!) { attributeBulkDelete(ids: $ids) { count errors { "
        "field code } } }",
        {"ids": [gid(catalog.size), gid(catalog.color)]},
        "attributeBulkDelete",
    )
    assert missing == {"count": 0, "errors": [{"field": "ids", "code": "NOT_FOUND"}]}
    bulk = run(
        staff_gql,
        "mutation($ids: [ID!]!) { attributeBulkDelete(ids: $ids) { count errors { "
        "code } } }",
        {"ids": [gid(catalog.size)]},
        "attributeBulkDelete",
    )
    assert bulk == {"count": 1, "errors": []}
    assert not Attribute.objects.exists()
    assert_denied(staff_gql("mutation { attributeBulkDelete(ids: []) { count } }"))


def test_attribute_value_create_update_delete(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    created = run(
        staff_gql,
        """mutation($a: ID!) { attributeValueCreate(attribute: $a, input: {name:
            "Green", externalReference: "g"}) {
            attribute { slug } attributeValue { id name slug } errors { field code } }
                }""",
        {"a": gid(catalog.color)},
        "attributeValueCreate",
    )
    assert created["errors"] == []
    assert created["attribute"] == {"slug": "color"}
    assert created["attributeValue"]["slug"] == "green"
    duplicate = run(
        staff_gql,
        """mutation($a: ID!) { attributeValueCreate(attribute: $a, input: {name:
            "Red"}) {
            attributeValue { id } errors { field code } } }""",
        {"a": gid(catalog.color)},
        "attributeValueCreate",
    )
    assert duplicate == {
        "attributeValue": None,
        "errors": [{"field": "name", "code": "ALREADY_EXISTS"}],
    }
    updated = run(
        staff_gql,
        """mutation { attributeValueUpdate(externalReference: "g", input: {name:
            "Lime"}) {
            attributeValue { name slug } errors { code } } }""",
        {},
        "attributeValueUpdate",
    )
    assert updated == {"attributeValue": {"name": "Lime", "slug": "lime"}, "errors": []}
    red = AttributeValue.objects.get(attribute=catalog.color, slug="red")
    clash = run(
        staff_gql,
        """mutation($id: ID!) { attributeValueUpdate(id: $id, input: {name: "Lime"}) {
            errors { field code } } }""",
        {"id": gid(red)},
        "attributeValueUpdate",
    )
    assert clash == {"errors": [{"field": "name", "code": "ALREADY_EXISTS"}]}
    red.refresh_from_db()
    assert red.name == "Red"
    deleted = run(
        staff_gql,
        """mutation($id: ID!) { attributeValueDelete(id: $id) {
            attributeValue { id } errors { code } } }""",
        {"id": gid(red)},
        "attributeValueDelete",
    )
    assert deleted == {"attributeValue": {"id": gid(red)}, "errors": []}
    assert not AttributeValue.objects.filter(pk=red.pk).exists()
    assert_denied(
        staff_gql(
            "mutation($id: ID!) { attributeValueDelete(id: $id) { errors { code } } }",
            {"id": gid(red)},
        )
    )


def test_a_value_name_longer_than_its_column_is_a_payload_error(
    staff_gql: Any,
) -> None:
    result = run(
        staff_gql,
        CREATE,
        {
            "input": {
                "name": "Size",
                "type": "PRODUCT_TYPE",
                "values": [{"name": "v" * 251}],
            }
        },
        "attributeCreate",
    )
    assert result["attributeErrors"] == [{"field": "values", "code": "INVALID"}]
    assert not Attribute.objects.exists()
