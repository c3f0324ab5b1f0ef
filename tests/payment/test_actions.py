"""request_transaction_action with providers that answer later, refuse, or are
slow enough for two staff requests to overlap.

The gateways below stand in for outside payment providers (the seam the gateway
Protocol defines); mercato's own code runs for real.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from mercato.channel.models import Channel
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.payment.actions import request_transaction_action
from mercato.payment.gateways import GatewayConfig, GatewayInputError, GatewayResult
from mercato.payment.models import TransactionItem
from mercato.payment.recording import recalculate
from mercato.payment.services import EventReport, report_transaction_event
from tests.factories.payment import add_event, make_transaction

STAFF = Actor(is_staff=True)


class _Provider:
    id = "tests.provider"
    name = "Test provider"

    def list_gateways(self, channel: Channel) -> list[GatewayConfig]:
        return []

    def initialize_session(self, **_: Any) -> GatewayResult:
        raise NotImplementedError

    def process_session(self, **_: Any) -> GatewayResult:
        raise NotImplementedError


class LaterProvider(_Provider):
    """Accepts the request; reports the outcome later."""

    def request_action(
        self, *, transaction: TransactionItem, action: str, amount: Decimal
    ) -> GatewayResult:
        return GatewayResult(
            event_type=f"{action}_REQUEST", amount=amount, psp_reference="psp-later"
        )


class RefusingProvider(_Provider):
    def request_action(
        self, *, transaction: TransactionItem, action: str, amount: Decimal
    ) -> GatewayResult:
        raise GatewayInputError("Card issuer declined the capture.")


class SlowProvider(_Provider):
    calls = 0

    def request_action(
        self, *, transaction: TransactionItem, action: str, amount: Decimal
    ) -> GatewayResult:
        type(self).calls += 1
        time.sleep(0.3)
        return GatewayResult(
            event_type=f"{action}_SUCCESS",
            amount=amount,
            psp_reference=f"slow-{type(self).calls}",
        )


def provider(name: str) -> Any:
    return override_settings(PAYMENT_GATEWAYS=[f"tests.payment.test_actions.{name}"])


def authorized(amount: str = "20") -> TransactionItem:
    item = make_transaction(
        app_identifier=_Provider.id, available_actions=["CHARGE", "CANCEL"]
    )
    add_event(item, "AUTHORIZATION_SUCCESS", amount, "psp-auth")
    recalculate(item)
    return item


@pytest.mark.django_db
def test_a_request_the_provider_answers_later_stays_pending() -> None:
    item = authorized()
    with provider("LaterProvider"):
        result = request_transaction_action(
            actor=STAFF, token=item.token, action="CHARGE", amount=Decimal(8)
        )
    assert result.outcome is None
    assert result.request.psp_reference == "psp-later"
    item.refresh_from_db()
    assert (item.charge_pending_amount, item.authorized_amount) == (
        Decimal(8),
        Decimal(12),
    )
    assert item.charged_amount == 0
    # What is pending cannot be asked for again.
    with provider("LaterProvider"), pytest.raises(ValidationFailed) as failed:
        request_transaction_action(
            actor=STAFF, token=item.token, action="CHARGE", amount=Decimal(13)
        )
    assert failed.value.errors[0].code == "INVALID"
    # The provider reports the outcome under the same reference.
    report_transaction_event(
        actor=STAFF,
        token=item.token,
        report=EventReport(
            type="CHARGE_SUCCESS", psp_reference="psp-later", amount=Decimal(8)
        ),
    )
    item.refresh_from_db()
    assert (item.charged_amount, item.charge_pending_amount) == (Decimal(8), Decimal(0))
    assert item.authorized_amount == 12


@pytest.mark.django_db
def test_a_refused_request_is_a_failure_and_frees_the_amount() -> None:
    item = authorized()
    with provider("RefusingProvider"):
        result = request_transaction_action(
            actor=STAFF, token=item.token, action="CHARGE"
        )
    assert result.outcome is not None
    assert result.outcome.type == "CHARGE_FAILURE"
    assert result.outcome.message == "Card issuer declined the capture."
    assert result.outcome.psp_reference == result.request.psp_reference
    item.refresh_from_db()
    assert (item.authorized_amount, item.charged_amount) == (Decimal(20), Decimal(0))
    assert item.charge_pending_amount == 0
    assert item.available_actions == ["CHARGE", "CANCEL"]


@pytest.mark.django_db(transaction=True)
def test_overlapping_requests_cannot_both_take_the_authorization() -> None:
    item = authorized()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def charge_everything() -> None:
        try:
            start.wait(5)
            request_transaction_action(
                actor=STAFF, token=item.token, action="CHARGE", amount=Decimal(20)
            )
            outcomes.append("charged")
        except ValidationFailed as failed:
            outcomes.append(failed.errors[0].code)
        finally:
            connection.close()

    with provider("SlowProvider"):
        threads = [threading.Thread(target=charge_everything) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert sorted(outcomes) == ["INVALID", "charged"]
    item.refresh_from_db()
    assert (item.charged_amount, item.authorized_amount) == (Decimal(20), Decimal(0))
    assert item.events.filter(type="CHARGE_REQUEST").count() == 1
