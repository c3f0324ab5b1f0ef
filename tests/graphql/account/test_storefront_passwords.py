"""requestPasswordReset, setPassword and passwordChange."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from mercato.account.models import User
from tests.factories.account import PASSWORD, make_user
from tests.graphql.account.test_storefront_register import deferred_emails, link_params
from tests.graphql.account.test_tokens import ME, bearer, sign_in

pytestmark = pytest.mark.django_db

REDIRECT = "https://shop.example/reset"
NEW_PASSWORD = "a brand new passphrase"

REQUEST = """
mutation($email: String!, $url: String!, $channel: String) {
  requestPasswordReset(email: $email, redirectUrl: $url, channel: $channel) {
    errors { field code }
  }
}
"""
SET = """
mutation($email: String!, $token: String!, $password: String!) {
  setPassword(email: $email, token: $token, password: $password) {
    token refreshToken csrfToken user { email isConfirmed } errors { field code }
  }
}
"""
CHANGE = """
mutation($old: String, $new: String!) {
  passwordChange(oldPassword: $old, newPassword: $new) {
    user { email } errors { field code }
  }
}
"""


def request_reset(gql: Any, email: str = "shopper@example.com", **extra: Any) -> Any:
    variables = {"email": email, "url": REDIRECT, **extra}
    return gql(REQUEST, variables)["data"]["requestPasswordReset"]


def test_reset_flow(gql: Any) -> None:
    make_user(first_name="Sam", is_confirmed=False)
    assert request_reset(gql, "Shopper@Example.com") == {"errors": []}
    [email] = deferred_emails()
    assert (email["to"], email["template"]) == ("shopper@example.com", "password_reset")
    assert email["context"]["first_name"] == "Sam"
    params = link_params(email["context"]["link"])
    assert params["email"] == "shopper@example.com"

    result = gql(SET, {**params, "password": NEW_PASSWORD})["data"]["setPassword"]
    assert result["errors"] == []
    assert result["token"] and result["refreshToken"] and result["csrfToken"]
    # The link proved the address is the user's.
    assert result["user"] == {"email": "shopper@example.com", "isConfirmed": True}
    assert gql(ME, **bearer(result["token"]))["data"]["me"]["email"]
    assert sign_in(gql, password=NEW_PASSWORD)["errors"] == []

    # Single use.
    again = gql(SET, {**params, "password": "yet another passphrase"})
    assert again["data"]["setPassword"]["errors"] == [
        {"field": "token", "code": "INVALID"}
    ]
    assert check_password(NEW_PASSWORD, User.objects.get().password)


def test_unknown_email_gets_the_same_answers(gql: Any) -> None:
    make_user()
    assert request_reset(gql, "nobody@example.com") == {"errors": []}
    assert request_reset(gql) == {"errors": []}
    assert [e["to"] for e in deferred_emails()] == ["shopper@example.com"]
    throttled = {
        "errors": [{"field": "email", "code": "PASSWORD_RESET_ALREADY_REQUESTED"}]
    }
    assert request_reset(gql, "nobody@example.com") == throttled
    assert request_reset(gql) == throttled
    assert len(deferred_emails()) == 1


def test_reset_can_be_asked_again_after_the_interval(gql: Any) -> None:
    user = make_user()
    request_reset(gql)
    User.objects.filter(pk=user.pk).update(
        last_password_reset_request=timezone.now() - datetime.timedelta(seconds=61)
    )
    assert request_reset(gql) == {"errors": []}
    assert len(deferred_emails()) == 2


def test_inactive_accounts_get_no_email(gql: Any) -> None:
    make_user(is_active=False)
    assert request_reset(gql) == {"errors": []}
    assert deferred_emails() == []


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"url": "not a url"}, ("redirectUrl", "INVALID")),
        ({"url": "ftp://shop.example/reset"}, ("redirectUrl", "INVALID")),
        ({"channel": "nowhere"}, ("channel", "NOT_FOUND")),
    ],
)
def test_request_reset_bad_input(
    gql: Any, variables: dict[str, Any], expected: tuple[str, str]
) -> None:
    user = make_user()
    variables = {"email": user.email, "url": REDIRECT, **variables}
    result = gql(REQUEST, variables)
    errors = result["data"]["requestPasswordReset"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [expected]
    user.refresh_from_db()
    assert user.last_password_reset_request is None
    assert deferred_emails() == []


def _reset_params(gql: Any) -> dict[str, str]:
    request_reset(gql)
    return link_params(deferred_emails()[-1]["context"]["link"])


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("short1x", ["PASSWORD_TOO_SHORT"]),
        ("password123", ["PASSWORD_TOO_COMMON"]),
        ("8264097315", ["PASSWORD_ENTIRELY_NUMERIC"]),
        ("shopper@example", ["PASSWORD_TOO_SIMILAR"]),
    ],
)
def test_set_password_refuses_weak_passwords(
    gql: Any, password: str, codes: list[str]
) -> None:
    user = make_user()
    params = _reset_params(gql)
    result = gql(SET, {**params, "password": password})["data"]["setPassword"]
    assert result["token"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("password", code) for code in codes
    ]
    before = user.password, user.jwt_token_key
    user.refresh_from_db()
    assert (user.password, user.jwt_token_key) == before
    # The token still works for a good password.
    ok = gql(SET, {**params, "password": NEW_PASSWORD})["data"]["setPassword"]
    assert ok["errors"] == []


def test_set_password_refuses_expired_and_mismatched_tokens(
    gql: Any, settings: Any
) -> None:
    user = make_user()
    make_user("other@example.com")
    params = _reset_params(gql)
    other = {**params, "email": "other@example.com", "password": NEW_PASSWORD}
    settings_ttl = settings.PASSWORD_RESET_TOKEN_TTL_SECONDS
    results = [gql(SET, other)]
    settings.PASSWORD_RESET_TOKEN_TTL_SECONDS = -1
    results.append(gql(SET, {**params, "password": NEW_PASSWORD}))
    settings.PASSWORD_RESET_TOKEN_TTL_SECONDS = settings_ttl
    for result in results:
        assert result["data"]["setPassword"]["errors"] == [
            {"field": "token", "code": "INVALID"}
        ]
    before = user.password
    user.refresh_from_db()
    assert user.password == before


def test_password_change_invalidates_old_tokens(gql: Any) -> None:
    make_user()
    created = sign_in(gql)
    result = gql(
        CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD}, **bearer(created["token"])
    )
    assert result["data"]["passwordChange"] == {
        "user": {"email": "shopper@example.com"},
        "errors": [],
    }
    gql(ME, **bearer(created["token"]))
    assert gql.last_status == 401
    refresh = gql(
        "mutation($r: String) { tokenRefresh(refreshToken: $r) { errors { code } } }",
        {"r": created["refreshToken"]},
    )
    assert refresh["data"]["tokenRefresh"]["errors"][0]["code"] == "JWT_INVALID_TOKEN"
    assert sign_in(gql)["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert sign_in(gql, password=NEW_PASSWORD)["errors"] == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("wrong", NEW_PASSWORD, [("oldPassword", "INVALID_PASSWORD")]),
        (None, NEW_PASSWORD, [("oldPassword", "INVALID_PASSWORD")]),
        (PASSWORD, "short1x", [("newPassword", "PASSWORD_TOO_SHORT")]),
        (PASSWORD, "password123", [("newPassword", "PASSWORD_TOO_COMMON")]),
        (PASSWORD, "8264097315", [("newPassword", "PASSWORD_ENTIRELY_NUMERIC")]),
        (PASSWORD, "shopper@example", [("newPassword", "PASSWORD_TOO_SIMILAR")]),
    ],
)
def test_password_change_bad_input(
    gql: Any, old: str | None, new: str, expected: list[tuple[str, str]]
) -> None:
    user = make_user()
    token = sign_in(gql)["token"]
    result = gql(CHANGE, {"old": old, "new": new}, **bearer(token))
    errors = result["data"]["passwordChange"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == expected
    before = user.password, user.jwt_token_key
    user.refresh_from_db()
    assert (user.password, user.jwt_token_key) == before


def test_password_change_needs_a_user(gql: Any) -> None:
    result = gql(CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD})
    assert result["data"]["passwordChange"] is None
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_reset_while_sign_ins_are_delayed_sets_the_password(gql: Any) -> None:
    user = make_user()
    params = _reset_params(gql)
    for _ in range(4):
        sign_in(gql, password="guess")
    result = gql(SET, {**params, "password": NEW_PASSWORD})["data"]["setPassword"]
    assert result["errors"] == []
    assert result["token"] is None
    assert result["user"]["email"] == "shopper@example.com"
    user.refresh_from_db()
    assert check_password(NEW_PASSWORD, user.password)


def test_request_reset_with_a_nul_character_is_refused_at_the_door(gql: Any) -> None:
    user = make_user()
    result = gql(REQUEST, {"email": "shopper\x00@example.com", "url": REDIRECT})
    assert gql.last_status == 400
    assert "NUL" in result["errors"][0]["message"]
    user.refresh_from_db()
    assert user.last_password_reset_request is None
    assert deferred_emails() == []
