from __future__ import annotations

from typing import Any

import pytest
from graphql import ExecutionResult, execute

from mercato.account.models import User
from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate
from mercato.order.models import Order
from tests.factories.account import make_user
from tests.factories.order import make_shop, ready_checkout
from tests.factories.payment import (
    DUMMY_ID,
    add_event,
    dummy_gateway_on,
    make_transaction,
)

pytestmark = pytest.mark.django_db

PAY = """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!, $amount: PositiveDecimal,
         $action: TransactionFlowStrategyEnum) {
  transactionInitialize(id: $id, paymentGateway: $gateway, amount: $amount,
                        action: $action) {
    errors { field code }
  }
}
"""
COMPLETE = """
mutation($id: ID) {
  checkoutComplete(id: $id) { order { id } errors { field code message } }
}
"""
ORDER_PAYMENT = """
query($id: ID!) {
  order(id: $id) {
    isPaid chargeStatus authorizeStatus paymentStatus paymentStatusDisplay
    totalCharged { amount currency } totalAuthorized { amount }
    totalBalance { amount } total { gross { amount } }
  }
}
"""
ORDER_TRANSACTIONS = """
query($id: ID!) {
  order(id: $id) {
    transactions { name chargedAmount { amount } order { id } checkout { id } }
  }
}
"""


@pytest.fixture(autouse=True)
def dummy() -> Any:
    with dummy_gateway_on():
        yield


def pay(gql: Any, checkout: Any, event: str, **variables: Any) -> None:
    gateway = {"id": DUMMY_ID, "data": {"event": {"type": event}}}
    body = gql(
        PAY,
        {
            "id": to_global_id("Checkout", checkout.token),
            "gateway": gateway,
            **variables,
        },
    )
    assert body["data"]["transactionInitialize"]["errors"] == [], body


def complete(gql: Any, checkout: Any) -> str:
    body = gql(COMPLETE, {"id": to_global_id("Checkout", checkout.token)})
    payload = body["data"]["checkoutComplete"]
    assert payload["errors"] == [], payload
    return payload["order"]["id"]  # type: ignore[no-any-return]


def order_payment(gql: Any, order_id: str) -> dict[str, Any]:
    body = gql(ORDER_PAYMENT, {"id": order_id})
    assert "errors" not in body, body
    return body["data"]["order"]  # type: ignore[no-any-return]


def as_staff(query: str, variables: Any, *permissions: Permission) -> ExecutionResult:
    user = User.objects.filter(email="clerk@example.com").first()
    user = user or make_user("clerk@example.com", is_staff=True)
    document, errors = parse_and_validate(query)
    assert document is not None, errors
    actor = Actor(user_id=user.pk, is_staff=True, permissions=frozenset(permissions))
    result = execute(
        get_schema(),
        document,
        variable_values=variables,
        context_value=RequestContext(request=None, actor=actor),
    )
    assert isinstance(result, ExecutionResult)
    return result


def test_paid_checkout_becomes_a_paid_order(gql: Any) -> None:
    shop = make_shop(allow_unpaid=False)
    checkout = ready_checkout(shop)
    total = float(checkout.total_gross_amount)
    pay(gql, checkout, "CHARGE_SUCCESS")
    order_id = complete(gql, checkout)
    assert order_payment(gql, order_id) == {
        "isPaid": True,
        "chargeStatus": "FULL",
        "authorizeStatus": "FULL",
        "paymentStatus": "FULLY_CHARGED",
        "paymentStatusDisplay": "Fully charged",
        "totalCharged": {"amount": total, "currency": "USD"},
        "totalAuthorized": {"amount": 0.0},
        "totalBalance": {"amount": 0.0},
        "total": {"gross": {"amount": total}},
    }
    result = as_staff(ORDER_TRANSACTIONS, {"id": order_id}, Permission.MANAGE_ORDERS)
    assert result.errors is None, result.errors
    [transaction] = result.data["order"]["transactions"]
    assert transaction["order"] == {"id": order_id} and transaction["checkout"] is None
    assert transaction["chargedAmount"]["amount"] == total


def test_partly_paid_order(gql: Any) -> None:
    shop = make_shop(allow_unpaid=True)
    checkout = ready_checkout(shop)
    pay(gql, checkout, "CHARGE_SUCCESS", amount="4")
    state = order_payment(gql, complete(gql, checkout))
    assert (state["isPaid"], state["chargeStatus"], state["paymentStatus"]) == (
        False,
        "PARTIAL",
        "PARTIALLY_CHARGED",
    )
    assert state["totalBalance"]["amount"] == 4 - state["total"]["gross"]["amount"]


def test_authorized_order(gql: Any) -> None:
    shop = make_shop(allow_unpaid=False)
    checkout = ready_checkout(shop)
    pay(gql, checkout, "AUTHORIZATION_SUCCESS", action="AUTHORIZATION")
    state = order_payment(gql, complete(gql, checkout))
    assert (state["chargeStatus"], state["authorizeStatus"]) == ("NONE", "FULL")
    assert (state["isPaid"], state["paymentStatus"]) == (False, "NOT_CHARGED")
    assert state["totalAuthorized"]["amount"] == state["total"]["gross"]["amount"]


def test_order_transactions_need_permission(gql: Any) -> None:
    shop = make_shop()
    order_id = complete(gql, ready_checkout(shop))
    body = gql(ORDER_TRANSACTIONS, {"id": order_id})
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    allowed = as_staff(ORDER_TRANSACTIONS, {"id": order_id}, Permission.HANDLE_PAYMENTS)
    assert allowed.errors is None and allowed.data["order"]["transactions"] == []


def test_order_list_reads_payments_in_constant_queries(count_queries: Any) -> None:
    shop = make_shop()
    query = """
    { orders(first: 20) { edges { node {
        chargeStatus isPaid totalCharged { amount }
        transactions { events { type } createdBy { __typename } }
    } } } }
    """

    def add_paid_order() -> None:
        order = Order.objects.create(
            channel=shop.channel, currency="USD", total_gross_amount=10
        )
        for _ in range(2):
            item = make_transaction(currency="USD", order=order)
            add_event(item, "CHARGE_SUCCESS", "5", "x")
            item.charged_amount = 5
            item.save()

    def run() -> tuple[int, list[Any]]:
        with count_queries() as queries:
            result = as_staff(query, {}, Permission.MANAGE_ORDERS)
        assert result.errors is None, result.errors
        return len(queries), result.data["orders"]["edges"]

    make_user("clerk@example.com", is_staff=True)
    add_paid_order()
    one, edges = run()
    assert edges[0]["node"]["chargeStatus"] == "FULL"
    for _ in range(3):
        add_paid_order()
    many, edges = run()
    assert len(edges) == 4 and many == one
