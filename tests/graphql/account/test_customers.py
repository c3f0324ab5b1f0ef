from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from mercato.account.models import Address, User
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from tests.factories.account import make_user
from tests.graphql.account.test_storefront_register import deferred_emails

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_user_one() -> None:
    """``staff_gql`` acts as user 1: keep real users from getting that key."""
    User.objects.create(email="sequence@example.invalid").delete()


USERS = (Permission.MANAGE_USERS,)

CREATE = """
mutation($input: UserCreateInput!) {
  customerCreate(input: $input) {
    user {
      email firstName isStaff isActive languageCode externalReference note
      metadata { key value }
      defaultShippingAddress { streetAddress1 city postalCode countryArea phone }
      defaultBillingAddress { city country { code } }
      addresses { city }
    }
    errors { field code addressType }
    accountErrors { code }
  }
}
"""
UPDATE = """
mutation($id: ID, $ref: String, $input: CustomerInput!) {
  customerUpdate(id: $id, externalReference: $ref, input: $input) {
    user { email firstName isActive }
    errors { field code }
  }
}
"""
DELETE = """
mutation($id: ID, $ref: String) {
  customerDelete(id: $id, externalReference: $ref) {
    user { id email } errors { field code }
  }
}
"""

ADDRESS = {
    "firstName": "Ada",
    "streetAddress1": "1600 Amphitheatre Pkwy",
    "city": "mountain view",
    "postalCode": "94043",
    "country": "US",
    "countryArea": "california",
    "phone": "650 253 0000",
}


def gid(pk: int) -> str:
    return to_global_id("User", pk)


def test_create_customer_with_addresses(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {
            "input": {
                "email": "Ada@Example.com",
                "firstName": "Ada",
                "languageCode": "PL",
                "externalReference": "crm-1",
                "note": "VIP",
                "metadata": [{"key": "source", "value": "import"}],
                "defaultShippingAddress": ADDRESS,
                "defaultBillingAddress": {**ADDRESS, "city": "Mountain View"},
            }
        },
        permissions=USERS,
    )
    assert result.errors is None, result.errors
    payload = result.data["customerCreate"]
    assert payload["errors"] == [] and payload["accountErrors"] == []
    user = payload["user"]
    assert user["email"] == "ada@example.com"
    assert (user["isStaff"], user["isActive"]) == (False, True)
    assert user["languageCode"] == "PL"
    assert user["externalReference"] == "crm-1"
    assert user["note"] == "VIP"
    assert user["metadata"] == [{"key": "source", "value": "import"}]
    assert user["defaultShippingAddress"] == {
        "streetAddress1": "1600 Amphitheatre Pkwy",
        "city": "MOUNTAIN VIEW",
        "postalCode": "94043",
        "countryArea": "CA",
        "phone": "+16502530000",
    }
    assert user["defaultBillingAddress"]["country"] == {"code": "US"}
    assert len(user["addresses"]) == 2


def test_invalid_address_is_reported_with_its_type(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {
            "input": {
                "email": "ada@example.com",
                "defaultBillingAddress": {**ADDRESS, "postalCode": "XYZ"},
            }
        },
        permissions=USERS,
    )
    errors = result.data["customerCreate"]["errors"]
    assert errors == [
        {"field": "postalCode", "code": "INVALID", "addressType": "BILLING"}
    ]
    assert not User.objects.exists() and not Address.objects.exists()


def test_email_must_be_valid_and_unique(staff_gql: Any) -> None:
    make_user("taken@example.com")
    taken = staff_gql(
        CREATE, {"input": {"email": "TAKEN@example.com"}}, permissions=USERS
    )
    assert taken.data["customerCreate"]["errors"] == [
        {"field": "email", "code": "UNIQUE", "addressType": None}
    ]
    invalid = staff_gql(CREATE, {"input": {"email": "not an email"}}, permissions=USERS)
    assert invalid.data["customerCreate"]["errors"][0]["code"] == "INVALID"
    missing = staff_gql(CREATE, {"input": {"firstName": "X"}}, permissions=USERS)
    assert missing.data["customerCreate"]["errors"][0]["code"] == "REQUIRED"


def test_customer_mutations_need_manage_users(staff_gql: Any, gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": {"email": "a@example.com"}},
        permissions=(Permission.MANAGE_STAFF,),
    )
    assert result.data["customerCreate"] is None
    answer = gql(DELETE, {"id": gid(1)})
    assert answer["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_update_customer_by_id_and_reference(staff_gql: Any) -> None:
    user = make_user("ada@example.com", external_reference="crm-1")
    make_user("other@example.com")
    by_id = staff_gql(
        UPDATE, {"id": gid(user.pk), "input": {"firstName": "Ada"}}, permissions=USERS
    )
    assert by_id.data["customerUpdate"]["user"]["firstName"] == "Ada"
    by_ref = staff_gql(
        UPDATE,
        {"ref": "crm-1", "input": {"email": "ADA2@example.com", "isActive": False}},
        permissions=USERS,
    )
    assert by_ref.data["customerUpdate"] == {
        "user": {"email": "ada2@example.com", "firstName": "Ada", "isActive": False},
        "errors": [],
    }
    clash = staff_gql(
        UPDATE,
        {"id": gid(user.pk), "input": {"email": "other@example.com"}},
        permissions=USERS,
    )
    assert clash.data["customerUpdate"]["errors"] == [
        {"field": "email", "code": "UNIQUE"}
    ]
    neither = staff_gql(UPDATE, {"input": {}}, permissions=USERS)
    assert "exactly one" in neither.errors[0].message


def test_deactivating_a_customer_rotates_the_token_key(staff_gql: Any) -> None:
    user = make_user("ada@example.com")
    key = user.jwt_token_key
    staff_gql(
        UPDATE, {"id": gid(user.pk), "input": {"isActive": False}}, permissions=USERS
    )
    user.refresh_from_db()
    assert not user.is_active and user.jwt_token_key != key


def test_delete_customer_but_not_staff(staff_gql: Any) -> None:
    customer = make_user("ada@example.com")
    staff = make_user("staff@example.com", is_staff=True)
    refused = staff_gql(DELETE, {"id": gid(staff.pk)}, permissions=USERS)
    assert refused.data["customerDelete"]["errors"] == [
        {"field": "id", "code": "DELETE_STAFF_ACCOUNT"}
    ]
    deleted = staff_gql(DELETE, {"id": gid(customer.pk)}, permissions=USERS)
    assert deleted.data["customerDelete"] == {
        "user": {"id": gid(customer.pk), "email": "ada@example.com"},
        "errors": [],
    }
    assert list(User.objects.values_list("email", flat=True)) == ["staff@example.com"]


CUSTOMERS = """
query($filter: CustomerFilterInput, $sortBy: UserSortingInput, $search: String,
      $first: Int, $after: String) {
  customers(filter: $filter, sortBy: $sortBy, search: $search, first: $first,
            after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { email note addresses { city } permissionGroups { name }
                   defaultShippingAddress { city } } }
  }
}
"""


def emails(result: Any) -> list[str]:
    assert result.errors is None, result.errors
    return [e["node"]["email"] for e in result.data["customers"]["edges"]]


def test_customers_filters(staff_gql: Any) -> None:
    old = make_user("old@example.com", first_name="Olga", metadata={"tier": "gold"})
    User.objects.filter(pk=old.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=30)
    )
    make_user("new@example.com", last_name="Newman")
    make_user("staff@example.com", is_staff=True)
    assert emails(staff_gql(CUSTOMERS, {"first": 10}, permissions=USERS)) == [
        "new@example.com",
        "old@example.com",
    ]
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    joined = staff_gql(
        CUSTOMERS,
        {"first": 10, "filter": {"dateJoined": {"gte": since}}},
        permissions=USERS,
    )
    assert emails(joined) == ["new@example.com"]
    tier = staff_gql(
        CUSTOMERS,
        {"first": 10, "filter": {"metadata": [{"key": "tier", "value": "gold"}]}},
        permissions=USERS,
    )
    assert emails(tier) == ["old@example.com"]
    searched = staff_gql(CUSTOMERS, {"first": 10, "search": "newm"}, permissions=USERS)
    assert emails(searched) == ["new@example.com"]
    by_ids = staff_gql(
        CUSTOMERS, {"first": 10, "filter": {"ids": [gid(old.pk)]}}, permissions=USERS
    )
    assert emails(by_ids) == ["old@example.com"]
    recent = staff_gql(
        CUSTOMERS,
        {"first": 10, "filter": {"updatedAt": {"gte": timezone.now().isoformat()}}},
        permissions=USERS,
    )
    assert emails(recent) == []


def test_customers_sort_and_pages(staff_gql: Any) -> None:
    for name in ("Cy", "Al", "Bo"):
        make_user(f"{name.lower()}@example.com", first_name=name)
    sort = {"field": "FIRST_NAME", "direction": "ASC"}
    page = staff_gql(CUSTOMERS, {"first": 2, "sortBy": sort}, permissions=USERS)
    assert emails(page) == ["al@example.com", "bo@example.com"]
    cursor = page.data["customers"]["pageInfo"]["endCursor"]
    rest = staff_gql(
        CUSTOMERS, {"first": 2, "sortBy": sort, "after": cursor}, permissions=USERS
    )
    assert emails(rest) == ["cy@example.com"]
    newest = staff_gql(
        CUSTOMERS,
        {"first": 1, "sortBy": {"field": "CREATED_AT", "direction": "DESC"}},
        permissions=USERS,
    )
    assert emails(newest) == ["bo@example.com"]
    unsupported = staff_gql(
        CUSTOMERS,
        {"first": 1, "sortBy": {"field": "ORDER_COUNT", "direction": "DESC"}},
        permissions=USERS,
    )
    assert "not supported" in unsupported.errors[0].message


def test_customers_cost_the_same_for_any_page(
    staff_gql: Any, count_queries: Any
) -> None:
    for index in range(8):
        user = make_user(f"c{index}@example.com")
        address = Address.objects.create(city="Paris", country="FR")
        user.addresses.add(address)
        user.default_shipping_address = address
        user.save()

    def run(first: int) -> int:
        with count_queries() as queries:
            result = staff_gql(CUSTOMERS, {"first": first}, permissions=USERS)
        assert len(emails(result)) == first
        return len(queries)

    assert run(2) == run(8)


USER = """
query($id: ID, $email: String, $ref: String) {
  user(id: $id, email: $email, externalReference: $ref) { email }
}
"""


def test_user_query(staff_gql: Any) -> None:
    customer = make_user("ada@example.com", external_reference="crm-1")
    staff = make_user("staff@example.com", is_staff=True)
    found = staff_gql(USER, {"id": gid(customer.pk)}, permissions=USERS)
    assert found.data == {"user": {"email": "ada@example.com"}}
    by_email = staff_gql(USER, {"email": "ADA@example.com"}, permissions=USERS)
    assert by_email.data == {"user": {"email": "ada@example.com"}}
    by_ref = staff_gql(USER, {"ref": "crm-1"}, permissions=USERS)
    assert by_ref.data == {"user": {"email": "ada@example.com"}}
    hidden = staff_gql(USER, {"id": gid(staff.pk)}, permissions=USERS)
    assert hidden.data == {"user": None}
    as_staff_manager = staff_gql(
        USER, {"id": gid(staff.pk)}, permissions=(Permission.MANAGE_STAFF,)
    )
    assert as_staff_manager.data == {"user": {"email": "staff@example.com"}}
    denied = staff_gql(USER, {"id": gid(customer.pk)}, permissions=())
    assert denied.data == {"user": None}
    assert denied.errors[0].message.startswith("You need one of")


WHERE = """
query($where: CustomerWhereInput) {
  customers(where: $where, first: 10) { edges { node { email } } }
}
"""


def test_customers_where(staff_gql: Any) -> None:
    ada = make_user("ada@example.com", first_name="Ada", last_name="Lovelace")
    make_user("bob@example.com", first_name="Bob", is_active=False)
    make_user("cy@example.com", first_name="Cy")

    def where(condition: dict[str, Any]) -> list[str]:
        return emails(staff_gql(WHERE, {"where": condition}, permissions=USERS))

    assert where({"email": {"eq": "ADA@example.com"}}) == ["ada@example.com"]
    assert where({"firstName": {"oneOf": ["Bob", "Cy"]}, "isActive": True}) == [
        "cy@example.com"
    ]
    assert where({"OR": [{"ids": [gid(ada.pk)]}, {"lastName": {"eq": "Nobody"}}]}) == [
        "ada@example.com"
    ]
    both = {"AND": [{"isActive": True}, {"firstName": {"oneOf": ["Ada", "Bob"]}}]}
    assert where(both) == ["ada@example.com"]
    later = {"dateJoined": {"gte": "2999-01-01T00:00:00+00:00"}}
    assert where(later) == []
    mixed = staff_gql(
        WHERE,
        {"where": {"isActive": True, "OR": [{"isActive": False}]}},
        permissions=USERS,
    )
    assert "Cannot mix" in mixed.errors[0].message


def test_customer_gets_a_link_to_choose_a_password(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {
            "input": {
                "email": "ada@example.com",
                "redirectUrl": "https://shop.example.com/password",
            }
        },
        permissions=USERS,
    )
    assert result.data["customerCreate"]["errors"] == []
    [email] = deferred_emails()
    assert email["to"] == "ada@example.com"
    assert email["context"]["link"].startswith("https://shop.example.com/password?")
