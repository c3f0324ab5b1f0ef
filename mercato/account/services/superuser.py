"""Creating a superuser (the ``mercato createsuperuser`` command)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from mercato.account.models import User
from mercato.account.services.common import REQUIRED, UNIQUE, clean_email
from mercato.core.errors import ErrorCollector


def create_superuser(
    *,
    email: str,
    password: str,
    validate: bool = True,
    on_exists: Callable[[User], None] | None = None,
) -> User:
    """Create a superuser (staff, active, confirmed, every permission).

    With ``validate``, the password goes through Django's password validators.
    When the email is taken, ``on_exists`` is called with that user (if given)
    and the user is returned unchanged; otherwise ``UNIQUE`` is raised.
    """
    errors = ErrorCollector()
    existing = User.objects.filter(email=(email or "").strip().lower()).first()
    if existing is not None:
        if on_exists is not None:
            on_exists(existing)
            return existing
        errors.add("email", UNIQUE, "A user with this email already exists.")
        errors.raise_if_any()
    clean = clean_email(errors, email, None)
    if not password:
        errors.add("password", REQUIRED, "A password is required.")
    elif validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", "INVALID_PASSWORD", message)
    errors.raise_if_any()
    with transaction.atomic():
        return User.objects.create(
            email=clean,
            password=make_password(password),
            is_staff=True,
            is_superuser=True,
            is_active=True,
            is_confirmed=True,
        )
