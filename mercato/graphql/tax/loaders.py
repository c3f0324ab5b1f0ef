"""Batch loaders of the tax API; see mercato.graphql.core.dataloaders."""

from __future__ import annotations

from typing import Any

from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.tax.models import (
    TaxClass,
    TaxClassCountryRate,
    TaxConfiguration,
    TaxConfigurationPerCountry,
)


class RatesByTaxClassLoader(RelatedListLoader):
    model = TaxClassCountryRate
    owner = "tax_class"
    ordering = ("country", "pk")


class ExceptionsByConfigurationLoader(RelatedListLoader):
    model = TaxConfigurationPerCountry
    owner = "tax_configuration"
    ordering = ("country", "pk")


class TaxClassByIdLoader(Loader[int, TaxClass]):
    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        rows = attach_batch(list(TaxClass.objects.filter(pk__in=keys)))
        return {row.pk: row for row in rows}


class TaxConfigurationByChannelLoader(Loader[int, TaxConfiguration]):
    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        rows = attach_batch(list(TaxConfiguration.objects.filter(channel_id__in=keys)))
        return {row.channel_id: row for row in rows}
