"""requestEmailChange, confirmEmailChange, accountRequestDeletion and
accountDelete."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing

from mercato.account.models import Address, User
from tests.factories.account import PASSWORD, make_user
from tests.graphql.account.test_storefront_register import deferred_emails, link_params
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db

REDIRECT = "https://shop.example/account/email"

REQUEST_CHANGE = """
mutation($email: String!, $password: String!, $url: String!, $channel: String) {
  requestEmailChange(
    newEmail: $email, password: $password, redirectUrl: $url, channel: $channel
  ) { user { email } errors { field code } }
}
"""
CONFIRM_CHANGE = """
mutation($token: String!) {
  confirmEmailChange(token: $token) { user { email } errors { field code } }
}
"""
REQUEST_DELETION = """
mutation($url: String!) {
  accountRequestDeletion(redirectUrl: $url) { errors { field code } }
}
"""
DELETE = """
mutation($token: String!) {
  accountDelete(token: $token) { user { id email } errors { field code } }
}
"""


@pytest.fixture
def auth(gql: Any) -> dict[str, str]:
    make_user(first_name="Sam")
    return bearer(sign_in(gql)["token"])


def request_change(gql: Any, auth: dict[str, str], **variables: Any) -> Any:
    values = {"email": "Sam@New.Example", "password": PASSWORD, "url": REDIRECT}
    result = gql(REQUEST_CHANGE, {**values, **variables}, **auth)
    return result["data"]["requestEmailChange"]


def test_email_change(gql: Any, auth: dict[str, str]) -> None:
    requested = request_change(gql, auth)
    assert requested == {"user": {"email": "shopper@example.com"}, "errors": []}
    [email] = deferred_emails()
    assert (email["to"], email["template"]) == (
        "sam@new.example",
        "email_change_request",
    )
    assert email["context"]["new_email"] == "sam@new.example"
    assert email["context"]["email"] == "shopper@example.com"
    token = link_params(email["context"]["link"])["token"]

    confirmed = gql(CONFIRM_CHANGE, {"token": token}, **auth)["data"]
    assert confirmed["confirmEmailChange"] == {
        "user": {"email": "sam@new.example"},
        "errors": [],
    }
    notice = deferred_emails()[-1]
    assert (notice["to"], notice["template"]) == (
        "shopper@example.com",
        "email_change_confirmation",
    )
    assert notice["context"]["email"] == "sam@new.example"
    assert notice["context"]["link"] == "https://shop.example/"
    assert sign_in(gql, "sam@new.example")["errors"] == []
    # Single use.
    again = gql(CONFIRM_CHANGE, {"token": token}, **auth)["data"]
    assert again["confirmEmailChange"]["errors"] == [
        {"field": "token", "code": "INVALID"}
    ]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"password": "wrong"}, [("password", "INVALID_CREDENTIALS")]),
        ({"email": "nope"}, [("newEmail", "INVALID")]),
        ({"email": "taken@example.com"}, [("newEmail", "UNIQUE")]),
        ({"email": "shopper@example.com"}, [("newEmail", "UNIQUE")]),
        ({"url": "shop.example/email"}, [("redirectUrl", "INVALID")]),
        ({"channel": "nowhere"}, [("channel", "NOT_FOUND")]),
    ],
)
def test_request_email_change_bad_input(
    gql: Any,
    auth: dict[str, str],
    variables: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    make_user("taken@example.com")
    result = request_change(gql, auth, **variables)
    assert result["user"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == expected
    assert deferred_emails() == []


def test_confirm_email_change_refuses_bad_tokens(
    gql: Any, auth: dict[str, str], settings: Any
) -> None:
    request_change(gql, auth)
    token = link_params(deferred_emails()[0]["context"]["link"])["token"]
    # Another user cannot use it.
    make_user("eve@example.com")
    eve = bearer(sign_in(gql, "eve@example.com")["token"])
    results = [
        gql(CONFIRM_CHANGE, {"token": token}, **eve),
        gql(CONFIRM_CHANGE, {"token": "garbage"}, **auth),
        gql(CONFIRM_CHANGE, {"token": signing.dumps({"u": 1})}, **auth),
    ]
    settings.ACCOUNT_TOKEN_TTL_SECONDS = -1
    results.append(gql(CONFIRM_CHANGE, {"token": token}, **auth))
    for result in results:
        assert result["data"]["confirmEmailChange"]["errors"] == [
            {"field": "token", "code": "INVALID"}
        ]
    assert set(User.objects.values_list("email", flat=True)) == {
        "shopper@example.com",
        "eve@example.com",
    }


def test_confirm_email_change_when_the_address_was_taken_meanwhile(
    gql: Any, auth: dict[str, str]
) -> None:
    request_change(gql, auth)
    token = link_params(deferred_emails()[0]["context"]["link"])["token"]
    make_user("sam@new.example")
    result = gql(CONFIRM_CHANGE, {"token": token}, **auth)["data"]
    assert result["confirmEmailChange"]["errors"] == [
        {"field": "newEmail", "code": "UNIQUE"}
    ]


def test_account_deletion(gql: Any, auth: dict[str, str]) -> None:
    user = User.objects.get()
    address = Address.objects.create(country="PL", city="WARSZAWA")
    user.addresses.add(address)
    result = gql(REQUEST_DELETION, {"url": REDIRECT}, **auth)["data"]
    assert result["accountRequestDeletion"] == {"errors": []}
    [email] = deferred_emails()
    assert (email["to"], email["template"]) == ("shopper@example.com", "account_delete")
    token = link_params(email["context"]["link"])["token"]

    # Someone else signed in cannot use the link.
    make_user("eve@example.com")
    eve = bearer(sign_in(gql, "eve@example.com")["token"])
    refused = gql(DELETE, {"token": token}, **eve)["data"]["accountDelete"]
    assert refused["errors"] == [{"field": "token", "code": "INVALID"}]

    deleted = gql(DELETE, {"token": token}, **auth)["data"]["accountDelete"]
    assert deleted["errors"] == []
    assert deleted["user"]["email"] == "shopper@example.com"
    assert deleted["user"]["id"]
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Address.objects.exists()


def test_deletion_bad_input(gql: Any, auth: dict[str, str]) -> None:
    result = gql(REQUEST_DELETION, {"url": "mailto:x@example.com"}, **auth)["data"]
    assert result["accountRequestDeletion"]["errors"] == [
        {"field": "redirectUrl", "code": "INVALID"}
    ]
    assert deferred_emails() == []
    bad = gql(DELETE, {"token": "garbage"}, **auth)["data"]["accountDelete"]
    assert bad == {"user": None, "errors": [{"field": "token", "code": "INVALID"}]}
    assert User.objects.exists()


def test_staff_cannot_delete_themselves(gql: Any) -> None:
    make_user("staff@example.com", is_staff=True)
    staff = bearer(sign_in(gql, "staff@example.com")["token"])
    result = gql(REQUEST_DELETION, {"url": REDIRECT}, **staff)["data"]
    assert result["accountRequestDeletion"]["errors"] == [
        {"field": None, "code": "DELETE_STAFF_ACCOUNT"}
    ]
    assert deferred_emails() == []


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (REQUEST_CHANGE, {"email": "a@b.example", "password": "x", "url": REDIRECT}),
        (CONFIRM_CHANGE, {"token": "x"}),
        (REQUEST_DELETION, {"url": REDIRECT}),
        (DELETE, {"token": "x"}),
    ],
)
def test_anonymous_callers_are_denied(
    gql: Any, query: str, variables: dict[str, Any]
) -> None:
    result = gql(query, variables)
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert deferred_emails() == []
