from __future__ import annotations

from typing import Any

import orjson
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from mercato.graphql.core.uploads import read_multipart_operation


def _request(operations: Any, file_map: Any, files: dict[str, Any]) -> Any:
    data = {
        "operations": orjson.dumps(operations).decode(),
        "map": orjson.dumps(file_map).decode(),
        **files,
    }
    return RequestFactory().post("/graphql/", data)


def test_file_is_placed_at_its_variable() -> None:
    upload = SimpleUploadedFile("a.png", b"png-bytes", content_type="image/png")
    request = _request(
        {"query": "mutation($f: Upload!) { x }", "variables": {"f": None}},
        {"0": ["variables.f"]},
        {"0": upload},
    )
    operation = read_multipart_operation(request)
    assert isinstance(operation, dict)
    assert operation["variables"]["f"].read() == b"png-bytes"


def test_files_in_lists_are_placed() -> None:
    files = {str(i): SimpleUploadedFile(f"{i}.png", bytes([i])) for i in range(2)}
    request = _request(
        {"query": "q", "variables": {"fs": [None, None]}},
        {"0": ["variables.fs.0"], "1": ["variables.fs.1"]},
        files,
    )
    operation = read_multipart_operation(request)
    assert isinstance(operation, dict)
    assert [f.read() for f in operation["variables"]["fs"]] == [b"\x00", b"\x01"]


def test_bad_maps_give_errors() -> None:
    upload = SimpleUploadedFile("a.png", b"x")
    assert isinstance(
        read_multipart_operation(
            _request(
                {"query": "q", "variables": {}},
                {"0": ["variables.missing"]},
                {"0": upload},
            )
        ),
        str,
    )
    assert isinstance(
        read_multipart_operation(
            _request(
                {"query": "q", "variables": {"f": None}},
                {"1": ["variables.f"]},
                {"0": upload},
            )
        ),
        str,
    )
    assert isinstance(
        read_multipart_operation(
            _request(
                {"query": "q", "variables": {"f": None}},
                {"0": "variables.f"},
                {"0": upload},
            )
        ),
        str,
    )
    bad = RequestFactory().post("/graphql/", {"operations": "{nope", "map": "{}"})
    assert read_multipart_operation(bad) == (
        "Invalid multipart request: `operations` and `map` must be JSON."
    )
