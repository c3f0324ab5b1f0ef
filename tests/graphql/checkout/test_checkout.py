from __future__ import annotations

import base64
from typing import Any

import pytest

from mercato.checkout.models import Checkout
from mercato.core.permissions import Permission
from tests.factories.account import make_user
from tests.factories.catalog import Catalog, build_catalog
from tests.graphql.account.test_tokens import PASSWORD, bearer, sign_in

pytestmark = pytest.mark.django_db

CHECKOUT_FIELDS = """
id token email languageCode quantity isShippingRequired
channel { slug }
user { email }
shippingAddress { city countryArea }
billingAddress { city }
subtotalPrice { gross { amount currency } }
shippingPrice { gross { amount } }
totalPrice { net { amount } gross { amount } tax { amount } }
lines {
  id quantity requiresShipping
  variant { id name }
  unitPrice { gross { amount } }
  undiscountedUnitPrice { amount }
  totalPrice { gross { amount } }
  undiscountedTotalPrice { amount }
}
"""
ERRORS = "errors { field code variants lines addressType }"

CREATE = f"""
mutation($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}
"""
ADD = f"""
mutation($id: ID, $lines: [CheckoutLineInput!]!) {{
  checkoutLinesAdd(id: $id, lines: $lines) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}
"""
UPDATE = f"""
mutation($id: ID, $lines: [CheckoutLineUpdateInput!]!) {{
  checkoutLinesUpdate(id: $id, lines: $lines) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}
"""
DELETE = f"""
mutation($id: ID, $ids: [ID!]!) {{
  checkoutLinesDelete(id: $id, linesIds: $ids) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}
"""
SHIPPING = f"""
mutation($id: ID, $address: AddressInput!) {{
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}
"""
BILLING = f"""
mutation($id: ID, $address: AddressInput!) {{
  checkoutBillingAddressUpdate(id: $id, billingAddress: $address) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}
"""
EMAIL = f"""
mutation($id: ID, $email: String!) {{
  checkoutEmailUpdate(id: $id, email: $email) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}
"""
LANGUAGE = """
mutation($id: ID) {
  checkoutLanguageCodeUpdate(id: $id, languageCode: PL) {
    checkout { languageCode } errors { code }
  }
}
"""
ATTACH = """
mutation($id: ID) {
  checkoutCustomerAttach(id: $id) { checkout { email user { email } } errors { code } }
}
"""
DETACH = """
mutation($id: ID) {
  checkoutCustomerDetach(id: $id) { checkout { user { email } } errors { code } }
}
"""
READ = f"query($id: ID) {{ checkout(id: $id) {{ {CHECKOUT_FIELDS} }} }}"
ADDRESS = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "streetAddress1": "1 Main St",
    "city": "New York",
    "postalCode": "10001",
    "country": "US",
    "countryArea": "NY",
}


def gid(type_name: str, pk: Any) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(5)


def variant_id(catalog: Catalog, index: int) -> str:
    return gid("ProductVariant", catalog.variants[index].pk)


def create(gql: Any, catalog: Catalog, *lines: tuple[int, int], **extra: Any) -> Any:
    result = gql(
        CREATE,
        {
            "input": {
                "channel": catalog.channel.slug,
                "lines": [
                    {"variantId": variant_id(catalog, i), "quantity": q}
                    for i, q in lines
                ],
            }
        },
        **extra,
    )
    return result["data"]["checkoutCreate"]


def test_guest_flow_over_http(gql: Any, catalog: Catalog) -> None:
    created = create(gql, catalog, (0, 1))
    assert created["errors"] == []
    checkout = created["checkout"]
    token = Checkout.objects.get().pk
    assert checkout["id"] == gid("Checkout", token)
    assert checkout["token"] == str(token)
    assert checkout["channel"] == {"slug": "default-channel"}
    assert checkout["totalPrice"] == {
        "net": {"amount": 10.0},
        "gross": {"amount": 10.0},
        "tax": {"amount": 0.0},
    }
    id_ = checkout["id"]

    added = gql(
        ADD,
        {"id": id_, "lines": [{"variantId": variant_id(catalog, 1), "quantity": 2}]},
    )
    checkout = added["data"]["checkoutLinesAdd"]["checkout"]
    assert checkout["quantity"] == 3
    assert checkout["subtotalPrice"]["gross"] == {"amount": 32.0, "currency": "USD"}
    line = checkout["lines"][1]
    assert line["unitPrice"]["gross"]["amount"] == 11.0
    assert line["totalPrice"]["gross"]["amount"] == 22.0
    assert line["undiscountedTotalPrice"]["amount"] == 22.0
    assert line["requiresShipping"] is True
    assert checkout["isShippingRequired"] is True

    updated = gql(UPDATE, {"id": id_, "lines": [{"lineId": line["id"], "quantity": 1}]})
    checkout = updated["data"]["checkoutLinesUpdate"]["checkout"]
    assert checkout["totalPrice"]["gross"]["amount"] == 21.0

    shipped = gql(SHIPPING, {"id": id_, "address": ADDRESS})["data"]
    assert shipped["checkoutShippingAddressUpdate"]["checkout"]["shippingAddress"] == {
        "city": "NEW YORK",
        "countryArea": "NY",
    }
    billed = gql(BILLING, {"id": id_, "address": ADDRESS})["data"]
    assert billed["checkoutBillingAddressUpdate"]["errors"] == []

    emailed = gql(EMAIL, {"id": id_, "email": "guest@example.com"})["data"]
    assert emailed["checkoutEmailUpdate"]["checkout"]["email"] == "guest@example.com"
    language = gql(LANGUAGE, {"id": id_})["data"]["checkoutLanguageCodeUpdate"]
    assert language["checkout"]["languageCode"] == "PL"

    deleted = gql(DELETE, {"id": id_, "ids": [line["id"]]})["data"]
    assert deleted["checkoutLinesDelete"]["checkout"]["quantity"] == 1

    read = gql(READ, {"id": id_})["data"]["checkout"]
    assert read["email"] == "guest@example.com"
    assert read["user"] is None
    assert read["totalPrice"]["gross"]["amount"] == 10.0
    stored = Checkout.objects.get()
    assert (stored.email, stored.language_code) == ("guest@example.com", "pl")
    assert stored.shipping_address is not None and stored.billing_address is not None


def test_line_errors_name_variants_and_change_nothing(
    gql: Any, catalog: Catalog
) -> None:
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    result = gql(
        ADD,
        {"id": id_, "lines": [{"variantId": variant_id(catalog, 0), "quantity": 10}]},
    )
    payload = result["data"]["checkoutLinesAdd"]
    assert payload["checkout"] is None
    assert payload["errors"] == [
        {
            "field": "quantity",
            "code": "INSUFFICIENT_STOCK",
            "variants": [variant_id(catalog, 0)],
            "lines": None,
            "addressType": None,
        }
    ]
    result = gql(
        ADD,
        {"id": id_, "lines": [{"variantId": variant_id(catalog, 0), "quantity": 0}]},
    )
    assert result["data"]["checkoutLinesAdd"]["errors"][0]["code"] == "ZERO_QUANTITY"
    assert Checkout.objects.get().lines.get().quantity == 1


def test_address_errors_name_the_address_type(gql: Any, catalog: Catalog) -> None:
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    result = gql(SHIPPING, {"id": id_, "address": {**ADDRESS, "postalCode": "x"}})
    errors = result["data"]["checkoutShippingAddressUpdate"]["errors"]
    assert errors[0]["addressType"] == "SHIPPING"
    assert errors[0]["code"] == "INVALID"
    assert Checkout.objects.get().shipping_address is None


def test_unknown_or_garbage_ids(gql: Any, catalog: Catalog) -> None:
    missing = gid("Checkout", "00000000-0000-0000-0000-000000000000")
    assert gql(READ, {"id": missing})["data"]["checkout"] is None
    result = gql(READ, {"id": gid("Checkout", "nope")})
    assert result["errors"] and gql.last_status == 200
    result = gql(EMAIL, {"id": missing, "email": "a@b.co"})
    assert result["data"]["checkoutEmailUpdate"]["errors"][0]["code"] == "NOT_FOUND"


def test_signed_in_customer_attaches_and_detaches(gql: Any, catalog: Catalog) -> None:
    make_user(email="shopper@example.com", password=PASSWORD)
    headers = bearer(sign_in(gql)["token"])
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    anonymous = gql(ATTACH, {"id": id_})
    assert (
        anonymous["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    )
    attached = gql(ATTACH, {"id": id_}, **headers)["data"]["checkoutCustomerAttach"]
    assert attached["checkout"] == {
        "email": "shopper@example.com",
        "user": {"email": "shopper@example.com"},
    }
    assert gql(READ, {"id": id_})["data"]["checkout"]["user"] is None
    detached = gql(DETACH, {"id": id_}, **headers)["data"]["checkoutCustomerDetach"]
    assert detached["checkout"]["user"] is None
    assert Checkout.objects.get().user_id is None


def test_checkouts_list_is_for_staff(
    staff_gql: Any, catalog: Catalog, gql: Any
) -> None:
    create(gql, catalog, (0, 1))
    create(gql, catalog, (1, 1))
    query = "{ checkouts(first: 10) { totalCount edges { node { quantity } } } }"
    denied = staff_gql(query)
    assert denied.errors and denied.errors[0].message.startswith("You need")
    allowed = staff_gql(query, permissions=(Permission.MANAGE_CHECKOUTS,))
    assert allowed.errors is None
    assert allowed.data["checkouts"]["totalCount"] == 2


LINES_QUERY = """
query($id: ID) {
  checkout(id: $id) { lines { variant { name } totalPrice { gross { amount } } } }
}
"""


def test_query_count_does_not_grow_with_lines(
    gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    one = create(gql, catalog, (0, 1))["checkout"]["id"]
    ten = create(gql, catalog, *((i, 1) for i in range(10)))["checkout"]["id"]
    with count_queries() as small:
        result = gql(LINES_QUERY, {"id": one})
    assert len(result["data"]["checkout"]["lines"]) == 1
    with count_queries() as large:
        result = gql(LINES_QUERY, {"id": ten})
    assert len(result["data"]["checkout"]["lines"]) == 10
    assert len(large.captured_queries) == len(small.captured_queries)


def test_checkouts_list_query_count_does_not_grow(
    staff_gql: Any, gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    query = """
    { checkouts(first: 20) { edges { node {
      quantity channel { slug } shippingAddress { city }
      lines { variant { name } totalPrice { gross { amount } } }
    } } } }
    """
    staff = (Permission.MANAGE_CHECKOUTS,)
    create(gql, catalog, (0, 1), (1, 1))
    with count_queries() as small:
        assert staff_gql(query, permissions=staff).errors is None
    for index in range(2, 7):
        create(gql, catalog, (index, 1))
    with count_queries() as large:
        result = staff_gql(query, permissions=staff)
    assert result.errors is None and len(result.data["checkouts"]["edges"]) == 6
    assert len(large.captured_queries) == len(small.captured_queries)


def test_deprecated_single_line_delete(gql: Any, catalog: Catalog) -> None:
    created = create(gql, catalog, (0, 1), (1, 2))["checkout"]
    checkout = Checkout.objects.get()
    first = checkout.lines.order_by("created_at", "id").first()
    assert first is not None
    query = """mutation($id: ID, $lineId: ID) {
      checkoutLineDelete(id: $id, lineId: $lineId) {
      checkout { quantity } errors { field code } checkoutErrors { code } } }"""
    result = gql(query, {"id": created["id"], "lineId": gid("CheckoutLine", first.pk)})
    payload = result["data"]["checkoutLineDelete"]
    assert payload["errors"] == [] and payload["checkout"] == {"quantity": 2}
    missing = gql(query, {"id": created["id"]})["data"]["checkoutLineDelete"]
    assert missing["errors"] == [{"field": "lineId", "code": "REQUIRED"}]
    assert checkout.lines.count() == 1
