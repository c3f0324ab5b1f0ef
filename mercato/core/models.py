"""Abstract models shared by the domains: metadata, SEO, sorting, publication."""

from __future__ import annotations

from typing import Any

from django.db import models


class ModelWithMetadata(models.Model):
    metadata = models.JSONField(default=dict, blank=True)
    private_metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def get_value_from_metadata(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(key, default)


class SeoModel(models.Model):
    seo_title = models.CharField(max_length=70, blank=True, null=True)
    seo_description = models.CharField(max_length=300, blank=True, null=True)

    class Meta:
        abstract = True


class SortableModel(models.Model):
    sort_order = models.IntegerField(null=True, db_index=True)

    class Meta:
        abstract = True


class TranslationModel(models.Model):
    language_code = models.CharField(max_length=35)

    class Meta:
        abstract = True
