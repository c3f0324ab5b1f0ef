"""Running a mutation: declared permission, one service call, errors as data.

A mutation resolver decodes its input, calls one domain service and returns the
payload. ``mutation`` wraps it so that a ``ValidationFailed`` raised by the service
(or by input decoding) becomes ``{"errors": [...]}`` in the payload, with the
deprecated ``<domain>Errors`` alias Saleor still serves filled the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo

from mercato.core.errors import FieldError, ValidationFailed

F = TypeVar("F", bound=Callable[..., Any])


def error_payload(error: FieldError) -> dict[str, Any]:
    return {
        "field": error.field,
        "message": error.message,
        "code": error.code,
        **error.extra,
    }


def mutation(legacy_errors_field: str | None = None) -> Callable[[F], F]:
    """Turn ``ValidationFailed`` into payload errors; fill ``errors`` on success.

    ``legacy_errors_field`` names the deprecated duplicate of ``errors`` that the
    payload type has (``productErrors``, ``accountErrors``, ...), if any.
    """

    def decorator(resolver: F) -> F:
        @functools.wraps(resolver)
        def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
            try:
                payload = dict(resolver(root, info, **kwargs) or {})
                errors: list[dict[str, Any]] = []
            except ValidationFailed as failed:
                payload = {}
                errors = [error_payload(e) for e in failed.errors]
            payload.setdefault("errors", errors)
            if legacy_errors_field:
                payload.setdefault(legacy_errors_field, payload["errors"])
            return payload

        return wrapper  # type: ignore[return-value]

    return decorator
