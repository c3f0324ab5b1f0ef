from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.utils import timezone

from mercato.account.tokens import private_key
from mercato.core.permissions import Permission
from mercato.product.models import ProductChannelListing
from tests.factories.account import PASSWORD, make_user
from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db

TOKEN_CREATE = """
mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token refreshToken csrfToken
    user { email isStaff userPermissions { code } }
    errors { field code message }
  }
}
"""
REFRESH = """
mutation($refreshToken: String, $csrfToken: String) {
  tokenRefresh(refreshToken: $refreshToken, csrfToken: $csrfToken) {
    token user { email } errors { field code }
  }
}
"""
ME = "{ me { email firstName } }"


def sign_in(
    gql: Any, email: str = "shopper@example.com", password: str = PASSWORD
) -> dict[str, Any]:
    result = gql(TOKEN_CREATE, {"email": email, "password": password})
    return result["data"]["tokenCreate"]  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_sign_in_and_read_me(gql: Any) -> None:
    make_user(first_name="Ada")
    created = sign_in(gql, email="Shopper@Example.com ")
    assert created["errors"] == []
    assert created["user"]["email"] == "shopper@example.com"
    assert created["token"] and created["refreshToken"] and created["csrfToken"]
    assert gql(ME)["data"]["me"] is None
    me = gql(ME, **bearer(created["token"]))["data"]["me"]
    assert me == {"email": "shopper@example.com", "firstName": "Ada"}


@pytest.mark.parametrize("email", ["shopper@example.com", "nobody@example.com"])
def test_wrong_credentials_look_the_same(gql: Any, email: str) -> None:
    make_user()
    result = sign_in(gql, email=email, password="wrong password")
    assert result["token"] is None
    assert result["errors"] == [
        {
            "field": "email",
            "code": "INVALID_CREDENTIALS",
            "message": "Please, enter valid credentials",
        }
    ]


def test_brute_force_is_throttled(gql: Any) -> None:
    make_user()
    for _ in range(3):
        assert sign_in(gql, password="guess")["errors"][0]["code"] == (
            "INVALID_CREDENTIALS"
        )
    blocked = sign_in(gql, password="guess")
    assert blocked["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # From now on even the right password waits.
    delayed = sign_in(gql)
    assert delayed["token"] is None
    assert delayed["errors"][0]["code"] == "LOGIN_ATTEMPT_DELAYED"
    assert "Try again in" in delayed["errors"][0]["message"]


@pytest.mark.parametrize(
    "email", ["c\uee14\u00af\u000e", "a b@example.com", "x" * 300 + "@example.com"]
)
def test_odd_emails_are_just_wrong_credentials(gql: Any, email: str) -> None:
    # The throttle keys are built from the email: control characters, spaces
    # and very long text must not leak into the cache key (a warning, an error).
    result = sign_in(gql, email=email, password="guess")
    assert result["token"] is None
    assert result["errors"][0]["code"] == "INVALID_CREDENTIALS"


def test_inactive_and_unconfirmed_accounts(gql: Any) -> None:
    make_user("off@example.com", is_active=False)
    make_user("new@example.com", is_confirmed=False)
    assert sign_in(gql, "off@example.com")["errors"][0]["code"] == "INACTIVE"
    assert sign_in(gql, "new@example.com")["errors"][0]["code"] == (
        "ACCOUNT_NOT_CONFIRMED"
    )


def test_refresh_rotates_and_reuse_revokes_the_family(gql: Any) -> None:
    make_user()
    first = sign_in(gql)["refreshToken"]
    refreshed = gql(REFRESH, {"refreshToken": first})["data"]["tokenRefresh"]
    assert refreshed["errors"] == []
    second = gql.last_response.cookies["refreshToken"].value
    assert gql(ME, **bearer(refreshed["token"]))["data"]["me"]["email"]
    assert second != first
    reused = gql(REFRESH, {"refreshToken": first})["data"]["tokenRefresh"]
    assert reused["token"] is None
    assert reused["errors"] == [{"field": "refreshToken", "code": "JWT_INVALID_TOKEN"}]
    # The thief's reuse also revoked the legitimate newer token.
    revoked = gql(REFRESH, {"refreshToken": second})["data"]["tokenRefresh"]
    assert revoked["errors"][0]["code"] == "JWT_INVALID_TOKEN"


def test_refresh_from_cookie_needs_the_csrf_token(client: Client, gql: Any) -> None:
    make_user()
    created = sign_in(gql)
    assert client.cookies["refreshToken"].value == created["refreshToken"]
    missing = gql(REFRESH, {"csrfToken": "forged"})["data"]["tokenRefresh"]
    assert missing["errors"] == [
        {"field": "csrfToken", "code": "JWT_INVALID_CSRF_TOKEN"}
    ]
    ok = gql(REFRESH, {"csrfToken": created["csrfToken"]})["data"]["tokenRefresh"]
    assert ok["errors"] == [] and ok["token"]


def test_verify_token(gql: Any) -> None:
    make_user()
    token = sign_in(gql)["token"]
    query = """mutation($t: String!) { tokenVerify(token: $t) {
        isValid user { email } payload errors { code } } }"""
    valid = gql(query, {"t": token})["data"]["tokenVerify"]
    assert valid["isValid"] is True
    assert valid["user"] == {"email": "shopper@example.com"}
    assert valid["payload"]["type"] == "access"
    invalid = gql(query, {"t": token[:-4] + "abcd"})["data"]["tokenVerify"]
    assert invalid["isValid"] is False
    assert invalid["errors"][0]["code"] in {"JWT_DECODE_ERROR", "JWT_INVALID_TOKEN"}


def test_deactivate_all_tokens(gql: Any) -> None:
    make_user()
    created = sign_in(gql)
    result = gql(
        "mutation { tokensDeactivateAll { errors { code } } }",
        **bearer(created["token"]),
    )
    assert result["data"]["tokensDeactivateAll"] == {"errors": []}
    gql(ME, **bearer(created["token"]))
    assert gql.last_status == 401
    refreshed = gql(REFRESH, {"refreshToken": created["refreshToken"]})
    assert refreshed["data"]["tokenRefresh"]["errors"][0]["code"] == "JWT_INVALID_TOKEN"


def test_deactivate_all_needs_a_user(gql: Any) -> None:
    result = gql("mutation { tokensDeactivateAll { errors { code } } }")
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def _claims(user_id: int, **extra: Any) -> dict[str, Any]:
    from mercato.account.models import User

    user = User.objects.get(pk=user_id)
    now = timezone.now()
    return {
        "iss": "mercato",
        "iat": now,
        "exp": now + datetime.timedelta(minutes=5),
        "type": "access",
        "user_id": user.pk,
        "token": user.jwt_token_key,
        "email": user.email,
        **extra,
    }


def _unsigned(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data, default=lambda v: int(v.timestamp())).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _tampered_tokens(user_id: int) -> dict[str, str]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private_key()
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    expired = _claims(user_id, exp=timezone.now() - datetime.timedelta(seconds=1))
    return {
        "alg-none": _unsigned(_claims(user_id)),
        "other-key": jwt.encode(_claims(user_id), other_key, algorithm="RS256"),
        # PyJWT refuses to sign HS256 with a PEM key, which is the attack: sign by hand.
        "hs256-with-public-key": _hs256(_claims(user_id), public_pem),
        "expired": jwt.encode(expired, private_key(), algorithm="RS256"),
        "refresh-as-access": jwt.encode(
            _claims(user_id, type="refresh"), private_key(), algorithm="RS256"
        ),
        "stale-key": jwt.encode(
            _claims(user_id, token="old"), private_key(), algorithm="RS256"
        ),
        "garbage": "not-a-token",
    }


def _hs256(claims: dict[str, Any], secret: bytes) -> str:
    import hashlib
    import hmac

    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data, default=lambda v: int(v.timestamp())).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return (
        signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    )


@pytest.mark.parametrize(
    "kind",
    [
        "alg-none",
        "other-key",
        "hs256-with-public-key",
        "expired",
        "refresh-as-access",
        "stale-key",
        "garbage",
    ],
)
def test_tampered_tokens_are_rejected(gql: Any, kind: str) -> None:
    user = make_user(is_staff=True, permissions=(Permission.MANAGE_PRODUCTS,))
    token = _tampered_tokens(user.pk)[kind]
    result = gql(ME, **bearer(token))
    assert gql.last_status == 401
    assert "data" not in result
    expected = "ExpiredSignatureError" if kind == "expired" else "InvalidTokenError"
    assert result["errors"][0]["extensions"]["exception"]["code"] == expected


def test_token_issued_before_a_password_change_is_rejected(gql: Any) -> None:
    user = make_user()
    token = sign_in(gql)["token"]
    user.rotate_token_key()  # what a password change or reset does
    user.save()
    gql(ME, **bearer(token))
    assert gql.last_status == 401


def test_jwks_verifies_issued_tokens(client: Client, gql: Any) -> None:
    make_user()
    token = sign_in(gql)["token"]
    keys = client.get("/.well-known/jwks.json").json()
    key_set = jwt.PyJWKSet.from_dict(keys)
    kid = jwt.get_unverified_header(token)["kid"]
    payload = jwt.decode(
        token, key_set[kid].key, algorithms=["RS256"], issuer="mercato"
    )
    assert payload["email"] == "shopper@example.com"


def test_staff_with_manage_products_sees_unpublished_products(gql: Any) -> None:
    catalog = build_catalog(2)
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        is_published=False
    )
    make_user(
        "staff@example.com", is_staff=True, permissions=(Permission.MANAGE_PRODUCTS,)
    )
    make_user("clerk@example.com", is_staff=True)
    query = '{ products(first: 10, channel: "default-channel") { totalCount } }'
    assert gql(query)["data"]["products"]["totalCount"] == 1
    staff = sign_in(gql, "staff@example.com")
    assert staff["user"]["userPermissions"] == [{"code": "MANAGE_PRODUCTS"}]
    assert gql(query, **bearer(staff["token"]))["data"]["products"]["totalCount"] == 2
    clerk = sign_in(gql, "clerk@example.com")
    assert gql(query, **bearer(clerk["token"]))["data"]["products"]["totalCount"] == 1
