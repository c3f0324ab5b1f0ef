"""What customers do with their own account: register, confirm, reset and change
passwords and email, edit the profile and the address book, delete the account.

Every service owns its transaction, validates before it writes and raises
``ValidationFailed`` with Saleor's ``AccountErrorCode``s. Emails are deferred in the
same transaction, so they go out only if the change commits. Links in emails carry
tokens from ``mercato.account.links``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from mercato.account import links
from mercato.account.addresses import (
    ADDRESS_FIELDS,
    API_FIELD_NAMES,
    AddressType,
    validate_address,
)
from mercato.account.auth import IssuedTokens, create_tokens
from mercato.account.links import Purpose
from mercato.account.models import Address, RefreshToken, User
from mercato.channel.models import Channel
from mercato.core.cachekeys import hashed_key
from mercato.core.email import defer_email
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor, Permission

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
UNIQUE = "UNIQUE"

# Django's password validator codes -> AccountErrorCode.
_PASSWORD_CODES = {
    "password_too_short": "PASSWORD_TOO_SHORT",
    "password_too_common": "PASSWORD_TOO_COMMON",
    "password_entirely_numeric": "PASSWORD_ENTIRELY_NUMERIC",
    "password_too_similar": "PASSWORD_TOO_SIMILAR",
}
_NAME_LENGTH = 256
_EMAIL_LENGTH = 254
NUL = "\x00"


# ---------------------------------------------------------------- checks


def _check_password_strength(
    errors: ErrorCollector, password: str, user: User, field: str
) -> None:
    try:
        # The validators only read the user's attributes (email and names).
        validate_password(password, user)  # type: ignore[arg-type]
    except ValidationError as failed:
        for error in failed.error_list:
            code = _PASSWORD_CODES.get(str(error.code), INVALID)
            errors.add(field, code, " ".join(error.messages))


def _clean_new_email(errors: ErrorCollector, email: str, field: str) -> str:
    email = email.strip().lower()
    try:
        if len(email) > _EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors.add(field, INVALID, "Enter a valid email address.")
        return email
    if User.objects.filter(email=email).exists():
        errors.add(field, UNIQUE, "A user with this email already exists.")
    return email


def _check_names(
    errors: ErrorCollector, first_name: str | None, last_name: str | None
) -> None:
    for field, value in (("firstName", first_name), ("lastName", last_name)):
        if value is not None and len(value) > _NAME_LENGTH:
            errors.add(field, INVALID, f"Use at most {_NAME_LENGTH} characters.")
        elif value is not None and NUL in value:
            errors.add(field, INVALID, "Text cannot contain NUL characters.")


def _check_metadata(
    errors: ErrorCollector, metadata: Sequence[tuple[str, str]]
) -> None:
    if any(not key.strip() for key, _ in metadata):
        errors.add("metadata", REQUIRED, "Metadata keys cannot be empty.")
    elif any(NUL in key or NUL in value for key, value in metadata):
        errors.add("metadata", INVALID, "Text cannot contain NUL characters.")


def _check_channel(errors: ErrorCollector, slug: str | None) -> None:
    if slug is None:
        return
    channel = None if NUL in slug else Channel.objects.filter(slug=slug).first()
    if channel is None:
        errors.add("channel", NOT_FOUND, f"Channel with '{slug}' slug does not exist.")
    elif not channel.is_active:
        errors.add("channel", "CHANNEL_INACTIVE", f"Channel '{slug}' is inactive.")


def _checked_address(
    data: Mapping[str, Any], address_type: AddressType | None = None
) -> dict[str, str]:
    """``validate_address``, after refusing text the database cannot store."""
    errors = ErrorCollector()
    extra = {"address_type": address_type} if address_type else {}
    for name, field in API_FIELD_NAMES.items():
        value = data.get(name)
        if isinstance(value, str) and NUL in value:
            errors.add(field, INVALID, "Text cannot contain NUL characters.", **extra)
    errors.raise_if_any()
    return validate_address(data, address_type=address_type)


def _redirect_url(errors: ErrorCollector, url: str | None) -> str:
    try:
        return links.check_redirect_url(url)
    except ValidationFailed as failed:
        errors.errors.extend(failed.errors)
        return ""


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _revoke_tokens(user: User) -> None:
    """Replace the token key (the caller saves ``user``) and revoke refresh tokens."""
    user.rotate_token_key()
    RefreshToken.objects.filter(user=user).update(revoked=True)


def _email_context(user: User, link: str, **extra: str) -> dict[str, str]:
    return {"link": link, "email": user.email, "first_name": user.first_name, **extra}


# ---------------------------------------------------------------- registration


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    redirect_url: str | None = None
    channel: str | None = None
    metadata: Sequence[tuple[str, str]] = ()


def register_account(*, data: Registration) -> User:
    """Create a customer account.

    With ``ACCOUNT_CONFIRMATION_REQUIRED`` the account starts unconfirmed (it cannot
    sign in) and an ``account_confirmation`` email with a link to ``redirect_url`` is
    deferred.
    """
    confirm = bool(settings.ACCOUNT_CONFIRMATION_REQUIRED)
    with transaction.atomic():
        errors = ErrorCollector()
        email = _clean_new_email(errors, data.email, "email")
        _check_names(errors, data.first_name, data.last_name)
        _check_metadata(errors, data.metadata)
        _check_channel(errors, data.channel)
        redirect_url = _redirect_url(errors, data.redirect_url) if confirm else ""
        user = User(
            email=email,
            first_name=data.first_name or "",
            last_name=data.last_name or "",
            is_confirmed=not confirm,
            metadata=dict(data.metadata),
        )
        if data.language_code:
            user.language_code = data.language_code
        _check_password_strength(errors, data.password, user, "password")
        errors.raise_if_any()
        user.password = make_password(data.password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # registered by a concurrent request meanwhile
            raise ValidationFailed.one(
                "email", UNIQUE, "A user with this email already exists."
            ) from None
        if confirm:
            token = links.make_token(Purpose.CONFIRM_ACCOUNT, user)
            link = links.build_link(redirect_url, email=email, token=token)
            defer_email(
                to=email,
                template="account_confirmation",
                context=_email_context(user, link),
            )
        return user


def _user_for_token(purpose: Purpose, token: str, email: str | None = None) -> User:
    """The user a link token was made for, locked; ``INVALID`` otherwise."""
    payload = links.read_token(purpose, token)
    user = User.objects.select_for_update().filter(pk=payload["u"]).first()
    if user is None or (email is not None and user.email != email.strip().lower()):
        raise links.invalid_token()
    links.check_token_user(purpose, payload, user)
    return user


def confirm_account(*, email: str, token: str, password: str | None = None) -> User:
    """Mark the address of an account as confirmed, from the emailed token; with
    ``password``, also set the account's password (earlier tokens stop working)."""
    with transaction.atomic():
        user = _user_for_token(Purpose.CONFIRM_ACCOUNT, token, email)
        fields = ["is_confirmed", "updated_at"]
        if password is not None:
            errors = ErrorCollector()
            _check_password_strength(errors, password, user, "password")
            errors.raise_if_any()
            user.password = make_password(password)
            _revoke_tokens(user)
            fields += ["password", "jwt_token_key"]
        user.is_confirmed = True
        user.save(update_fields=fields)
        return user


# ---------------------------------------------------------------- passwords


def _remember_reset_request(email: str) -> bool:
    """For an email without an active account: whether a request came recently
    (then the same answer as for a real account is due)."""
    interval = int(settings.PASSWORD_RESET_INTERVAL_SECONDS)
    return not cache.add(hashed_key("password-reset", email), True, interval)


def _reset_requested_recently(user: User) -> bool:
    last = user.last_password_reset_request
    interval = datetime.timedelta(seconds=settings.PASSWORD_RESET_INTERVAL_SECONDS)
    return last is not None and timezone.now() - last < interval


def request_password_reset(
    *, email: str, redirect_url: str, channel: str | None = None
) -> None:
    """Send a ``password_reset`` email with a link, if an active account has
    ``email``; answer the same way when none does.

    A second request within ``PASSWORD_RESET_INTERVAL_SECONDS`` is refused with
    ``PASSWORD_RESET_ALREADY_REQUESTED``, for unknown emails too. Locks the user.
    """
    errors = ErrorCollector()
    url = _redirect_url(errors, redirect_url)
    _check_channel(errors, channel)
    email = email.strip().lower()
    if NUL in email:
        errors.add("email", INVALID, "Enter a valid email address.")
    errors.raise_if_any()
    already = ValidationFailed.one(
        "email",
        "PASSWORD_RESET_ALREADY_REQUESTED",
        "A password reset was requested moments ago; check your inbox or try "
        "again in a minute.",
    )
    with transaction.atomic():
        user = (
            User.objects.select_for_update().filter(email=email, is_active=True).first()
        )
        if user is None:
            if _remember_reset_request(email):
                raise already
            return
        if _reset_requested_recently(user):
            raise already
        user.last_password_reset_request = timezone.now()
        user.save(update_fields=["last_password_reset_request", "updated_at"])
        token = links.make_token(Purpose.RESET_PASSWORD, user)
        link = links.build_link(url, email=user.email, token=token)
        defer_email(
            to=user.email, template="password_reset", context=_email_context(user, link)
        )


def reset_password(
    *, email: str, token: str, password: str, ip: str
) -> tuple[User, IssuedTokens | None]:
    """Set a new password from an emailed token and sign in with it.

    The token works once: the new password hash and token key change its
    fingerprint. Every earlier token of the user is invalidated. The address is
    confirmed (the link proves it is the user's). No tokens come back when the
    account cannot sign in now (inactive, or sign-ins from ``ip`` are delayed);
    the password is set all the same.
    """
    with transaction.atomic():
        user = _user_for_token(Purpose.RESET_PASSWORD, token, email)
        errors = ErrorCollector()
        _check_password_strength(errors, password, user, "password")
        errors.raise_if_any()
        user.password = make_password(password)
        user.is_confirmed = True
        _revoke_tokens(user)
        user.save(
            update_fields=["password", "is_confirmed", "jwt_token_key", "updated_at"]
        )
    if not user.is_active:
        return user, None
    try:
        return user, create_tokens(email=user.email, password=password, ip=ip)
    except ValidationFailed:
        return user, None


def change_password(*, user: User, old_password: str | None, new_password: str) -> User:
    """Change the signed-in user's password; every earlier token stops working."""
    with transaction.atomic():
        user = _lock(user)
        errors = ErrorCollector()
        if user.password and not check_password(old_password or "", user.password):
            errors.add("oldPassword", "INVALID_PASSWORD", "Old password isn't valid.")
        _check_password_strength(errors, new_password, user, "newPassword")
        errors.raise_if_any()
        user.password = make_password(new_password)
        _revoke_tokens(user)
        user.save(update_fields=["password", "jwt_token_key", "updated_at"])
        return user


# ---------------------------------------------------------------- profile


def get_customer_for_actor(*, actor: Actor, customer_id: int) -> User:
    """The customer a staff member or an app acts for in a storefront mutation.

    Precondition: the caller's API layer declared MANAGE_USERS (asserted here too).
    Staff accounts are not customers: ``NOT_FOUND`` on ``customerId`` as for
    unknown IDs.
    """
    assert actor.has_permissions(Permission.MANAGE_USERS)
    customer = User.objects.filter(pk=customer_id, is_staff=False).first()
    if customer is None:
        raise ValidationFailed.one("customerId", NOT_FOUND, "No such customer.")
    return customer


@dataclass(frozen=True)
class ProfileChanges:
    """``AccountInput``: None keeps a value."""

    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    default_billing_address: Mapping[str, Any] | None = None
    default_shipping_address: Mapping[str, Any] | None = None
    metadata: Sequence[tuple[str, str]] = ()


def _validated_defaults(changes: ProfileChanges) -> dict[AddressType, dict[str, str]]:
    result: dict[AddressType, dict[str, str]] = {}
    problems = []
    for address_type, data in (
        (AddressType.BILLING, changes.default_billing_address),
        (AddressType.SHIPPING, changes.default_shipping_address),
    ):
        if data is None:
            continue
        try:
            result[address_type] = _checked_address(data, address_type)
        except ValidationFailed as failed:
            problems.extend(failed.errors)
    if problems:
        raise ValidationFailed(problems)
    return result


def _set_default(user: User, address: Address, address_type: AddressType) -> None:
    if address_type is AddressType.BILLING:
        user.default_billing_address = address
    else:
        user.default_shipping_address = address


def update_profile(*, user: User, changes: ProfileChanges) -> User:
    """Change an account's names, language, metadata and default addresses (new
    default addresses join the address book). Locks the user."""
    with transaction.atomic():
        user = _lock(user)
        errors = ErrorCollector()
        _check_names(errors, changes.first_name, changes.last_name)
        _check_metadata(errors, changes.metadata)
        errors.raise_if_any()
        defaults = _validated_defaults(changes)
        for name in ("first_name", "last_name", "language_code"):
            value = getattr(changes, name)
            if value is not None:
                setattr(user, name, value)
        if changes.metadata:
            user.metadata = {**user.metadata, **dict(changes.metadata)}
        for address_type, data in defaults.items():
            address = Address.objects.create(**data)
            user.addresses.add(address)
            _set_default(user, address, address_type)
        user.save()
        return user


# ---------------------------------------------------------------- address book


def get_address_for_user(*, user: User, address_id: int) -> Address:
    """One of ``user``'s addresses; ``NOT_FOUND`` on ``id`` for anyone else's."""
    address = user.addresses.filter(pk=address_id).first()
    if address is None:
        raise ValidationFailed.one(
            "id", NOT_FOUND, f"Couldn't resolve to a node: {address_id}"
        )
    return address


def create_address(
    *, user: User, data: Mapping[str, Any], address_type: AddressType | None = None
) -> tuple[User, Address]:
    """Add an address to the signed-in user's book, as the default of
    ``address_type`` when given. Locks the user."""
    with transaction.atomic():
        user = _lock(user)
        clean = _checked_address(data, address_type)
        address = Address.objects.create(**clean)
        user.addresses.add(address)
        if address_type is not None:
            _set_default(user, address, address_type)
            user.save()
        return user, address


def update_address(
    *, user: User, address_id: int, data: Mapping[str, Any]
) -> tuple[User, Address]:
    """Change one of the signed-in user's addresses; omitted fields keep their
    value. Locks the user."""
    with transaction.atomic():
        user = _lock(user)
        address = get_address_for_user(user=user, address_id=address_id)
        merged = {name: getattr(address, name) for name in ADDRESS_FIELDS}
        merged.update({k: v for k, v in data.items() if v is not None})
        clean = _checked_address(merged)
        for name, value in clean.items():
            setattr(address, name, value)
        address.save()
        return user, address


def delete_address(*, user: User, address_id: int) -> tuple[User, Address]:
    """Delete one of the signed-in user's addresses (a default one too)."""
    with transaction.atomic():
        user = _lock(user)
        address = get_address_for_user(user=user, address_id=address_id)
        pk = address.pk
        address.delete()
        address.pk = pk
        user.refresh_from_db()
        return user, address


def set_default_address(
    *, user: User, address_id: int, address_type: AddressType
) -> User:
    """Make one of the signed-in user's addresses their default of a type."""
    with transaction.atomic():
        user = _lock(user)
        address = get_address_for_user(user=user, address_id=address_id)
        _set_default(user, address, address_type)
        user.save()
        return user


# ---------------------------------------------------------------- deletion


def _refuse_staff(user: User) -> None:
    if user.is_staff:
        raise ValidationFailed.one(
            None,
            "DELETE_STAFF_ACCOUNT",
            "A staff account cannot delete itself; ask another staff member.",
        )


def request_account_deletion(
    *, user: User, redirect_url: str, channel: str | None = None
) -> None:
    """Email the signed-in customer a link that confirms deleting the account."""
    errors = ErrorCollector()
    url = _redirect_url(errors, redirect_url)
    _check_channel(errors, channel)
    errors.raise_if_any()
    _refuse_staff(user)
    with transaction.atomic():
        token = links.make_token(Purpose.DELETE_ACCOUNT, user)
        link = links.build_link(url, email=user.email, token=token)
        defer_email(
            to=user.email, template="account_delete", context=_email_context(user, link)
        )


def delete_account(*, user: User, token: str) -> User:
    """Delete the signed-in customer's account and addresses, given the emailed
    token made for this account."""
    with transaction.atomic():
        locked = _user_for_token(Purpose.DELETE_ACCOUNT, token)
        if locked.pk != user.pk:
            raise links.invalid_token()
        _refuse_staff(locked)
        pk = locked.pk
        addresses = list(locked.addresses.values_list("pk", flat=True))
        locked.delete()
        Address.objects.filter(pk__in=addresses).delete()
        locked.pk = pk
        return locked


# ---------------------------------------------------------------- email change


def request_email_change(
    *,
    user: User,
    new_email: str,
    password: str,
    redirect_url: str,
    channel: str | None = None,
) -> User:
    """Email the new address a link that confirms the change; the password must
    be the user's."""
    with transaction.atomic():
        user = _lock(user)
        errors = ErrorCollector()
        if not user.password or not check_password(password, user.password):
            errors.add("password", "INVALID_CREDENTIALS", "Password isn't valid.")
        email = _clean_new_email(errors, new_email, "newEmail")
        url = _redirect_url(errors, redirect_url)
        _check_channel(errors, channel)
        errors.raise_if_any()
        token = links.make_token(
            Purpose.CHANGE_EMAIL, user, new_email=email, site=links.site_of(url)
        )
        link = links.build_link(url, email=email, token=token)
        defer_email(
            to=email,
            template="email_change_request",
            context=_email_context(user, link, new_email=email),
        )
        return user


def confirm_email_change(*, user: User, token: str, channel: str | None = None) -> User:
    """Switch the signed-in user to the address the token confirms, and tell the
    old address (with a link to the storefront in case it was not the owner)."""
    errors = ErrorCollector()
    _check_channel(errors, channel)
    errors.raise_if_any()
    with transaction.atomic():
        payload = links.read_token(Purpose.CHANGE_EMAIL, token)
        locked = _lock(user)
        links.check_token_user(Purpose.CHANGE_EMAIL, payload, locked)
        new_email = str(payload.get("new_email", ""))
        if User.objects.filter(email=new_email).exists():
            raise ValidationFailed.one(
                "newEmail", UNIQUE, "A user with this email already exists."
            )
        old_email = locked.email
        locked.email = new_email
        try:
            with transaction.atomic():
                locked.save(update_fields=["email", "updated_at"])
        except IntegrityError:  # taken by a concurrent request meanwhile
            raise ValidationFailed.one(
                "newEmail", UNIQUE, "A user with this email already exists."
            ) from None
        defer_email(
            to=old_email,
            template="email_change_confirmation",
            context=_email_context(locked, str(payload.get("site", ""))),
        )
        return locked
