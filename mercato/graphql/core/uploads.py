"""The GraphQL multipart request spec: files sent beside ``operations`` and ``map``."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest


def _place(target: Any, path: list[str], value: Any) -> bool:
    """Put ``value`` at ``path`` inside ``target``; False when the path is invalid."""
    for index, step in enumerate(path):
        last = index == len(path) - 1
        if isinstance(target, list):
            if not step.isdigit() or int(step) >= len(target):
                return False
            if last:
                target[int(step)] = value
                return True
            target = target[int(step)]
        elif isinstance(target, dict):
            if last:
                if step not in target:
                    return False
                target[step] = value
                return True
            if step not in target:
                return False
            target = target[step]
        else:
            return False
    return False


def read_multipart_operation(request: HttpRequest) -> dict[str, Any] | str:
    """The operation of a multipart request with its files in place, or an error."""
    try:
        operations = orjson.loads(request.POST.get("operations", ""))
        file_map = orjson.loads(request.POST.get("map", "{}"))
    except orjson.JSONDecodeError:
        return "Invalid multipart request: `operations` and `map` must be JSON."
    if not isinstance(operations, dict) or not isinstance(file_map, dict):
        return "Invalid multipart request: send one operation and a `map` object."
    for key, paths in file_map.items():
        upload = request.FILES.get(key)
        if upload is None:
            return f"Invalid multipart request: file '{key}' is missing."
        if not isinstance(paths, list):
            return "Invalid multipart request: `map` values must be lists of paths."
        for path in paths:
            if not isinstance(path, str) or not _place(
                operations, path.split("."), upload
            ):
                return f"Invalid multipart request: cannot place file at '{path}'."
    result: dict[str, Any] = operations
    return result
