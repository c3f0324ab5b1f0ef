"""Errors of the thumbnail domain."""

from __future__ import annotations

from enum import StrEnum


class ThumbnailErrorCode(StrEnum):
    INVALID_SIZE = "INVALID_SIZE"
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    UNKNOWN_KIND = "UNKNOWN_KIND"
    INVALID_IMAGE = "INVALID_IMAGE"


class ThumbnailError(Exception):
    """A thumbnail cannot be made; ``code`` says why."""

    def __init__(self, code: ThumbnailErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
