"""Tax classes, flat rates per country and the tax configuration of each channel."""

from __future__ import annotations

from django.db import models

from mercato.core.models import ModelWithMetadata


class TaxCalculationStrategy(models.TextChoices):
    FLAT_RATES = "FLAT_RATES"
    TAX_APP = "TAX_APP"


class TaxClass(ModelWithMetadata):
    name = models.CharField(max_length=255)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class TaxClassCountryRate(models.Model):
    """A flat rate in percent; a row without a tax class is the country's default."""

    tax_class = models.ForeignKey(
        TaxClass,
        related_name="country_rates",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    country = models.CharField(max_length=2)
    rate = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ("country", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_class"], name="tax_class_country_rate_unique"
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(tax_class__isnull=True),
                name="tax_country_default_rate_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.rate}%"


class TaxConfiguration(ModelWithMetadata):
    channel = models.OneToOneField(
        "channel.Channel", related_name="tax_configuration", on_delete=models.CASCADE
    )
    charge_taxes = models.BooleanField(default=True)
    tax_calculation_strategy = models.CharField(
        max_length=20,
        choices=TaxCalculationStrategy.choices,
        default=TaxCalculationStrategy.FLAT_RATES,
        null=True,
        blank=True,
    )
    display_gross_prices = models.BooleanField(default=True)
    prices_entered_with_tax = models.BooleanField(default=True)
    tax_app_id = models.CharField(max_length=256, null=True, blank=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"tax configuration of channel {self.channel_id}"


class TaxConfigurationPerCountry(models.Model):
    """An exception to the channel's tax configuration for one country."""

    tax_configuration = models.ForeignKey(
        TaxConfiguration, related_name="country_exceptions", on_delete=models.CASCADE
    )
    country = models.CharField(max_length=2)
    charge_taxes = models.BooleanField(default=True)
    tax_calculation_strategy = models.CharField(
        max_length=20, choices=TaxCalculationStrategy.choices, null=True, blank=True
    )
    display_gross_prices = models.BooleanField(default=True)
    tax_app_id = models.CharField(max_length=256, null=True, blank=True)

    class Meta:
        ordering = ("country", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_configuration", "country"],
                name="tax_configuration_per_country_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} exception of {self.tax_configuration_id}"
