from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.meta_mutations import METADATA_TYPES
from mercato.graphql.schema import get_schema
from mercato.product.models import Product
from tests.factories.catalog import ChannelFactory, ProductFactory, WarehouseFactory
from tests.factories.content import MenuFactory, PageFactory

pytestmark = pytest.mark.django_db

UPDATE = """
mutation($id: ID!, $input: [MetadataInput!]!) {
  updateMetadata(id: $id, input: $input) {
    item { __typename metadata { key value } }
    errors { field code }
    metadataErrors { field code }
  }
}
"""
UPDATE_PRIVATE = """
mutation($id: ID!, $input: [MetadataInput!]!) {
  updatePrivateMetadata(id: $id, input: $input) {
    item { privateMetadata { key value } } errors { field code }
  }
}
"""
DELETE = """
mutation($id: ID!, $keys: [String!]!) {
  deleteMetadata(id: $id, keys: $keys) {
    item { metadata { key value } } errors { field code }
  }
}
"""
DELETE_PRIVATE = """
mutation($id: ID!, $keys: [String!]!) {
  deletePrivateMetadata(id: $id, keys: $keys) {
    item { ... on Product { id } privateMetadata { key } } errors { field code }
  }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def test_update_and_delete_public_metadata(staff_gql: Any) -> None:
    product = ProductFactory(metadata={"keep": "1", "old": "x"})
    result = staff_gql(
        UPDATE,
        {
            "id": gid(product),
            "input": [{"key": "old", "value": "y"}, {"key": "new", "value": "z"}],
        },
    )
    assert result.errors is None
    payload = result.data["updateMetadata"]
    assert payload["errors"] == [] and payload["metadataErrors"] == []
    assert payload["item"]["__typename"] == "Product"
    product.refresh_from_db()
    assert product.metadata == {"keep": "1", "old": "y", "new": "z"}
    deleted = staff_gql(DELETE, {"id": gid(product), "keys": ["old", "missing"]})
    items = deleted.data["deleteMetadata"]["item"]["metadata"]
    assert sorted(items, key=lambda item: item["key"]) == [
        {"key": "keep", "value": "1"},
        {"key": "new", "value": "z"},
    ]
    product.refresh_from_db()
    assert product.metadata == {"keep": "1", "new": "z"}


def test_private_metadata(staff_gql: Any) -> None:
    product = ProductFactory(private_metadata={"a": "1"})
    result = staff_gql(
        UPDATE_PRIVATE, {"id": gid(product), "input": [{"key": "b", "value": "2"}]}
    )
    items = result.data["updatePrivateMetadata"]["item"]["privateMetadata"]
    assert sorted(items, key=lambda item: item["key"]) == [
        {"key": "a", "value": "1"},
        {"key": "b", "value": "2"},
    ]
    product.refresh_from_db()
    assert product.private_metadata == {"a": "1", "b": "2"}
    assert product.metadata == {}
    deleted = staff_gql(DELETE_PRIVATE, {"id": gid(product), "keys": ["a"]})
    assert deleted.data["deletePrivateMetadata"]["item"] == {
        "id": gid(product),
        "privateMetadata": [{"key": "b"}],
    }


@pytest.mark.parametrize(
    ("make", "permission"),
    [
        (ChannelFactory, Permission.MANAGE_CHANNELS),
        (WarehouseFactory, Permission.MANAGE_PRODUCTS),
        (PageFactory, Permission.MANAGE_PAGES),
        (MenuFactory, Permission.MANAGE_MENUS),
    ],
)
def test_permission_depends_on_the_type(
    staff_gql: Any, gql: Any, make: Any, permission: Permission
) -> None:
    obj = make()
    variables = {"id": gid(obj), "input": [{"key": "k", "value": "v"}]}
    others = tuple(p for p in Permission if p is not permission)
    for query in (UPDATE, UPDATE_PRIVATE):
        denied = staff_gql(query, variables, permissions=others)
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    obj.refresh_from_db()
    assert obj.metadata == {} and obj.private_metadata == {}
    allowed = staff_gql(UPDATE, variables, permissions=(permission,))
    payload = allowed.data["updateMetadata"]
    assert payload["item"] == {
        "__typename": type(obj).__name__,
        "metadata": [{"key": "k", "value": "v"}],
    }


def test_empty_key_is_an_error_and_changes_nothing(staff_gql: Any) -> None:
    product = ProductFactory()
    result = staff_gql(
        UPDATE,
        {
            "id": gid(product),
            "input": [{"key": "ok", "value": "1"}, {"key": " ", "value": "2"}],
        },
    )
    payload = result.data["updateMetadata"]
    assert payload["item"] is None
    assert payload["errors"] == [{"field": "input", "code": "REQUIRED"}]
    product.refresh_from_db()
    assert product.metadata == {}


def test_unknown_object_and_unsupported_type(staff_gql: Any) -> None:
    result = staff_gql(
        UPDATE,
        {"id": to_global_id("Product", 987654), "input": [{"key": "k", "value": "v"}]},
    )
    assert result.data["updateMetadata"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND"}
    ]
    unsupported = staff_gql(
        UPDATE,
        {"id": to_global_id("OrderEvent", 1), "input": [{"key": "k", "value": "v"}]},
    )
    assert unsupported.errors and "Invalid ID" in unsupported.errors[0].message
    garbage = staff_gql(UPDATE, {"id": "@@@", "input": []})
    assert garbage.errors and "Invalid ID" in garbage.errors[0].message
    assert not Product.objects.exclude(metadata={}).exists()


def test_permission_table_covers_every_type_with_metadata() -> None:
    resolver = get_schema().mutation_type.fields["updateMetadata"].resolve
    assert resolver.permissions_by_type is METADATA_TYPES
    assert {"Product", "Channel", "Warehouse", "Page", "MenuItem"} <= set(
        METADATA_TYPES
    )


def test_nul_characters_are_invalid_input(staff_gql: Any) -> None:
    product = ProductFactory()
    result = staff_gql(
        UPDATE, {"id": gid(product), "input": [{"key": "k", "value": "a\x00b"}]}
    )
    assert result.data["updateMetadata"]["errors"] == [
        {"field": "input", "code": "INVALID"}
    ]
    deleted = staff_gql(DELETE, {"id": gid(product), "keys": ["\x00"]})
    assert deleted.data["deleteMetadata"]["errors"] == [
        {"field": "keys", "code": "INVALID"}
    ]
