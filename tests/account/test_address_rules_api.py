"""``addressValidationRules`` over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

RULES = """
query Rules($country: CountryCode!, $area: String, $city: String) {
  addressValidationRules(countryCode: $country, countryArea: $area, city: $city) {
    countryCode
    countryName
    addressFormat
    addressLatinFormat
    allowedFields
    requiredFields
    upperFields
    countryAreaType
    countryAreaChoices { raw verbose }
    cityType
    cityChoices { raw verbose }
    cityAreaType
    cityAreaChoices { raw verbose }
    postalCodeType
    postalCodeMatchers
    postalCodeExamples
    postalCodePrefix
  }
}
"""


def test_rules_of_the_united_states(gql: Any) -> None:
    result = gql(RULES, {"country": "US"})

    assert gql.last_status == 200
    assert "errors" not in result
    rules = result["data"]["addressValidationRules"]
    assert rules["countryCode"] == "US"
    assert rules["countryName"] == "UNITED STATES"
    assert rules["addressFormat"] == "%N%n%O%n%A%n%C, %S %Z"
    assert rules["requiredFields"] == [
        "city",
        "country_area",
        "postal_code",
        "street_address",
    ]
    assert rules["upperFields"] == ["city", "country_area"]
    assert "city_area" not in rules["allowedFields"]
    assert rules["countryAreaType"] == "state"
    assert rules["postalCodeType"] == "zip"
    assert rules["postalCodeMatchers"] == [r"^(\d{5})(?:[ \-](\d{4}))?$"]
    assert rules["postalCodeExamples"] == ["95014", "22162-1010"]
    assert rules["postalCodePrefix"] == ""
    assert {"raw": "CA", "verbose": "California"} in rules["countryAreaChoices"]
    assert {"raw": "NY", "verbose": "New York"} in rules["countryAreaChoices"]
    assert rules["cityChoices"] == []


def test_country_area_narrows_the_rules(gql: Any) -> None:
    result = gql(RULES, {"country": "US", "area": "california"})

    rules = result["data"]["addressValidationRules"]
    assert rules["postalCodeMatchers"][1:] == ["^9[0-5]|96[01]"]
    assert rules["postalCodeExamples"] == ["90000", "96199"]


def test_cities_of_a_chinese_province(gql: Any) -> None:
    result = gql(RULES, {"country": "CN", "area": "Beijing Shi"})

    rules = result["data"]["addressValidationRules"]
    assert rules["cityType"] == "city"
    assert rules["cityChoices"]
    assert all(choice["raw"] for choice in rules["cityChoices"])


def test_country_without_rules_is_a_clean_error(gql: Any) -> None:
    result = gql(RULES, {"country": "EU"})

    assert gql.last_status == 200
    assert result["data"] == {"addressValidationRules": None}
    assert result["errors"][0]["message"] == (
        "'EU' is not a country code with address rules."
    )


def test_invalid_country_code_literal_is_a_validation_error(gql: Any) -> None:
    result = gql("{ addressValidationRules(countryCode: XX) { countryCode } }")

    assert gql.last_status == 400
    assert "data" not in result
    assert "XX" in result["errors"][0]["message"]


def test_invalid_country_code_variable_is_an_error(gql: Any) -> None:
    result = gql(RULES, {"country": "Poland"})

    assert gql.last_status == 400
    assert result["errors"]
