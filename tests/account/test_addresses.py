"""Addresses are checked and normalised by the rules of their country."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.account.addresses import (
    ADDRESS_FIELDS,
    AddressType,
    get_address_rules,
    validate_address,
)
from mercato.core.errors import FieldError, ValidationFailed


def us_address(**changes: Any) -> dict[str, Any]:
    address = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "street_address_1": "1600 Amphitheatre Pkwy",
        "city": "Mountain View",
        "postal_code": "94043",
        "country": "US",
        "country_area": "CA",
        "phone": "+1 650-253-0000",
    }
    address.update(changes)
    return address


def errors_of(data: dict[str, Any], **kwargs: Any) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as failed:
        validate_address(data, **kwargs)
    return failed.value.errors


def codes_of(data: dict[str, Any], **kwargs: Any) -> dict[str | None, str]:
    return {error.field: error.code for error in errors_of(data, **kwargs)}


# --- United States -------------------------------------------------------------


def test_us_address_is_normalised() -> None:
    address = validate_address(
        us_address(
            city=" mountain view ",
            country="us",
            country_area="california",
            phone="(650) 253-0000",
            company_name=None,
        )
    )

    assert address == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company_name": "",
        "street_address_1": "1600 Amphitheatre Pkwy",
        "street_address_2": "",
        "city": "MOUNTAIN VIEW",
        "city_area": "",
        "postal_code": "94043",
        "country": "US",
        "country_area": "CA",
        "phone": "+16502530000",
    }
    assert tuple(address) == ADDRESS_FIELDS


def test_us_zip_plus_four_is_accepted() -> None:
    assert validate_address(us_address(postal_code="94043-1351"))["postal_code"] == (
        "94043-1351"
    )


def test_us_requires_state_zip_city_and_street() -> None:
    data = us_address(country_area="", postal_code=None, city="  ")
    del data["street_address_1"]

    assert codes_of(data) == {
        "countryArea": "REQUIRED",
        "city": "REQUIRED",
        "postalCode": "REQUIRED",
        "streetAddress1": "REQUIRED",
    }


def test_required_message_names_the_kind_of_field() -> None:
    (error,) = errors_of(us_address(postal_code=""))
    assert error.message == "Enter the ZIP code (required in United States)."


def test_unknown_us_state_is_invalid() -> None:
    (error,) = errors_of(us_address(country_area="Narnia"))
    assert (error.field, error.code) == ("countryArea", "INVALID")
    assert error.message == "State 'NARNIA' is not known in United States."


@pytest.mark.parametrize("postal_code", ["9404", "940433", "ABCDE", "94043-12"])
def test_malformed_zip_is_invalid(postal_code: str) -> None:
    (error,) = errors_of(us_address(postal_code=postal_code))
    assert (error.field, error.code) == ("postalCode", "INVALID")
    assert error.message.endswith("in United States; for example 90000.")


def test_zip_must_belong_to_the_state() -> None:
    # New York ZIP codes start with 10-14, not with 9.
    assert codes_of(us_address(country_area="NY")) == {"postalCode": "INVALID"}
    address = validate_address(us_address(country_area="new york", postal_code="10001"))
    assert address["country_area"] == "NY"


# --- Europe --------------------------------------------------------------------


def test_polish_postal_code() -> None:
    data = {
        "street_address_1": "ul. Marszałkowska 1",
        "city": "Warszawa",
        "postal_code": "00-950",
        "country": "PL",
        "phone": "22 123 45 67",
    }
    address = validate_address(data)
    assert address["postal_code"] == "00-950"
    assert address["city"] == "WARSZAWA"
    assert address["phone"] == "+48221234567"

    (error,) = errors_of({**data, "postal_code": "00950"})
    assert (error.field, error.code) == ("postalCode", "INVALID")
    assert error.message == (
        "'00950' is not a valid postal code for this address in Poland; "
        "for example 00-950."
    )


def test_poland_has_no_country_area() -> None:
    address = validate_address(
        {
            "street_address_1": "Rynek Główny 1",
            "city": "Kraków",
            "postal_code": "31-042",
            "country": "PL",
            "country_area": "małopolskie",
        }
    )
    assert address["country_area"] == ""
    assert address["city"] == "KRAKÓW"


def test_british_postcode_is_uppercased() -> None:
    address = validate_address(
        {
            "street_address_1": "10 Downing Street",
            "city": "London",
            "postal_code": "sw1a 2aa",
            "country": "GB",
            "phone": "020 7925 0918",
        }
    )
    assert address["postal_code"] == "SW1A 2AA"
    assert address["city"] == "LONDON"
    assert address["phone"] == "+442079250918"
    assert codes_of({**address, "postal_code": "12345"}) == {"postalCode": "INVALID"}


def test_british_address_needs_a_post_town() -> None:
    (error,) = errors_of(
        {"street_address_1": "1 High St", "postal_code": "M2 5BQ", "country": "GB"}
    )
    assert (error.field, error.code) == ("city", "REQUIRED")
    assert error.message == "Enter the post town (required in United Kingdom)."


def test_german_address() -> None:
    data = {
        "street_address_1": "Unter den Linden 77",
        "city": "Berlin",
        "postal_code": "10117",
        "country": "DE",
    }
    assert validate_address(data)["city"] == "BERLIN"
    assert codes_of({**data, "postal_code": "1011"}) == {"postalCode": "INVALID"}
    assert codes_of({**data, "postal_code": ""}) == {"postalCode": "REQUIRED"}


# --- Elsewhere -----------------------------------------------------------------


def test_country_without_postal_codes() -> None:
    address = validate_address(
        {
            "street_address_1": "Sheikh Zayed Road 1",
            "postal_code": "12345",
            "city": "Dubai",
            "country": "AE",
            "country_area": "Dubai",
        }
    )
    # The Emirates use neither postal codes nor city names in addresses.
    assert address["postal_code"] == ""
    assert address["city"] == ""
    assert address["country_area"] == "إمارة دبيّ"  # the key is in Arabic


def test_country_area_required_where_the_country_needs_it() -> None:
    assert codes_of({"street_address_1": "Sheikh Zayed Road 1", "country": "AE"}) == {
        "countryArea": "REQUIRED"
    }


def test_brazilian_state_by_name() -> None:
    address = validate_address(
        {
            "street_address_1": "Av. Paulista, 1578",
            "city": "São Paulo",
            "postal_code": "01310-200",
            "country": "BR",
            "country_area": "são paulo",
        }
    )
    assert address["country_area"] == "SP"


# --- Country -------------------------------------------------------------------


@pytest.mark.parametrize("country", [None, "", "  "])
def test_missing_country_is_required(country: str | None) -> None:
    assert codes_of(us_address(country=country, phone="")) == {"country": "REQUIRED"}


@pytest.mark.parametrize("country", ["XX", "EU", "ZZ", "USA", "ALL", "U", "1A", 5])
def test_unknown_country_is_invalid(country: Any) -> None:
    assert codes_of(us_address(country=country, phone="")) == {"country": "INVALID"}


def test_phone_without_prefix_needs_a_known_country() -> None:
    assert codes_of(us_address(country="XX", phone="650 253 0000")) == {
        "country": "INVALID",
        "phone": "INVALID",
    }


# --- Phone ---------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["123", "not a phone", "+1 555 000 0000", "+999 1"])
def test_bad_phone_is_invalid(phone: str) -> None:
    (error,) = errors_of(us_address(phone=phone))
    assert (error.field, error.code) == ("phone", "INVALID")


def test_foreign_phone_with_prefix_is_accepted() -> None:
    assert validate_address(us_address(phone="+48 22 123 45 67"))["phone"] == (
        "+48221234567"
    )


def test_phone_is_optional() -> None:
    assert validate_address(us_address(phone=None))["phone"] == ""


# --- Lengths, types, error shape -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field", "limit"),
    [
        ("first_name", "firstName", 256),
        ("company_name", "companyName", 256),
        ("street_address_2", "streetAddress2", 256),
        ("city", "city", 256),
        ("city_area", "cityArea", 128),
        ("postal_code", "postalCode", 20),
        ("country_area", "countryArea", 128),
        ("phone", "phone", 32),
    ],
)
def test_too_long_field_is_invalid(name: str, field: str, limit: int) -> None:
    (error,) = errors_of(us_address(**{name: "9" * (limit + 1)}))
    assert (error.field, error.code) == (field, "INVALID")
    assert error.message == f"Use at most {limit} characters."


def test_field_at_its_limit_is_accepted() -> None:
    assert validate_address(us_address(last_name="x" * 256))["last_name"] == "x" * 256


def test_non_text_value_is_invalid() -> None:
    assert codes_of(us_address(city=["Mountain View"])) == {"city": "INVALID"}


def test_errors_carry_the_address_type_and_prefix() -> None:
    errors = errors_of(
        us_address(postal_code="x", phone="1"),
        address_type=AddressType.SHIPPING,
        field_prefix="shippingAddress.",
    )
    assert [(e.field, e.code, e.extra) for e in errors] == [
        ("shippingAddress.postalCode", "INVALID", {"address_type": "SHIPPING"}),
        ("shippingAddress.phone", "INVALID", {"address_type": "SHIPPING"}),
    ]


def test_errors_have_no_extra_without_address_type() -> None:
    (error,) = errors_of(us_address(postal_code="x"))
    assert error.extra == {}


def test_unknown_keys_are_ignored() -> None:
    assert "email" not in validate_address(us_address(email="a@example.com"))


# --- Rules ---------------------------------------------------------------------


def test_rules_narrow_to_the_country_area() -> None:
    country = get_address_rules("US")
    state = get_address_rules("us", country_area="California")

    assert country.country_name == "UNITED STATES"
    assert len(country.postal_code_matchers) == 1
    assert [m.pattern for m in state.postal_code_matchers][1:] == ["^9[0-5]|96[01]"]
    assert state.postal_code_examples == ("90000", "96199")


def test_rules_of_unknown_country() -> None:
    with pytest.raises(ValidationFailed) as failed:
        get_address_rules("XX")
    assert [(e.field, e.code) for e in failed.value.errors] == [("country", "INVALID")]
