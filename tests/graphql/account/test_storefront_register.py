"""accountRegister and confirmAccount."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.hashers import check_password
from django.core import signing
from procrastinate.contrib.django.models import ProcrastinateJob

from mercato.account.models import User
from mercato.channel.models import Channel
from tests.factories.account import PASSWORD, make_user
from tests.graphql.account.test_tokens import sign_in

pytestmark = pytest.mark.django_db

REDIRECT = "https://shop.example/account/confirm"

REGISTER = """
mutation($input: AccountRegisterInput!) {
  accountRegister(input: $input) {
    requiresConfirmation
    user { email firstName isConfirmed languageCode metadata { key value } }
    errors { field code message }
    accountErrors { code }
  }
}
"""
CONFIRM = """
mutation($email: String!, $token: String!) {
  confirmAccount(email: $email, token: $token) {
    user { email isConfirmed } errors { field code }
  }
}
"""


def deferred_emails() -> list[dict[str, Any]]:
    """The emails deferred so far: each job's ``to``, ``template``, ``context``."""
    jobs = ProcrastinateJob.objects.filter(task_name="core.send_email").order_by("id")
    return [dict(job.args) for job in jobs]


def link_params(link: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


def register(gql: Any, **fields: Any) -> dict[str, Any]:
    data = {
        "email": "Ann@Example.com",
        "password": PASSWORD,
        "redirectUrl": REDIRECT,
        **fields,
    }
    result = gql(REGISTER, {"input": data})
    return result["data"]["accountRegister"]  # type: ignore[no-any-return]


def test_register_sends_a_confirmation_link(gql: Any) -> None:
    Channel.objects.create(slug="web", name="Web", currency_code="USD", is_active=True)
    result = register(
        gql,
        firstName="Ann",
        languageCode="PT_BR",
        channel="web",
        metadata=[{"key": "source", "value": "ad"}],
    )
    assert result["errors"] == [] and result["accountErrors"] == []
    assert result["requiresConfirmation"] is True
    assert result["user"] == {
        "email": "ann@example.com",
        "firstName": "Ann",
        "isConfirmed": False,
        "languageCode": "PT_BR",
        "metadata": [{"key": "source", "value": "ad"}],
    }
    [email] = deferred_emails()
    assert email["to"] == "ann@example.com"
    assert email["template"] == "account_confirmation"
    link = email["context"]["link"]
    assert link.startswith(REDIRECT + "?")
    params = link_params(link)
    assert params["email"] == "ann@example.com"
    # Unconfirmed accounts cannot sign in yet.
    assert sign_in(gql, "ann@example.com")["errors"][0]["code"] == (
        "ACCOUNT_NOT_CONFIRMED"
    )

    confirmed = gql(CONFIRM, params)["data"]["confirmAccount"]
    assert confirmed == {
        "user": {"email": "ann@example.com", "isConfirmed": True},
        "errors": [],
    }
    assert sign_in(gql, "ann@example.com")["errors"] == []
    # The link works once.
    again = gql(CONFIRM, params)["data"]["confirmAccount"]
    assert again == {"user": None, "errors": [{"field": "token", "code": "INVALID"}]}


def test_register_without_confirmation(gql: Any, settings: Any) -> None:
    settings.ACCOUNT_CONFIRMATION_REQUIRED = False
    result = register(gql, redirectUrl=None)
    assert result["errors"] == []
    assert result["requiresConfirmation"] is False
    assert result["user"]["isConfirmed"] is True
    assert deferred_emails() == []
    assert sign_in(gql, "ann@example.com")["errors"] == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"email": "not-an-email"}, [("email", "INVALID")]),
        ({"email": "taken@example.com"}, [("email", "UNIQUE")]),
        ({"password": "short1x"}, [("password", "PASSWORD_TOO_SHORT")]),
        ({"password": "password123"}, [("password", "PASSWORD_TOO_COMMON")]),
        ({"password": "8264097315"}, [("password", "PASSWORD_ENTIRELY_NUMERIC")]),
        ({"password": "ann@example.com"}, [("password", "PASSWORD_TOO_SIMILAR")]),
        (
            {"password": "1234"},
            [
                ("password", "PASSWORD_TOO_SHORT"),
                ("password", "PASSWORD_TOO_COMMON"),
                ("password", "PASSWORD_ENTIRELY_NUMERIC"),
            ],
        ),
        ({"redirectUrl": None}, [("redirectUrl", "REQUIRED")]),
        ({"redirectUrl": "/relative/path"}, [("redirectUrl", "INVALID")]),
        ({"redirectUrl": "javascript:alert(1)"}, [("redirectUrl", "INVALID")]),
        ({"channel": "nowhere"}, [("channel", "NOT_FOUND")]),
        ({"firstName": "x" * 300}, [("firstName", "INVALID")]),
        ({"email": "a" * 250 + "@example.com"}, [("email", "INVALID")]),
        ({"redirectUrl": "https://shop.example/a b"}, [("redirectUrl", "INVALID")]),
        ({"metadata": [{"key": " ", "value": "v"}]}, [("metadata", "REQUIRED")]),
    ],
)
def test_register_bad_input_changes_nothing(
    gql: Any, fields: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    make_user("taken@example.com")
    result = register(gql, **fields)
    assert result["user"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == expected
    assert User.objects.count() == 1
    assert deferred_emails() == []


def _token_for(user: User) -> str:
    register_params = link_params(deferred_emails()[-1]["context"]["link"])
    assert register_params["email"] == user.email
    return register_params["token"]


def test_confirm_refuses_forged_expired_and_foreign_tokens(
    gql: Any, settings: Any
) -> None:
    register(gql)
    user = User.objects.get()
    token = _token_for(user)
    other = make_user("bob@example.com", is_confirmed=False)

    def confirm(email: str, token: str) -> Any:
        return gql(CONFIRM, {"email": email, "token": token})["data"]["confirmAccount"]

    forged = signing.dumps({"u": user.pk, "f": "0" * 32}, salt="whatever")
    bad = [
        confirm("ann@example.com", "garbage"),
        confirm("ann@example.com", forged),
        confirm("bob@example.com", token),  # made for someone else
        confirm("ann@example.com", token[:-2] + "xx"),
    ]
    settings.ACCOUNT_TOKEN_TTL_SECONDS = -1
    bad.append(confirm("ann@example.com", token))  # expired
    for result in bad:
        assert result == {
            "user": None,
            "errors": [{"field": "token", "code": "INVALID"}],
        }
    user.refresh_from_db()
    other.refresh_from_db()
    assert not user.is_confirmed and not other.is_confirmed


def test_tokens_of_one_purpose_do_not_serve_another(gql: Any) -> None:
    register(gql)
    token = _token_for(User.objects.get())
    result = gql(
        'mutation($t: String!) { setPassword(email: "ann@example.com", '
        'password: "a new long passphrase", token: $t) { errors { field code } } }',
        {"t": token},
    )
    assert result["data"]["setPassword"]["errors"] == [
        {"field": "token", "code": "INVALID"}
    ]


def test_link_keeps_the_redirect_query(gql: Any) -> None:
    register(gql, redirectUrl="https://shop.example/confirm?lang=pl&token=old")
    link = deferred_emails()[0]["context"]["link"]
    params = link_params(link)
    assert params["lang"] == "pl" and params["token"] != "old"


CONFIRM_WITH_PASSWORD = """
mutation($email: String!, $token: String!, $password: String) {
  confirmAccount(email: $email, token: $token, password: $password) {
    user { email isConfirmed } errors { field code }
  }
}
"""


def test_confirm_with_a_password_sets_it(gql: Any) -> None:
    register(gql)
    params = link_params(deferred_emails()[-1]["context"]["link"])
    result = gql(CONFIRM_WITH_PASSWORD, {**params, "password": "n3w-Secret-pw!"})
    assert result["data"]["confirmAccount"] == {
        "user": {"email": "ann@example.com", "isConfirmed": True},
        "errors": [],
    }
    assert sign_in(gql, "ann@example.com")["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert sign_in(gql, "ann@example.com", "n3w-Secret-pw!")["errors"] == []


def test_confirm_with_a_weak_password_changes_nothing(gql: Any) -> None:
    register(gql)
    params = link_params(deferred_emails()[-1]["context"]["link"])
    result = gql(CONFIRM_WITH_PASSWORD, {**params, "password": "123"})
    payload = result["data"]["confirmAccount"]
    assert payload["user"] is None
    assert ("password", "PASSWORD_TOO_SHORT") in [
        (e["field"], e["code"]) for e in payload["errors"]
    ]
    user = User.objects.get()
    assert user.is_confirmed is False
    assert check_password(PASSWORD, user.password)
    # The token still works.
    confirmed = gql(CONFIRM, params)["data"]["confirmAccount"]
    assert confirmed["errors"] == []


@pytest.mark.parametrize(
    "fields",
    [
        {"firstName": "A\x00n"},
        {"email": "a\x00@example.com"},
        {"channel": "w\x00"},
        {"redirectUrl": "https://shop.example/\x00"},
        {"metadata": [{"key": "k", "value": "\x00"}]},
    ],
)
def test_register_with_a_nul_character_is_refused_at_the_door(
    gql: Any, fields: dict[str, Any]
) -> None:
    """PostgreSQL cannot store NUL; the API refuses it before any resolver runs."""
    make_user("taken@example.com")
    data = {"email": "ann@example.com", "password": PASSWORD, "redirectUrl": REDIRECT}
    result = gql(REGISTER, {"input": {**data, **fields}})
    assert gql.last_status == 400
    assert "NUL" in result["errors"][0]["message"]
    assert User.objects.count() == 1
    assert deferred_emails() == []
