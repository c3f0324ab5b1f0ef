"""Load benchmark for a server that speaks Saleor's GraphQL API (mercato or Saleor).

It starts nothing: point it at a running server.

    python bench/run.py --url http://127.0.0.1:8000 --channel default-channel

Standard library only, so it runs with any Python >= 3.11. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

if __package__:  # python -m bench.run
    from . import queries
else:  # python bench/run.py
    import queries

USER_AGENT = "mercato-bench/1"
DETAIL_AND_SEARCH = ("product_detail", "search")
FALLBACK_SEARCH_TERMS = ["shirt", "juice", "cof"]
KIB = 1024


class BenchError(Exception):
    """A condition that stops the benchmark; the message is shown to the user."""


# --------------------------------------------------------------------------- HTTP


class Target:
    """The server under test: scheme, host, port and an optional path prefix."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BenchError(f"--url must be an http:// or https:// URL, got {url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.base = f"{self.scheme}://{parts.netloc}{self.prefix}"

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        cls = (
            http.client.HTTPSConnection
            if self.scheme == "https"
            else http.client.HTTPConnection
        )
        return cls(self.host, self.port, timeout=timeout)

    def path(self, path: str) -> str:
        return f"{self.prefix}{path}"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    latency_ms: float


_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Client:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, target: Target, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> Reply:
        for attempt in (1, 2):
            reused = self.conn is not None and self.conn.sock is not None
            if self.conn is None:
                self.conn = self.target.connect(self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except _STALE:
                self.close()
                # An idle keep-alive connection closed by the server: retry once
                # on a fresh one (the benchmark only sends read-only queries).
                if reused and attempt == 1:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            latency_ms = (time.perf_counter() - started) * 1000
            if response.will_close:
                self.close()
            return Reply(response.status, response.headers, data, latency_ms)
        raise AssertionError("unreachable")


def graphql_body(operation_name: str, query: str, variables: dict[str, Any]) -> bytes:
    payload = {"operationName": operation_name, "query": query, "variables": variables}
    return json.dumps(payload, separators=(",", ":")).encode()


GRAPHQL_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "User-Agent": USER_AGENT,
}


def reply_error(reply: Reply) -> str | None:
    """Why a GraphQL reply counts as an error, or None when it is a success."""
    if reply.status != 200:
        snippet = reply.body[:160].decode("utf-8", "replace").strip()
        return f"HTTP {reply.status}: {snippet}"
    if not reply.body.lstrip().startswith(b"{"):
        return "response is not a JSON object"
    # Cheap test first: the bytes "errors" with unescaped quotes appear only as a
    # key or as a whole string value; parse the JSON only in that case.
    if b'"errors"' not in reply.body:
        return None
    try:
        document = json.loads(reply.body)
    except ValueError:
        return "response is not valid JSON"
    errors = document.get("errors") if isinstance(document, dict) else None
    if not errors:
        return None
    first = errors[0] if isinstance(errors, list) and errors else errors
    message = first.get("message") if isinstance(first, dict) else first
    return f"GraphQL error: {message}"


def parse_server_timing(value: str | None, metric: str = "app") -> float | None:
    """The ``dur`` of one metric of a ``Server-Timing`` header, in ms."""
    if not value:
        return None
    for entry in value.split(","):
        name, *params = (part.strip() for part in entry.split(";"))
        if name != metric:
            continue
        for param in params:
            key, _, raw = param.partition("=")
            if key.strip().lower() == "dur":
                with contextlib.suppress(ValueError):
                    return float(raw.strip().strip('"'))
    return None


def parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


# ---------------------------------------------------------------------- running


@dataclass
class Sample:
    latency_ms: float | None  # None: no HTTP response (connection error, timeout)
    server_ms: float | None
    sql_queries: int | None
    size: int
    ok: bool


@dataclass
class WorkerLog:
    samples: list[Sample] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


class Budget:
    """When to stop a phase: after a total number of requests or at a deadline."""

    def __init__(self, *, requests: int | None = None, seconds: float | None = None):
        self.remaining = requests
        self.deadline = None if seconds is None else time.perf_counter() + seconds
        self.lock = threading.Lock()

    def take(self) -> bool:
        if self.deadline is not None:
            return time.perf_counter() < self.deadline
        with self.lock:
            if not self.remaining or self.remaining <= 0:
                return False
            self.remaining -= 1
            return True


def run_worker(
    client: Client, path: str, bodies: list[bytes], offset: int, budget: Budget
) -> WorkerLog:
    log = WorkerLog()
    index = offset
    while budget.take():
        body = bodies[index % len(bodies)]
        index += 1
        try:
            reply = client.request("POST", path, body, GRAPHQL_HEADERS)
        except (OSError, http.client.HTTPException) as exc:
            log.errors[f"{type(exc).__name__}: {exc}"] += 1
            log.samples.append(Sample(None, None, None, 0, ok=False))
            time.sleep(0.05)  # do not spin while the server is down
            continue
        error = reply_error(reply)
        if error:
            log.errors[error] += 1
        log.samples.append(
            Sample(
                reply.latency_ms,
                parse_server_timing(reply.headers.get("Server-Timing")),
                parse_int(reply.headers.get("X-Query-Count")),
                len(reply.body),
                ok=error is None,
            )
        )
    return log


def run_phase(
    clients: list[Client], path: str, bodies: list[bytes], budget: Budget
) -> list[WorkerLog]:
    """Run every client against the budget, in threads when there are several."""
    step = max(1, len(bodies) // len(clients))
    if len(clients) == 1:
        return [run_worker(clients[0], path, bodies, 0, budget)]
    logs: list[WorkerLog | None] = [None] * len(clients)

    def work(i: int) -> None:
        logs[i] = run_worker(clients[i], path, bodies, i * step, budget)

    threads = [
        threading.Thread(target=work, args=(i,), daemon=True)
        for i in range(len(clients))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [log for log in logs if log is not None]


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (statistics' "inclusive")."""
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100
    lo = math.floor(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarize(
    name: str, logs: list[WorkerLog], wall_s: float, variants: int
) -> dict[str, Any]:
    samples = [s for log in logs for s in log.samples]
    errors: Counter[str] = Counter()
    for log in logs:
        errors.update(log.errors)
    answered = [s for s in samples if s.latency_ms is not None]
    latency = sorted(s.latency_ms for s in answered if s.latency_ms is not None)
    server = sorted(s.server_ms for s in answered if s.server_ms is not None)
    sql = [s.sql_queries for s in answered if s.sql_queries is not None]
    return {
        "scenario": name,
        "requests": len(samples),
        "errors": sum(1 for s in samples if not s.ok),
        "duration_s": round(wall_s, 3),
        "requests_per_s": round(len(samples) / wall_s, 2) if wall_s > 0 else None,
        "distinct_requests": variants,
        "latency_ms": {
            "mean": _round(statistics.fmean(latency)) if latency else None,
            "p50": _round(percentile(latency, 50)),
            "p90": _round(percentile(latency, 90)),
            "p99": _round(percentile(latency, 99)),
            "max": _round(latency[-1]) if latency else None,
        },
        "server_ms": {
            "samples": len(server),
            "p50": _round(percentile(server, 50)),
            "p99": _round(percentile(server, 99)),
        },
        "sql_queries": {
            "samples": len(sql),
            "min": min(sql) if sql else None,
            "max": max(sql) if sql else None,
            "mean": _round(statistics.fmean(sql)) if sql else None,
        },
        "response_bytes_mean": (
            round(statistics.fmean(s.size for s in answered)) if answered else None
        ),
        "error_messages": dict(errors.most_common(5)),
    }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def run_scenario(
    target: Target, name: str, bodies: list[bytes], args: argparse.Namespace
) -> dict[str, Any]:
    path = target.path("/graphql/")
    clients = [Client(target, args.timeout) for _ in range(args.concurrency)]
    try:
        if args.warmup:
            run_phase(clients, path, bodies, Budget(requests=args.warmup))
        if args.requests:
            budget = Budget(requests=args.requests)
        else:
            budget = Budget(seconds=args.duration)
        started = time.perf_counter()
        logs = run_phase(clients, path, bodies, budget)
        wall_s = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    return summarize(name, logs, wall_s, len(bodies))


# ------------------------------------------------------------ setup and memory


def probe_health(target: Target, timeout: float) -> tuple[int, dict[str, Any] | None]:
    """GET /health/ on a new connection; (status, parsed JSON or None)."""
    conn = target.connect(timeout)
    try:
        conn.request(
            "GET",
            target.path("/health/"),
            headers={"Connection": "close", "User-Agent": USER_AGENT},
        )
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    return response.status, data if isinstance(data, dict) else None


def check_reachable(target: Target, timeout: float) -> bool:
    """Raise BenchError when nothing answers; return whether /health/ works."""
    try:
        status, data = probe_health(target, timeout)
    except (OSError, http.client.HTTPException) as exc:
        raise BenchError(
            f"cannot reach the server at {target.base} ({type(exc).__name__}: {exc}).\n"
            "Start it first, for example: mercato serve --workers 2"
        ) from exc
    usable = status == 200 and data is not None and "pid" in data
    if not usable:
        warn(
            f"GET {target.base}/health/ answered HTTP {status} without "
            '{"pid", "max_rss_kb"}; memory will not be reported'
        )
    return usable


def sample_memory(target: Target, samples: int, timeout: float) -> dict[int, int]:
    """Peak RSS (KiB) per worker pid, from `samples` requests on new connections."""
    peaks: dict[int, int] = {}
    for _ in range(samples):
        try:
            status, data = probe_health(target, timeout)
        except (OSError, http.client.HTTPException):
            continue
        if status != 200 or not data:
            continue
        pid = parse_int(str(data.get("pid")))
        rss = parse_int(str(data.get("max_rss_kb")))
        if pid is not None and rss is not None:
            peaks[pid] = max(rss, peaks.get(pid, 0))
    return peaks


def graphql_once(
    target: Target,
    timeout: float,
    operation: str,
    query: str,
    variables: dict[str, Any],
) -> dict[str, Any]:
    client = Client(target, timeout)
    try:
        reply = client.request(
            "POST",
            target.path("/graphql/"),
            graphql_body(operation, query, variables),
            GRAPHQL_HEADERS,
        )
    except (OSError, http.client.HTTPException) as exc:
        raise BenchError(f"{operation} query failed: {exc}") from exc
    finally:
        client.close()
    error = reply_error(reply)
    if error:
        raise BenchError(f"{operation} query failed: {error}")
    result: dict[str, Any] = json.loads(reply.body)
    return result


@dataclass
class Catalog:
    total_count: int | None = None
    slugs: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    problem: str | None = None


def load_catalog(target: Target, channel: str, timeout: float) -> Catalog:
    """The first 50 products of the channel: slugs and names for later scenarios."""
    try:
        data = graphql_once(
            target,
            timeout,
            "BenchSetup",
            queries.SETUP_PRODUCTS,
            {"channel": channel},
        )
        connection = (data.get("data") or {}).get("products") or {}
        nodes = [edge["node"] for edge in connection.get("edges") or []]
    except (BenchError, KeyError, TypeError, AttributeError) as exc:
        return Catalog(problem=str(exc))
    return Catalog(
        total_count=connection.get("totalCount"),
        slugs=[n["slug"] for n in nodes if n.get("slug")],
        names=[n["name"] for n in nodes if n.get("name")],
    )


def search_terms(names: list[str], count: int = 5) -> list[str]:
    """Distinct words from product names plus a 3-letter prefix of the first one."""
    words: list[str] = []
    for name in names:
        for word in re.findall(r"[^\W\d_]{3,}", name.lower()):
            if word not in words:
                words.append(word)
    if not words:
        return list(FALLBACK_SEARCH_TERMS)
    # Spread the picks over the list so that the terms differ in popularity.
    step = max(1, len(words) // count)
    picked = words[::step][:count]
    prefix = words[0][:3]
    if prefix not in picked:
        picked.append(prefix)
    return picked


def scenario_bodies(
    name: str, channel: str, catalog: Catalog, terms: list[str]
) -> list[bytes]:
    scenario = queries.SCENARIOS[name]

    def body(variables: dict[str, Any]) -> bytes:
        return graphql_body(scenario.operation_name, scenario.query, variables)

    if name == "products_first_20":
        return [body({"first": 20, "channel": channel})]
    if name == "products_first_100":
        return [body({"first": 100, "channel": channel})]
    if name == "product_detail":
        return [body({"slug": slug, "channel": channel}) for slug in catalog.slugs]
    if name == "search":
        return [body({"search": term, "channel": channel}) for term in terms]
    return [body({})]


# ---------------------------------------------------------------------- output


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


TABLE_HEADER = (
    "scenario",
    "reqs",
    "errors",
    "req/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "srv p50",
    "srv p99",
    "SQL min/mean/max",
    "KiB/resp",
)


def table_row(result: dict[str, Any]) -> tuple[str, ...]:
    lat, srv, sql = result["latency_ms"], result["server_ms"], result["sql_queries"]
    sql_text = "-"
    if sql["samples"]:
        sql_text = f"{sql['min']}/{sql['mean']:.1f}/{sql['max']}"
    size = result["response_bytes_mean"]
    return (
        result["scenario"],
        str(result["requests"]),
        str(result["errors"]),
        fmt(result["requests_per_s"], 1),
        fmt(lat["p50"]),
        fmt(lat["p90"]),
        fmt(lat["p99"]),
        fmt(srv["p50"]),
        fmt(srv["p99"]),
        sql_text,
        fmt(size / KIB if size is not None else None, 1),
    )


def render_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_memory(before: dict[int, int], after: dict[int, int], note: str) -> str:
    if not before and not after:
        return f"peak memory per worker: not measured ({note})"
    rows = [("worker pid", "max RSS before (MiB)", "max RSS after (MiB)")]
    for pid in sorted(set(before) | set(after)):
        rows.append(
            (
                str(pid),
                fmt(before[pid] / KIB, 1) if pid in before else "-",
                fmt(after[pid] / KIB, 1) if pid in after else "-",
            )
        )
    return "peak memory per worker (ru_maxrss from /health/):\n" + render_table(rows)


def render_report(report: dict[str, Any]) -> str:
    meta = report["meta"]
    budget = (
        f"{meta['requests']} requests"
        if meta["requests"]
        else f"{meta['duration_s']:g} s"
    )
    header = (
        f"mercato bench  {meta['url']}  channel={meta['channel']}  "
        f"concurrency={meta['concurrency']}  {budget} per scenario "
        f"(+{meta['warmup']} warm-up)\n"
        f"catalog: totalCount={meta['catalog']['total_count']}  "
        f"detail slugs={len(meta['catalog']['slugs'])}  "
        f"search terms={meta['catalog']['search_terms']}"
    )
    rows = [TABLE_HEADER] + [table_row(r) for r in report["scenarios"]]
    notes = [
        "latency = client round trip in ms; srv = Server-Timing app;dur (ms); "
        "SQL = X-Query-Count per request"
    ]
    for result in report["scenarios"]:
        for message, count in result["error_messages"].items():
            notes.append(f"{result['scenario']}: {count} x {message}")
    memory = render_memory(
        {int(k): v for k, v in report["memory_kb"]["before"].items()},
        {int(k): v for k, v in report["memory_kb"]["after"].items()},
        report["memory_kb"]["note"],
    )
    return "\n\n".join([header, render_table(rows), "\n".join(notes), memory])


# ------------------------------------------------------------------------ main


def build_parser() -> argparse.ArgumentParser:
    names = ", ".join(queries.SCENARIOS)
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Load benchmark for a Saleor-compatible GraphQL server.",
        epilog=f"scenarios: {names}. Exit status: 0 ok, 1 server unreachable or "
        "setup failed, 2 bad arguments, 3 finished but some requests failed.",
    )
    parser.add_argument(
        "--url", default="http://127.0.0.1:8000", help="server base URL"
    )
    parser.add_argument("--channel", default="default-channel", help="channel slug")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per scenario (default 10)"
    )
    parser.add_argument(
        "--requests", type=int, help="requests per scenario instead of --duration"
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="warm-up requests per scenario"
    )
    parser.add_argument(
        "--concurrency", type=int, default=1, help="client threads (default 1)"
    )
    parser.add_argument("--scenarios", help=f"comma-separated subset of: {names}")
    parser.add_argument(
        "--search-terms", help="comma-separated search terms (default: from names)"
    )
    parser.add_argument(
        "--health-samples",
        type=int,
        default=50,
        help="GET /health/ this many times before and after (0 disables)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="per-request timeout in seconds"
    )
    parser.add_argument("--json", metavar="PATH", help="also write results as JSON")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.scenarios:
        chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        unknown = [s for s in chosen if s not in queries.SCENARIOS]
        if unknown or not chosen:
            parser.error(
                f"unknown scenario(s) {unknown}; choose from {list(queries.SCENARIOS)}"
            )
        args.scenario_names = chosen
    else:
        args.scenario_names = list(queries.SCENARIOS)
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    if args.duration <= 0 or args.warmup < 0 or args.health_samples < 0:
        parser.error("--duration must be positive; --warmup and --health-samples >= 0")
    return args


def prepare(
    target: Target, args: argparse.Namespace
) -> tuple[Catalog, list[str], dict[str, list[bytes]]]:
    catalog = load_catalog(target, args.channel, args.timeout)
    needs_catalog = [n for n in args.scenario_names if n in DETAIL_AND_SEARCH]
    if catalog.problem:
        if "product_detail" in needs_catalog or (
            "search" in needs_catalog and not args.search_terms
        ):
            raise BenchError(
                f"cannot list products to set up the scenarios: {catalog.problem}"
            )
        warn(f"could not read the catalog: {catalog.problem}")
    if "product_detail" in needs_catalog and not catalog.slugs:
        raise BenchError(
            f"channel {args.channel!r} has no visible products, so product_detail "
            "has nothing to fetch; populate the catalog first "
            "(mercato populatedb --products 10000)"
        )
    if args.search_terms:
        terms = [t.strip() for t in args.search_terms.split(",") if t.strip()]
    else:
        terms = search_terms(catalog.names)
    bodies = {
        name: scenario_bodies(name, args.channel, catalog, terms)
        for name in args.scenario_names
    }
    return catalog, terms, bodies


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    target = Target(args.url)
    health_ok = check_reachable(target, min(args.timeout, 5.0))
    catalog, terms, bodies = prepare(target, args)
    samples = args.health_samples if health_ok else 0
    if not health_ok:
        memory_note = "/health/ gives no pid and max_rss_kb"
    elif not samples:
        memory_note = "--health-samples 0"
    else:
        memory_note = f"{samples} GET /health/ on new connections, before and after"
    memory_before = sample_memory(target, samples, args.timeout)
    results = []
    for name in args.scenario_names:
        budget = f"{args.requests} requests" if args.requests else f"{args.duration:g}s"
        progress(f"running {name} ({budget}, concurrency {args.concurrency}) ...")
        results.append(run_scenario(target, name, bodies[name], args))
    memory_after = sample_memory(target, samples, args.timeout)
    return {
        "meta": {
            "url": target.base,
            "channel": args.channel,
            "concurrency": args.concurrency,
            "duration_s": None if args.requests else args.duration,
            "requests": args.requests,
            "warmup": args.warmup,
            "health_samples": samples,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "client": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "catalog": {
                "total_count": catalog.total_count,
                "slugs": catalog.slugs,
                "search_terms": terms,
            },
        },
        "scenarios": results,
        "memory_kb": {
            "before": {str(pid): kb for pid, kb in sorted(memory_before.items())},
            "after": {str(pid): kb for pid, kb in sorted(memory_after.items())},
            "note": memory_note,
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = benchmark(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(render_report(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
            out.write("\n")
        progress(f"wrote {args.json}")
    failed = [r["scenario"] for r in report["scenarios"] if r["errors"]]
    if failed:
        print(
            f"error: requests failed in {', '.join(failed)}; "
            "those numbers are not meaningful",
            file=sys.stderr,
        )
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
