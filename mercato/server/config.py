"""Configuration from the environment, with defaults that work on a bare machine."""

from __future__ import annotations

import os
from pathlib import Path


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def mercato_home() -> Path:
    home = Path(os.environ.get("MERCATO_HOME") or Path.cwd() / ".mercato")
    home.mkdir(parents=True, exist_ok=True)
    return home
