"""Signed, expiring, single-use tokens for the links that account emails carry.

A token is ``django.core.signing`` output (salted per purpose, so a token made for
one purpose is worthless for another) holding the user's id, a fingerprint of the
account's state and optional extra values. The fingerprint covers the email, the
password hash, the token key and whether the address is confirmed: using a link
changes one of them (confirming, setting a password, changing the address), so the
link stops working, and so does every other link issued before the change.
"""

from __future__ import annotations

import enum
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from mercato.account.models import User
from mercato.core.errors import ValidationFailed

INVALID = "INVALID"
MAX_URL_LENGTH = 2048


class Purpose(enum.StrEnum):
    CONFIRM_ACCOUNT = "confirm-account"
    RESET_PASSWORD = "reset-password"
    CHANGE_EMAIL = "change-email"
    DELETE_ACCOUNT = "delete-account"


def _max_age(purpose: Purpose) -> int:
    if purpose is Purpose.RESET_PASSWORD:
        return int(settings.PASSWORD_RESET_TOKEN_TTL_SECONDS)
    return int(settings.ACCOUNT_TOKEN_TTL_SECONDS)


def _fingerprint(purpose: Purpose, user: User) -> str:
    state = "|".join(
        (
            str(user.pk),
            user.email,
            user.password,
            user.jwt_token_key,
            "1" if user.is_confirmed else "0",
        )
    )
    return salted_hmac(f"mercato.account.links.{purpose}", state).hexdigest()[:32]


def make_token(purpose: Purpose, user: User, **extra: str) -> str:
    """A token for ``user`` that works until the account's state changes or it
    expires (``ACCOUNT_TOKEN_TTL_SECONDS``, ``PASSWORD_RESET_TOKEN_TTL_SECONDS``)."""
    payload = {"u": user.pk, "f": _fingerprint(purpose, user), **extra}
    return signing.dumps(payload, salt=f"mercato.account.{purpose}", compress=True)


def invalid_token(field: str = "token") -> ValidationFailed:
    return ValidationFailed.one(field, INVALID, "The link is invalid or has expired.")


def read_token(purpose: Purpose, token: str) -> dict[str, Any]:
    """The payload of a well-signed, unexpired token: ``u`` (user id) and extras.

    The caller checks it against the user with ``check_token_user``. Raises
    ``ValidationFailed`` (``token``: ``INVALID``) otherwise.
    """
    try:
        payload = signing.loads(
            token, salt=f"mercato.account.{purpose}", max_age=_max_age(purpose)
        )
    except signing.BadSignature:
        raise invalid_token() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise invalid_token()
    return payload


def check_token_user(purpose: Purpose, payload: dict[str, Any], user: User) -> None:
    """Raise ``ValidationFailed`` unless the token was made for ``user`` in its
    current state."""
    if payload.get("u") != user.pk or not constant_time_compare(
        str(payload.get("f", "")), _fingerprint(purpose, user)
    ):
        raise invalid_token()


def check_redirect_url(url: str | None, *, field: str = "redirectUrl") -> str:
    """``url`` if it is an absolute http(s) URL; ``ValidationFailed`` otherwise."""
    if not url:
        raise ValidationFailed.one(field, "REQUIRED", "Give the URL of the page.")
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    printable = len(url) <= MAX_URL_LENGTH and all(
        ch.isprintable() and not ch.isspace() for ch in url
    )
    if (
        not printable
        or parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
    ):
        raise ValidationFailed.one(
            field, INVALID, "Give an absolute http:// or https:// URL."
        )
    return url


def build_link(redirect_url: str, *, email: str, token: str) -> str:
    """``redirect_url`` with ``email`` and ``token`` added to its query."""
    parts = urlsplit(redirect_url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in ("email", "token")
    ]
    query += [("email", email), ("token", token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def site_of(redirect_url: str) -> str:
    """The scheme and host of ``redirect_url``: the storefront's home."""
    parts = urlsplit(redirect_url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
