from __future__ import annotations

import secrets
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from mercato.core.models import ModelWithMetadata


class Address(models.Model):
    first_name = models.CharField(max_length=256, blank=True)
    last_name = models.CharField(max_length=256, blank=True)
    company_name = models.CharField(max_length=256, blank=True)
    street_address_1 = models.CharField(max_length=256, blank=True)
    street_address_2 = models.CharField(max_length=256, blank=True)
    city = models.CharField(max_length=256, blank=True)
    city_area = models.CharField(max_length=128, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)
    country_area = models.CharField(max_length=128, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # Saved with some of its country's checks skipped (a checkout's
    # ``validationRules``): it is checked in full before an order is placed.
    validation_skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.street_address_1}, {self.city}, {self.country}"


def _new_token_key() -> str:
    return secrets.token_urlsafe(24)


class User(ModelWithMetadata):
    """A customer or a staff member.

    ``jwt_token_key`` is part of every token issued to the user; replacing it (on a
    password change, a deactivation or ``tokensDeactivateAll``) invalidates them all.
    """

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=256, blank=True)
    last_name = models.CharField(max_length=256, blank=True)
    password = models.CharField(max_length=256, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_confirmed = models.BooleanField(default=True)
    is_superuser = models.BooleanField(default=False)
    note = models.TextField(null=True, blank=True)
    language_code = models.CharField(max_length=35, default="en")
    addresses = models.ManyToManyField(
        Address, blank=True, related_name="user_addresses"
    )
    default_shipping_address = models.ForeignKey(
        Address, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    default_billing_address = models.ForeignKey(
        Address, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    external_reference = models.CharField(
        max_length=250, unique=True, null=True, blank=True
    )
    jwt_token_key = models.CharField(max_length=64, default=_new_token_key)
    last_login = models.DateTimeField(null=True, blank=True)
    last_password_reset_request = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("email",)

    def __str__(self) -> str:
        return self.email

    def rotate_token_key(self) -> None:
        """Invalidate every token issued so far (the caller saves the user)."""
        self.jwt_token_key = _new_token_key()


class PermissionGroup(models.Model):
    """A named set of permissions given to its staff members, optionally limited to
    some channels."""

    name = models.CharField(max_length=150, unique=True)
    permissions = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    users = models.ManyToManyField(User, blank=True, related_name="permission_groups")
    restricted_access_to_channels = models.BooleanField(default=False)
    channels = models.ManyToManyField("channel.Channel", blank=True, related_name="+")

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class RefreshToken(models.Model):
    """One issued refresh token. Tokens refreshed from one another form a family;
    presenting a token that was already used revokes its whole family."""

    jti = models.CharField(max_length=64, primary_key=True)
    family = models.UUIDField(default=uuid.uuid4, db_index=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ("created_at",)
