"""transactionRequestAction: staff and apps capture, refund and cancel through the
transaction's gateway; and TransactionItem metadata through updateMetadata."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from graphql import ExecutionResult, execute

from mercato.account.models import User
from mercato.app.models import App
from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate
from mercato.payment.models import TransactionEvent, TransactionItem
from tests.factories.account import make_user
from tests.factories.order import make_shop, ready_checkout
from tests.factories.payment import DUMMY_ID, dummy_gateway_on, make_transaction

pytestmark = pytest.mark.django_db

PAY = """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!,
         $action: TransactionFlowStrategyEnum) {
  transactionInitialize(id: $id, paymentGateway: $gateway, action: $action) {
    transaction { id }
    errors { field code }
  }
}
"""
COMPLETE = """
mutation($id: ID) {
  checkoutComplete(id: $id) { order { id } errors { field code message } }
}
"""
REQUEST = """
mutation($id: ID, $token: UUID, $action: TransactionActionEnum!,
         $amount: PositiveDecimal, $reason: String) {
  transactionRequestAction(id: $id, token: $token, actionType: $action,
                           amount: $amount, refundReason: $reason) {
    transaction {
      actions message
      authorizedAmount { amount } chargedAmount { amount }
      refundedAmount { amount } canceledAmount { amount }
      chargePendingAmount { amount } refundPendingAmount { amount }
      events {
        type amount { amount } pspReference message
        createdBy { __typename ... on User { email } ... on App { name } }
      }
    }
    errors { field code message }
  }
}
"""
ORDER = """
query($id: ID!) {
  order(id: $id) {
    chargeStatus authorizeStatus isPaid paymentStatus
    totalCharged { amount } totalAuthorized { amount } totalRefunded { amount }
    totalCanceled { amount } total { gross { amount } }
  }
}
"""


@pytest.fixture(autouse=True)
def dummy() -> Any:
    with dummy_gateway_on():
        yield


def run(query: str, variables: Any, actor: Actor) -> Any:
    """The ExecutionResult of ``query`` run as ``actor``."""
    document, errors = parse_and_validate(query)
    assert document is not None, errors
    result = execute(
        get_schema(),
        document,
        variable_values=variables,
        context_value=RequestContext(request=None, actor=actor),
    )
    assert isinstance(result, ExecutionResult)
    return result


def staff(*permissions: Permission) -> Actor:
    user = User.objects.filter(email="cashier@example.com").first()
    user = user or make_user("cashier@example.com", is_staff=True)
    return Actor(user_id=user.pk, is_staff=True, permissions=frozenset(permissions))


def app_actor(app: App) -> Actor:
    return Actor(app_id=app.pk, permissions=frozenset({Permission.HANDLE_PAYMENTS}))


PAYMENTS = Permission.HANDLE_PAYMENTS


def request(
    transaction_id: str, action: str, actor: Actor | None = None, **variables: Any
) -> dict[str, Any]:
    result = run(
        REQUEST,
        {"id": transaction_id, "action": action, **variables},
        actor or staff(PAYMENTS),
    )
    assert result.errors is None, result.errors
    return result.data["transactionRequestAction"]  # type: ignore[no-any-return]


def authorized_order(gql: Any) -> tuple[str, str, Decimal]:
    """An order paid by a dummy authorization: (order ID, transaction ID, total)."""
    checkout = ready_checkout(make_shop(allow_unpaid=False))
    total = checkout.total_gross_amount
    gateway = {"id": DUMMY_ID, "data": {"event": {"type": "AUTHORIZATION_SUCCESS"}}}
    checkout_id = to_global_id("Checkout", checkout.token)
    paid = gql(PAY, {"id": checkout_id, "gateway": gateway, "action": "AUTHORIZATION"})
    payload = paid["data"]["transactionInitialize"]
    assert payload["errors"] == [], payload
    completed = gql(COMPLETE, {"id": checkout_id})["data"]["checkoutComplete"]
    assert completed["errors"] == [], completed
    return completed["order"]["id"], payload["transaction"]["id"], total


def order_state(gql: Any, order_id: str) -> dict[str, Any]:
    body = gql(ORDER, {"id": order_id})
    assert "errors" not in body, body
    return body["data"]["order"]  # type: ignore[no-any-return]


def amounts(transaction: dict[str, Any]) -> dict[str, float]:
    return {
        key.removesuffix("Amount"): value["amount"]
        for key, value in transaction.items()
        if key.endswith("Amount")
    }


def test_capture_refund_and_cancel_through_the_dummy_gateway(gql: Any) -> None:
    order_id, transaction_id, total = authorized_order(gql)
    assert total == 10
    before = order_state(gql, order_id)
    assert (before["chargeStatus"], before["authorizeStatus"]) == ("NONE", "FULL")

    # Capture all but 4 of the authorization.
    captured = request(transaction_id, "CHARGE", amount=str(total - 4))
    assert captured["errors"] == []
    item = captured["transaction"]
    assert amounts(item) == {
        "authorized": 4.0,
        "charged": float(total - 4),
        "refunded": 0.0,
        "canceled": 0.0,
        "chargePending": 0.0,
        "refundPending": 0.0,
    }
    assert item["actions"] == ["CHARGE", "CANCEL", "REFUND"]
    request_event, success = item["events"][-2:]
    assert (request_event["type"], success["type"]) == (
        "CHARGE_REQUEST",
        "CHARGE_SUCCESS",
    )
    assert request_event["amount"]["amount"] == success["amount"]["amount"]
    assert request_event["pspReference"] == success["pspReference"] != ""
    assert request_event["createdBy"] == {
        "__typename": "User",
        "email": "cashier@example.com",
    }
    state = order_state(gql, order_id)
    assert (state["chargeStatus"], state["authorizeStatus"]) == ("PARTIAL", "FULL")
    assert state["totalCharged"]["amount"] == float(total - 4)

    # The rest of the authorization, by default amount.
    rest = request(transaction_id, "CHARGE")
    assert rest["errors"] == []
    assert rest["transaction"]["events"][-1]["amount"]["amount"] == 4.0
    assert rest["transaction"]["actions"] == ["REFUND"]
    state = order_state(gql, order_id)
    assert (state["chargeStatus"], state["isPaid"]) == ("FULL", True)
    assert state["totalCharged"]["amount"] == float(total)
    assert state["totalAuthorized"]["amount"] == 0.0

    # A partial refund, with a reason kept on the request.
    refunded = request(transaction_id, "REFUND", amount="3", reason="Broken lid")
    assert refunded["errors"] == []
    assert refunded["transaction"]["events"][-2]["message"] == "Broken lid"
    assert amounts(refunded["transaction"])["refunded"] == 3.0
    state = order_state(gql, order_id)
    assert state["totalRefunded"]["amount"] == 3.0
    assert state["totalCharged"]["amount"] == float(total - 3)
    assert (state["chargeStatus"], state["paymentStatus"]) == (
        "PARTIAL",
        "PARTIALLY_REFUNDED",
    )


def test_cancel_the_remaining_authorization(gql: Any) -> None:
    order_id, transaction_id, total = authorized_order(gql)
    assert request(transaction_id, "CHARGE", amount="5")["errors"] == []
    canceled = request(transaction_id, "CANCEL")
    assert canceled["errors"] == []
    item = canceled["transaction"]
    assert [e["type"] for e in item["events"][-2:]] == [
        "CANCEL_REQUEST",
        "CANCEL_SUCCESS",
    ]
    assert amounts(item)["canceled"] == float(total - 5)
    assert amounts(item)["authorized"] == 0.0
    assert item["actions"] == ["REFUND"]
    state = order_state(gql, order_id)
    assert (state["chargeStatus"], state["authorizeStatus"]) == ("PARTIAL", "PARTIAL")
    assert state["totalCanceled"]["amount"] == float(total - 5)
    # Nothing is left to cancel or charge now.
    again = request(transaction_id, "CANCEL")
    assert again["errors"][0]["code"] == "INVALID"


def test_more_than_available_is_invalid_and_changes_nothing(gql: Any) -> None:
    _, transaction_id, total = authorized_order(gql)
    events = TransactionEvent.objects.count()
    over = request(transaction_id, "CHARGE", amount=str(total + 1))
    assert over["transaction"] is None
    assert [(e["field"], e["code"]) for e in over["errors"]] == [("amount", "INVALID")]
    # Refunding money that was never charged: the transaction does not offer it.
    refund = request(transaction_id, "REFUND", amount="1")
    assert [(e["field"], e["code"]) for e in refund["errors"]] == [
        ("actionType", "INVALID")
    ]
    zero = request(transaction_id, "CHARGE", amount="0")
    assert zero["errors"][0]["code"] == "INVALID"
    too_precise = request(transaction_id, "CHARGE", amount="1.001")
    assert too_precise["errors"][0]["field"] == "amount"
    reason = request(transaction_id, "CHARGE", reason="why")
    assert [(e["field"], e["code"]) for e in reason["errors"]] == [
        ("refundReason", "INVALID")
    ]
    assert TransactionEvent.objects.count() == events
    item = TransactionItem.objects.get()
    assert item.charged_amount == 0 and item.authorized_amount == total


def test_shoppers_and_staff_without_permission_are_denied(gql: Any) -> None:
    _, transaction_id, total = authorized_order(gql)
    variables = {"id": transaction_id, "action": "CHARGE"}
    body = gql(REQUEST, variables)
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    customer = make_user("buyer2@example.com")
    result = run(REQUEST, variables, Actor(user_id=customer.pk))
    assert isinstance(result.errors[0].original_error, PermissionDenied)
    clerk = run(REQUEST, variables, staff(Permission.MANAGE_ORDERS))
    assert isinstance(clerk.errors[0].original_error, PermissionDenied)
    item = TransactionItem.objects.get()
    assert item.charged_amount == 0 and item.authorized_amount == total


def test_an_app_requests_and_is_recorded_as_the_requester(gql: Any) -> None:
    order_id, _, _ = authorized_order(gql)
    app = App.objects.create(name="Back office")
    by_token = str(TransactionItem.objects.get().token)
    result = run(
        REQUEST,
        {"token": by_token, "action": "CHARGE"},
        app_actor(app),
    )
    assert result.errors is None, result.errors
    payload = result.data["transactionRequestAction"]
    assert payload["errors"] == []
    request_event = payload["transaction"]["events"][-2]
    assert request_event["createdBy"] == {"__typename": "App", "name": "Back office"}
    assert order_state(gql, order_id)["chargeStatus"] == "FULL"


def test_transactions_without_a_gateway_have_nobody_to_ask(gql: Any) -> None:
    checkout = ready_checkout(make_shop())
    app = App.objects.create(name="PSP")
    for fields in ({"app": app}, {"user": make_user("staff@example.com")}):
        item = make_transaction(
            checkout=checkout,
            available_actions=["CHARGE", "CANCEL"],
            authorized_amount=Decimal(5),
            **fields,
        )
        answer = request(
            to_global_id("TransactionItem", item.token), "CHARGE", app_actor(app)
        )
        assert answer["errors"] == [
            {
                "field": None,
                "code": "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK",
                "message": answer["errors"][0]["message"],
            }
        ]
        assert not item.events.exists()
    # A gateway that is switched off cannot be asked either.
    _, transaction_id, _ = authorized_order(gql)
    with override_settings(PAYMENT_GATEWAYS=[]):
        off = request(transaction_id, "CHARGE")
    assert off["errors"][0]["code"] == "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK"


def test_unknown_transaction(gql: Any) -> None:
    missing = to_global_id("TransactionItem", "00000000-0000-0000-0000-000000000000")
    answer = request(missing, "CHARGE")
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("id", "NOT_FOUND")]
    wrong_type = run(
        REQUEST,
        {"id": to_global_id("Order", 1), "action": "CHARGE"},
        staff(PAYMENTS),
    )
    assert wrong_type.errors and "Invalid ID" in wrong_type.errors[0].message


# ---------------------------------------------------------------- metadata

UPDATE_METADATA = """
mutation($id: ID!, $input: [MetadataInput!]!) {
  updateMetadata(id: $id, input: $input) {
    item { __typename metadata { key value } }
    errors { field code }
  }
}
"""
UPDATE_PRIVATE = """
mutation($id: ID!, $input: [MetadataInput!]!) {
  updatePrivateMetadata(id: $id, input: $input) {
    item { ... on TransactionItem { privateMetadata { key value } } }
    errors { field code }
  }
}
"""
DELETE_METADATA = """
mutation($id: ID!, $keys: [String!]!) {
  deleteMetadata(id: $id, keys: $keys) { errors { field code } }
}
"""


def test_transaction_metadata(gql: Any) -> None:
    item = make_transaction(checkout=ready_checkout(make_shop()), metadata={"old": "1"})
    transaction_id = to_global_id("TransactionItem", item.token)
    entries = {"id": transaction_id, "input": [{"key": "ref", "value": "A-1"}]}
    for query in (UPDATE_METADATA, UPDATE_PRIVATE):
        denied = run(query, entries, staff(Permission.MANAGE_ORDERS))
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, entries)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    item.refresh_from_db()
    assert item.metadata == {"old": "1"} and item.private_metadata == {}

    public = run(UPDATE_METADATA, entries, staff(PAYMENTS))
    assert public.errors is None, public.errors
    assert public.data["updateMetadata"]["item"] == {
        "__typename": "TransactionItem",
        "metadata": [{"key": "old", "value": "1"}, {"key": "ref", "value": "A-1"}],
    }
    private = run(UPDATE_PRIVATE, entries, staff(PAYMENTS))
    assert private.data["updatePrivateMetadata"]["item"] == {
        "privateMetadata": [{"key": "ref", "value": "A-1"}]
    }
    deleted = run(
        DELETE_METADATA, {"id": transaction_id, "keys": ["old"]}, staff(PAYMENTS)
    )
    assert deleted.data["deleteMetadata"]["errors"] == []
    item.refresh_from_db()
    assert item.metadata == {"ref": "A-1"}
    assert item.private_metadata == {"ref": "A-1"}

    missing = to_global_id("TransactionItem", "00000000-0000-0000-0000-000000000000")
    unknown = run(UPDATE_METADATA, {**entries, "id": missing}, staff(PAYMENTS))
    assert unknown.data["updateMetadata"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND"}
    ]
    garbage = run(
        UPDATE_METADATA,
        {**entries, "id": to_global_id("TransactionItem", "12")},
        staff(PAYMENTS),
    )
    assert garbage.errors and "Invalid ID" in garbage.errors[0].message
