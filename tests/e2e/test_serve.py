"""`mercato serve` over real HTTP: starts, serves the catalog, stops on a signal."""

from __future__ import annotations

import contextlib
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

from mercato.core.email import defer_email
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


def _wait_until_up(
    url: str, process: subprocess.Popen[bytes], seconds: float = 30
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"mercato serve exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"mercato serve did not answer within {seconds} s")


def _interrupt_each(session: int) -> None:
    """SIGINT to every process of the server's session, one by one, as `pkill -INT`
    or a terminal would deliver it."""
    pids = sorted(
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _session_of(int(entry.name)) == session
    )
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)


def _session_of(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except OSError:
        return None


def _post(url: str, query: str) -> tuple[dict[str, Any], Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()), response.headers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stop", ["sigterm-to-server", "ctrl-c-to-group"])
def test_serve_answers_graphql_and_stops(tmp_path: Path, stop: str) -> None:
    build_catalog(2)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MERCATO_HOME": str(tmp_path),
        "EMAIL_BACKEND": "file",
    }
    process = subprocess.Popen(
        [str(BIN / "mercato"), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
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
        _assert_worker_sends_email(tmp_path / "emails")
    finally:
        if stop == "sigterm-to-server":
            process.send_signal(signal.SIGTERM)
        else:  # a terminal's Ctrl-C reaches the server and all its workers
            _interrupt_each(process.pid)
        try:
            output = process.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"mercato serve did not stop within 20 s ({stop})")
    assert f"http://127.0.0.1:{port}/graphql/" in output
    assert process.returncode == 0, output


def _assert_worker_sends_email(folder: Path) -> None:
    """The worker that `mercato serve` runs beside the server sends deferred email
    (through the file backend here)."""
    defer_email(
        to="ann@example.com",
        template="password_reset",
        context={
            "link": "https://shop.example/reset?token=t",
            "email": "ann@example.com",
        },
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sent = list(folder.glob("*.log")) if folder.exists() else []
        if sent:
            assert "To: ann@example.com" in sent[0].read_text()
            return
        time.sleep(0.2)
    pytest.fail("the server's worker did not send the email within 20 s")


def test_first_command_seeds_demo_data_on_embedded_postgres(tmp_path: Path) -> None:
    """The README's first command, minus the install: no DATABASE_URL, `--demo`,
    then Ctrl-C. The embedded PostgreSQL it started must stop with it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MERCATO_HOME"] = str(tmp_path)
    process = subprocess.Popen(
        [str(BIN / "mercato"), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/health/", process, seconds=180)
        body, _ = _post(
            f"{base}/graphql/",
            '{ products(first: 1, channel: "default-channel") { totalCount } '
            'menu(slug: "navbar", channel: "default-channel") { items { name } } '
            "channels { slug currencyCode } }",
        )
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            output = process.communicate(timeout=30)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("mercato serve did not stop within 30 s of Ctrl-C")
    assert process.returncode == 0, output
    data = body["data"]
    assert data["products"]["totalCount"] > 50
    assert data["menu"]["items"]
    assert {c["slug"]: c["currencyCode"] for c in data["channels"]} == {
        "channel-pln": "PLN",
        "default-channel": "USD",
    }
    postmaster = tmp_path / "pgdata" / "postmaster.pid"
    deadline = time.monotonic() + 15
    while postmaster.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not postmaster.exists(), "the embedded PostgreSQL is still running"
