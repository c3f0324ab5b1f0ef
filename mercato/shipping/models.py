"""Shipping zones, the methods that deliver into them and their per-channel prices."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from mercato.core.models import ModelWithMetadata


class ShippingMethodType(models.TextChoices):
    PRICE = "price", "Price based"
    WEIGHT = "weight", "Weight based"


class PostalCodeRuleInclusionType(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"


class ShippingZone(ModelWithMetadata):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    default = models.BooleanField(default=False)
    channels = models.ManyToManyField("channel.Channel", related_name="shipping_zones")
    warehouses = models.ManyToManyField(
        "inventory.Warehouse", related_name="shipping_zones"
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name


class ShippingMethod(ModelWithMetadata):
    shipping_zone = models.ForeignKey(
        ShippingZone, on_delete=models.CASCADE, related_name="shipping_methods"
    )
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=30, choices=ShippingMethodType.choices)
    description = models.JSONField(null=True, blank=True)
    minimum_order_weight = models.FloatField(null=True, blank=True)
    maximum_order_weight = models.FloatField(null=True, blank=True)
    minimum_delivery_days = models.PositiveIntegerField(null=True, blank=True)
    maximum_delivery_days = models.PositiveIntegerField(null=True, blank=True)
    excluded_products = models.ManyToManyField(
        "product.Product", related_name="excluded_shipping_methods", blank=True
    )
    # The class shipping is taxed at; none means the tax country's default rate.
    tax_class = models.ForeignKey(
        "tax.TaxClass",
        related_name="shipping_methods",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name


class ShippingMethodChannelListing(models.Model):
    shipping_method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="channel_listings"
    )
    channel = models.ForeignKey(
        "channel.Channel",
        on_delete=models.CASCADE,
        related_name="shipping_method_listings",
    )
    currency = models.CharField(max_length=3)
    price_amount = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    minimum_order_price_amount = models.DecimalField(
        max_digits=20, decimal_places=3, null=True, blank=True
    )
    maximum_order_price_amount = models.DecimalField(
        max_digits=20, decimal_places=3, null=True, blank=True
    )

    class Meta:
        unique_together = (("shipping_method", "channel"),)
        ordering = ("pk",)


class ShippingMethodPostalCodeRule(models.Model):
    shipping_method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="postal_code_rules"
    )
    start = models.CharField(max_length=32)
    end = models.CharField(max_length=32, null=True, blank=True)
    inclusion_type = models.CharField(
        max_length=32,
        choices=PostalCodeRuleInclusionType.choices,
        default=PostalCodeRuleInclusionType.EXCLUDE,
    )

    class Meta:
        unique_together = (("shipping_method", "start", "end"),)
        ordering = ("pk",)
