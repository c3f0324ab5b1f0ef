"""Language codes: the API's ``LanguageCodeEnum`` names and the stored form."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError


def to_stored_code(enum_value: str) -> str:
    """``PL`` -> ``pl``, ``PT_BR`` -> ``pt-br``: how translations are stored."""
    return enum_value.lower().replace("_", "-")


def to_enum_value(stored: str) -> str:
    return stored.upper().replace("-", "_")


@cache
def language_name(stored: str) -> str:
    try:
        return str(Locale.parse(stored.replace("-", "_"), sep="_").english_name)
    except (UnknownLocaleError, ValueError):
        return stored


@cache
def country_name(code: str) -> str:
    return str(Locale("en").territories.get(code.upper(), code))
