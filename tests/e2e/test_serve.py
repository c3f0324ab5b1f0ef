"""`mercato serve` over real HTTP: starts, serves the catalog, stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from tests.factories.catalog import build_catalog

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or ""
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{db['NAME']}?host={quote(host)}"
    return f"postgresql://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"mercato serve exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("mercato serve did not answer within 30 s")


def _post(url: str, query: str) -> tuple[dict[str, Any], Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()), response.headers


@pytest.mark.django_db(transaction=True)
def test_serve_answers_graphql_and_stops_on_sigterm(tmp_path: Path) -> None:
    build_catalog(2)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "MERCATO_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [str(BIN / "mercato"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/health/", process)
        body, headers = _post(
            f"{base}/graphql/",
            "{ products(first: 5, channel: "
            '"default-channel") { edges { node { slug } } } }',
        )
        assert [e["node"]["slug"] for e in body["data"]["products"]["edges"]] == [
            "shirt-00",
            "shirt-01",
        ]
        assert int(headers["X-Query-Count"]) >= 1
        assert headers["Server-Timing"].startswith("app;dur=")
        with urllib.request.urlopen(f"{base}/graphql/", timeout=10) as page:
            assert b"graphiql" in page.read().lower()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output = process.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("mercato serve did not stop within 20 s of SIGTERM")
    assert f"http://127.0.0.1:{port}/graphql/" in output
    assert process.returncode == 0, output
