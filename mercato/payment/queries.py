"""Reads of payments: what a checkout or order has paid, and its payment statuses."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from mercato.checkout.models import Checkout
from mercato.payment.models import TransactionItem

ZERO = Decimal(0)


@dataclass(frozen=True)
class PaidAmounts:
    """Sums over the transactions of one checkout or order."""

    charged: Decimal
    authorized: Decimal
    charge_pending: Decimal
    authorize_pending: Decimal
    refunded: Decimal = ZERO
    canceled: Decimal = ZERO
    refund_pending: Decimal = ZERO
    cancel_pending: Decimal = ZERO


_SUMS = {
    "charged": "charged_amount",
    "authorized": "authorized_amount",
    "charge_pending": "charge_pending_amount",
    "authorize_pending": "authorize_pending_amount",
    "refunded": "refunded_amount",
    "canceled": "canceled_amount",
    "refund_pending": "refund_pending_amount",
    "cancel_pending": "cancel_pending_amount",
}


def _paid(transactions: QuerySet[TransactionItem]) -> PaidAmounts:
    sums = transactions.aggregate(**{key: Sum(f) for key, f in _SUMS.items()})
    return PaidAmounts(**{key: sums[key] or ZERO for key in _SUMS})


def paid_amounts_of(transactions: list[TransactionItem]) -> PaidAmounts:
    """``PaidAmounts`` of transactions already loaded."""
    return PaidAmounts(
        **{
            key: sum((getattr(t, f) for t in transactions), ZERO)
            for key, f in _SUMS.items()
        }
    )


def checkout_paid_amounts(*, checkout_token: uuid.UUID) -> PaidAmounts:
    return _paid(TransactionItem.objects.filter(checkout_id=checkout_token))


def order_paid_amounts(*, order_id: Any) -> PaidAmounts:
    """``order_id``: the order's primary key (a UUID)."""
    return _paid(TransactionItem.objects.filter(order_id=order_id))


def list_checkout_transactions(checkout_token: uuid.UUID) -> QuerySet[TransactionItem]:
    return TransactionItem.objects.filter(checkout_id=checkout_token)


def get_transaction(token: uuid.UUID) -> TransactionItem | None:
    return TransactionItem.objects.filter(token=token).first()


def checkout_total(checkout: Checkout) -> Decimal:
    """What the shopper has to pay for ``checkout``: its stored gross total after
    discounts and gift cards. The one place that knows which field holds it."""
    return Decimal(checkout.total_gross_amount)


# ---------------------------------------------------------------- statuses


class ChargeStatus(enum.StrEnum):
    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"
    OVERCHARGED = "OVERCHARGED"


class AuthorizeStatus(enum.StrEnum):
    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"


def charge_status(*, total: Decimal, charged: Decimal, has_lines: bool) -> ChargeStatus:
    """How much of ``total`` is charged. Something that costs nothing is fully
    paid as soon as it holds lines."""
    charged = max(charged, ZERO)
    if charged <= ZERO:
        return ChargeStatus.FULL if has_lines and total <= ZERO else ChargeStatus.NONE
    if charged < total:
        return ChargeStatus.PARTIAL
    return ChargeStatus.FULL if charged == total else ChargeStatus.OVERCHARGED


def authorize_status(
    *, total: Decimal, covered: Decimal, has_lines: bool
) -> AuthorizeStatus:
    """How much of ``total`` is covered by authorized and charged money."""
    if covered <= ZERO:
        if has_lines and total <= ZERO:
            return AuthorizeStatus.FULL
        return AuthorizeStatus.NONE
    return AuthorizeStatus.FULL if covered >= total else AuthorizeStatus.PARTIAL


@dataclass(frozen=True)
class PaymentState:
    total: Decimal
    paid: PaidAmounts
    charge_status: ChargeStatus
    authorize_status: AuthorizeStatus

    @property
    def balance(self) -> Decimal:
        """Charged minus total: negative while money is still owed."""
        return self.paid.charged - self.total


def checkout_payment_state(
    *, total: Decimal, paid: PaidAmounts, has_lines: bool
) -> PaymentState:
    """A checkout counts pending charges and authorizations as covered: the
    provider promised an answer."""
    charged = paid.charged + paid.charge_pending
    covered = charged + paid.authorized + paid.authorize_pending
    return PaymentState(
        total=total,
        paid=paid,
        charge_status=charge_status(total=total, charged=charged, has_lines=has_lines),
        authorize_status=authorize_status(
            total=total, covered=covered, has_lines=has_lines
        ),
    )


def order_payment_state(*, total: Decimal, paid: PaidAmounts) -> PaymentState:
    """An order counts only money already charged or authorized."""
    return PaymentState(
        total=total,
        paid=paid,
        charge_status=charge_status(total=total, charged=paid.charged, has_lines=True),
        authorize_status=authorize_status(
            total=total, covered=paid.charged + paid.authorized, has_lines=True
        ),
    )


def remaining_to_pay(*, total: Decimal, paid: PaidAmounts) -> Decimal:
    """The default amount of a new payment session: the part of ``total`` that no
    charge or authorization (done or pending) covers yet."""
    covered = paid.charged + paid.charge_pending + paid.authorized
    covered += paid.authorize_pending
    return max(total - covered, ZERO)


def legacy_payment_status(state: PaymentState) -> str:
    """``Order.paymentStatus`` (PaymentChargeStatusEnum) from the amounts."""
    paid = state.paid
    if paid.refunded > ZERO:
        if paid.charged <= ZERO:
            return "FULLY_REFUNDED"
        return "PARTIALLY_REFUNDED"
    if paid.charged > ZERO:
        return "FULLY_CHARGED" if paid.charged >= state.total else "PARTIALLY_CHARGED"
    if paid.charge_pending > ZERO or paid.authorize_pending > ZERO:
        return "PENDING"
    if state.total <= ZERO:
        return "FULLY_CHARGED"
    return "NOT_CHARGED"
