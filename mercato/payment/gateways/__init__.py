"""Payment gateways: the providers a shopper can pay through.

A gateway is a small object satisfying ``PaymentGateway``; settings list them by
dotted path in ``PAYMENT_GATEWAYS`` (the built-in ``mirumee.payments.dummy`` is on
in demo mode, see the README). A gateway answers synchronously with a
``GatewayResult``; the payment services turn that into a ``TransactionEvent`` inside
their transaction.

Outbound HTTP: the dummy gateway talks to nobody. A gateway that calls a provider
must do so through a transport object it receives (an ``httpx``-style transport
seam that tests replace), never through a module-level client, and must be called
outside the database transaction that records its answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from mercato.channel.models import Channel
from mercato.payment.models import TransactionItem


@dataclass(frozen=True)
class GatewayConfig:
    """How a storefront shows a gateway and what it needs to start a payment."""

    id: str
    name: str
    currencies: tuple[str, ...]
    config: tuple[tuple[str, str | None], ...] = ()
    data: Any = None


@dataclass(frozen=True)
class GatewayResult:
    """A gateway's answer: the event to record and the data for the storefront."""

    event_type: str
    amount: Decimal
    psp_reference: str = ""
    message: str = ""
    external_url: str = ""
    data: Any = None
    actions: tuple[str, ...] = field(default_factory=tuple)


class GatewayInputError(Exception):
    """The data sent to the gateway is not what it understands."""

    def __init__(self, message: str, field: str = "paymentGateway") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PaymentGateway(Protocol):
    id: str

    def list_gateways(self, channel: Channel) -> list[GatewayConfig]:
        """The configurations offered in ``channel`` (empty when not offered)."""
        ...

    def initialize_session(
        self, *, transaction: TransactionItem, action: str, amount: Decimal, data: Any
    ) -> GatewayResult:
        """Start a payment of ``amount`` (``action``: AUTHORIZATION or CHARGE)."""
        ...

    def process_session(
        self, *, transaction: TransactionItem, action: str, amount: Decimal, data: Any
    ) -> GatewayResult:
        """Continue a session that needed the shopper's action."""
        ...

    def request_action(
        self, *, transaction: TransactionItem, action: str, amount: Decimal
    ) -> GatewayResult:
        """Ask the provider to CHARGE (capture an authorization), REFUND or CANCEL
        ``amount`` of ``transaction`` (staff's or an app's transactionRequestAction).

        Answer ``<action>_SUCCESS`` or ``<action>_FAILURE`` when the provider
        decided at once, or ``<action>_REQUEST`` when it will report the outcome
        later; give the PSP reference of the operation. ``actions`` empty means
        "derive them from the amounts". Raise ``GatewayInputError`` when the
        provider refuses the request (recorded as a failure)."""
        ...


@cache
def _load(path: str) -> PaymentGateway:
    gateway: PaymentGateway = import_string(path)()
    return gateway


def enabled_gateways() -> list[PaymentGateway]:
    """The gateways listed in ``settings.PAYMENT_GATEWAYS``, in that order."""
    paths: list[str] = list(getattr(settings, "PAYMENT_GATEWAYS", []))
    return [_load(path) for path in paths]


def get_gateway(gateway_id: str) -> PaymentGateway | None:
    return next((g for g in enabled_gateways() if g.id == gateway_id), None)


def list_gateway_configs(channel: Channel) -> list[GatewayConfig]:
    return [
        config
        for gateway in enabled_gateways()
        for config in gateway.list_gateways(channel)
    ]
