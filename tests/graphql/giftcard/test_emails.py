"""Gift card codes emailed to customers: on giftCardCreate with userEmail and by
giftCardResend, through the email job deferred in the mutation's transaction."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from mercato.core.email import render_email
from mercato.core.jobs import run_worker
from mercato.core.permissions import Actor, Permission
from mercato.giftcard.models import GiftCard, GiftCardEvent
from mercato.graphql.core.ids import to_global_id
from tests.factories.account import make_user
from tests.factories.catalog import ChannelFactory
from tests.factories.giftcard import make_gift_card
from tests.graphql.giftcard.helpers import denied, run_as, staff

CREATE = """
mutation($input: GiftCardCreateInput!) {
  giftCardCreate(input: $input) {
    giftCard { code events { type email } }
    errors { field code }
  }
}
"""
RESEND = """
mutation($input: GiftCardResendInput!) {
  giftCardResend(input: $input) {
    giftCard { id events { type email user { email } } }
    errors { field code }
  }
}
"""


def deferred_emails() -> list[dict[str, Any]]:
    """The emails deferred so far: each job's ``to``, ``template``, ``context``."""
    jobs = ProcrastinateJob.objects.filter(task_name="core.send_email").order_by("id")
    return [dict(job.args) for job in jobs]


def gid(card: GiftCard) -> str:
    return to_global_id("GiftCard", card.pk)


@pytest.fixture
def admin(db: None) -> Actor:
    user = make_user(
        "admin@example.com", is_staff=True, permissions=(Permission.MANAGE_GIFT_CARD,)
    )
    return staff(user.pk, Permission.MANAGE_GIFT_CARD)


@pytest.fixture
def channel(db: None) -> Any:
    return ChannelFactory(slug="shop", name="Bits & Bobs")


def create(actor: Actor, **input: Any) -> dict[str, Any]:
    variables = {"balance": {"amount": "25", "currency": "USD"}, "isActive": True}
    result = run_as(actor, CREATE, {"input": {**variables, **input}})
    assert result.errors is None, result.errors
    return result.data["giftCardCreate"]  # type: ignore[index,no-any-return]


def resend(actor: Actor, **input: Any) -> Any:
    result = run_as(actor, RESEND, {"input": input})
    assert result.errors is None, result.errors
    return result.data["giftCardResend"]  # type: ignore[index]


def test_create_with_user_email_sends_the_code(admin: Actor, channel: Any) -> None:
    make_user("ann@example.com", first_name="Ann")
    expiry = timezone.localdate() + datetime.timedelta(days=30)
    data = create(
        admin,
        userEmail="ann@example.com",
        channel="shop",
        expiryDate=expiry.isoformat(),
    )
    assert data["errors"] == []
    code = data["giftCard"]["code"]
    assert data["giftCard"]["events"] == [
        {"type": "ISSUED", "email": None},
        {"type": "SENT_TO_CUSTOMER", "email": "ann@example.com"},
    ]
    [sent] = deferred_emails()
    assert sent["to"] == "ann@example.com"
    assert sent["template"] == "gift_card_sent"
    email = render_email(sent["template"], sent["context"])
    assert f"Gift card code: {code}" in email.text
    assert "Its balance is 25.00 USD." in email.text
    assert f"until {expiry.isoformat()}" in email.text
    assert email.text.startswith("Hello Ann,")
    assert email.subject == "Your gift card for Bits & Bobs"


def test_create_without_user_email_sends_nothing(admin: Actor, channel: Any) -> None:
    assert create(admin, channel="shop")["errors"] == []
    assert deferred_emails() == []


@pytest.mark.parametrize(
    ("input", "error"),
    [
        ({"userEmail": "ann@example.com"}, {"field": "channel", "code": "REQUIRED"}),
        (
            {"userEmail": "ann@example.com", "channel": "nowhere"},
            {"field": "channel", "code": "NOT_FOUND"},
        ),
        (
            {"userEmail": "not-an-email", "channel": "shop"},
            {"field": "userEmail", "code": "INVALID"},
        ),
    ],
)
def test_create_with_user_email_needs_a_channel(
    admin: Actor, channel: Any, input: dict[str, Any], error: dict[str, str]
) -> None:
    data = create(admin, **input)
    assert data == {"giftCard": None, "errors": [error]}
    assert not GiftCard.objects.exists()
    assert deferred_emails() == []


def test_resend_to_a_given_address(admin: Actor, channel: Any) -> None:
    card = make_gift_card(balance="40")
    data = resend(admin, id=gid(card), channel="shop", email="bob@example.com")
    assert data["errors"] == []
    assert data["giftCard"]["events"] == [
        {
            "type": "RESENT",
            "email": "bob@example.com",
            "user": {"email": "admin@example.com"},
        }
    ]
    [sent] = deferred_emails()
    assert sent["to"] == "bob@example.com"
    email = render_email(sent["template"], sent["context"])
    assert f"Gift card code: {card.code}" in email.text
    assert "here once more is a gift card for Bits & Bobs" in email.text
    assert "Its balance is 40.00 USD." in email.text


def test_resend_defaults_to_whom_the_card_is_for(admin: Actor, channel: Any) -> None:
    issued = make_gift_card(created_by_email="staff@example.com")
    used = make_gift_card(
        created_by_email="staff@example.com", used_by_email="ann@example.com"
    )
    assert resend(admin, id=gid(issued), channel="shop")["errors"] == []
    assert resend(admin, id=gid(used), channel="shop")["errors"] == []
    assert [e["to"] for e in deferred_emails()] == [
        "staff@example.com",
        "ann@example.com",
    ]


@pytest.mark.parametrize(
    ("card_fields", "input", "error"),
    [
        ({}, {"channel": "shop"}, {"field": "email", "code": "REQUIRED"}),
        (
            {"created_by_email": "a@example.com"},
            {"channel": "nowhere"},
            {"field": "channel", "code": "NOT_FOUND"},
        ),
        (
            {"created_by_email": "a@example.com"},
            {"channel": "shop", "email": "nope"},
            {"field": "email", "code": "INVALID"},
        ),
        (
            {
                "created_by_email": "a@example.com",
                "expiry_date": timezone.localdate() - datetime.timedelta(days=1),
            },
            {"channel": "shop"},
            {"field": "id", "code": "EXPIRED_GIFT_CARD"},
        ),
    ],
)
def test_resend_refuses_bad_input(
    admin: Actor,
    channel: Any,
    card_fields: dict[str, Any],
    input: dict[str, Any],
    error: dict[str, str],
) -> None:
    card = make_gift_card(**card_fields)
    data = resend(admin, id=gid(card), **input)
    assert data == {"giftCard": None, "errors": [error]}
    assert deferred_emails() == []
    assert not GiftCardEvent.objects.exists()


def test_resend_of_a_missing_card_is_not_found(admin: Actor, channel: Any) -> None:
    data = resend(admin, id=to_global_id("GiftCard", 10**9), channel="shop")
    assert data == {"giftCard": None, "errors": [{"field": "id", "code": "NOT_FOUND"}]}


def test_resend_needs_manage_gift_card(channel: Any) -> None:
    card = make_gift_card(created_by_email="a@example.com")
    customer = Actor(user_id=1)
    others = staff(1, Permission.MANAGE_USERS)
    for actor in (Actor.anonymous(), customer, others):
        result = run_as(actor, RESEND, {"input": {"id": gid(card), "channel": "shop"}})
        assert denied(result)
    assert deferred_emails() == []


@pytest.fixture
def empty_jobs(transactional_db: None) -> Any:
    def empty() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE procrastinate_events, procrastinate_periodic_defers, "
                "procrastinate_jobs, procrastinate_workers RESTART IDENTITY CASCADE"
            )

    empty()
    yield
    empty()


@pytest.mark.usefixtures("empty_jobs")
def test_the_worker_emails_the_code(mailoutbox: list[mail.EmailMessage]) -> None:
    admin = staff(
        make_user("admin@example.com", is_staff=True).pk, Permission.MANAGE_GIFT_CARD
    )
    ChannelFactory(slug="shop", name="Bits & Bobs")
    data = create(admin, userEmail="ann@example.com", channel="shop")
    assert mailoutbox == []  # sent by the job, not by the mutation
    run_worker(concurrency=1, wait=False, handle_signals=False)
    [message] = mailoutbox
    assert message.to == ["ann@example.com"]
    assert message.subject == "Your gift card for Bits & Bobs"
    assert data["giftCard"]["code"] in str(message.body)
