"""Writes of customers and their default addresses."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from mercato.account.addresses import validate_address
from mercato.account.models import Address, User
from mercato.account.services.common import (
    INVALID,
    UNIQUE,
    clean_email,
    has_nul,
    keeping_permissions_manageable,
    lock_user,
)
from mercato.account.services.users import (
    UserChanges,
    check_deactivation,
    check_names,
    check_redirect_url,
    check_staff_target,
    delete_user,
    send_set_password_email,
    set_active,
    set_plain_fields,
)
from mercato.core.errors import ErrorCollector, FieldError, ValidationFailed
from mercato.core.permissions import Actor


def _validated_addresses(
    changes: UserChanges,
) -> dict[str, dict[str, str]]:
    """The new default addresses, checked by their country's rules."""
    result: dict[str, dict[str, str]] = {}
    problems = []
    for name, address_type in (
        ("default_shipping_address", "SHIPPING"),
        ("default_billing_address", "BILLING"),
    ):
        data = getattr(changes, name)
        if data is None:
            continue
        if any(has_nul(value) for value in data.values()):
            problems.append(
                FieldError(
                    None,
                    INVALID,
                    "Text cannot contain NUL characters.",
                    {"address_type": address_type},
                )
            )
            continue
        try:
            result[name] = validate_address(data, address_type=address_type)
        except ValidationFailed as failed:
            problems.extend(failed.errors)
    if problems:
        raise ValidationFailed(problems)
    return result


def _check_external_reference(
    errors: ErrorCollector, value: str | None, user_pk: int | None
) -> None:
    if not value:
        return
    if len(value) > 250:
        errors.add("externalReference", INVALID, "The value is too long.")
    elif (
        User.objects.filter(external_reference=value).exclude(pk=user_pk or 0).exists()
    ):
        errors.add(
            "externalReference", UNIQUE, "A user with this reference already exists."
        )


def _save_default_addresses(
    user: User, addresses: Mapping[str, dict[str, str]]
) -> None:
    for name, data in addresses.items():
        address = Address.objects.create(**data)
        user.addresses.add(address)
        setattr(user, name, address)
    if addresses:
        user.save(update_fields=[*addresses, "updated_at"])


def create_customer(*, actor: Actor, changes: UserChanges) -> User:
    """Create a customer with optional default shipping and billing addresses.

    With ``changes.redirect_url``, they are emailed a link to choose a password.
    """
    with transaction.atomic():
        errors = ErrorCollector()
        email = clean_email(errors, changes.email, None)
        check_names(errors, changes)
        _check_external_reference(errors, changes.external_reference, None)
        redirect_url = check_redirect_url(errors, changes)
        errors.raise_if_any()
        addresses = _validated_addresses(changes)
        user = User(email=email, is_active=changes.is_active is not False)
        set_plain_fields(user, changes)
        user.save()
        _save_default_addresses(user, addresses)
        if redirect_url:
            send_set_password_email(user, redirect_url)
        return user


def update_customer(*, actor: Actor, user_id: int, changes: UserChanges) -> User:
    """Change a customer; new default addresses are added to their address book.

    Locks the user. Deactivating a customer invalidates their tokens.
    """
    with transaction.atomic():
        user = lock_user(user_id)
        errors = ErrorCollector()
        email = (
            clean_email(errors, changes.email, user.pk)
            if changes.email is not None
            else user.email
        )
        check_names(errors, changes)
        _check_external_reference(errors, changes.external_reference, user.pk)
        if user.is_staff:
            check_staff_target(errors, actor, user)
            check_deactivation(errors, actor, user, changes.is_active)
        errors.raise_if_any()
        addresses = _validated_addresses(changes)
        user.email = email
        set_plain_fields(user, changes)
        with keeping_permissions_manageable("isActive"):
            set_active(user, changes.is_active)
            user.save()
        _save_default_addresses(user, addresses)
        return user


def delete_customer(*, actor: Actor, user_id: int) -> User:
    """Delete a customer with their addresses; staff accounts are refused."""
    with transaction.atomic():
        user = lock_user(user_id)
        if user.is_staff:
            raise ValidationFailed.one(
                "id", "DELETE_STAFF_ACCOUNT", "Cannot delete a staff account."
            )
        return delete_user(user)
