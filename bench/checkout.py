"""Checkout benchmark: whole guest checkouts against a server that speaks Saleor's API.

Each client repeats the storefront's flow for ``--duration`` seconds: create a
checkout with a line, set the email, shipping and billing addresses, pick the
first shipping method, pay the total with the dummy gateway
(``mirumee.payments.dummy``) and complete it. It reports completed orders per
second, the latency of each step and the SQL statements each mutation ran (from
mercato's ``X-Query-Count`` header; blank for servers that do not send it).

    python bench/checkout.py --url http://127.0.0.1:8100 --channel default-channel

Standard library only. The server needs stock (the demo data has plenty) and the
dummy gateway (on in demo mode). Every run places real orders.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections import defaultdict
from typing import Any

if __package__:  # python -m bench.checkout
    from .run import (
        GRAPHQL_HEADERS,
        BenchError,
        Client,
        Target,
        graphql_body,
        parse_int,
        percentile,
    )
else:  # python bench/checkout.py
    from run import (
        GRAPHQL_HEADERS,
        BenchError,
        Client,
        Target,
        graphql_body,
        parse_int,
        percentile,
    )

ADDRESS = {
    "US": {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "streetAddress1": "1600 Amphitheatre Pkwy",
        "city": "MOUNTAIN VIEW",
        "postalCode": "94043",
        "countryArea": "CA",
        "country": "US",
    },
    "PL": {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "streetAddress1": "ul. Marszałkowska 1",
        "city": "WARSZAWA",
        "postalCode": "00-001",
        "country": "PL",
    },
}

PRODUCT_TYPES = """
query ProductTypes { productTypes(first: 100) {
  edges { node { id isShippingRequired } } } }
"""
VARIANTS = """
query Variants($channel: String!, $types: [ID!]) {
  products(first: 100, channel: $channel, filter: {productTypes: $types}) {
    edges { node { isAvailableForPurchase productType { isShippingRequired }
                   variants { id quantityAvailable } } }
  }
}
"""
STEPS: tuple[tuple[str, str], ...] = (
    (
        "checkoutCreate",
        """mutation checkoutCreate($channel: String!, $variant: ID!) {
  checkoutCreate(input: {channel: $channel,
                         lines: [{variantId: $variant, quantity: 1}]}) {
    checkout { id totalPrice { gross { amount } } }
    errors { field code message } } }""",
    ),
    (
        "checkoutEmailUpdate",
        """mutation checkoutEmailUpdate($id: ID!, $email: String!) {
  checkoutEmailUpdate(id: $id, email: $email) {
    checkout { id } errors { field code message } } }""",
    ),
    (
        "checkoutShippingAddressUpdate",
        """mutation checkoutShippingAddressUpdate($id: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {
    checkout { shippingMethods { id } } errors { field code message } } }""",
    ),
    (
        "checkoutBillingAddressUpdate",
        """mutation checkoutBillingAddressUpdate($id: ID!, $address: AddressInput!) {
  checkoutBillingAddressUpdate(id: $id, billingAddress: $address) {
    checkout { id } errors { field code message } } }""",
    ),
    (
        "checkoutDeliveryMethodUpdate",
        """mutation checkoutDeliveryMethodUpdate($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { totalPrice { gross { amount } } } errors { field code message } } }""",
    ),
    (
        "transactionInitialize",
        """mutation transactionInitialize($id: ID!) {
  transactionInitialize(id: $id, paymentGateway: {id: "mirumee.payments.dummy",
      data: {event: {type: "CHARGE_SUCCESS", includePspReference: true}}}) {
    transaction { id } errors { field code message } } }""",
    ),
    (
        "checkoutComplete",
        """mutation checkoutComplete($id: ID!) {
  checkoutComplete(id: $id) { order { id number } errors { field code message } } }""",
    ),
)


class FlowFailed(Exception):
    pass


def call(
    client: Client, target: Target, name: str, query: str, variables: dict[str, Any]
) -> tuple[dict[str, Any], float, int | None]:
    reply = client.request(
        "POST",
        target.path("/graphql/"),
        graphql_body(name, query, variables),
        GRAPHQL_HEADERS,
    )
    if reply.status != 200:
        raise FlowFailed(f"{name}: HTTP {reply.status}")
    document = json.loads(reply.body)
    if document.get("errors"):
        raise FlowFailed(f"{name}: {document['errors'][0].get('message')}")
    payload = document["data"][name] if name in document["data"] else document["data"]
    if isinstance(payload, dict) and payload.get("errors"):
        raise FlowFailed(f"{name}: {payload['errors'][0]}")
    return payload, reply.latency_ms, parse_int(reply.headers.get("X-Query-Count"))


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.orders = 0
        self.failures: dict[str, int] = defaultdict(int)

    def record(self, name: str, latency: float, queries: int | None) -> None:
        with self.lock:
            self.latency[name].append(latency)
            if queries is not None:
                self.queries[name].append(queries)


def one_checkout(
    client: Client,
    target: Target,
    channel: str,
    country: str,
    variant: str,
    email: str,
    results: Results,
) -> None:
    queries = dict(STEPS)
    checkout_id = ""

    def step(name: str, **variables: Any) -> dict[str, Any]:
        payload, latency, count = call(client, target, name, queries[name], variables)
        results.record(name, latency, count)
        return payload

    created = step("checkoutCreate", channel=channel, variant=variant)
    checkout_id = created["checkout"]["id"]
    step("checkoutEmailUpdate", id=checkout_id, email=email)
    shipping = step(
        "checkoutShippingAddressUpdate", id=checkout_id, address=ADDRESS[country]
    )
    methods = shipping["checkout"]["shippingMethods"]
    if not methods:
        raise FlowFailed("no shipping method for the address")
    step("checkoutBillingAddressUpdate", id=checkout_id, address=ADDRESS[country])
    step("checkoutDeliveryMethodUpdate", id=checkout_id, method=methods[0]["id"])
    step("transactionInitialize", id=checkout_id)
    completed = step("checkoutComplete", id=checkout_id)
    if not completed.get("order"):
        raise FlowFailed("checkoutComplete returned no order")


def load_variants(target: Target, channel: str, timeout: float) -> list[str]:
    client = Client(target, timeout)
    try:
        types, _, _ = call(client, target, "ProductTypes", PRODUCT_TYPES, {})
        shipped = [
            edge["node"]["id"]
            for edge in types["productTypes"]["edges"]
            if edge["node"]["isShippingRequired"]
        ]
        variables = {"channel": channel, "types": shipped}
        payload, _, _ = call(client, target, "Variants", VARIANTS, variables)
    finally:
        client.close()
    # Products that are shipped, so that every checkout picks a delivery method.
    variants = [
        variant["id"]
        for edge in payload["products"]["edges"]
        if edge["node"]["isAvailableForPurchase"]
        and edge["node"]["productType"]["isShippingRequired"]
        for variant in edge["node"]["variants"] or []
        if (variant.get("quantityAvailable") or 0) > 0
    ]
    if not variants:
        raise BenchError(f"no shipped variant in stock in channel {channel!r}")
    return variants


def run(args: argparse.Namespace) -> dict[str, Any]:
    target = Target(args.url)
    variants = load_variants(target, args.channel, args.timeout)
    results = Results()
    deadline = time.perf_counter() + args.duration

    def worker(index: int) -> None:
        client = Client(target, args.timeout)
        n = 0
        try:
            while time.perf_counter() < deadline:
                variant = variants[(index * 7919 + n) % len(variants)]
                email = f"bench-{index}-{n}@example.com"
                try:
                    one_checkout(
                        client,
                        target,
                        args.channel,
                        args.country,
                        variant,
                        email,
                        results,
                    )
                    with results.lock:
                        results.orders += 1
                except FlowFailed as exc:
                    with results.lock:
                        results.failures[str(exc)[:120]] += 1
                n += 1
        finally:
            client.close()

    started = time.perf_counter()
    threads = [
        threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    steps = {}
    for name, _ in STEPS:
        latencies = sorted(results.latency.get(name, []))
        counts = results.queries.get(name, [])
        steps[name] = {
            "requests": len(latencies),
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "sql_queries": round(statistics.median(counts)) if counts else None,
        }
    return {
        "url": target.base,
        "channel": args.channel,
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 2),
        "orders": results.orders,
        "orders_per_second": round(results.orders / elapsed, 2),
        "failures": dict(results.failures),
        "steps": steps,
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        f"{report['orders']} orders in {report['seconds']} s with "
        f"{report['concurrency']} clients: {report['orders_per_second']} orders/s",
        "",
        f"{'step':32} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>5}",
    ]
    for name, step in report["steps"].items():
        p50 = "" if step["p50_ms"] is None else f"{step['p50_ms']:.2f}"
        p99 = "" if step["p99_ms"] is None else f"{step['p99_ms']:.2f}"
        sql = "" if step["sql_queries"] is None else str(step["sql_queries"])
        lines.append(f"{name:32} {step['requests']:>8} {p50:>8} {p99:>8} {sql:>5}")
    for reason, count in report["failures"].items():
        lines.append(f"failed {count}x: {reason}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--channel", default="default-channel")
    parser.add_argument("--country", choices=sorted(ADDRESS), default="US")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    try:
        report = run(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0 if report["orders"] else 1


if __name__ == "__main__":
    sys.exit(main())
