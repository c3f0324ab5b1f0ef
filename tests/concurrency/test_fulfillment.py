"""orderFulfill under concurrent requests, against the real PostgreSQL (each
thread its own connection and transaction; see test_checkout_complete)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.inventory.models import Allocation, Stock
from mercato.order.checkout_complete import complete_checkout
from mercato.order.fulfillment import FulfillLine, FulfillStock, fulfill_order
from mercato.order.models import Fulfillment, Order, OrderStatus
from tests.concurrency.test_checkout_complete import run_together
from tests.factories.order import Shop, make_shop, ready_checkout

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = Actor(is_staff=True)


def place(shop: Shop, quantity: int) -> Order:
    checkout = ready_checkout(shop, [(shop.variant, quantity)])
    return complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())


def assert_stock_consistent() -> None:
    for row in Stock.objects.all():
        allocated = Allocation.objects.filter(stock=row).aggregate(
            n=Sum("quantity_allocated")
        )["n"]
        assert row.quantity_allocated == (allocated or 0)


def test_one_line_is_never_fulfilled_twice() -> None:
    shop = make_shop(quantity=10)
    order = place(shop, 5)
    line = order.lines.get()

    def fulfil_one(_: int) -> object:
        return fulfill_order(
            actor=STAFF,
            order_id=order.pk,
            lines=[FulfillLine(line.pk, [FulfillStock(shop.warehouse.pk, 1)])],
        )

    results = run_together(8, fulfil_one)

    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 3, failed
    assert all(
        isinstance(r, ValidationFailed) and r.errors[0].code == "FULFILL_ORDER_LINE"
        for r in failed
    )
    numbers = sorted(
        Fulfillment.objects.filter(order=order).values_list(
            "fulfillment_order", flat=True
        )
    )
    assert numbers == [1, 2, 3, 4, 5]
    line.refresh_from_db()
    assert line.quantity_fulfilled == 5
    assert Order.objects.get(pk=order.pk).status == OrderStatus.FULFILLED
    stock = Stock.objects.get()
    assert (stock.quantity, stock.quantity_allocated) == (5, 0)
    assert_stock_consistent()


def test_fulfilling_while_shoppers_check_out_keeps_stock_exact() -> None:
    shop = make_shop(quantity=10)
    order = place(shop, 5)
    line = order.lines.get()
    checkouts = [ready_checkout(shop, [(shop.variant, 1)]) for _ in range(6)]

    def work(index: int) -> object:
        if index == 0:
            return fulfill_order(
                actor=STAFF,
                order_id=order.pk,
                lines=[FulfillLine(line.pk, [FulfillStock(shop.warehouse.pk, 5)])],
            )
        return complete_checkout(
            checkout_token=checkouts[index - 1].pk, actor=Actor.anonymous()
        )

    results = run_together(7, work)

    assert not isinstance(results[0], BaseException), results[0]
    placed = [r for r in results[1:] if isinstance(r, Order)]
    # Five units were free besides the fulfilled order's: five shoppers get one.
    assert len(placed) == 5
    stock = Stock.objects.get()
    assert (stock.quantity, stock.quantity_allocated) == (5, 5)
    assert_stock_consistent()
