"""Reads of the shop settings, cached like the channel list."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from mercato.site.models import SiteSettings

SITE_SETTINGS_CACHE_KEY = "mercato:site-settings"

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver", "*"}


def default_domain() -> str:
    """The first public entry of ``ALLOWED_HOSTS``, else ``localhost:8000``."""
    for host in settings.ALLOWED_HOSTS:
        if host not in LOCAL_HOSTS and not host.startswith("."):
            return str(host)
    return "localhost:8000"


def get_site_settings() -> SiteSettings:
    """The settings row with its company address; cached for ``CHANNEL_CACHE_SECONDS``.

    Every write (services, metadata mutations) clears it: ``forget_site_settings``.
    """
    found: SiteSettings | None = cache.get(SITE_SETTINGS_CACHE_KEY)
    if found is None:
        found = SiteSettings.objects.select_related("company_address").first()
        if (
            found is None
        ):  # the data migration makes the row; a flushed database lacks it
            found, _ = SiteSettings.objects.get_or_create(
                pk=1, defaults={"domain": default_domain()}
            )
        cache.set(SITE_SETTINGS_CACHE_KEY, found, settings.CHANNEL_CACHE_SECONDS)
    return found


def forget_site_settings() -> None:
    """Drop the cached settings; called after every write of the row."""
    cache.delete(SITE_SETTINGS_CACHE_KEY)
