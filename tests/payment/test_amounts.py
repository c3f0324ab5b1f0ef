from __future__ import annotations

from decimal import Decimal

import pytest

from mercato.payment.amounts import recalculate_transaction_amounts
from mercato.payment.models import TransactionItem
from tests.factories.payment import EventClock, add_event, make_transaction

pytestmark = pytest.mark.django_db

FIELDS = (
    "authorized_amount",
    "authorize_pending_amount",
    "charged_amount",
    "charge_pending_amount",
    "refunded_amount",
    "refund_pending_amount",
    "canceled_amount",
    "cancel_pending_amount",
)


def amounts(item: TransactionItem, *events: tuple[str, str, str]) -> dict[str, int]:
    """Record ``events`` (type, amount, psp reference) one second apart, recalculate
    and return the non-zero amounts as integers."""
    clock = EventClock()
    for type_, amount, psp in events:
        add_event(item, type_, amount, psp, at=clock())
    recalculate_transaction_amounts(item, list(item.events.all()))
    item.refresh_from_db()
    return {f: int(getattr(item, f)) for f in FIELDS if getattr(item, f) != 0}


@pytest.fixture
def item() -> TransactionItem:
    return make_transaction()


def test_a_request_is_pending_until_its_answer(item: TransactionItem) -> None:
    assert amounts(item, ("CHARGE_REQUEST", "10", "a")) == {"charge_pending_amount": 10}
    assert amounts(item, ("CHARGE_SUCCESS", "10", "a")) == {"charged_amount": 10}


def test_a_failed_request_leaves_nothing(item: TransactionItem) -> None:
    events = [
        ("AUTHORIZATION_REQUEST", "10", "a"),
        ("AUTHORIZATION_FAILURE", "10", "a"),
    ]
    assert amounts(item, *events) == {}


def test_a_newer_failure_overrides_a_success(item: TransactionItem) -> None:
    assert (
        amounts(item, ("CHARGE_SUCCESS", "10", "a"), ("CHARGE_FAILURE", "10", "a"))
        == {}
    )


def test_a_newer_success_overrides_a_failure(item: TransactionItem) -> None:
    events = [("CHARGE_FAILURE", "10", "a"), ("CHARGE_SUCCESS", "10", "a")]
    assert amounts(item, *events) == {"charged_amount": 10}


def test_a_repeated_success_counts_once(item: TransactionItem) -> None:
    events = [("CHARGE_SUCCESS", "10", "a"), ("CHARGE_SUCCESS", "10", "a")]
    assert amounts(item, *events) == {"charged_amount": 10}


def test_separate_references_add_up(item: TransactionItem) -> None:
    events = [("CHARGE_SUCCESS", "10", "a"), ("CHARGE_SUCCESS", "5.5", "b")]
    amounts(item, *events)
    assert item.charged_amount == Decimal("15.5")


def test_a_charge_uses_up_the_authorization(item: TransactionItem) -> None:
    events = [
        ("AUTHORIZATION_SUCCESS", "100", "auth"),
        ("CHARGE_SUCCESS", "30", "c1"),
        ("CHARGE_REQUEST", "20", "c2"),
    ]
    assert amounts(item, *events) == {
        "authorized_amount": 50,
        "charged_amount": 30,
        "charge_pending_amount": 20,
    }


def test_cancel_releases_the_authorization(item: TransactionItem) -> None:
    events = [("AUTHORIZATION_SUCCESS", "100", "a"), ("CANCEL_SUCCESS", "100", "x")]
    assert amounts(item, *events) == {"canceled_amount": 100}


def test_refunds_and_their_reversal(item: TransactionItem) -> None:
    events = [("CHARGE_SUCCESS", "50", "c"), ("REFUND_SUCCESS", "20", "r")]
    assert amounts(item, *events) == {"charged_amount": 30, "refunded_amount": 20}
    assert amounts(item, ("REFUND_REVERSE", "20", "r")) == {"charged_amount": 50}


def test_charge_back_takes_money_back(item: TransactionItem) -> None:
    events = [("CHARGE_SUCCESS", "50", "c"), ("CHARGE_BACK", "50", "c")]
    assert amounts(item, *events) == {}


def test_adjustment_replaces_older_authorizations(item: TransactionItem) -> None:
    events = [
        ("AUTHORIZATION_SUCCESS", "100", "a"),
        ("AUTHORIZATION_ADJUSTMENT", "40", "a"),
        ("AUTHORIZATION_SUCCESS", "15", "b"),
    ]
    assert amounts(item, *events) == {"authorized_amount": 55}


def test_manual_adjustments_without_reference_are_deltas(item: TransactionItem) -> None:
    events = [
        ("CHARGE_SUCCESS", "10", ""),
        ("CHARGE_SUCCESS", "5", ""),
        ("CHARGE_BACK", "3", ""),
        ("AUTHORIZATION_SUCCESS", "7", ""),
        ("REFUND_SUCCESS", "2", ""),
    ]
    assert amounts(item, *events) == {
        "charged_amount": 12,
        "authorized_amount": 7,
        "refunded_amount": 2,
    }


def test_events_left_out_of_calculations_do_not_count(item: TransactionItem) -> None:
    add_event(item, "CHARGE_REQUEST", "10", include=False)
    add_event(item, "INFO", "99", "a")
    assert amounts(item) == {}
