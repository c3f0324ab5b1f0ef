from __future__ import annotations

from django.db import models

from mercato.core.models import ModelWithMetadata


class Channel(ModelWithMetadata):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True)
    is_active = models.BooleanField(default=False)
    currency_code = models.CharField(max_length=3)
    default_country = models.CharField(max_length=2)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug
