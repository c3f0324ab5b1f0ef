from typing import Any

from django.conf import settings
from django.db import migrations

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver", "*"}


def create_row(apps: Any, schema_editor: Any) -> None:
    site_settings = apps.get_model("site", "SiteSettings")
    domain = next(
        (
            str(host)
            for host in settings.ALLOWED_HOSTS
            if host not in LOCAL_HOSTS and not host.startswith(".")
        ),
        "localhost:8000",
    )
    if not site_settings.objects.exists():
        site_settings.objects.create(pk=1, name="Mercato", domain=domain)


class Migration(migrations.Migration):
    dependencies = [("site", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
