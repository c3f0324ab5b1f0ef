"""Fields a storefront's account pages read: which saved address is a default, and
the (always empty) avatar."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.account.models import Address, User
from tests.factories.account import make_user
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db

ADDRESS_BOOK = """
query {
  me {
    email
    avatar(size: 256) { url }
    addresses { city isDefaultShippingAddress isDefaultBillingAddress }
  }
}
"""


def _address(city: str) -> Address:
    return Address.objects.create(
        first_name="Ann",
        last_name="Lee",
        street_address_1="1 Main St",
        city=city,
        postal_code="94043",
        country="US",
        country_area="CA",
    )


def _user_with_book(cities: list[str]) -> tuple[User, list[Address]]:
    user = make_user()
    book = [_address(city) for city in cities]
    user.addresses.add(*book)
    return user, book


def test_address_book_marks_the_defaults(gql: Any) -> None:
    user, (home, office, _cabin) = _user_with_book(["HOME", "OFFICE", "CABIN"])
    user.default_shipping_address = home
    user.default_billing_address = office
    user.save()
    me = gql(ADDRESS_BOOK, **bearer(sign_in(gql)["token"]))["data"]["me"]
    flags = {
        a["city"]: (a["isDefaultShippingAddress"], a["isDefaultBillingAddress"])
        for a in me["addresses"]
    }
    assert flags == {
        "HOME": (True, False),
        "OFFICE": (False, True),
        "CABIN": (False, False),
    }
    assert me["avatar"] is None


def test_one_address_can_be_both_defaults(gql: Any) -> None:
    user, (home,) = _user_with_book(["HOME"])
    user.default_shipping_address = home
    user.default_billing_address = home
    user.save()
    me = gql(ADDRESS_BOOK, **bearer(sign_in(gql)["token"]))["data"]["me"]
    assert me["addresses"] == [
        {
            "city": "HOME",
            "isDefaultShippingAddress": True,
            "isDefaultBillingAddress": True,
        }
    ]


def test_default_flags_do_not_grow_queries_with_the_book(
    gql: Any, count_queries: Any
) -> None:
    user, book = _user_with_book(["A"])
    headers = bearer(sign_in(gql)["token"])
    with count_queries() as small:
        assert gql(ADDRESS_BOOK, **headers)["data"]["me"]["addresses"]
    user.addresses.add(*[_address(city) for city in ("B", "C", "D", "E")])
    user.default_billing_address = book[0]
    user.save()
    with count_queries() as big:
        assert len(gql(ADDRESS_BOOK, **headers)["data"]["me"]["addresses"]) == 5
    assert len(big.captured_queries) == len(small.captured_queries)
