"""The PostgreSQL to use: ``DATABASE_URL``, or an embedded one from pgserver."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

_embedded: Any = None


def start_embedded_postgres(home: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL under ``home`` and return its URL.

    The server stops when the last process that attached to it exits.
    """
    global _embedded
    if _embedded is None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; its fallback is fine.
            warnings.simplefilter("ignore")
            import pgserver

        _embedded = pgserver.get_server(  # type: ignore[attr-defined]
            home / "pgdata", cleanup_mode="stop"
        )
        _embedded.psql("SELECT 1;")
        exists = _embedded.psql("SELECT 1 FROM pg_database WHERE datname = 'mercato';")
        if "1 row" not in exists:
            _embedded.psql("CREATE DATABASE mercato;")
    return str(_embedded.get_uri("mercato"))


def stop_embedded_postgres() -> None:
    global _embedded
    if _embedded is not None:
        _embedded.cleanup()
        _embedded = None


def resolve_database_url(home: Path) -> str:
    """``DATABASE_URL``; when unset, start the embedded server and export its URL."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = start_embedded_postgres(home)
        os.environ["DATABASE_URL"] = url
    return url


def database_settings(url: str) -> dict[str, Any]:
    """Translate a ``postgresql://`` URL into Django's ``DATABASES['default']``."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(
            f"DATABASE_URL must be a postgresql:// URL, got {parsed.scheme!r}"
        )
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = query.pop("host", None) or unquote(parsed.hostname or "") or ""
    options: dict[str, Any] = {
        "pool": {"min_size": 1, "max_size": int(os.environ.get("DB_POOL_SIZE", "8"))},
        # Server-side binding lets psycopg prepare statements that repeat, so their
        # planning (about 1 ms each for the catalog's queries) is paid once per
        # connection; see the README's architecture notes.
        "server_side_binding": True,
        "prepare_threshold": 2,
        **query,
    }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or "") or "postgres",
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
        "TEST": {"NAME": "test_" + (unquote(parsed.path.lstrip("/")) or "mercato")},
    }
