from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save


def _forget(**_: Any) -> None:
    from mercato.site.queries import forget_site_settings

    # Now, and again once the write commits, so no reader caches the old row meanwhile.
    forget_site_settings()
    transaction.on_commit(forget_site_settings)


class SiteConfig(AppConfig):
    name = "mercato.site"
    label = "site"

    def ready(self) -> None:
        # Metadata mutations save the row through the generic metadata service.
        post_save.connect(
            _forget, sender="site.SiteSettings", dispatch_uid="site-forget"
        )
