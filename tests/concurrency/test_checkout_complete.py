"""checkoutComplete under concurrent requests, against the real PostgreSQL.

Each thread has its own database connection (Django's are per thread) and runs
its own transaction, as concurrent web requests do; a barrier starts them
together. The tests commit for real (``transaction=True``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
import pytest
from django.db import connections
from django.db.models import Sum
from django.test import Client

from mercato.checkout.services import add_checkout_promo_code
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from mercato.inventory.models import Allocation, Stock
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order
from tests.factories.discount import make_voucher
from tests.factories.order import add_variant, add_warehouse, make_shop, ready_checkout

pytestmark = pytest.mark.django_db(transaction=True)

T = TypeVar("T")

COMPLETE = """
mutation($id: ID) {
  checkoutComplete(id: $id) { order { id number } errors { code variants } }
}
"""


def run_together(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``work(0..count-1)`` in ``count`` threads started at once; return each
    result or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("did not run")] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.fixture(autouse=True)
def _built_schema() -> None:
    """Build the schema once up front, as a server does at start; otherwise every
    thread's first request would build its own copy at the same time."""
    get_schema()


def post_complete(checkout_id: str) -> tuple[int, dict[str, Any]]:
    response = Client().post(
        "/graphql/",
        orjson.dumps({"query": COMPLETE, "variables": {"id": checkout_id}}),
        content_type="application/json",
    )
    return response.status_code, orjson.loads(response.content)


def assert_stock_consistent() -> None:
    """Every stock row: allocated == sum of its allocations, and never more than
    its quantity."""
    for stock in Stock.objects.all():
        total = (
            Allocation.objects.filter(stock=stock).aggregate(
                n=Sum("quantity_allocated")
            )["n"]
            or 0
        )
        assert stock.quantity_allocated == total, stock.pk
        assert 0 <= stock.quantity_allocated <= stock.quantity, stock.pk


def test_fifty_checkouts_for_the_last_unit_make_exactly_one_order() -> None:
    shop = make_shop(quantity=1)
    ids = [to_global_id("Checkout", ready_checkout(shop).pk) for _ in range(50)]

    results = run_together(50, lambda i: post_complete(ids[i]))

    assert not [r for r in results if isinstance(r, BaseException)]
    answers = [r for r in results if not isinstance(r, BaseException)]
    assert {status for status, _ in answers} == {200}
    assert all("errors" not in body for _, body in answers), answers
    payloads = [body["data"]["checkoutComplete"] for _, body in answers]
    placed = [p for p in payloads if p["order"] is not None]
    refused = [p for p in payloads if p["order"] is None]
    assert len(placed) == 1
    assert len(refused) == 49
    variant_id = to_global_id("ProductVariant", shop.variant.pk)
    for payload in refused:
        assert payload["errors"] == [
            {"code": "INSUFFICIENT_STOCK", "variants": [variant_id]}
        ]
    assert Order.objects.count() == 1
    stock = Stock.objects.get()
    assert stock.quantity_allocated == 1
    assert_stock_consistent()


def test_twenty_completes_of_one_checkout_share_one_order() -> None:
    shop = make_shop(quantity=5)
    checkout_id = to_global_id("Checkout", ready_checkout(shop).pk)

    results = run_together(20, lambda i: post_complete(checkout_id))

    assert not [r for r in results if isinstance(r, BaseException)]
    answers = [r for r in results if not isinstance(r, BaseException)]
    assert {status for status, _ in answers} == {200}
    payloads = [body["data"]["checkoutComplete"] for _, body in answers]
    assert all(p["errors"] == [] for p in payloads), payloads
    order = Order.objects.get()
    assert {p["order"]["id"] for p in payloads} == {to_global_id("Order", order.pk)}
    assert Stock.objects.get().quantity_allocated == 1
    assert_stock_consistent()


def test_crossing_baskets_over_two_warehouses_never_oversell_or_deadlock() -> None:
    """Checkouts take two variants in opposite line orders from two warehouses;
    stock suffices for some of them only."""
    shop = make_shop(quantity=3)
    second_warehouse = add_warehouse(shop, sort_order=1)
    a = shop.variant
    b = add_variant(shop, quantity=2)
    Stock.objects.create(warehouse=second_warehouse, product_variant=a, quantity=2)
    Stock.objects.create(warehouse=second_warehouse, product_variant=b, quantity=3)
    # 5 units of each variant in all; each checkout wants 2 of a and 1 of b.
    tokens = [
        ready_checkout(shop, [(a, 2), (b, 1)] if i % 2 else [(b, 1), (a, 2)]).pk
        for i in range(12)
    ]

    def complete(index: int) -> Order | str:
        try:
            return complete_checkout(
                checkout_token=tokens[index], actor=Actor.anonymous()
            )
        except ValidationFailed as failed:
            return failed.errors[0].code

    results = run_together(12, complete)

    assert not [r for r in results if isinstance(r, BaseException)], results
    orders = [r for r in results if isinstance(r, Order)]
    assert len(orders) == 2  # a runs out after two orders (2 x 2 of 5)
    assert (
        sorted(r for r in results if isinstance(r, str)) == ["INSUFFICIENT_STOCK"] * 10
    )
    assert Stock.objects.aggregate(n=Sum("quantity_allocated"))["n"] == 2 * 3
    assert_stock_consistent()


def test_a_voucher_used_once_goes_to_exactly_one_of_twenty_orders() -> None:
    shop = make_shop(quantity=100, price="20.00")
    code = make_voucher(shop.channel, "ONLYONCE", value="5", usage_limit=1)
    ids = []
    for index in range(20):
        checkout = ready_checkout(shop, email=f"buyer{index}@example.com")
        add_checkout_promo_code(token=checkout.pk, promo_code="ONLYONCE")
        ids.append(to_global_id("Checkout", checkout.pk))

    results = run_together(20, lambda i: post_complete(ids[i]))

    assert not [r for r in results if isinstance(r, BaseException)]
    answers = [r for r in results if not isinstance(r, BaseException)]
    assert {status for status, _ in answers} == {200}
    payloads = [body["data"]["checkoutComplete"] for _, body in answers]
    placed = [p for p in payloads if p["order"] is not None]
    assert len(placed) == 1
    refused = [p["errors"][0]["code"] for p in payloads if p["order"] is None]
    assert refused == ["VOUCHER_NOT_APPLICABLE"] * 19
    order = Order.objects.get()
    assert order.voucher_code == "ONLYONCE"
    code.refresh_from_db()
    assert code.used == 1
    # The refused checkouts took no stock.
    assert Stock.objects.get().quantity_allocated == 1
    assert_stock_consistent()
