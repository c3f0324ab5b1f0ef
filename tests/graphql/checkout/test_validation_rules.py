"""``validationRules`` relax the checks of a checkout's addresses; an address saved
with checks skipped is checked in full by checkoutComplete and stays out of the
customer's address book."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.account.addresses import validate_address
from mercato.account.models import Address
from mercato.checkout.models import Checkout
from mercato.core.errors import ValidationFailed
from mercato.graphql.core.ids import to_global_id
from mercato.order.models import Order
from tests.factories.account import make_user
from tests.factories.order import make_method, make_shop, ready_checkout
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db

ADDRESS_FIELDS = "firstName city cityArea postalCode countryArea streetAddress1 phone"
ERRORS = "errors { field code addressType }"
UPDATES = {
    "shipping": ("checkoutShippingAddressUpdate", "shippingAddress"),
    "billing": ("checkoutBillingAddressUpdate", "billingAddress"),
}
CREATE = f"""
mutation($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{
    checkout {{
      id
      shippingAddress {{ {ADDRESS_FIELDS} }}
      billingAddress {{ {ADDRESS_FIELDS} }}
    }}
    {ERRORS}
  }}
}}
"""
COMPLETE = f"""
mutation($id: ID) {{
  checkoutComplete(id: $id) {{ order {{ id }} {ERRORS} }}
}}
"""
ADDRESS = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "streetAddress1": "1 Main St",
    "city": "New York",
    "postalCode": "10001",
    "country": "US",
    "countryArea": "NY",
}


def update_mutation(kind: str) -> str:
    name, argument = UPDATES[kind]
    return f"""
    mutation($id: ID, $address: AddressInput!, $rules: CheckoutAddressValidationRules,
             $save: Boolean) {{
      {name}(id: $id, {argument}: $address, validationRules: $rules,
             saveAddress: $save) {{
        checkout {{ {argument} {{ {ADDRESS_FIELDS} }} }}
        {ERRORS}
      }}
    }}
    """


def set_address(
    gql: Any,
    checkout: Checkout,
    kind: str,
    address: dict[str, Any],
    rules: dict[str, bool] | None = None,
    save: bool | None = None,
    **headers: str,
) -> dict[str, Any]:
    variables = {
        "id": to_global_id("Checkout", checkout.pk),
        "address": address,
        "rules": rules,
    }
    if save is not None:
        variables["save"] = save
    result = gql(update_mutation(kind), variables, **headers)
    assert "errors" not in result, result
    return result["data"][UPDATES[kind][0]]  # type: ignore[no-any-return]


def stored(checkout: Checkout, kind: str) -> Address:
    fresh = Checkout.objects.get(pk=checkout.pk)
    address = fresh.shipping_address if kind == "shipping" else fresh.billing_address
    assert address is not None
    return address


@pytest.fixture
def checkout() -> Checkout:
    return ready_checkout(make_shop())


# ---------------------------------------------------------------- validate_address


def test_flags_relax_only_their_own_check() -> None:
    data = {"country": "us", "city": "new york", "postal_code": "x"}

    with pytest.raises(ValidationFailed) as failed:
        validate_address(data, check_required=False)
    assert {(e.field, e.code) for e in failed.value.errors} == {
        ("postalCode", "INVALID")
    }
    with pytest.raises(ValidationFailed) as failed:
        validate_address(data, check_format=False)
    assert {e.code for e in failed.value.errors} == {"REQUIRED"}

    relaxed = validate_address(data, check_required=False, check_format=False)
    assert (relaxed["country"], relaxed["city"], relaxed["postal_code"]) == (
        "US",
        "NEW YORK",
        "x",
    )
    as_given = validate_address(
        data, check_required=False, check_format=False, normalize=False
    )
    assert (as_given["country"], as_given["city"]) == ("US", "new york")


def test_country_and_column_lengths_are_always_checked() -> None:
    relaxed = {"check_required": False, "check_format": False, "normalize": False}
    with pytest.raises(ValidationFailed) as failed:
        validate_address({"city": "Paris"}, **relaxed)
    assert [(e.field, e.code) for e in failed.value.errors] == [("country", "REQUIRED")]
    with pytest.raises(ValidationFailed) as failed:
        validate_address({"country": "US", "postal_code": "9" * 21}, **relaxed)
    assert [(e.field, e.code) for e in failed.value.errors] == [
        ("postalCode", "INVALID")
    ]


# ---------------------------------------------------------------- update mutations


@pytest.mark.parametrize("kind", ["shipping", "billing"])
def test_check_required_fields(gql: Any, checkout: Checkout, kind: str) -> None:
    partial = {"country": "US", "firstName": "Ada", "city": "New York"}

    refused = set_address(gql, checkout, kind, partial)
    assert {(e["field"], e["code"]) for e in refused["errors"]} == {
        ("streetAddress1", "REQUIRED"),
        ("postalCode", "REQUIRED"),
        ("countryArea", "REQUIRED"),
    }
    assert {e["addressType"] for e in refused["errors"]} == {kind.upper()}

    payload = set_address(
        gql, checkout, kind, partial, rules={"checkRequiredFields": False}
    )
    assert payload["errors"] == []
    address = stored(checkout, kind)
    assert (address.postal_code, address.street_address_1, address.city) == (
        "",
        "",
        "NEW YORK",
    )
    assert address.validation_skipped is True


@pytest.mark.parametrize("kind", ["shipping", "billing"])
def test_missing_country_is_an_error_whatever_the_rules(
    gql: Any, checkout: Checkout, kind: str
) -> None:
    rules = {
        "checkRequiredFields": False,
        "checkFieldsFormat": False,
        "enableFieldsNormalization": False,
    }
    payload = set_address(gql, checkout, kind, {"city": "Paris"}, rules=rules)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("country", "REQUIRED")
    ]


@pytest.mark.parametrize("kind", ["shipping", "billing"])
def test_check_fields_format(gql: Any, checkout: Checkout, kind: str) -> None:
    odd = {**ADDRESS, "postalCode": "abc", "countryArea": "Narnia", "phone": "12"}

    refused = set_address(gql, checkout, kind, odd)
    assert {(e["field"], e["code"]) for e in refused["errors"]} == {
        ("postalCode", "INVALID"),
        ("countryArea", "INVALID"),
        ("phone", "INVALID"),
    }

    payload = set_address(gql, checkout, kind, odd, rules={"checkFieldsFormat": False})
    assert payload["errors"] == []
    saved = payload["checkout"][UPDATES[kind][1]]
    assert (saved["postalCode"], saved["countryArea"], saved["phone"]) == (
        "abc",
        "Narnia",
        "12",
    )
    assert stored(checkout, kind).validation_skipped is True


@pytest.mark.parametrize("kind", ["shipping", "billing"])
def test_enable_fields_normalization(gql: Any, checkout: Checkout, kind: str) -> None:
    lower = {**ADDRESS, "city": "new york", "countryArea": "new york"}

    normalised = set_address(gql, checkout, kind, lower)
    assert normalised["checkout"][UPDATES[kind][1]]["city"] == "NEW YORK"
    assert normalised["checkout"][UPDATES[kind][1]]["countryArea"] == "NY"
    assert stored(checkout, kind).validation_skipped is False

    payload = set_address(
        gql, checkout, kind, lower, rules={"enableFieldsNormalization": False}
    )
    assert payload["errors"] == []
    saved = payload["checkout"][UPDATES[kind][1]]
    assert (saved["city"], saved["countryArea"]) == ("new york", "new york")
    assert stored(checkout, kind).validation_skipped is True


@pytest.mark.parametrize("kind", ["shipping", "billing"])
def test_relaxed_rules_with_a_valid_address_skip_nothing(
    gql: Any, checkout: Checkout, kind: str
) -> None:
    rules = {"checkRequiredFields": False, "checkFieldsFormat": False}
    payload = set_address(gql, checkout, kind, ADDRESS, rules=rules)
    assert payload["errors"] == []
    assert payload["checkout"][UPDATES[kind][1]]["city"] == "NEW YORK"
    assert stored(checkout, kind).validation_skipped is False


# ---------------------------------------------------------------- checkoutCreate


def test_checkout_create_takes_rules_for_each_address(gql: Any) -> None:
    shop = make_shop()
    partial = {"country": "US", "city": "boston"}
    lower = {**ADDRESS, "city": "new york"}

    def create(rules: dict[str, Any] | None) -> dict[str, Any]:
        data = {
            "channel": shop.channel.slug,
            "lines": [
                {
                    "variantId": to_global_id("ProductVariant", shop.variant.pk),
                    "quantity": 1,
                }
            ],
            "shippingAddress": partial,
            "billingAddress": lower,
            "validationRules": rules,
        }
        result = gql(CREATE, {"input": data})
        assert "errors" not in result, result
        return result["data"]["checkoutCreate"]  # type: ignore[no-any-return]

    refused = create(None)
    assert {e["code"] for e in refused["errors"]} == {"REQUIRED"}
    assert {e["addressType"] for e in refused["errors"]} == {"SHIPPING"}
    assert not Checkout.objects.exists()

    payload = create(
        {
            "shippingAddress": {"checkRequiredFields": False},
            "billingAddress": {"enableFieldsNormalization": False},
        }
    )
    assert payload["errors"] == []
    data = payload["checkout"]
    assert (data["shippingAddress"]["city"], data["shippingAddress"]["postalCode"]) == (
        "BOSTON",
        "",
    )
    assert data["billingAddress"]["city"] == "new york"
    checkout = Checkout.objects.get()
    assert stored(checkout, "shipping").validation_skipped is True
    assert stored(checkout, "billing").validation_skipped is True


# ---------------------------------------------------------------- checkoutComplete


def complete(gql: Any, checkout: Checkout) -> dict[str, Any]:
    result = gql(COMPLETE, {"id": to_global_id("Checkout", checkout.pk)})
    assert "errors" not in result, result
    return result["data"]["checkoutComplete"]  # type: ignore[no-any-return]


def test_complete_refuses_a_skipped_address_that_is_invalid(gql: Any) -> None:
    shop = make_shop(shipping_required=True)
    checkout = ready_checkout(shop, shipping_method=make_method(shop))
    set_address(
        gql,
        checkout,
        "shipping",
        {**ADDRESS, "postalCode": "abc"},
        rules={"checkFieldsFormat": False},
    )
    set_address(
        gql,
        checkout,
        "billing",
        {"country": "US", "city": "Boston"},
        rules={"checkRequiredFields": False},
    )

    payload = complete(gql, checkout)

    assert payload["order"] is None
    errors = {(e["field"], e["code"], e["addressType"]) for e in payload["errors"]}
    assert errors == {
        ("postalCode", "INVALID", "SHIPPING"),
        ("streetAddress1", "REQUIRED", "BILLING"),
        ("postalCode", "REQUIRED", "BILLING"),
        ("countryArea", "REQUIRED", "BILLING"),
    }
    assert Checkout.objects.filter(pk=checkout.pk).exists()
    assert not Order.objects.exists()
    assert stored(checkout, "shipping").postal_code == "abc"


def test_complete_ignores_the_shipping_address_when_nothing_ships(gql: Any) -> None:
    checkout = ready_checkout(make_shop(shipping_required=False))
    set_address(
        gql,
        checkout,
        "shipping",
        {"country": "US"},
        rules={"checkRequiredFields": False},
    )

    payload = complete(gql, checkout)

    assert payload["errors"] == [] and payload["order"] is not None


def test_complete_accepts_a_skipped_address_that_is_valid_and_normalises_it(
    gql: Any,
) -> None:
    shop = make_shop(shipping_required=True)
    checkout = ready_checkout(shop, shipping_method=make_method(shop))
    lower = {**ADDRESS, "city": "new york", "countryArea": "new york"}
    set_address(
        gql, checkout, "shipping", lower, rules={"enableFieldsNormalization": False}
    )
    set_address(
        gql, checkout, "billing", lower, rules={"enableFieldsNormalization": False}
    )

    payload = complete(gql, checkout)

    assert payload["errors"] == []
    order = Order.objects.get()
    for address in (order.shipping_address, order.billing_address):
        assert address is not None
        assert (address.city, address.country_area) == ("NEW YORK", "NY")
        assert address.validation_skipped is False


# ---------------------------------------------------------------- saveAddress


@pytest.mark.parametrize("kind", ["shipping", "billing"])
def test_save_address_leaves_skipped_addresses_out_of_the_book(
    gql: Any, kind: str
) -> None:
    user = make_user(email="shopper@example.com")
    headers = bearer(sign_in(gql)["token"])
    checkout = ready_checkout(make_shop(), user_id=user.pk)

    skipped = set_address(
        gql,
        checkout,
        kind,
        {**ADDRESS, "postalCode": "abc"},
        rules={"checkFieldsFormat": False},
        save=True,
        **headers,
    )
    assert skipped["errors"] == []
    assert stored(checkout, kind).validation_skipped is True
    assert user.addresses.count() == 0

    checked = set_address(gql, checkout, kind, ADDRESS, save=True, **headers)
    assert checked["errors"] == []
    [saved] = user.addresses.all()
    assert (saved.postal_code, saved.validation_skipped) == ("10001", False)
