"""Writes of the shop settings; each clears the cached row (via ``post_save``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from mercato.account.addresses import validate_address
from mercato.account.models import Address
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import has_nul
from mercato.site.models import SiteSettings, WeightUnit
from mercato.site.queries import default_domain

INVALID = "INVALID"
REQUIRED = "REQUIRED"

TEXT_FIELDS = {
    "name": "name",
    "description": "description",
    "header_text": "headerText",
    "default_mail_sender_name": "defaultMailSenderName",
}
FLAG_FIELDS = {
    "track_inventory_by_default": "trackInventoryByDefault",
    "fulfillment_auto_approve": "fulfillmentAutoApprove",
    "fulfillment_allow_unpaid": "fulfillmentAllowUnpaid",
}
# Mercato fulfils every line at once and never waits for payment: these flags can
# only be true until fulfillment approval and payment checks exist.
ALWAYS_TRUE = ("fulfillment_auto_approve", "fulfillment_allow_unpaid")
MAX_LENGTH = {
    "name": 255,
    "description": 255,
    "header_text": 255,
    "default_mail_sender_name": 78,
}


def _lock() -> SiteSettings:
    found = SiteSettings.objects.select_for_update().order_by("pk").first()
    if found is None:
        found, _ = SiteSettings.objects.get_or_create(
            pk=1, defaults={"domain": default_domain()}
        )
    return found


def _check_texts(values: Mapping[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, api in TEXT_FIELDS.items():
        if name not in values:
            continue
        text = (values[name] or "").strip()
        if len(text) > MAX_LENGTH[name]:
            errors.add(api, INVALID, f"Use at most {MAX_LENGTH[name]} characters.")
        changes[name] = text
    return changes


def _check_flags(values: Mapping[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, api in FLAG_FIELDS.items():
        if values.get(name) is None:
            continue
        if name in ALWAYS_TRUE and not values[name]:
            errors.add(
                api,
                INVALID,
                "Fulfillments are always approved and allowed before payment.",
            )
        changes[name] = bool(values[name])
    if values.get("default_weight_unit") is not None:
        unit = str(values["default_weight_unit"])
        if unit not in WeightUnit.values:
            errors.add("defaultWeightUnit", INVALID, "Unknown weight unit.")
        changes["default_weight_unit"] = unit
    return changes


def _check_links(values: Mapping[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "default_mail_sender_address" in values:
        address = (values["default_mail_sender_address"] or "").strip()
        try:
            if address:
                validate_email(address)
        except ValidationError:
            errors.add("defaultMailSenderAddress", INVALID, "Enter a valid email.")
        changes["default_mail_sender_address"] = address
    if "customer_set_password_url" in values:
        url = (values["customer_set_password_url"] or "").strip()
        try:
            if url:
                URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add("customerSetPasswordUrl", INVALID, "Enter a valid URL.")
        if len(url) > 255:
            errors.add("customerSetPasswordUrl", INVALID, "Use at most 255 characters.")
        changes["customer_set_password_url"] = url
    return changes


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    if has_nul(dict(values)):
        raise ValidationFailed.one(
            "input", INVALID, "Text cannot contain NUL characters."
        )
    errors = ErrorCollector()
    changes = {
        **_check_texts(values, errors),
        **_check_flags(values, errors),
        **_check_links(values, errors),
    }
    errors.raise_if_any()
    return changes


def update_site_settings(*, actor: Actor, values: Mapping[str, Any]) -> SiteSettings:
    """Change the given settings (snake-case keys of ``ShopSettingsInput``).

    A ``None`` flag or weight unit is no change; ``None`` text clears the text.
    Raises ``ValidationFailed`` and changes nothing when any value is wrong.
    """
    changes = _check(values)
    with transaction.atomic():
        site = _lock()
        for name, value in changes.items():
            setattr(site, name, value)
        if changes:
            site.save(update_fields=list(changes))
    return site


def update_site_domain(
    *, actor: Actor, domain: str | None, name: str | None
) -> SiteSettings:
    """Set the shop's host (``example.com`` or ``example.com:8000``) and name."""
    errors = ErrorCollector()
    changes: dict[str, str] = {}
    if domain is not None:
        host = domain.strip().lower()
        try:
            URLValidator(schemes=["https"])(f"https://{host}/")
            valid = "/" not in host and "@" not in host
        except ValidationError:
            valid = False
        if not valid or len(host) > 255:
            errors.add("domain", INVALID, "Enter a host name, optionally with a port.")
        changes["domain"] = host
    if name is not None:
        changes.update(_check({"name": name}))
    errors.raise_if_any()
    with transaction.atomic():
        site = _lock()
        for field, value in changes.items():
            setattr(site, field, value)
        if changes:
            site.save(update_fields=list(changes))
    return site


def update_company_address(
    *, actor: Actor, address: Mapping[str, Any] | None
) -> SiteSettings:
    """Set the company address to a checked copy of ``address``; None removes it."""
    fields = None
    if address is not None:
        if has_nul(dict(address)):
            raise ValidationFailed.one(
                "input", INVALID, "Text cannot contain NUL characters."
            )
        fields = validate_address(address)
    with transaction.atomic():
        site = _lock()
        old = site.company_address_id
        if fields is None:
            site.company_address = None
        elif old is not None:
            Address.objects.filter(pk=old).update(**fields)
            site.company_address = Address.objects.get(pk=old)
        else:
            site.company_address = Address.objects.create(**fields)
        site.save(update_fields=["company_address"])
        if fields is None and old is not None:
            Address.objects.filter(pk=old).delete()
    return site
