"""The shop's own settings: one row, read through ``queries.get_site_settings``."""

from __future__ import annotations

from django.db import models

from mercato.core.models import ModelWithMetadata


class WeightUnit(models.TextChoices):
    G = "G", "Gram"
    LB = "LB", "Pound"
    OZ = "OZ", "Ounce"
    KG = "KG", "Kilogram"
    TONNE = "TONNE", "Tonne"


class SiteSettings(ModelWithMetadata):
    """Shop-wide settings; the data migration creates the only row."""

    name = models.CharField(max_length=255, blank=True)
    description = models.CharField(max_length=255, blank=True)
    header_text = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=255)
    default_mail_sender_name = models.CharField(max_length=78, blank=True)
    default_mail_sender_address = models.EmailField(blank=True)
    customer_set_password_url = models.URLField(max_length=255, blank=True)
    default_weight_unit = models.CharField(
        max_length=8, choices=WeightUnit.choices, default=WeightUnit.KG
    )
    fulfillment_auto_approve = models.BooleanField(default=True)
    fulfillment_allow_unpaid = models.BooleanField(default=True)
    track_inventory_by_default = models.BooleanField(default=True)
    company_address = models.ForeignKey(
        "account.Address",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("pk",)
