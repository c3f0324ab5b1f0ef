"""Apps: API clients that act with the permissions given to them."""

from __future__ import annotations

import hashlib

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from mercato.core.models import ModelWithMetadata


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class App(ModelWithMetadata):
    name = models.CharField(max_length=60)
    identifier = models.CharField(max_length=256, blank=True, default="")
    is_active = models.BooleanField(default=True)
    type = models.CharField(max_length=60, default="LOCAL")
    permissions = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class AppToken(models.Model):
    """An app's API token. Only a hash and the last four characters are stored: the
    token itself is shown once, when it is created."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=128, blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    token_last_4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)
