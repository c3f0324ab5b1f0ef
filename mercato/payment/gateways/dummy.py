"""``mirumee.payments.dummy``: a gateway that pays with no money, for demos and tests.

The storefront says in ``paymentGateway.data`` what should happen::

    {"event": {"type": "CHARGE_SUCCESS", "includePspReference": true}}

``type`` is any request, success, failure or action-required event of the
session's action (default: its success); ``includePspReference`` (default true)
gives the event a fresh PSP reference. ``transactionProcess`` continues an
action-required session the same way.

Staff requests (transactionRequestAction: charge, refund, cancel) always succeed at
once, each under a fresh PSP reference.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from mercato.channel.models import Channel
from mercato.payment.gateways import GatewayConfig, GatewayInputError, GatewayResult
from mercato.payment.models import TransactionAction, TransactionItem

DUMMY_GATEWAY_ID = "mirumee.payments.dummy"

_OUTCOMES = ("REQUEST", "SUCCESS", "FAILURE", "ACTION_REQUIRED")
_ACTIONS_AFTER = {
    "CHARGE_SUCCESS": (TransactionAction.REFUND.value,),
    "AUTHORIZATION_SUCCESS": (
        TransactionAction.CHARGE.value,
        TransactionAction.CANCEL.value,
    ),
}


def accepted_event_types(action: str) -> list[str]:
    return [f"{action}_{outcome}" for outcome in _OUTCOMES]


def _event_settings(data: Any) -> tuple[str | None, bool]:
    if data is None:
        return None, True
    if not isinstance(data, dict):
        raise GatewayInputError("The dummy gateway's data must be an object.")
    event = data.get("event", {})
    if not isinstance(event, dict):
        raise GatewayInputError("`event` must be an object.")
    event_type = event.get("type")
    include = event.get("includePspReference", True)
    if event_type is not None and not isinstance(event_type, str):
        raise GatewayInputError("`event.type` must be a string.")
    if not isinstance(include, bool):
        raise GatewayInputError("`event.includePspReference` must be a boolean.")
    return event_type, include


class DummyGateway:
    id = DUMMY_GATEWAY_ID
    name = "Dummy"

    def list_gateways(self, channel: Channel) -> list[GatewayConfig]:
        return [
            GatewayConfig(
                id=self.id,
                name=self.name,
                currencies=(channel.currency_code,),
                data={
                    "eventTypes": {
                        action: accepted_event_types(action)
                        for action in ("CHARGE", "AUTHORIZATION")
                    }
                },
            )
        ]

    def _result(
        self, transaction: TransactionItem, action: str, amount: Decimal, data: Any
    ) -> GatewayResult:
        event_type, include_reference = _event_settings(data)
        event_type = event_type or f"{action}_SUCCESS"
        if event_type not in accepted_event_types(action):
            accepted = ", ".join(accepted_event_types(action))
            raise GatewayInputError(
                f"Event type {event_type!r} does not fit a {action} session; "
                f"use one of {accepted}."
            )
        reference = ""
        if include_reference:
            reference = transaction.psp_reference or f"dummy-{uuid.uuid4()}"
        return GatewayResult(
            event_type=event_type,
            amount=amount,
            psp_reference=reference,
            message=f"Dummy gateway: {event_type}.",
            data={"event": {"type": event_type, "pspReference": reference}},
            actions=_ACTIONS_AFTER.get(event_type, ()),
        )

    def initialize_session(
        self, *, transaction: TransactionItem, action: str, amount: Decimal, data: Any
    ) -> GatewayResult:
        return self._result(transaction, action, amount, data)

    def process_session(
        self, *, transaction: TransactionItem, action: str, amount: Decimal, data: Any
    ) -> GatewayResult:
        return self._result(transaction, action, amount, data)

    def request_action(
        self, *, transaction: TransactionItem, action: str, amount: Decimal
    ) -> GatewayResult:
        event_type = f"{action}_SUCCESS"
        return GatewayResult(
            event_type=event_type,
            amount=amount,
            psp_reference=f"dummy-{uuid.uuid4()}",
            message=f"Dummy gateway: {event_type}.",
        )
