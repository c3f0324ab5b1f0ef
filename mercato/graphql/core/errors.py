"""How errors leave the API: Saleor's shape, ``extensions.exception.code``."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class PermissionDenied(GraphQLError):
    code = "PermissionDenied"

    def __init__(self, permissions: list[str] | None = None) -> None:
        message = "You do not have permission to perform this action."
        if permissions:
            message = "You need one of the following permissions: " + ", ".join(
                permissions
            )
        super().__init__(message)


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path:
        formatted["path"] = error.path
    original = error.original_error
    if isinstance(error, PermissionDenied):
        code = PermissionDenied.code
    elif original is not None and not isinstance(original, GraphQLError):
        code = type(original).__name__
        formatted["message"] = "Internal Server Error" if not debug else str(original)
    else:
        source = original if isinstance(original, GraphQLError) else error
        code = getattr(source, "code", "GraphQLError")
    formatted["extensions"] = {"exception": {"code": code}}
    return formatted
