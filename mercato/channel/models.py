from __future__ import annotations

from django.db import models

from mercato.core.models import ModelWithMetadata


class AllocationStrategy(models.TextChoices):
    PRIORITIZE_SORTING_ORDER = "PRIORITIZE_SORTING_ORDER"
    PRIORITIZE_HIGH_STOCK = "PRIORITIZE_HIGH_STOCK"


class TransactionFlowStrategy(models.TextChoices):
    AUTHORIZATION = "AUTHORIZATION"
    CHARGE = "CHARGE"


class Channel(ModelWithMetadata):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True)
    is_active = models.BooleanField(default=False)
    currency_code = models.CharField(max_length=3)
    default_country = models.CharField(max_length=2)

    # Stock: which warehouse an order line takes its units from first, and how
    # long adding a line to a checkout holds its units (0: no reservations).
    allocation_strategy = models.CharField(
        max_length=255,
        choices=AllocationStrategy.choices,
        default=AllocationStrategy.PRIORITIZE_SORTING_ORDER,
    )
    reservation_minutes = models.PositiveIntegerField(default=0)
    # Orders.
    automatically_confirm_all_new_orders = models.BooleanField(default=True)
    automatically_fulfill_non_shippable_gift_card = models.BooleanField(default=True)
    allow_unpaid_orders = models.BooleanField(default=False)
    expire_orders_after = models.PositiveIntegerField(null=True, blank=True)
    delete_expired_orders_after = models.PositiveIntegerField(default=60)
    include_draft_order_in_voucher_usage = models.BooleanField(default=False)
    # Checkouts and payments.
    use_legacy_error_flow = models.BooleanField(default=True)
    automatically_complete_fully_paid_checkouts = models.BooleanField(default=False)
    default_transaction_flow_strategy = models.CharField(
        max_length=255,
        choices=TransactionFlowStrategy.choices,
        default=TransactionFlowStrategy.CHARGE,
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug
