"""Every existing channel gets a tax configuration with the defaults."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create_tax_configurations(apps: Any, schema_editor: Any) -> None:
    channel_model = apps.get_model("channel", "Channel")
    configuration_model = apps.get_model("tax", "TaxConfiguration")
    configured = configuration_model.objects.values("channel_id")
    configuration_model.objects.bulk_create(
        configuration_model(channel_id=pk)
        for pk in channel_model.objects.exclude(pk__in=configured).values_list(
            "pk", flat=True
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tax", "0001_initial"),
        ("channel", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_tax_configurations, migrations.RunPython.noop),
    ]
