from __future__ import annotations

from django.db import models
from django.utils import timezone

from mercato.core.models import ModelWithMetadata, SeoModel, TranslationModel


class PageType(ModelWithMetadata):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.name


class Page(ModelWithMetadata, SeoModel):
    page_type = models.ForeignKey(
        PageType, related_name="pages", on_delete=models.CASCADE
    )
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True)
    content = models.JSONField(blank=True, null=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.title


class PageTranslation(TranslationModel, SeoModel):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="translations"
    )
    title = models.CharField(max_length=255, blank=True, null=True)
    slug = models.SlugField(max_length=255, null=True, blank=True)
    content = models.JSONField(blank=True, null=True)

    class Meta:
        unique_together = (("language_code", "page"),)
