"""accountUpdate and the address book: accountAddressCreate/Update/Delete and
accountSetDefaultAddress."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import ExecutionResult, execute

from mercato.account.models import Address, User
from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate
from tests.factories.account import make_user
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db

US_ADDRESS = {
    "firstName": "Ann",
    "lastName": "Lee",
    "streetAddress1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "postalCode": "94043",
    "country": "US",
    "countryArea": "california",
    "phone": "650 253 0000",
}
USER_FIELDS = """
  user {
    firstName lastName languageCode metadata { key value }
    addresses { id city }
    defaultBillingAddress { id city countryArea phone }
    defaultShippingAddress { id city }
  }
  errors { field code addressType }
"""
UPDATE = (
    "mutation($input: AccountInput!) { accountUpdate(input: $input) {"
    + USER_FIELDS
    + "} }"
)
CREATE = (
    "mutation($input: AddressInput!, $type: AddressTypeEnum) {"
    " accountAddressCreate(input: $input, type: $type) { address { id city postalCode }"
    + USER_FIELDS
    + "} }"
)
ADDRESS_UPDATE = (
    "mutation($id: ID!, $input: AddressInput!) {"
    " accountAddressUpdate(id: $id, input: $input) { address { id city postalCode }"
    + USER_FIELDS
    + "} }"
)
DELETE = (
    "mutation($id: ID!) { accountAddressDelete(id: $id) { address { id }"
    + USER_FIELDS
    + "} }"
)
SET_DEFAULT = (
    "mutation($id: ID!, $type: AddressTypeEnum!) {"
    " accountSetDefaultAddress(id: $id, type: $type) {" + USER_FIELDS + "} }"
)


@pytest.fixture
def auth(gql: Any) -> dict[str, str]:
    make_user()
    return bearer(sign_in(gql)["token"])


def test_account_update(gql: Any, auth: dict[str, str]) -> None:
    result = gql(
        UPDATE,
        {
            "input": {
                "firstName": "Ann",
                "lastName": "Lee",
                "languageCode": "DE",
                "metadata": [{"key": "newsletter", "value": "yes"}],
                "defaultBillingAddress": US_ADDRESS,
            }
        },
        **auth,
    )["data"]["accountUpdate"]
    assert result["errors"] == []
    user = result["user"]
    assert (user["firstName"], user["lastName"], user["languageCode"]) == (
        "Ann",
        "Lee",
        "DE",
    )
    assert user["metadata"] == [{"key": "newsletter", "value": "yes"}]
    billing = user["defaultBillingAddress"]
    assert billing["countryArea"] == "CA" and billing["phone"] == "+16502530000"
    assert user["addresses"] == [{"id": billing["id"], "city": "MOUNTAIN VIEW"}]
    assert user["defaultShippingAddress"] is None
    # Omitted fields stay.
    again = gql(UPDATE, {"input": {"lastName": "Park"}}, **auth)
    assert again["data"]["accountUpdate"]["user"]["firstName"] == "Ann"


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        (
            {"defaultShippingAddress": {**US_ADDRESS, "postalCode": "ABC"}},
            [("postalCode", "INVALID", "SHIPPING")],
        ),
        (
            {
                "firstName": "Bob",
                "defaultBillingAddress": {**US_ADDRESS, "city": ""},
                "defaultShippingAddress": {**US_ADDRESS, "phone": "12"},
            },
            [("city", "REQUIRED", "BILLING"), ("phone", "INVALID", "SHIPPING")],
        ),
        ({"lastName": "x" * 257}, [("lastName", "INVALID", None)]),
        ({"metadata": [{"key": "", "value": "x"}]}, [("metadata", "REQUIRED", None)]),
    ],
)
def test_account_update_bad_input_changes_nothing(
    gql: Any,
    auth: dict[str, str],
    input: dict[str, Any],
    expected: list[tuple[str, str, str | None]],
) -> None:
    result = gql(UPDATE, {"input": input}, **auth)["data"]["accountUpdate"]
    assert result["user"] is None
    assert [(e["field"], e["code"], e["addressType"]) for e in result["errors"]] == (
        expected
    )
    user = User.objects.get()
    assert (user.first_name, user.last_name, user.metadata) == ("", "", {})
    assert not Address.objects.exists()


def test_address_book(gql: Any, auth: dict[str, str]) -> None:
    created = gql(CREATE, {"input": US_ADDRESS, "type": "SHIPPING"}, **auth)
    created = created["data"]["accountAddressCreate"]
    assert created["errors"] == []
    first_id = created["address"]["id"]
    assert created["user"]["defaultShippingAddress"] == {
        "id": first_id,
        "city": "MOUNTAIN VIEW",
    }
    plain = gql(CREATE, {"input": {**US_ADDRESS, "city": "Palo Alto"}}, **auth)
    second_id = plain["data"]["accountAddressCreate"]["address"]["id"]
    assert (
        plain["data"]["accountAddressCreate"]["user"]["defaultBillingAddress"] is None
    )

    updated = gql(
        ADDRESS_UPDATE, {"id": second_id, "input": {"postalCode": "94301"}}, **auth
    )["data"]["accountAddressUpdate"]
    assert updated["errors"] == []
    assert updated["address"] == {
        "id": second_id,
        "city": "PALO ALTO",
        "postalCode": "94301",
    }

    default = gql(SET_DEFAULT, {"id": second_id, "type": "BILLING"}, **auth)
    user = default["data"]["accountSetDefaultAddress"]["user"]
    assert user["defaultBillingAddress"]["id"] == second_id
    assert user["defaultShippingAddress"]["id"] == first_id

    deleted = gql(DELETE, {"id": first_id}, **auth)["data"]["accountAddressDelete"]
    assert deleted["errors"] == []
    assert deleted["address"] == {"id": first_id}
    assert deleted["user"]["defaultShippingAddress"] is None
    assert [a["id"] for a in deleted["user"]["addresses"]] == [second_id]
    assert Address.objects.count() == 1


def test_address_create_bad_input_names_the_type(
    gql: Any, auth: dict[str, str]
) -> None:
    bad = {**US_ADDRESS, "postalCode": "ABC", "countryArea": "Atlantis"}
    result = gql(CREATE, {"input": bad, "type": "BILLING"}, **auth)
    errors = result["data"]["accountAddressCreate"]["errors"]
    assert [(e["field"], e["code"], e["addressType"]) for e in errors] == [
        ("countryArea", "INVALID", "BILLING"),
        ("postalCode", "INVALID", "BILLING"),
    ]
    assert not Address.objects.exists()


def test_address_update_bad_input_changes_nothing(
    gql: Any, auth: dict[str, str]
) -> None:
    created = gql(CREATE, {"input": US_ADDRESS}, **auth)
    address_id = created["data"]["accountAddressCreate"]["address"]["id"]
    result = gql(
        ADDRESS_UPDATE, {"id": address_id, "input": {"postalCode": "ABC"}}, **auth
    )["data"]["accountAddressUpdate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("postalCode", "INVALID")
    ]
    assert Address.objects.get().postal_code == "94043"


def test_other_users_addresses_are_not_found(gql: Any, auth: dict[str, str]) -> None:
    owner = make_user("owner@example.com")
    address = Address.objects.create(country="PL", city="WARSZAWA")
    owner.addresses.add(address)
    owner.default_billing_address = address
    owner.save()
    foreign = to_global_id("Address", address.pk)
    for query, variables in (
        (ADDRESS_UPDATE, {"id": foreign, "input": {"city": "Kraków"}}),
        (DELETE, {"id": foreign}),
        (SET_DEFAULT, {"id": foreign, "type": "SHIPPING"}),
    ):
        data = gql(query, variables, **auth)["data"]
        [payload] = data.values()
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            ("id", "NOT_FOUND")
        ]
    address.refresh_from_db()
    assert address.city == "WARSZAWA"
    owner.refresh_from_db()
    assert owner.default_billing_address == address
    assert (
        User.objects.get(email="shopper@example.com").default_shipping_address is None
    )


def test_garbage_ids_are_graphql_errors(gql: Any, auth: dict[str, str]) -> None:
    result = gql(DELETE, {"id": to_global_id("Product", 1)}, **auth)
    assert "Expected: Address" in result["errors"][0]["message"]
    result = gql(DELETE, {"id": "%%%"}, **auth)
    assert result["errors"][0]["message"].startswith("Invalid ID")


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (UPDATE, {"input": {"firstName": "Eve"}}),
        (CREATE, {"input": US_ADDRESS}),
        (ADDRESS_UPDATE, {"id": to_global_id("Address", 1), "input": {}}),
        (DELETE, {"id": to_global_id("Address", 1)}),
        (SET_DEFAULT, {"id": to_global_id("Address", 1), "type": "BILLING"}),
    ],
)
def test_anonymous_callers_are_denied(
    gql: Any, query: str, variables: dict[str, Any]
) -> None:
    result = gql(query, variables)
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert not Address.objects.exists()


# ---------------------------------------------------------------- customerId

FOR_CUSTOMER_UPDATE = """
mutation($customer: ID, $input: AccountInput!) {
  accountUpdate(customerId: $customer, input: $input) {
    user { email firstName } errors { field code }
  }
}
"""
FOR_CUSTOMER_ADDRESS = """
mutation($customer: ID, $input: AddressInput!, $type: AddressTypeEnum) {
  accountAddressCreate(customerId: $customer, input: $input, type: $type) {
    user { email defaultShippingAddress { city } } address { city }
    errors { field code }
  }
}
"""


def run_as(actor: Actor, query: str, variables: dict[str, Any]) -> ExecutionResult:
    document, errors = parse_and_validate(query)
    assert document is not None, errors
    result = execute(
        get_schema(),
        document,
        variable_values=variables,
        context_value=RequestContext(request=None, actor=actor),
    )
    assert isinstance(result, ExecutionResult)
    return result


MANAGER_STAFF = Actor(
    user_id=10**9, is_staff=True, permissions=frozenset({Permission.MANAGE_USERS})
)
MANAGER_APP = Actor(app_id=1, permissions=frozenset({Permission.MANAGE_USERS}))


@pytest.mark.parametrize("actor", [MANAGER_STAFF, MANAGER_APP], ids=["staff", "app"])
def test_managers_update_a_customer_by_id(actor: Actor) -> None:
    customer = make_user(email="buyer@example.com")
    result = run_as(
        actor,
        FOR_CUSTOMER_UPDATE,
        {"customer": to_global_id("User", customer.pk), "input": {"firstName": "Bo"}},
    )
    assert result.errors is None, result.errors
    payload = result.data["accountUpdate"]  # type: ignore[index]
    assert payload == {
        "user": {"email": "buyer@example.com", "firstName": "Bo"},
        "errors": [],
    }
    customer.refresh_from_db()
    assert customer.first_name == "Bo"


@pytest.mark.parametrize("actor", [MANAGER_STAFF, MANAGER_APP], ids=["staff", "app"])
def test_managers_add_an_address_for_a_customer(actor: Actor) -> None:
    customer = make_user(email="buyer@example.com")
    result = run_as(
        actor,
        FOR_CUSTOMER_ADDRESS,
        {
            "customer": to_global_id("User", customer.pk),
            "input": US_ADDRESS,
            "type": "SHIPPING",
        },
    )
    assert result.errors is None, result.errors
    payload = result.data["accountAddressCreate"]  # type: ignore[index]
    assert payload["errors"] == []
    assert payload["user"] == {
        "email": "buyer@example.com",
        "defaultShippingAddress": {"city": "MOUNTAIN VIEW"},
    }
    customer.refresh_from_db()
    assert customer.default_shipping_address is not None
    assert list(customer.addresses.values_list("city", flat=True)) == ["MOUNTAIN VIEW"]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (FOR_CUSTOMER_UPDATE, {"input": {"firstName": "Eve"}}),
        (FOR_CUSTOMER_ADDRESS, {"input": US_ADDRESS}),
    ],
)
@pytest.mark.parametrize(
    "actor",
    [
        Actor(user_id=10**9),
        Actor(user_id=10**9, is_staff=True),
        Actor(
            user_id=10**9,
            is_staff=True,
            permissions=frozenset({Permission.MANAGE_STAFF}),
        ),
        Actor(app_id=1),
        Actor.anonymous(),
    ],
    ids=["customer", "staff without", "staff with other", "app without", "anonymous"],
)
def test_acting_for_a_customer_needs_manage_users(
    actor: Actor, query: str, variables: dict[str, Any]
) -> None:
    customer = make_user(email="buyer@example.com")
    result = run_as(
        actor, query, {**variables, "customer": to_global_id("User", customer.pk)}
    )
    assert result.errors is not None
    assert isinstance(result.errors[0].original_error, PermissionDenied)
    customer.refresh_from_db()
    assert customer.first_name == "" and not Address.objects.exists()


@pytest.mark.parametrize(
    ("query", "variables", "name"),
    [
        (FOR_CUSTOMER_UPDATE, {"input": {"firstName": "Eve"}}, "accountUpdate"),
        (FOR_CUSTOMER_ADDRESS, {"input": US_ADDRESS}, "accountAddressCreate"),
    ],
)
def test_unknown_or_staff_customers_are_not_found(
    query: str, variables: dict[str, Any], name: str
) -> None:
    staff = make_user(email="staff@example.com", is_staff=True)
    for target in (staff.pk, staff.pk + 1000):
        result = run_as(
            MANAGER_STAFF,
            query,
            {**variables, "customer": to_global_id("User", target)},
        )
        assert result.errors is None, result.errors
        payload = result.data[name]  # type: ignore[index]
        assert payload["user"] is None
        assert payload["errors"] == [{"field": "customerId", "code": "NOT_FOUND"}]
    staff.refresh_from_db()
    assert staff.first_name == "" and not Address.objects.exists()


def test_bad_input_for_a_customer_changes_nothing() -> None:
    customer = make_user(email="buyer@example.com")
    result = run_as(
        MANAGER_APP,
        FOR_CUSTOMER_ADDRESS,
        {
            "customer": to_global_id("User", customer.pk),
            "input": {**US_ADDRESS, "postalCode": "ABC"},
        },
    )
    payload = result.data["accountAddressCreate"]  # type: ignore[index]
    assert payload["errors"] == [{"field": "postalCode", "code": "INVALID"}]
    assert not Address.objects.exists()


def test_without_customer_id_the_signed_in_user_acts_on_themselves(
    gql: Any, auth: dict[str, str]
) -> None:
    other = make_user(email="other@example.com")
    result = gql(FOR_CUSTOMER_UPDATE, {"input": {"firstName": "Me"}}, **auth)
    payload = result["data"]["accountUpdate"]
    assert payload["user"]["firstName"] == "Me"
    assert payload["user"]["email"] != "other@example.com"
    other.refresh_from_db()
    assert other.first_name == ""
    manager = run_as(MANAGER_APP, FOR_CUSTOMER_UPDATE, {"input": {"firstName": "X"}})
    assert manager.errors is not None
    assert isinstance(manager.errors[0].original_error, PermissionDenied)


def test_account_update_with_a_nul_character_is_refused_at_the_door(
    gql: Any, auth: dict[str, str]
) -> None:
    address = {**US_ADDRESS, "cityArea": "\x00"}
    result = gql(UPDATE, {"input": {"defaultBillingAddress": address}}, **auth)
    assert gql.last_status == 400
    assert "NUL" in result["errors"][0]["message"]
