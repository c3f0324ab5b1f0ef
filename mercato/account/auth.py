"""Signing in, tokens and the actor behind a request.

Services here own their transaction. Errors are ``ValidationFailed`` with Saleor's
``AccountErrorCode``s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from mercato.account.models import PermissionGroup, RefreshToken, User
from mercato.account.tokens import ACCESS, REFRESH, TokenError, decode, encode, new_id
from mercato.core.cachekeys import hashed_key
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor, Permission

# Checked against when the email is unknown, so that both answers cost the same.
_DUMMY_HASH = make_password("mercato-no-such-user")


@dataclass(frozen=True)
class IssuedTokens:
    access: str
    refresh: str
    csrf: str
    user: User


def permissions_of(user: User) -> frozenset[Permission]:
    if not user.is_active or not user.is_staff:
        return frozenset()
    if user.is_superuser:
        return frozenset(Permission)
    codes: set[str] = set()
    for group_permissions in PermissionGroup.objects.filter(users=user).values_list(
        "permissions", flat=True
    ):
        codes.update(group_permissions)
    return frozenset(
        Permission(code) for code in codes if code in Permission.__members__
    )


def actor_for_user(user: User) -> Actor:
    return Actor(
        user_id=user.pk, is_staff=user.is_staff, permissions=permissions_of(user)
    )


# ---------------------------------------------------------------- throttling


def _failure_keys(ip: str, email: str) -> list[str]:
    return [hashed_key("login:ip", ip), hashed_key("login:ip-email", ip, email)]


def _check_throttle(ip: str, email: str) -> None:
    now = timezone.now().timestamp()
    for key in _failure_keys(ip, email):
        state = cache.get(key)
        if state and state["next_allowed"] > now:
            wait = int(state["next_allowed"] - now) + 1
            raise ValidationFailed.one(
                "email",
                "LOGIN_ATTEMPT_DELAYED",
                f"Too many failed sign-in attempts. Try again in {wait} seconds.",
            )


def _record_failure(ip: str, email: str) -> None:
    now = timezone.now().timestamp()
    free: int = settings.LOGIN_FAILURES_BEFORE_DELAY
    ceiling: int = settings.LOGIN_DELAY_MAX_SECONDS
    for key in _failure_keys(ip, email):
        state = cache.get(key) or {"failures": 0, "next_allowed": 0.0}
        state["failures"] += 1
        over = state["failures"] - free
        if over > 0:
            state["next_allowed"] = now + min(2 ** (over - 1), ceiling)
        cache.set(key, state, ceiling * 2)


def _clear_failures(ip: str, email: str) -> None:
    cache.delete(_failure_keys(ip, email)[1])


# ---------------------------------------------------------------- tokens


def _issue(user: User, family: Any = None) -> IssuedTokens:
    csrf = new_id()
    refresh_row = RefreshToken.objects.create(
        jti=new_id(), user=user, **({"family": family} if family else {})
    )
    claims = {
        "token": user.jwt_token_key,
        "email": user.email,
        "user_id": user.pk,
        "is_staff": user.is_staff,
    }
    access = encode(
        {**claims, "type": ACCESS},
        datetime.timedelta(seconds=settings.JWT_ACCESS_TTL_SECONDS),
    )
    refresh = encode(
        {**claims, "type": REFRESH, "jti": refresh_row.jti, "csrf_token": csrf},
        datetime.timedelta(seconds=settings.JWT_REFRESH_TTL_SECONDS),
    )
    return IssuedTokens(access, refresh, csrf, user)


def create_tokens(*, email: str, password: str, ip: str) -> IssuedTokens:
    """Sign in with email and password; throttled per IP and per IP and email."""
    email = email.strip().lower()
    _check_throttle(ip, email)
    user = User.objects.filter(email=email).first()
    valid = check_password(password, user.password if user else _DUMMY_HASH)
    if user is None or not valid or not user.password:
        _record_failure(ip, email)
        raise ValidationFailed.one(
            "email", "INVALID_CREDENTIALS", "Please, enter valid credentials"
        )
    if not user.is_active:
        raise ValidationFailed.one("email", "INACTIVE", "Account inactive.")
    if not user.is_confirmed:
        raise ValidationFailed.one(
            "email", "ACCOUNT_NOT_CONFIRMED", "Account needs to be confirmed via email."
        )
    _clear_failures(ip, email)
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login", "updated_at"])
        return _issue(user)


def user_for_token(payload: dict[str, Any]) -> User:
    """The active user a verified token belongs to, if the token is still valid."""
    user_id = payload.get("user_id")
    if not isinstance(user_id, int):
        raise TokenError("JWT_INVALID_TOKEN", "Invalid token")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or payload.get("token") != user.jwt_token_key:
        raise TokenError("JWT_INVALID_TOKEN", "Invalid token")
    return user


def refresh_tokens(
    *, refresh_token: str, csrf_token: str | None, from_cookie: bool
) -> IssuedTokens:
    """A new access token and a new refresh token in the same family.

    Each refresh token works once: presenting a used one again revokes the family
    (someone else holds a copy). A refresh token read from the cookie needs the CSRF
    token that came with it.
    """
    try:
        payload = decode(refresh_token, REFRESH)
        if from_cookie and csrf_token != payload.get("csrf_token"):
            raise TokenError("JWT_INVALID_CSRF_TOKEN", "Invalid CSRF token")
        user = user_for_token(payload)
    except TokenError as exc:
        raise ValidationFailed.one(
            "csrfToken" if exc.code == "JWT_INVALID_CSRF_TOKEN" else "refreshToken",
            exc.code,
            exc.message,
        ) from exc
    with transaction.atomic():
        row = (
            RefreshToken.objects.select_for_update()
            .filter(jti=payload.get("jti"))
            .first()
        )
        if row is None or row.revoked or row.user_id != user.pk:
            raise ValidationFailed.one(
                "refreshToken", "JWT_INVALID_TOKEN", "Invalid token"
            )
        if row.used_at is not None:
            RefreshToken.objects.filter(family=row.family).update(revoked=True)
            reused = True
        else:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            reused = False
            issued = _issue(user, family=row.family)
    if reused:
        raise ValidationFailed.one(
            "refreshToken",
            "JWT_INVALID_TOKEN",
            "This refresh token was used before; its whole family is revoked.",
        )
    return issued


def verify_token(token: str) -> tuple[User, dict[str, Any]]:
    try:
        payload = decode(token, ACCESS)
        return user_for_token(payload), payload
    except TokenError as exc:
        raise ValidationFailed.one("token", exc.code, exc.message) from exc


def deactivate_all_tokens(*, user: User) -> None:
    """Invalidate every access and refresh token issued to ``user``."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.rotate_token_key()
        locked.save(update_fields=["jwt_token_key", "updated_at"])
        RefreshToken.objects.filter(user=locked).update(revoked=True)


def actor_from_access_token(token: str) -> Actor:
    """The actor an ``Authorization: Bearer`` token stands for; ``TokenError`` when
    the token is not a valid, current access token."""
    return actor_for_user(user_for_token(decode(token, ACCESS)))
