"""The stored shop settings: reads, shopSettingsUpdate, shopDomainUpdate,
shopAddressUpdate and metadata on the Shop."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from mercato.account.models import Address
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.site.models import SiteSettings
from mercato.site.queries import get_site_settings
from tests.factories.catalog import ChannelFactory

pytestmark = pytest.mark.django_db

SETTINGS = (Permission.MANAGE_SETTINGS,)

SHOP = """
{
  shop {
    id name description headerText
    domain { host sslEnabled url }
    languages { code language }
    defaultCountry { code }
    version schemaVersion defaultWeightUnit
    fulfillmentAutoApprove fulfillmentAllowUnpaid trackInventoryByDefault
    limitQuantityPerCheckout enableAccountConfirmationByEmail
    companyAddress { city }
    metadata { key value }
  }
}
"""
PERMISSIONS = "{ shop { permissions { code name } } }"
PRIVATE = "{ shop { privateMetadata { key value } } }"

UPDATE = """
mutation($input: ShopSettingsInput!) {
  shopSettingsUpdate(input: $input) {
    shop { name description headerText defaultWeightUnit trackInventoryByDefault }
    errors { field code message }
    shopErrors { code }
  }
}
"""
DOMAIN = """
mutation($input: SiteDomainInput) {
  shopDomainUpdate(input: $input) {
    shop { name domain { host url } }
    errors { field code }
  }
}
"""
ADDRESS = """
mutation($input: AddressInput) {
  shopAddressUpdate(input: $input) {
    shop { companyAddress { streetAddress1 city postalCode country { code } } }
    errors { field code }
  }
}
"""
META = """
mutation($id: ID!) {
  updateMetadata(id: $id, input: [{key: "brand", value: "blue"}]) {
    item { ... on Shop { metadata { key value } } }
    errors { code }
  }
}
"""

WAREHOUSE_ADDRESS = {
    "streetAddress1": "1 Market St",
    "city": "San Francisco",
    "postalCode": "94105",
    "country": "US",
    "countryArea": "CA",
}


def _row() -> SiteSettings:
    return SiteSettings.objects.get()


def test_anonymous_callers_read_the_stored_settings(gql: Any) -> None:
    ChannelFactory(slug="a-channel", default_country="DE")
    shop = gql(SHOP)["data"]["shop"]
    row = _row()
    assert shop["id"] == to_global_id("Shop", row.pk)
    assert shop["name"] == "Mercato"
    assert shop["description"] is None and shop["headerText"] is None
    assert shop["domain"] == {
        "host": row.domain,
        "sslEnabled": False,
        "url": f"http://{row.domain}/",
    }
    assert {"code": "PL", "language": "Polish"} in shop["languages"]
    assert {"code": "PT_BR", "language": "Portuguese (Brazil)"} in shop["languages"]
    assert shop["defaultCountry"] == {"code": "DE"}
    assert shop["version"] == "0.1.0" and shop["schemaVersion"] == "3.23"
    assert shop["defaultWeightUnit"] == "KG"
    assert shop["fulfillmentAutoApprove"] is True
    assert shop["fulfillmentAllowUnpaid"] is True
    assert shop["trackInventoryByDefault"] is True
    assert shop["limitQuantityPerCheckout"] == settings.MAX_CHECKOUT_LINE_QUANTITY
    assert shop["enableAccountConfirmationByEmail"] is (
        settings.ACCOUNT_CONFIRMATION_REQUIRED
    )
    assert shop["companyAddress"] is None and shop["metadata"] == []


def test_default_country_is_null_without_channels(gql: Any) -> None:
    assert gql("{ shop { defaultCountry { code } } }")["data"]["shop"] == {
        "defaultCountry": None
    }


def test_permissions_are_for_staff_and_apps_only(gql: Any, staff_gql: Any) -> None:
    response = gql(PERMISSIONS)
    assert response["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )
    result = staff_gql(PERMISSIONS, permissions=())
    assert result.errors is None
    codes = [p["code"] for p in result.data["shop"]["permissions"]]
    assert codes == [p.value for p in Permission] and len(codes) == 25
    assert {"code": "MANAGE_SETTINGS", "name": "Manage settings."} in (
        result.data["shop"]["permissions"]
    )


def test_update_changes_the_settings_and_clears_the_cache(staff_gql: Any) -> None:
    assert get_site_settings().name == "Mercato"  # cached now
    result = staff_gql(
        UPDATE,
        {
            "input": {
                "name": "  Blue Shop ",
                "description": "Shoes",
                "headerText": "Free shipping",
                "defaultWeightUnit": "LB",
                "trackInventoryByDefault": False,
                "fulfillmentAutoApprove": True,
            }
        },
        permissions=SETTINGS,
    )
    assert result.errors is None
    payload = result.data["shopSettingsUpdate"]
    assert payload["errors"] == [] and payload["shopErrors"] == []
    assert payload["shop"] == {
        "name": "Blue Shop",
        "description": "Shoes",
        "headerText": "Free shipping",
        "defaultWeightUnit": "LB",
        "trackInventoryByDefault": False,
    }
    assert get_site_settings().name == "Blue Shop"
    row = _row()
    assert (row.default_weight_unit, row.track_inventory_by_default) == ("LB", False)


def test_fields_left_out_keep_their_value(staff_gql: Any) -> None:
    staff_gql(UPDATE, {"input": {"description": "Shoes"}}, permissions=SETTINGS)
    staff_gql(UPDATE, {"input": {"name": "Other"}}, permissions=SETTINGS)
    row = _row()
    assert (row.name, row.description, row.default_weight_unit) == (
        "Other",
        "Shoes",
        "KG",
    )


def test_bad_input_is_refused_and_changes_nothing(staff_gql: Any) -> None:
    get_site_settings()
    result = staff_gql(
        UPDATE,
        {
            "input": {
                "name": "x" * 256,
                "description": "changed",
                "fulfillmentAllowUnpaid": False,
            }
        },
        permissions=SETTINGS,
    )
    payload = result.data["shopSettingsUpdate"]
    assert payload["shop"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("name", "INVALID"),
        ("fulfillmentAllowUnpaid", "INVALID"),
    }
    assert payload["shopErrors"] == [{"code": "INVALID"}] * 2
    row = _row()
    assert (row.name, row.description, row.fulfillment_allow_unpaid) == (
        "Mercato",
        "",
        True,
    )
    assert get_site_settings().description == ""


def test_nul_characters_are_refused(staff_gql: Any) -> None:
    result = staff_gql(UPDATE, {"input": {"name": "a\x00b"}}, permissions=SETTINGS)
    assert result.data["shopSettingsUpdate"]["errors"][0]["code"] == "INVALID"
    assert _row().name == "Mercato"


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [
        (UPDATE, {"input": {"name": "Taken over"}}),
        (DOMAIN, {"input": {"name": "Taken over"}}),
        (ADDRESS, {"input": WAREHOUSE_ADDRESS}),
    ],
)
def test_writes_need_manage_settings(
    staff_gql: Any, gql: Any, mutation: str, variables: dict[str, Any]
) -> None:
    result = staff_gql(mutation, variables, permissions=(Permission.MANAGE_PRODUCTS,))
    assert result.errors is not None
    assert isinstance(result.errors[0].original_error, PermissionDenied)
    response = gql(mutation, variables)
    assert response["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )
    row = _row()
    assert row.name == "Mercato" and row.company_address_id is None


def test_domain_update_sets_host_and_name(staff_gql: Any) -> None:
    result = staff_gql(
        DOMAIN,
        {"input": {"domain": "Shop.Example.com:8443", "name": "Example"}},
        permissions=SETTINGS,
    )
    payload = result.data["shopDomainUpdate"]
    assert payload["errors"] == []
    assert payload["shop"] == {
        "name": "Example",
        "domain": {
            "host": "shop.example.com:8443",
            "url": "http://shop.example.com:8443/",
        },
    }
    assert get_site_settings().domain == "shop.example.com:8443"


@pytest.mark.parametrize("domain", ["not a host", "example.com/path", "", "a@b.com"])
def test_domain_update_refuses_what_is_not_a_host(staff_gql: Any, domain: str) -> None:
    before = _row().domain
    result = staff_gql(
        DOMAIN, {"input": {"domain": domain, "name": "New"}}, permissions=SETTINGS
    )
    payload = result.data["shopDomainUpdate"]
    assert payload["errors"] == [{"field": "domain", "code": "INVALID"}]
    row = _row()
    assert (row.domain, row.name) == (before, "Mercato")


def test_address_update_stores_a_checked_address(staff_gql: Any, gql: Any) -> None:
    get_site_settings()
    result = staff_gql(ADDRESS, {"input": WAREHOUSE_ADDRESS}, permissions=SETTINGS)
    payload = result.data["shopAddressUpdate"]
    assert payload["errors"] == []
    assert payload["shop"]["companyAddress"] == {
        "streetAddress1": "1 Market St",
        "city": "SAN FRANCISCO",
        "postalCode": "94105",
        "country": {"code": "US"},
    }
    read = gql("{ shop { companyAddress { city } } }")["data"]["shop"]
    assert read == {"companyAddress": {"city": "SAN FRANCISCO"}}
    first = _row().company_address_id
    assert first is not None
    staff_gql(
        ADDRESS,
        {"input": {**WAREHOUSE_ADDRESS, "city": "Oakland"}},
        permissions=SETTINGS,
    )
    assert _row().company_address_id == first  # changed in place
    assert Address.objects.get(pk=first).city == "OAKLAND"


def test_address_update_refuses_a_bad_address(staff_gql: Any) -> None:
    result = staff_gql(
        ADDRESS,
        {"input": {**WAREHOUSE_ADDRESS, "postalCode": "not-a-zip"}},
        permissions=SETTINGS,
    )
    payload = result.data["shopAddressUpdate"]
    assert payload["shop"] is None
    assert payload["errors"] == [{"field": "postalCode", "code": "INVALID"}]
    assert _row().company_address_id is None and not Address.objects.exists()


def test_address_update_with_null_removes_the_address(staff_gql: Any) -> None:
    staff_gql(ADDRESS, {"input": WAREHOUSE_ADDRESS}, permissions=SETTINGS)
    result = staff_gql(ADDRESS, {"input": None}, permissions=SETTINGS)
    assert result.data["shopAddressUpdate"]["shop"] == {"companyAddress": None}
    assert _row().company_address_id is None and not Address.objects.exists()


def test_metadata_on_the_shop(staff_gql: Any, gql: Any) -> None:
    shop_id = to_global_id("Shop", _row().pk)
    assert gql("{ shop { metadata { key } } }")["data"]["shop"]["metadata"] == []
    refused = gql(META, {"id": shop_id})
    assert refused["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )
    result = staff_gql(META, {"id": shop_id}, permissions=SETTINGS)
    assert result.errors is None
    assert result.data["updateMetadata"]["item"]["metadata"] == [
        {"key": "brand", "value": "blue"}
    ]
    # The cached row was dropped: the next read sees the new metadata.
    assert gql("{ shop { metadata { key value } } }")["data"]["shop"]["metadata"] == [
        {"key": "brand", "value": "blue"}
    ]


def test_private_metadata_needs_manage_settings(staff_gql: Any) -> None:
    SiteSettings.objects.update(private_metadata={"secret": "1"})
    refused = staff_gql(PRIVATE, permissions=(Permission.MANAGE_PRODUCTS,))
    assert refused.errors is not None
    result = staff_gql(PRIVATE, permissions=SETTINGS)
    assert result.data["shop"]["privateMetadata"] == [{"key": "secret", "value": "1"}]


def test_sign_in_and_address_facts(gql: Any) -> None:
    shop = gql(
        "{ shop { phonePrefixes availableExternalAuthentications { id }"
        " preserveAllAddressFields passwordLoginMode } }"
    )["data"]["shop"]
    assert {"+1", "+48", "+44"} <= set(shop["phonePrefixes"])
    assert len(shop["phonePrefixes"]) > 200
    assert shop["availableExternalAuthentications"] == []
    assert shop["preserveAllAddressFields"] is False
    assert shop["passwordLoginMode"] == "ENABLED"
