"""Fulfilling orders: stock leaves the chosen warehouses, allocations shrink with
it, the order's status follows, and storefronts read the fulfillments."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum
from graphql import ExecutionResult, execute
from procrastinate.contrib.django.models import ProcrastinateJob

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate
from mercato.inventory.models import Allocation, Stock, Warehouse
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import (
    Fulfillment,
    FulfillmentStatus,
    Order,
    OrderEvent,
    OrderEventType,
    OrderLine,
    OrderStatus,
)
from mercato.order.tasks import send_fulfillment_confirmation_job
from mercato.product.models import ProductVariant
from tests.factories.account import make_user
from tests.factories.order import Shop, add_warehouse, make_shop, ready_checkout
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_gql() -> Any:
    """Runs an operation as a stored staff user (order events point to them)."""
    staff = make_user("staff@example.com", is_staff=True)

    def run(
        query: str,
        variables: dict[str, Any] | None = None,
        permissions: tuple[Permission, ...] = (),
    ) -> ExecutionResult:
        document, errors = parse_and_validate(query)
        assert document is not None, errors
        actor = Actor(
            user_id=staff.pk, is_staff=True, permissions=frozenset(permissions)
        )
        result = execute(
            get_schema(),
            document,
            variable_values=variables or {},
            context_value=RequestContext(request=None, actor=actor),
        )
        assert isinstance(result, ExecutionResult)
        return result

    return run


MANAGE_ORDERS = (Permission.MANAGE_ORDERS,)

FULFILL = """
mutation($order: ID, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments {
      id fulfillmentOrder status statusDisplay trackingNumber
      warehouse { id }
      lines { id quantity orderLine { id } }
    }
    order { status lines { quantityFulfilled quantityToFulfill } }
    errors { field code message warehouse orderLines }
    orderErrors { code }
  }
}
"""

TRACKING = """
mutation($id: ID!, $number: String) {
  orderFulfillmentUpdateTracking(id: $id, input: {trackingNumber: $number}) {
    fulfillment { trackingNumber }
    errors { field code }
  }
}
"""

CANCEL = """
mutation($id: ID!, $warehouse: ID) {
  orderFulfillmentCancel(id: $id, input: {warehouseId: $warehouse}) {
    fulfillment { status }
    order { status lines { quantityFulfilled } }
    errors { field code }
  }
}
"""


def place(shop: Shop, quantity: int = 5, **kwargs: Any) -> Order:
    checkout = ready_checkout(shop, [(shop.variant, quantity)], **kwargs)
    return complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())


def two_warehouse_shop() -> tuple[Shop, Warehouse, Warehouse]:
    """Warehouse A (first in the channel) holds 10 units, B holds 5."""
    shop = make_shop(quantity=10)
    second = add_warehouse(shop, sort_order=1)
    Stock.objects.create(warehouse=second, product_variant=shop.variant, quantity=5)
    return shop, shop.warehouse, second


def stock(warehouse: Warehouse, shop: Shop) -> Stock:
    return Stock.objects.get(warehouse=warehouse, product_variant=shop.variant)


def assert_allocations_consistent() -> None:
    for row in Stock.objects.all():
        allocated = (
            Allocation.objects.filter(stock=row).aggregate(n=Sum("quantity_allocated"))[
                "n"
            ]
            or 0
        )
        assert row.quantity_allocated == allocated, row.pk


def fulfill_input(
    line: OrderLine, *stocks: tuple[Warehouse, int], **extra: Any
) -> dict[str, Any]:
    return {
        "lines": [
            {
                "orderLineId": to_global_id("OrderLine", line.pk),
                "stocks": [
                    {"warehouse": to_global_id("Warehouse", w.pk), "quantity": n}
                    for w, n in stocks
                ],
            }
        ],
        **extra,
    }


def run_fulfill(
    staff_gql: Any, order: Order, input: dict[str, Any], permissions: Any = None
) -> dict[str, Any]:
    result = staff_gql(
        FULFILL,
        {"order": to_global_id("Order", order.pk), "input": input},
        permissions=MANAGE_ORDERS if permissions is None else permissions,
    )
    assert result.errors is None, result.errors
    data: dict[str, Any] = result.data["orderFulfill"]
    return data


def snapshot(order: Order) -> tuple[Any, ...]:
    return (
        list(
            Stock.objects.order_by("pk").values_list("quantity", "quantity_allocated")
        ),
        list(Allocation.objects.order_by("pk").values_list("quantity_allocated")),
        list(order.lines.values_list("quantity_fulfilled", flat=True)),
        Order.objects.get(pk=order.pk).status,
        Fulfillment.objects.count(),
        OrderEvent.objects.filter(order=order).count(),
    )


def test_fulfil_partially_then_fully_across_two_warehouses(staff_gql: Any) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 5)
    line = order.lines.get()
    assert stock(a, shop).quantity_allocated == 5

    first = run_fulfill(
        staff_gql, order, fulfill_input(line, (a, 2), (b, 1), trackingNumber="TRK-1")
    )

    assert first["errors"] == []
    assert [f["fulfillmentOrder"] for f in first["fulfillments"]] == [1, 2]
    assert [f["warehouse"]["id"] for f in first["fulfillments"]] == [
        to_global_id("Warehouse", a.pk),
        to_global_id("Warehouse", b.pk),
    ]
    assert [f["lines"][0]["quantity"] for f in first["fulfillments"]] == [2, 1]
    assert first["fulfillments"][0]["status"] == "FULFILLED"
    assert first["fulfillments"][0]["statusDisplay"] == "Fulfilled"
    assert first["fulfillments"][0]["trackingNumber"] == "TRK-1"
    assert first["fulfillments"][0]["lines"][0]["orderLine"]["id"] == to_global_id(
        "OrderLine", line.pk
    )
    assert first["order"]["status"] == "PARTIALLY_FULFILLED"
    assert first["order"]["lines"] == [{"quantityFulfilled": 3, "quantityToFulfill": 2}]
    # A gave 2 units, B one; the line's allocation (all in A) shrank by 3.
    assert (stock(a, shop).quantity, stock(a, shop).quantity_allocated) == (8, 2)
    assert (stock(b, shop).quantity, stock(b, shop).quantity_allocated) == (4, 0)
    assert_allocations_consistent()

    second = run_fulfill(staff_gql, order, fulfill_input(line, (a, 2)))

    assert second["errors"] == []
    assert [f["fulfillmentOrder"] for f in second["fulfillments"]] == [3]
    assert second["order"]["status"] == "FULFILLED"
    assert second["order"]["lines"] == [
        {"quantityFulfilled": 5, "quantityToFulfill": 0}
    ]
    assert (stock(a, shop).quantity, stock(a, shop).quantity_allocated) == (6, 0)
    assert not Allocation.objects.filter(order_line=line).exists()
    assert_allocations_consistent()
    events = OrderEvent.objects.filter(
        order=order, type=OrderEventType.FULFILLMENT_FULFILLED_ITEMS
    )
    assert events.count() == 3
    assert sum(e.parameters["quantity"] for e in events) == 5


def test_fulfilling_leaves_other_orders_allocations_alone(staff_gql: Any) -> None:
    shop = make_shop(quantity=6)
    first, other = place(shop, 3), place(shop, 3)
    warehouse = shop.warehouse

    data = run_fulfill(
        staff_gql, first, fulfill_input(first.lines.get(), (warehouse, 3))
    )

    assert data["errors"] == []
    row = stock(warehouse, shop)
    assert (row.quantity, row.quantity_allocated) == (3, 3)
    assert Allocation.objects.get(order_line__order=other).quantity_allocated == 3
    assert_allocations_consistent()


@pytest.mark.parametrize(
    ("stocks", "field", "code"),
    [
        ([("a", 4), ("b", 2)], "orderLineId", "FULFILL_ORDER_LINE"),
        ([("a", 0)], "lines", "ZERO_QUANTITY"),
        ([("a", -1), ("b", 2)], "quantity", "INVALID_QUANTITY"),
        ([("a", 1), ("a", 1)], "warehouse", "DUPLICATED_INPUT_ITEM"),
    ],
)
def test_bad_input_changes_nothing(
    staff_gql: Any, stocks: list[tuple[str, int]], field: str, code: str
) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 5)
    line = order.lines.get()
    by_name = {"a": a, "b": b}
    before = snapshot(order)

    data = run_fulfill(
        staff_gql, order, fulfill_input(line, *((by_name[w], n) for w, n in stocks))
    )

    assert data["fulfillments"] is None
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(field, code)]
    assert data["orderErrors"] == [{"code": code}]
    assert snapshot(order) == before


def test_insufficient_stock_names_the_warehouse_and_changes_nothing(
    staff_gql: Any,
) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 8)
    line = order.lines.get()
    before = snapshot(order)

    data = run_fulfill(staff_gql, order, fulfill_input(line, (a, 2), (b, 6)))

    [error] = data["errors"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["field"] == "stocks"
    assert error["warehouse"] == to_global_id("Warehouse", b.pk)
    assert error["orderLines"] == [to_global_id("OrderLine", line.pk)]
    assert snapshot(order) == before


def test_stock_may_be_exceeded_when_asked(staff_gql: Any) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 8)
    line = order.lines.get()

    data = run_fulfill(
        staff_gql,
        order,
        fulfill_input(line, (a, 2), (b, 6), allowStockToBeExceeded=True),
    )

    assert data["errors"] == []
    # B had 5 of the 6 units: its stock stops at zero.
    assert stock(b, shop).quantity == 0
    assert (stock(a, shop).quantity, stock(a, shop).quantity_allocated) == (8, 0)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.FULFILLED
    assert_allocations_consistent()


def test_units_held_by_other_orders_cannot_be_fulfilled(staff_gql: Any) -> None:
    shop, a, b = two_warehouse_shop()
    place(shop, 9)  # nine of A's ten units are promised to another order
    mine = place(shop, 3)  # one unit allocated in A, two in B
    line = mine.lines.get()
    before = snapshot(mine)

    data = run_fulfill(staff_gql, mine, fulfill_input(line, (a, 3)))

    assert [e["code"] for e in data["errors"]] == ["INSUFFICIENT_STOCK"]
    assert snapshot(mine) == before

    data = run_fulfill(staff_gql, mine, fulfill_input(line, (a, 1), (b, 2)))

    assert data["errors"] == []
    assert (stock(a, shop).quantity, stock(a, shop).quantity_allocated) == (9, 9)
    assert (stock(b, shop).quantity, stock(b, shop).quantity_allocated) == (3, 0)
    assert_allocations_consistent()


def test_variants_without_inventory_tracking_take_no_stock(staff_gql: Any) -> None:
    shop = make_shop(quantity=1)
    ProductVariant.objects.filter(pk=shop.variant.pk).update(track_inventory=False)
    order = place(shop, 3)  # more than the stock holds: no allocation

    data = run_fulfill(
        staff_gql, order, fulfill_input(order.lines.get(), (shop.warehouse, 3))
    )

    assert data["errors"] == []
    assert data["order"]["status"] == "FULFILLED"
    row = stock(shop.warehouse, shop)
    assert (row.quantity, row.quantity_allocated) == (1, 0)


def test_unconfirmed_order_cannot_be_fulfilled(staff_gql: Any) -> None:
    shop = make_shop()
    order = place(shop, 2)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.UNCONFIRMED)
    before = snapshot(order)

    data = run_fulfill(
        staff_gql, order, fulfill_input(order.lines.get(), (shop.warehouse, 1))
    )

    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("order", "NOT_EDITABLE")
    ]
    assert snapshot(order) == before


def test_line_of_another_order_is_not_found(staff_gql: Any) -> None:
    shop = make_shop()
    order, other = place(shop, 1), place(shop, 1)

    data = run_fulfill(
        staff_gql, order, fulfill_input(other.lines.get(), (shop.warehouse, 1))
    )

    assert [e["code"] for e in data["errors"]] == ["NOT_FOUND"]
    assert not Fulfillment.objects.exists()


def test_fulfilling_needs_manage_orders(staff_gql: Any) -> None:
    shop = make_shop()
    order = place(shop, 1)
    variables = {
        "order": to_global_id("Order", order.pk),
        "input": fulfill_input(order.lines.get(), (shop.warehouse, 1)),
    }

    denied = staff_gql(FULFILL, variables, permissions=(Permission.MANAGE_PRODUCTS,))

    assert denied.errors and "MANAGE_ORDERS" in denied.errors[0].message
    assert not Fulfillment.objects.exists()
    assert stock(shop.warehouse, shop).quantity == 10


def test_tracking_update_and_cancel(staff_gql: Any) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 3)
    line = order.lines.get()
    data = run_fulfill(staff_gql, order, fulfill_input(line, (a, 3)))
    fulfillment_id = data["fulfillments"][0]["id"]

    tracked = staff_gql(
        TRACKING, {"id": fulfillment_id, "number": "NEW-9"}, permissions=MANAGE_ORDERS
    ).data["orderFulfillmentUpdateTracking"]
    assert tracked == {"fulfillment": {"trackingNumber": "NEW-9"}, "errors": []}
    assert OrderEvent.objects.filter(
        order=order, type=OrderEventType.TRACKING_UPDATED
    ).exists()

    missing = staff_gql(CANCEL, {"id": fulfillment_id}, permissions=MANAGE_ORDERS)
    assert missing.data["orderFulfillmentCancel"]["errors"] == [
        {"field": "warehouseId", "code": "REQUIRED"}
    ]

    canceled = staff_gql(
        CANCEL,
        {"id": fulfillment_id, "warehouse": to_global_id("Warehouse", b.pk)},
        permissions=MANAGE_ORDERS,
    ).data["orderFulfillmentCancel"]
    assert canceled == {
        "fulfillment": {"status": "CANCELED"},
        "order": {"status": "UNFULFILLED", "lines": [{"quantityFulfilled": 0}]},
        "errors": [],
    }
    # The units went back into B and are promised to the line there again.
    assert (stock(a, shop).quantity, stock(a, shop).quantity_allocated) == (7, 0)
    assert (stock(b, shop).quantity, stock(b, shop).quantity_allocated) == (8, 3)
    assert Allocation.objects.get(order_line=line).stock == stock(b, shop)
    assert Fulfillment.objects.get().status == FulfillmentStatus.CANCELED
    assert_allocations_consistent()

    again = staff_gql(
        CANCEL,
        {"id": fulfillment_id, "warehouse": to_global_id("Warehouse", b.pk)},
        permissions=MANAGE_ORDERS,
    ).data["orderFulfillmentCancel"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [
        ("fulfillment", "CANNOT_CANCEL_FULFILLMENT")
    ]
    assert stock(b, shop).quantity == 8


STOREFRONT = """{ me { orders(first: 10) { edges { node {
  fulfillments {
    id status created trackingNumber lines { id quantity orderLine { id } }
  }
} } } } }"""


def test_storefront_reads_fulfillments_in_constant_queries(
    gql: Any, staff_gql: Any, count_queries: Any
) -> None:
    shop = make_shop(quantity=50)
    user = make_user()

    def place_and_fulfil() -> Order:
        order = place(shop, 2, email=user.email, user_id=user.pk)
        line = order.lines.get()
        run_fulfill(staff_gql, order, fulfill_input(line, (shop.warehouse, 1)))
        run_fulfill(
            staff_gql,
            order,
            fulfill_input(line, (shop.warehouse, 1), trackingNumber="T"),
        )
        return order

    orders = [place_and_fulfil() for _ in range(2)]
    headers = bearer(sign_in(gql)["token"])

    def run() -> tuple[int, list[Any]]:
        with count_queries() as queries:
            result = gql(STOREFRONT, **headers)
        assert "errors" not in result, result
        return len(queries), result["data"]["me"]["orders"]["edges"]

    small, edges = run()
    newest = edges[0]["node"]["fulfillments"]
    assert [f["trackingNumber"] for f in newest] == ["", "T"]
    assert [f["status"] for f in newest] == ["FULFILLED", "FULFILLED"]
    line_id = to_global_id("OrderLine", orders[-1].lines.get().pk)
    assert newest[0]["lines"] == [
        {"id": newest[0]["lines"][0]["id"], "quantity": 1, "orderLine": {"id": line_id}}
    ]

    for _ in range(3):
        place_and_fulfil()
    large, edges = run()

    assert len(edges) == 5
    assert large == small


EVENTS = """
query($id: ID) {
  order(id: $id) {
    events {
      type quantity composedId warehouse { id }
      fulfilledItems { quantity orderLine { id } }
    }
  }
}
"""


def test_fulfilled_items_events_name_the_fulfillment_and_its_lines(
    staff_gql: Any,
) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 3)
    line = order.lines.get()
    run_fulfill(staff_gql, order, fulfill_input(line, (a, 2), (b, 1)))

    result = staff_gql(
        EVENTS, {"id": to_global_id("Order", order.pk)}, permissions=MANAGE_ORDERS
    )

    assert result.errors is None, result.errors
    events = [
        e
        for e in result.data["order"]["events"]
        if e["type"] == "FULFILLMENT_FULFILLED_ITEMS"
    ]
    line_id = to_global_id("OrderLine", line.pk)
    assert events == [
        {
            "type": "FULFILLMENT_FULFILLED_ITEMS",
            "quantity": n,
            "composedId": f"{order.number}-{number}",
            "warehouse": {"id": to_global_id("Warehouse", w.pk)},
            "fulfilledItems": [{"quantity": n, "orderLine": {"id": line_id}}],
        }
        for number, w, n in ((1, a, 2), (2, b, 1))
    ]


def test_fulfillment_metadata_is_staff_writable(staff_gql: Any) -> None:
    shop = make_shop()
    order = place(shop, 1)
    data = run_fulfill(
        staff_gql, order, fulfill_input(order.lines.get(), (shop.warehouse, 1))
    )
    fulfillment_id = data["fulfillments"][0]["id"]
    mutation = """mutation($id: ID!) {
      updateMetadata(id: $id, input: [{key: "carrier", value: "DHL"}]) {
        errors { code } item { ... on Fulfillment { metadata { key value } } } } }"""

    denied = staff_gql(mutation, {"id": fulfillment_id})
    assert denied.errors and "MANAGE_ORDERS" in denied.errors[0].message

    result = staff_gql(mutation, {"id": fulfillment_id}, permissions=MANAGE_ORDERS)
    assert result.data["updateMetadata"]["item"]["metadata"] == [
        {"key": "carrier", "value": "DHL"}
    ]
    assert Fulfillment.objects.get().metadata == {"carrier": "DHL"}


def shipping_jobs() -> list[dict[str, Any]]:
    jobs = ProcrastinateJob.objects.filter(
        task_name="order.send_fulfillment_confirmation"
    ).order_by("id")
    return [job.args for job in jobs]


def test_buyer_is_emailed_what_each_fulfillment_sent(
    staff_gql: Any, mailoutbox: list[Any]
) -> None:
    shop, a, b = two_warehouse_shop()
    order = place(shop, 3, email="ada@example.com")
    line = order.lines.get()

    run_fulfill(
        staff_gql,
        order,
        fulfill_input(line, (a, 2), (b, 1), trackingNumber="TRK-77"),
    )

    first, second = Fulfillment.objects.order_by("fulfillment_order")
    assert shipping_jobs() == [
        {"fulfillment_id": first.pk},
        {"fulfillment_id": second.pk},
    ]
    emails = staff_gql(
        "query($id: ID) { order(id: $id) { events { type email emailType } } }",
        {"id": to_global_id("Order", order.pk)},
        permissions=MANAGE_ORDERS,
    ).data["order"]["events"]
    assert {
        "type": "EMAIL_SENT",
        "email": "ada@example.com",
        "emailType": "FULFILLMENT_CONFIRMATION",
    } in emails
    send_fulfillment_confirmation_job(fulfillment_id=first.pk)
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert str(order.number) in message.subject
    assert f"2 x {line.product_name}" in message.body
    assert "Tracking number: TRK-77" in message.body


def test_no_email_when_the_customer_is_not_notified(staff_gql: Any) -> None:
    shop = make_shop()
    order = place(shop, 1)

    run_fulfill(
        staff_gql,
        order,
        fulfill_input(order.lines.get(), (shop.warehouse, 1), notifyCustomer=False),
    )

    assert Fulfillment.objects.count() == 1
    assert shipping_jobs() == []


def test_tracking_update_emails_the_buyer_when_asked(
    staff_gql: Any, mailoutbox: list[Any]
) -> None:
    shop = make_shop()
    order = place(shop, 1, email="ada@example.com")
    data = run_fulfill(
        staff_gql,
        order,
        fulfill_input(order.lines.get(), (shop.warehouse, 1), notifyCustomer=False),
    )
    fulfillment_id = data["fulfillments"][0]["id"]
    mutation = """mutation($id: ID!) {
      orderFulfillmentUpdateTracking(
        id: $id, input: {trackingNumber: "ZX-1", notifyCustomer: true}
      ) { errors { code } } }"""

    result = staff_gql(mutation, {"id": fulfillment_id}, permissions=MANAGE_ORDERS)

    assert result.data["orderFulfillmentUpdateTracking"]["errors"] == []
    fulfillment = Fulfillment.objects.get()
    assert shipping_jobs() == [
        {"fulfillment_id": fulfillment.pk, "tracking_updated": True}
    ]
    send_fulfillment_confirmation_job(
        fulfillment_id=fulfillment.pk, tracking_updated=True
    )
    [message] = mailoutbox
    assert message.subject == f"Tracking number for your order {order.number}"
    assert "Tracking number: ZX-1" in message.body
