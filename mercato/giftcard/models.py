"""Gift cards: prepaid balances that pay for orders, with a history of events."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from mercato.core.models import ModelWithMetadata


class GiftCardTag(models.Model):
    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class GiftCard(ModelWithMetadata):
    """A balance in one currency, spendable while active and not expired.

    ``code`` is the bearer secret; it is unique regardless of letter case and looked
    up case-insensitively. Balances only change under a row lock (``lock_*``).
    """

    code = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        "account.User",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_by_email = models.EmailField(null=True, blank=True)
    used_by = models.ForeignKey(
        "account.User",
        related_name="gift_cards",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    used_by_email = models.EmailField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        "account.User",
        related_name="assigned_gift_cards",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    assigned_to_email = models.EmailField(null=True, blank=True)
    app = models.ForeignKey(
        "app.App", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    product = models.ForeignKey(
        "product.Product",
        related_name="gift_cards",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    expiry_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    last_used_on = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    initial_balance_amount = models.DecimalField(max_digits=20, decimal_places=3)
    current_balance_amount = models.DecimalField(max_digits=20, decimal_places=3)
    tags = models.ManyToManyField(GiftCardTag, related_name="gift_cards", blank=True)
    checkouts = models.ManyToManyField(
        "checkout.Checkout", related_name="gift_cards", blank=True
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("code", "pk")
        constraints = [
            models.UniqueConstraint(Upper("code"), name="giftcard_code_upper_unique")
        ]

    def __str__(self) -> str:
        return f"****{self.code[-4:]}"


class GiftCardEventType(models.TextChoices):
    ISSUED = "issued"
    BOUGHT = "bought"
    UPDATED = "updated"
    ACTIVATED = "activated"
    DEACTIVATED = "deactivated"
    BALANCE_RESET = "balance_reset"
    EXPIRY_DATE_UPDATED = "expiry_date_updated"
    TAGS_UPDATED = "tags_updated"
    SENT_TO_CUSTOMER = "sent_to_customer"
    RESENT = "resent"
    NOTE_ADDED = "note_added"
    USED_IN_ORDER = "used_in_order"
    REFUNDED_IN_ORDER = "refunded_in_order"
    BALANCE_ADJUSTED = "balance_adjusted"
    ASSIGNED_TO_USER = "assigned_to_user"
    UNASSIGNED_FROM_USER = "unassigned_from_user"


class GiftCardEvent(models.Model):
    """Something that happened to a gift card.

    ``parameters`` holds what the event type needs: ``message``, ``email``,
    ``order_id``, ``tags``/``old_tags``, ``expiry_date``/``old_expiry_date`` and
    ``balance`` (``currency``, ``initial_balance``, ``old_initial_balance``,
    ``current_balance``, ``old_current_balance`` as strings).
    """

    gift_card = models.ForeignKey(
        GiftCard, related_name="events", on_delete=models.CASCADE
    )
    date = models.DateTimeField(default=timezone.now, editable=False)
    type = models.CharField(max_length=255, choices=GiftCardEventType.choices)
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
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("date", "pk")

    def __str__(self) -> str:
        return self.type
