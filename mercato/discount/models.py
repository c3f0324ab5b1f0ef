"""Promotions (catalogue and order) and vouchers with their codes and channel values."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from mercato.core.models import ModelWithMetadata


class PromotionType(models.TextChoices):
    CATALOGUE = "CATALOGUE", "Catalogue"
    ORDER = "ORDER", "Order"


class RewardValueType(models.TextChoices):
    FIXED = "FIXED", "Fixed"
    PERCENTAGE = "PERCENTAGE", "Percentage"


class RewardType(models.TextChoices):
    SUBTOTAL_DISCOUNT = "SUBTOTAL_DISCOUNT", "Subtotal discount"
    GIFT = "GIFT", "Gift"


class VoucherType(models.TextChoices):
    SHIPPING = "SHIPPING", "Shipping"
    ENTIRE_ORDER = "ENTIRE_ORDER", "Entire order"
    SPECIFIC_PRODUCT = "SPECIFIC_PRODUCT", "Specific products"


class Promotion(ModelWithMetadata):
    name = models.CharField(max_length=255)
    type = models.CharField(
        max_length=32, choices=PromotionType.choices, default=PromotionType.CATALOGUE
    )
    description = models.JSONField(null=True, blank=True)
    start_date = models.DateTimeField(default=timezone.now)
    end_date = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Whether the stored discounted prices reflect this promotion as running:
    # the periodic job recalculates prices when this differs from the dates.
    is_applied = models.BooleanField(default=False)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("name", "pk")
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return self.name


class PromotionRule(models.Model):
    promotion = models.ForeignKey(
        Promotion, on_delete=models.CASCADE, related_name="rules"
    )
    name = models.CharField(max_length=255, null=True, blank=True)
    description = models.JSONField(null=True, blank=True)
    channels = models.ManyToManyField("channel.Channel", related_name="+")
    catalogue_predicate = models.JSONField(default=dict, blank=True)
    order_predicate = models.JSONField(default=dict, blank=True)
    reward_value_type = models.CharField(
        max_length=32, choices=RewardValueType.choices, null=True, blank=True
    )
    reward_value = models.DecimalField(
        max_digits=20, decimal_places=3, null=True, blank=True
    )
    reward_type = models.CharField(
        max_length=32, choices=RewardType.choices, null=True, blank=True
    )
    gifts = models.ManyToManyField("product.ProductVariant", related_name="+")

    class Meta:
        ordering = ("pk",)


class Voucher(ModelWithMetadata):
    type = models.CharField(
        max_length=32, choices=VoucherType.choices, default=VoucherType.ENTIRE_ORDER
    )
    name = models.CharField(max_length=255, null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    start_date = models.DateTimeField(default=timezone.now)
    end_date = models.DateTimeField(null=True, blank=True)
    apply_once_per_order = models.BooleanField(default=False)
    apply_once_per_customer = models.BooleanField(default=False)
    single_use = models.BooleanField(default=False)
    only_for_staff = models.BooleanField(default=False)
    discount_value_type = models.CharField(
        max_length=32, choices=RewardValueType.choices, default=RewardValueType.FIXED
    )
    min_checkout_items_quantity = models.PositiveIntegerField(null=True, blank=True)
    countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    products = models.ManyToManyField("product.Product", blank=True, related_name="+")
    variants = models.ManyToManyField(
        "product.ProductVariant", blank=True, related_name="+"
    )
    collections = models.ManyToManyField(
        "product.Collection", blank=True, related_name="+"
    )
    categories = models.ManyToManyField(
        "product.Category", blank=True, related_name="+"
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name or f"Voucher {self.pk}"


class VoucherCode(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=255, unique=True)
    used = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "code")

    def __str__(self) -> str:
        return self.code


class VoucherChannelListing(models.Model):
    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="channel_listings"
    )
    channel = models.ForeignKey(
        "channel.Channel", on_delete=models.CASCADE, related_name="voucher_listings"
    )
    discount_value = models.DecimalField(max_digits=20, decimal_places=3)
    currency = models.CharField(max_length=3)
    min_spent_amount = models.DecimalField(
        max_digits=20, decimal_places=3, null=True, blank=True
    )

    class Meta:
        unique_together = (("voucher", "channel"),)
        ordering = ("pk",)


class VoucherCustomer(models.Model):
    """A customer (by email) who used a code of a once-per-customer voucher."""

    voucher_code = models.ForeignKey(
        VoucherCode, on_delete=models.CASCADE, related_name="customers"
    )
    customer_email = models.EmailField()

    class Meta:
        unique_together = (("voucher_code", "customer_email"),)
        ordering = ("pk",)
