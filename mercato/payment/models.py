"""Payments as transactions: what a payment provider holds for a checkout or order.

A ``TransactionItem`` is one payment session at one provider (a card payment, a gift
card, a bank transfer...). Its amounts are never written directly: they are derived
from its ``TransactionEvent`` rows by ``amounts.recalculate_transaction_amounts``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from mercato.core.models import ModelWithMetadata


class TransactionAction(models.TextChoices):
    """What staff may ask the provider to do next with a transaction."""

    CHARGE = "CHARGE"
    REFUND = "REFUND"
    CANCEL = "CANCEL"


class TransactionFlow(models.TextChoices):
    """What a payment session asks the provider for."""

    AUTHORIZATION = "AUTHORIZATION"
    CHARGE = "CHARGE"


class TransactionEventType(models.TextChoices):
    AUTHORIZATION_SUCCESS = "AUTHORIZATION_SUCCESS"
    AUTHORIZATION_FAILURE = "AUTHORIZATION_FAILURE"
    AUTHORIZATION_ADJUSTMENT = "AUTHORIZATION_ADJUSTMENT"
    AUTHORIZATION_REQUEST = "AUTHORIZATION_REQUEST"
    AUTHORIZATION_ACTION_REQUIRED = "AUTHORIZATION_ACTION_REQUIRED"
    CHARGE_ACTION_REQUIRED = "CHARGE_ACTION_REQUIRED"
    CHARGE_SUCCESS = "CHARGE_SUCCESS"
    CHARGE_FAILURE = "CHARGE_FAILURE"
    CHARGE_BACK = "CHARGE_BACK"
    CHARGE_REQUEST = "CHARGE_REQUEST"
    REFUND_SUCCESS = "REFUND_SUCCESS"
    REFUND_FAILURE = "REFUND_FAILURE"
    REFUND_REVERSE = "REFUND_REVERSE"
    REFUND_REQUEST = "REFUND_REQUEST"
    CANCEL_SUCCESS = "CANCEL_SUCCESS"
    CANCEL_FAILURE = "CANCEL_FAILURE"
    CANCEL_REQUEST = "CANCEL_REQUEST"
    INFO = "INFO"


def _amount() -> models.DecimalField[Decimal | int | str, Decimal]:
    return models.DecimalField(max_digits=20, decimal_places=3, default=0)


class TransactionItem(ModelWithMetadata):
    """One payment session; ``token`` is its public key (the API's ID)."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)
    name = models.CharField(max_length=512, blank=True, default="")
    message = models.CharField(max_length=512, blank=True, default="")
    psp_reference = models.CharField(max_length=512, blank=True, default="")
    external_url = models.URLField(max_length=2048, blank=True, default="")
    available_actions = ArrayField(
        models.CharField(max_length=16, choices=TransactionAction.choices),
        default=list,
        blank=True,
    )
    currency = models.CharField(max_length=3)
    authorized_amount = _amount()
    authorize_pending_amount = _amount()
    charged_amount = _amount()
    charge_pending_amount = _amount()
    refunded_amount = _amount()
    refund_pending_amount = _amount()
    canceled_amount = _amount()
    cancel_pending_amount = _amount()
    # A transaction belongs to a checkout until the checkout becomes an order.
    checkout = models.ForeignKey(
        "checkout.Checkout",
        related_name="payment_transactions",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    order = models.ForeignKey(
        "order.Order",
        related_name="payment_transactions",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # The gateway (or app) that runs the session, e.g. "mirumee.payments.dummy".
    app_identifier = models.CharField(max_length=256, blank=True, default="")
    app = models.ForeignKey(
        "app.App", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    user = models.ForeignKey(
        "account.User",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    idempotency_key = models.CharField(max_length=512, null=True, blank=True)
    # What the provider reported about the payment method (see payment.methods);
    # null until reported.
    payment_method_details = models.JSONField(null=True, blank=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("app_identifier", "idempotency_key"),
                name="payment_transaction_idempotency",
            )
        ]

    def __str__(self) -> str:
        return str(self.token)


class TransactionEvent(models.Model):
    """Something the provider (or staff) reported about a transaction."""

    transaction = models.ForeignKey(
        TransactionItem, related_name="events", on_delete=models.CASCADE
    )
    type = models.CharField(
        max_length=64,
        choices=TransactionEventType.choices,
        default=TransactionEventType.INFO,
    )
    amount = _amount()
    currency = models.CharField(max_length=3)
    psp_reference = models.CharField(max_length=512, blank=True, default="")
    message = models.CharField(max_length=512, blank=True, default="")
    external_url = models.URLField(max_length=2048, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(
        "account.User",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    app = models.ForeignKey(
        "app.App", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    app_identifier = models.CharField(max_length=256, blank=True, default="")
    # Only events that move money count; a session's own request bookkeeping and
    # INFO notes do not.
    include_in_calculations = models.BooleanField(default=True)
    idempotency_key = models.CharField(max_length=512, null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("transaction", "idempotency_key"),
                name="payment_event_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.amount} {self.currency}"
