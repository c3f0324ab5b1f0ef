"""Transactional email: render a template, send it from a background job.

A service defers an email inside its transaction, so it is sent only if the change
that asked for it commits::

    from mercato.core.email import defer_email

    defer_email(
        to=user.email,
        template="password_reset",
        context={"link": link, "email": user.email, "first_name": user.first_name},
    )

Each template is a folder in ``mercato/templates/emails/`` with ``subject.txt``,
``body.txt`` (plain text), ``body.html`` and ``sample.json`` (an example context,
which the tests render); :data:`EMAIL_TEMPLATES` lists them with the context fields
they need. The message goes through Django's email backend
(console, file or SMTP; see the README's configuration).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from procrastinate import RetryStrategy

from mercato.core.jobs import task

#: Template name -> the context fields it needs. Every template also accepts
#: ``first_name`` and ``site_name`` and does without them.
EMAIL_TEMPLATES: dict[str, frozenset[str]] = {
    # A new account: the link confirms the address (``email``).
    "account_confirmation": frozenset({"link", "email"}),
    # The link leads to a form that sets a new password for ``email``.
    "password_reset": frozenset({"link", "email"}),
    # Sent to ``new_email``: the link confirms the change from ``email``.
    "email_change_request": frozenset({"link", "email", "new_email"}),
    # Sent once the change is done; ``email`` is the address now in use and the
    # link is where to go if the owner did not ask for it.
    "email_change_confirmation": frozenset({"link", "email"}),
    # The link confirms deleting the account of ``email``.
    "account_delete": frozenset({"link", "email"}),
    # A gift card's ``code`` and ``balance`` (formatted with its currency) sent to
    # ``email``; optional ``expiry_date`` (ISO date) and ``resent`` (true when sent
    # again).
    "gift_card_sent": frozenset({"code", "balance", "email"}),
}

# Retry only when the mail server could not be reached or refused the message
# (smtplib's errors are OSErrors); a broken template fails at once.
EMAIL_RETRY = RetryStrategy(
    max_attempts=5, exponential_wait=4, retry_exceptions=[OSError]
)


class UnknownEmailTemplate(ValueError):
    pass


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render one email's subject, plain text and HTML from ``context``.

    The plain text parts are not HTML-escaped; the HTML part is.
    """
    check_email_context(template, context)
    engine = Engine.get_default()
    folder = f"emails/{template}"

    def render(name: str, *, autoescape: bool) -> str:
        return engine.get_template(f"{folder}/{name}").render(
            Context(dict(context), autoescape=autoescape)
        )

    # A header cannot hold a line break: the subject is one line, whatever the
    # template's layout or the values put in it.
    subject = " ".join(render("subject.txt", autoescape=False).split())
    return RenderedEmail(
        subject=subject,
        text=render("body.txt", autoescape=False).strip() + "\n",
        html=render("body.html", autoescape=True),
    )


def check_email_context(template: str, context: Mapping[str, Any]) -> None:
    """Raise ``UnknownEmailTemplate`` or ``ValueError`` for a template that does not
    exist or a context without the fields it needs."""
    required = EMAIL_TEMPLATES.get(template)
    if required is None:
        raise UnknownEmailTemplate(
            f"Unknown email template {template!r}; "
            f"known: {', '.join(sorted(EMAIL_TEMPLATES))}."
        )
    missing = sorted(field for field in required if not context.get(field))
    if missing:
        raise ValueError(
            f"Email template {template!r} needs {', '.join(missing)} in its context."
        )


@task(name="core.send_email", retry=EMAIL_RETRY, atomic=False)
def send_email_job(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` with ``context`` and send it to ``to``."""
    email = render_email(template, context)
    message = EmailMultiAlternatives(subject=email.subject, body=email.text, to=[to])
    message.attach_alternative(email.html, "text/html")
    message.send()


def defer_email(*, to: str, template: str, context: Mapping[str, Any]) -> int:
    """Enqueue an email in the caller's transaction and return the job's id.

    The template and its fields are checked now, so a mistake fails the caller
    rather than the job. ``context`` is stored as JSON: strings, numbers, lists.
    """
    check_email_context(template, context)
    return send_email_job.defer(to=to, template=template, context=dict(context))
