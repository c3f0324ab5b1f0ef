"""Emails render from our templates and are sent by a job deferred in the caller's
transaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.html import escape
from procrastinate.contrib.django.models import ProcrastinateJob

import mercato
from mercato.core.email import (
    EMAIL_TEMPLATES,
    UnknownEmailTemplate,
    defer_email,
    render_email,
)
from mercato.core.jobs import run_worker
from mercato.server.settings import _email_url_settings

EMAIL_FOLDER = Path(mercato.__file__).parent / "templates" / "emails"


def sample(template: str) -> dict[str, Any]:
    """The example context a template declares beside it, in ``sample.json``."""
    values: dict[str, Any] = json.loads(
        (EMAIL_FOLDER / template / "sample.json").read_text()
    )
    return values


LINK = sample("password_reset")["link"]


def context(template: str, **extra: Any) -> dict[str, Any]:
    return {**sample(template), **extra}


@pytest.mark.parametrize("template", sorted(EMAIL_TEMPLATES))
def test_every_template_renders_subject_text_and_html(template: str) -> None:
    values = sample(template)
    assert EMAIL_TEMPLATES[template] <= set(values), "the sample lacks a field"
    email = render_email(template, {**values, "first_name": "Ann"})
    assert email.subject and "\n" not in email.subject
    assert "Hello Ann," in email.text
    assert email.html.lstrip().startswith("<!DOCTYPE html>")
    # Every field the template needs is shown: as it is in the plain text
    # (links stay usable), escaped in the HTML.
    for field in EMAIL_TEMPLATES[template]:
        assert str(values[field]) in email.text, field
        assert escape(str(values[field])) in email.html, field


def test_every_template_folder_is_registered() -> None:
    folders = {path.parent.name for path in EMAIL_FOLDER.glob("*/sample.json")}
    assert folders == set(EMAIL_TEMPLATES)


def test_gift_card_email_shows_the_code_and_when_it_expires() -> None:
    email = render_email("gift_card_sent", sample("gift_card_sent"))
    assert email.subject == "Your gift card for Bits & Bobs"
    assert "Gift card code: Q7TZM4KX9PRT2W3H" in email.text
    assert "Its balance is 50.00 USD." in email.text
    assert "until 2027-01-31" in email.text
    assert "Bits &amp; Bobs" in email.html
    resent = render_email(
        "gift_card_sent",
        {
            "code": "AB",
            "balance": "5.00 EUR",
            "email": "b@example.com",
            "resent": True,
        },
    )
    assert "here once more is a gift card, sent to b@example.com" in resent.text
    assert "until" not in resent.text
    assert resent.subject == "Your gift card"


def test_html_escapes_values_and_text_does_not() -> None:
    email = render_email(
        "password_reset",
        context("password_reset", first_name="<Ann & Bob>", site_name="Bits & Bobs"),
    )
    assert "Hello <Ann & Bob>," in email.text
    assert "Hello &lt;Ann &amp; Bob&gt;," in email.html
    assert email.subject == "Choose a new password for Bits & Bobs"


def test_optional_fields_can_be_left_out() -> None:
    email = render_email(
        "account_confirmation", {"link": LINK, "email": "ann@example.com"}
    )
    assert email.text.startswith("Hello,\n")
    assert email.subject == "Confirm your email address"


def test_email_change_request_names_both_addresses() -> None:
    email = render_email("email_change_request", context("email_change_request"))
    assert "ann@new.example instead of ann@example.com" in email.text


def test_defer_email_checks_template_and_context(db: None) -> None:
    with pytest.raises(UnknownEmailTemplate):
        defer_email(to="a@example.com", template="welcome", context={})
    with pytest.raises(ValueError, match="link"):
        defer_email(
            to="a@example.com",
            template="password_reset",
            context={"email": "a@example.com"},
        )
    assert not ProcrastinateJob.objects.exists()


@pytest.mark.usefixtures("empty_jobs")
def test_worker_sends_a_committed_email_and_not_a_rolled_back_one(
    mailoutbox: list[mail.EmailMessage],
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        defer_email(
            to="rolled-back@example.com",
            template="password_reset",
            context=context("password_reset"),
        )
        raise RuntimeError("the change failed")
    with transaction.atomic():
        defer_email(
            to="ann@example.com",
            template="account_confirmation",
            context=context("account_confirmation", site_name="Shop"),
        )
    assert mailoutbox == []

    run_worker(concurrency=1, wait=False, handle_signals=False)

    [message] = mailoutbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == ["ann@example.com"]
    assert message.from_email == "noreply@localhost"
    assert message.subject == "Confirm your email address for Shop"
    assert LINK in str(message.body)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert LINK.replace("&", "&amp;") in str(html)
    assert not ProcrastinateJob.objects.exists()  # sent, then deleted


@pytest.mark.usefixtures("empty_jobs")
def test_a_broken_template_fails_at_once(settings: Any) -> None:
    """Only delivery errors are retried; a rendering error is not."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": ["/nonexistent"]},
    ]
    defer_email(
        to="ann@example.com",
        template="password_reset",
        context=context("password_reset"),
    )
    run_worker(concurrency=1, wait=False, handle_signals=False)
    job = ProcrastinateJob.objects.get()
    assert (job.status, job.attempts) == ("failed", 1)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://mailer:p%40ss@smtp.example.com",
            {
                "EMAIL_HOST": "smtp.example.com",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtps://smtp.example.com", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("smtp://localhost:1025", {"EMAIL_PORT": 1025, "EMAIL_USE_TLS": False}),
        ("smtp://relay?tls=1", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True}),
        ("file:///var/mail/mercato", {"EMAIL_FILE_PATH": "/var/mail/mercato"}),
        (
            "console:",
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        ),
    ],
)
def test_email_url(url: str, expected: dict[str, Any]) -> None:
    settings = _email_url_settings(url)
    assert {key: settings[key] for key in expected} == expected


def test_email_url_with_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="gopher"):
        _email_url_settings("gopher://mail")
