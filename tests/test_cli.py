"""``mercato createsuperuser`` and ``mercato populatedb --createsuperuser``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password

from mercato.account.auth import permissions_of
from mercato.account.models import User
from mercato.core.permissions import Permission
from mercato.server.cli import _create_demo_superuser, main
from tests.factories.account import make_user

pytestmark = pytest.mark.django_db

STRONG = "tangerine-orbit-4471"


def answers(
    monkeypatch: pytest.MonkeyPatch, emails: list[str], passwords: list[str]
) -> None:
    email_iter: Iterator[str] = iter(emails)
    password_iter: Iterator[str] = iter(passwords)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(email_iter))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(password_iter))


def test_non_interactive(capsys: Any) -> None:
    code = main(
        [
            "createsuperuser",
            "--no-input",
            "--email",
            "Root@Example.com",
            "--password",
            STRONG,
        ]
    )
    assert code == 0
    assert "Superuser root@example.com created." in capsys.readouterr().out
    user = User.objects.get()
    assert user.email == "root@example.com"
    assert user.is_staff and user.is_superuser and user.is_active
    assert check_password(STRONG, user.password)
    assert permissions_of(user) == frozenset(Permission)


def test_non_interactive_needs_email_and_password(capsys: Any) -> None:
    assert main(["createsuperuser", "--no-input", "--email", "a@example.com"]) == 2
    assert "--no-input needs --email and --password" in capsys.readouterr().err
    assert not User.objects.exists()


def test_password_validators_apply_unless_skipped(capsys: Any) -> None:
    weak = [
        "createsuperuser",
        "--no-input",
        "--email",
        "a@example.com",
        "--password",
        "123",
    ]
    assert main(weak) == 1
    err = capsys.readouterr().err
    assert "Error (password):" in err and "too short" in err
    assert not User.objects.exists()
    assert main([*weak, "--skip-validation"]) == 0
    assert User.objects.get().is_superuser


def test_existing_email_is_refused(capsys: Any) -> None:
    make_user("a@example.com")
    args = [
        "createsuperuser",
        "--no-input",
        "--email",
        "A@example.com",
        "--password",
        STRONG,
    ]
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert not User.objects.get().is_superuser


def test_interactive_asks_again_after_a_mistake(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    answers(
        monkeypatch,
        emails=["", "not-an-email", "root@example.com"],
        passwords=[STRONG, "different", STRONG, STRONG],
    )
    assert main(["createsuperuser"]) == 0
    captured = capsys.readouterr()
    assert "The passwords do not match." in captured.err
    assert "Error (email): Enter a valid email address." in captured.err
    assert User.objects.get().email == "root@example.com"


def test_populatedb_creates_the_demo_superuser(capsys: Any) -> None:
    assert main(["populatedb", "--products", "2", "--createsuperuser"]) == 0
    err = capsys.readouterr().err
    assert "admin@example.com" in err and "demos only" in err
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and check_password("admin", admin.password)
    _create_demo_superuser()
    assert "already exists" in capsys.readouterr().out
    assert User.objects.filter(email="admin@example.com").count() == 1
