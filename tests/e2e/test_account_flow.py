"""A customer's account from sign-up to a password reset, over HTTP, with the
emails sent by a real worker run."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from mercato.core.jobs import run_worker
from tests.core.conftest import empty_jobs  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("empty_jobs")

EMAIL = "ann@example.com"
PASSWORD = "first long passphrase"
NEW_PASSWORD = "second long passphrase"
ADDRESS = {
    "firstName": "Ann",
    "streetAddress1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "postalCode": "94043",
    "country": "US",
    "countryArea": "CA",
}
ME = """{ me { email firstName isConfirmed
  addresses { id city postalCode }
  defaultShippingAddress { id } defaultBillingAddress { city } } }"""


def run(gql: Any, query: str, access: str | None = None, **variables: Any) -> Any:
    extra = {"HTTP_AUTHORIZATION": f"Bearer {access}"} if access else {}
    result = gql(query, variables, **extra)
    assert "errors" not in result, result
    [payload] = result["data"].values()
    return payload


def mutate(gql: Any, query: str, access: str | None = None, **variables: Any) -> Any:
    payload = run(gql, query, access, **variables)
    assert payload["errors"] == [], payload["errors"]
    return payload


def emailed_link(outbox: list[mail.EmailMessage], to: str) -> dict[str, str]:
    """Send the due emails, then read the link of the one sent to ``to``."""
    outbox.clear()
    run_worker(concurrency=1, wait=False, handle_signals=False)
    [message] = outbox
    assert message.to == [to]
    match = re.search(r"https://\S+", str(message.body))
    assert match is not None
    query = parse_qs(urlsplit(match.group(0)).query)
    return {key: values[0] for key, values in query.items()}


def test_customer_account_flow(gql: Any, mailoutbox: list[mail.EmailMessage]) -> None:
    registered = mutate(
        gql,
        """mutation($input: AccountRegisterInput!) {
          accountRegister(input: $input) { requiresConfirmation errors { code } } }""",
        input={
            "email": EMAIL,
            "password": PASSWORD,
            "firstName": "Ann",
            "redirectUrl": "https://shop.example/confirm",
        },
    )
    assert registered["requiresConfirmation"] is True
    confirmation = emailed_link(mailoutbox, EMAIL)
    assert mailoutbox[0].subject == "Confirm your email address"
    mutate(
        gql,
        """mutation($email: String!, $token: String!) {
          confirmAccount(email: $email, token: $token) { errors { code } } }""",
        **confirmation,
    )

    signed_in = mutate(
        gql,
        """mutation($email: String!, $password: String!) {
          tokenCreate(email: $email, password: $password) {
            token refreshToken errors { code } } }""",
        email=EMAIL,
        password=PASSWORD,
    )
    refreshed = mutate(
        gql,
        """mutation($r: String) {
          tokenRefresh(refreshToken: $r) { token errors { code } } }""",
        r=signed_in["refreshToken"],
    )
    token = refreshed["token"]
    assert run(gql, ME, token)["isConfirmed"] is True

    created = mutate(
        gql,
        """mutation($input: AddressInput!) {
          accountAddressCreate(input: $input, type: SHIPPING) {
            address { id } errors { code } } }""",
        token,
        input=ADDRESS,
    )
    address_id = created["address"]["id"]
    mutate(
        gql,
        """mutation($id: ID!, $input: AddressInput!) {
          accountAddressUpdate(id: $id, input: $input) { errors { code } } }""",
        token,
        id=address_id,
        input={"postalCode": "94040"},
    )
    mutate(
        gql,
        """mutation($input: AccountInput!) {
          accountUpdate(input: $input) { errors { code } } }""",
        token,
        input={
            "firstName": "Annie",
            "defaultBillingAddress": {**ADDRESS, "city": "Palo Alto"},
        },
    )
    me = run(gql, ME, token)
    assert me["firstName"] == "Annie"
    assert me["defaultShippingAddress"] == {"id": address_id}
    assert me["defaultBillingAddress"] == {"city": "PALO ALTO"}
    assert me["addresses"][0] == {
        "id": address_id,
        "city": "MOUNTAIN VIEW",
        "postalCode": "94040",
    }

    mutate(
        gql,
        """mutation($email: String!) {
          requestPasswordReset(email: $email, redirectUrl: "https://shop.example/reset")
          { errors { code } } }""",
        email=EMAIL,
    )
    reset = emailed_link(mailoutbox, EMAIL)
    new_tokens = mutate(
        gql,
        """mutation($email: String!, $token: String!, $password: String!) {
          setPassword(email: $email, token: $token, password: $password) {
            token errors { code } } }""",
        password=NEW_PASSWORD,
        **reset,
    )

    # Every token issued before the reset is dead.
    gql("{ me { email } }", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert gql.last_status == 401
    stale = run(
        gql,
        """mutation($r: String) {
          tokenRefresh(refreshToken: $r) { errors { code } } }""",
        r=signed_in["refreshToken"],
    )
    assert stale["errors"][0]["code"] == "JWT_INVALID_TOKEN"
    assert run(gql, ME, new_tokens["token"])["email"] == EMAIL
    sign_in = """mutation($password: String!) {
      tokenCreate(email: "ann@example.com", password: $password) {
        token errors { code } } }"""
    assert run(gql, sign_in, password=PASSWORD)["errors"][0]["code"] == (
        "INVALID_CREDENTIALS"
    )
    assert mutate(gql, sign_in, password=NEW_PASSWORD)["token"]
