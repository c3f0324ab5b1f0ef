from __future__ import annotations

from typing import Any

import pytest

from mercato.app.models import App, AppToken
from mercato.core.permissions import Permission
from mercato.product.models import ProductChannelListing
from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db

APP_CREATE = """
mutation($input: AppInput!) {
  appCreate(input: $input) {
    authToken
    app { id name isActive permissions { code } tokens { name authToken } }
    errors { field code permissions }
  }
}
"""
MANAGER = (Permission.MANAGE_APPS, Permission.MANAGE_PRODUCTS)


def create_app(staff_gql: Any, permissions: list[str]) -> dict[str, Any]:
    result = staff_gql(
        APP_CREATE,
        {"input": {"name": "Importer", "permissions": permissions}},
        permissions=MANAGER,
    )
    assert result.errors is None, result.errors
    return result.data["appCreate"]  # type: ignore[no-any-return]


def test_app_token_authenticates_with_the_app_permissions(
    gql: Any, staff_gql: Any
) -> None:
    catalog = build_catalog(2)
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        is_published=False
    )
    created = create_app(staff_gql, ["MANAGE_PRODUCTS"])
    assert created["errors"] == []
    token = created["authToken"]
    assert len(token) == 30
    assert created["app"]["permissions"] == [{"code": "MANAGE_PRODUCTS"}]
    assert created["app"]["tokens"] == [{"name": "Default", "authToken": token[-4:]}]
    assert not AppToken.objects.filter(token_hash=token).exists()  # only a hash kept

    query = '{ products(first: 10, channel: "default-channel") { totalCount } }'
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert gql(query, **auth)["data"]["products"]["totalCount"] == 2
    assert gql(query)["data"]["products"]["totalCount"] == 1
    me = gql("{ app { name } }", **auth)
    assert me["data"]["app"] == {"name": "Importer"}


def test_staff_cannot_give_permissions_they_lack(staff_gql: Any) -> None:
    created = create_app(staff_gql, ["MANAGE_ORDERS"])
    assert created["app"] is None
    assert created["errors"] == [
        {
            "field": "permissions",
            "code": "OUT_OF_SCOPE_PERMISSION",
            "permissions": ["MANAGE_ORDERS"],
        }
    ]
    assert not App.objects.exists()


def test_app_create_requires_manage_apps(gql: Any, staff_gql: Any) -> None:
    result = staff_gql(
        APP_CREATE, {"input": {"name": "X"}}, permissions=(Permission.MANAGE_PRODUCTS,)
    )
    assert result.errors[0].message.startswith("You need one of")
    anonymous = gql(APP_CREATE, {"input": {"name": "X"}})
    assert (
        anonymous["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    )
    assert not App.objects.exists()


def test_missing_name_is_a_payload_error(staff_gql: Any) -> None:
    result = staff_gql(APP_CREATE, {"input": {"name": "  "}}, permissions=MANAGER)
    assert result.data["appCreate"]["errors"] == [
        {"field": "name", "code": "REQUIRED", "permissions": None}
    ]


def test_deleted_and_unknown_tokens_are_rejected(gql: Any, staff_gql: Any) -> None:
    created = create_app(staff_gql, [])
    token = created["authToken"]
    token_id = staff_gql(
        "{ apps(first: 5) { edges { node { tokens { id } } } } }", permissions=MANAGER
    ).data["apps"]["edges"][0]["node"]["tokens"][0]["id"]
    deleted = staff_gql(
        "mutation($id: ID!) { appTokenDelete(id: $id) { errors { code } } }",
        {"id": token_id},
        permissions=MANAGER,
    )
    assert deleted.data["appTokenDelete"]["errors"] == []
    gql("{ app { name } }", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert gql.last_status == 401
    gql("{ channels { slug } }", HTTP_AUTHORIZATION="Bearer made-up-token")
    assert gql.last_status == 401


def test_inactive_app_cannot_authenticate(gql: Any, staff_gql: Any) -> None:
    token = create_app(staff_gql, [])["authToken"]
    App.objects.update(is_active=False)
    gql("{ channels { slug } }", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert gql.last_status == 401
