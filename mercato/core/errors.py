"""Errors that domain services raise for the caller's mistakes.

A service validates everything before it writes and raises ``ValidationFailed`` with
one ``FieldError`` per problem; the API turns them into the payload's ``errors`` list
(``field``, ``message``, ``code``), so a bad input changes nothing and is never a 500.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem: the input field it concerns (None for the whole input), a code
    from the domain's error-code enum (``UNIQUE``, ``REQUIRED``, ...) and a message."""

    field: str | None
    code: str
    message: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


class ValidationFailed(Exception):
    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def one(cls, field: str | None, code: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, code, message)])


class ErrorCollector:
    """Collects field errors while validating; ``raise_if_any`` ends validation."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str | None, code: str, message: str, **extra: Any) -> None:
        self.errors.append(FieldError(field, code, message, extra))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
