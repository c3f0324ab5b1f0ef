from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models.signals import pre_migrate


def _create_extensions(using: str = "default", **kwargs: Any) -> None:
    """--no-migrations skips core's extension migration, which the tables need."""
    with connections[using].cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


pre_migrate.connect(_create_extensions, dispatch_uid="mercato-test-db-extensions")
