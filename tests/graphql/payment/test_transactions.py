from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from graphql import ExecutionResult, execute

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate
from mercato.payment.models import TransactionEvent, TransactionItem
from mercato.payment.queries import checkout_total
from tests.factories.account import make_user
from tests.factories.catalog import Catalog, build_catalog
from tests.factories.payment import (
    DUMMY_ID,
    add_event,
    dummy_gateway_on,
    make_checkout,
    make_transaction,
)

pytestmark = pytest.mark.django_db

PAYMENTS = (Permission.HANDLE_PAYMENTS,)

CHECKOUT_PAYMENT = """
query($id: ID) {
  checkout(id: $id) {
    chargeStatus authorizeStatus
    totalBalance { amount currency }
    totalPrice { gross { amount } }
    availablePaymentGateways { id name currencies config { field value } }
    storedPaymentMethods { id }
    transactions {
      name pspReference actions
      chargedAmount { amount } authorizedAmount { amount }
      chargePendingAmount { amount }
      events { type amount { amount currency } pspReference }
    }
  }
}
"""
INITIALIZE = """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!, $amount: PositiveDecimal,
         $action: TransactionFlowStrategyEnum, $key: String) {
  transactionInitialize(id: $id, paymentGateway: $gateway, amount: $amount,
                        action: $action, idempotencyKey: $key) {
    transaction { id token chargedAmount { amount } authorizedAmount { amount } }
    transactionEvent { id type amount { amount } pspReference }
    data
    errors { field code message }
  }
}
"""
PROCESS = """
mutation($id: ID, $data: JSON) {
  transactionProcess(id: $id, data: $data) {
    transaction { chargedAmount { amount } }
    transactionEvent { type }
    data
    errors { field code }
  }
}
"""
GATEWAY_INITIALIZE = """
mutation($id: ID!, $gateways: [PaymentGatewayToInitialize!]) {
  paymentGatewayInitialize(id: $id, paymentGateways: $gateways) {
    gatewayConfigs { id data errors { field code } }
    errors { field code }
  }
}
"""


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(1)


@pytest.fixture
def staff_gql() -> Any:
    """Runs an operation as a real staff user (events point at their row)."""
    user = make_user("cashier@example.com", is_staff=True)

    def run(
        query: str, variables: Any = None, permissions: tuple[Permission, ...] = ()
    ) -> ExecutionResult:
        document, errors = parse_and_validate(query)
        assert document is not None, errors
        actor = Actor(
            user_id=user.pk, is_staff=True, permissions=frozenset(permissions)
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


@pytest.fixture
def dummy() -> Any:
    with dummy_gateway_on():
        yield


def checkout_id(checkout: Any) -> str:
    return to_global_id("Checkout", checkout.token)


def pay(gql: Any, checkout: Any, event: str | None = None, **variables: Any) -> Any:
    gateway: dict[str, Any] = {"id": DUMMY_ID}
    if event:
        gateway["data"] = {"event": {"type": event, "includePspReference": True}}
    body = gql(
        INITIALIZE, {"id": checkout_id(checkout), "gateway": gateway, **variables}
    )
    return body["data"]["transactionInitialize"]


def state(gql: Any, checkout: Any) -> dict[str, Any]:
    body = gql(CHECKOUT_PAYMENT, {"id": checkout_id(checkout)})
    assert "errors" not in body, body
    return body["data"]["checkout"]  # type: ignore[no-any-return]


def test_charge_success_pays_the_checkout(
    gql: Any, catalog: Catalog, dummy: Any
) -> None:
    checkout = make_checkout(catalog)
    total = float(checkout_total(checkout))
    before = state(gql, checkout)
    assert (before["chargeStatus"], before["authorizeStatus"]) == ("NONE", "NONE")
    assert before["totalBalance"]["amount"] == -total
    result = pay(gql, checkout, "CHARGE_SUCCESS")
    assert result["errors"] == []
    assert result["transactionEvent"]["type"] == "CHARGE_SUCCESS"
    assert result["transactionEvent"]["amount"]["amount"] == total
    assert result["transactionEvent"]["pspReference"]
    assert result["data"]["event"]["type"] == "CHARGE_SUCCESS"
    after = state(gql, checkout)
    assert (after["chargeStatus"], after["authorizeStatus"]) == ("FULL", "FULL")
    assert after["totalBalance"] == {"amount": 0.0, "currency": "USD"}
    [transaction] = after["transactions"]
    assert transaction["chargedAmount"]["amount"] == total
    assert transaction["actions"] == ["REFUND"]
    assert [e["type"] for e in transaction["events"]] == [
        "CHARGE_REQUEST",
        "CHARGE_SUCCESS",
    ]


def test_partial_then_overcharged(gql: Any, catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    total = checkout_total(checkout)
    pay(gql, checkout, "CHARGE_SUCCESS", amount="5")
    partial = state(gql, checkout)
    assert partial["chargeStatus"] == "PARTIAL"
    assert partial["authorizeStatus"] == "PARTIAL"
    assert partial["totalBalance"]["amount"] == float(5 - total)
    # No amount: the rest is charged.
    rest = pay(gql, checkout, "CHARGE_SUCCESS")
    assert rest["transactionEvent"]["amount"]["amount"] == float(total - 5)
    assert state(gql, checkout)["chargeStatus"] == "FULL"
    pay(gql, checkout, "CHARGE_SUCCESS", amount="1")
    assert state(gql, checkout)["chargeStatus"] == "OVERCHARGED"


def test_authorization(gql: Any, catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    result = pay(gql, checkout, "AUTHORIZATION_SUCCESS", action="AUTHORIZATION")
    assert result["errors"] == []
    assert result["transaction"]["authorizedAmount"]["amount"] == float(
        checkout_total(checkout)
    )
    after = state(gql, checkout)
    assert (after["chargeStatus"], after["authorizeStatus"]) == ("NONE", "FULL")
    assert after["transactions"][0]["actions"] == ["CHARGE", "CANCEL"]


def test_channel_flow_is_the_default_action(
    gql: Any, catalog: Catalog, dummy: Any
) -> None:
    catalog.channel.default_transaction_flow_strategy = "AUTHORIZATION"
    catalog.channel.save()
    checkout = make_checkout(catalog)
    assert pay(gql, checkout)["transactionEvent"]["type"] == "AUTHORIZATION_SUCCESS"


def test_failure_records_the_attempt(gql: Any, catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    result = pay(gql, checkout, "CHARGE_FAILURE")
    assert result["errors"] == []
    assert result["transactionEvent"]["type"] == "CHARGE_FAILURE"
    after = state(gql, checkout)
    assert after["chargeStatus"] == "NONE"
    assert after["transactions"][0]["chargedAmount"]["amount"] == 0


def test_pending_charge_counts_for_the_checkout(
    gql: Any, catalog: Catalog, dummy: Any
) -> None:
    checkout = make_checkout(catalog)
    pay(gql, checkout, "CHARGE_REQUEST")
    after = state(gql, checkout)
    assert after["chargeStatus"] == "FULL"
    assert after["transactions"][0]["chargePendingAmount"]["amount"] > 0


def test_action_required_then_process(gql: Any, catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    started = pay(gql, checkout, "CHARGE_ACTION_REQUIRED")
    assert started["transactionEvent"]["type"] == "CHARGE_ACTION_REQUIRED"
    assert state(gql, checkout)["chargeStatus"] == "NONE"
    transaction_id = started["transaction"]["id"]
    bad = gql(
        PROCESS, {"id": transaction_id, "data": {"event": {"type": "REFUND_SUCCESS"}}}
    )
    assert bad["data"]["transactionProcess"]["errors"] == [
        {"field": "data", "code": "INVALID"}
    ]
    done = gql(PROCESS, {"id": transaction_id})["data"]["transactionProcess"]
    assert done["errors"] == [] and done["transactionEvent"]["type"] == "CHARGE_SUCCESS"
    assert state(gql, checkout)["chargeStatus"] == "FULL"
    again = gql(PROCESS, {"id": transaction_id})["data"]["transactionProcess"]
    assert (
        again["transactionEvent"]["type"] == "CHARGE_SUCCESS" and again["data"] is None
    )
    assert TransactionEvent.objects.filter(type="CHARGE_SUCCESS").count() == 1


def test_gateway_is_off_outside_demo_mode(gql: Any, catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    assert state(gql, checkout)["availablePaymentGateways"] == []
    result = pay(gql, checkout, "CHARGE_SUCCESS")
    assert result["transaction"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("paymentGateway", "NOT_FOUND")
    ]
    assert not TransactionItem.objects.exists()


def test_gateways_for_the_storefront(gql: Any, catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    [gateway] = state(gql, checkout)["availablePaymentGateways"]
    assert gateway["id"] == DUMMY_ID and gateway["currencies"] == ["USD"]
    body = gql(
        GATEWAY_INITIALIZE,
        {"id": checkout_id(checkout), "gateways": [{"id": DUMMY_ID}, {"id": "nope"}]},
    )
    configs = body["data"]["paymentGatewayInitialize"]["gatewayConfigs"]
    assert [c["id"] for c in configs] == [DUMMY_ID, "nope"]
    assert configs[0]["errors"] == [] and "CHARGE" in configs[0]["data"]["eventTypes"]
    assert configs[1]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


def test_idempotency_key(gql: Any, catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    first = pay(gql, checkout, "CHARGE_SUCCESS", key="abc")
    second = pay(gql, checkout, "CHARGE_SUCCESS", key="abc")
    assert first["transaction"]["id"] == second["transaction"]["id"]
    assert TransactionItem.objects.count() == 1


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"amount": "1.001"}, "amount", "INVALID"),
        ({"amount": "1e30"}, "amount", "INVALID"),
        ({"gateway": {"id": DUMMY_ID, "data": "x"}}, "paymentGateway", "INVALID"),
        (
            {"gateway": {"id": DUMMY_ID, "data": {"event": {"type": "NOPE"}}}},
            "paymentGateway",
            "INVALID",
        ),
        ({"gateway": {"id": "x" * 10000}}, "paymentGateway", "NOT_FOUND"),
        ({"key": "k" * 600}, "idempotencyKey", "INVALID"),
    ],
)
def test_bad_initialize_input(
    gql: Any, catalog: Catalog, dummy: Any, variables: Any, field: str, code: str
) -> None:
    checkout = make_checkout(catalog)
    body = gql(
        INITIALIZE,
        {"id": checkout_id(checkout), "gateway": {"id": DUMMY_ID}, **variables},
    )
    assert gql.last_status == 200
    errors = body["data"]["transactionInitialize"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert not TransactionItem.objects.exists()


@pytest.mark.parametrize(
    "bad_id",
    [
        "garbage",
        to_global_id("Product", 1),
        to_global_id("Checkout", "not-a-uuid"),
        to_global_id("Order", "not-a-uuid"),
    ],
)
def test_bad_ids_are_graphql_errors(gql: Any, dummy: Any, bad_id: str) -> None:
    body = gql(INITIALIZE, {"id": bad_id, "gateway": {"id": DUMMY_ID}})
    assert gql.last_status == 200
    assert body["errors"][0]["message"].startswith("Invalid ID")
    body = gql(PROCESS, {"id": bad_id})
    assert gql.last_status == 200 and body["errors"]


def test_unknown_checkout_is_not_found(gql: Any, dummy: Any) -> None:
    missing = to_global_id("Checkout", "00000000-0000-0000-0000-000000000000")
    body = gql(INITIALIZE, {"id": missing, "gateway": {"id": DUMMY_ID}})
    errors = body["data"]["transactionInitialize"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("id", "NOT_FOUND")]


# ---------------------------------------------------------------- staff and apps

CREATE = """
mutation($id: ID!, $input: TransactionCreateInput!, $event: TransactionEventInput) {
  transactionCreate(id: $id, transaction: $input, transactionEvent: $event) {
    transaction {
      id name pspReference actions
      chargedAmount { amount } authorizedAmount { amount }
      metadata { key value } privateMetadata { key value }
      events { type amount { amount } message }
      checkout { id }
    }
    errors { field code }
  }
}
"""
UPDATE = """
mutation($id: ID, $input: TransactionUpdateInput) {
  transactionUpdate(id: $id, transaction: $input) {
    transaction { chargedAmount { amount } refundedAmount { amount } message }
    errors { field code }
  }
}
"""
REPORT = """
mutation($id: ID, $type: TransactionEventTypeEnum!, $amount: PositiveDecimal,
         $psp: String!, $actions: [TransactionActionEnum!]) {
  transactionEventReport(id: $id, type: $type, amount: $amount, pspReference: $psp,
                         availableActions: $actions) {
    alreadyProcessed
    transaction { chargedAmount { amount } actions }
    transactionEvent { id type amount { amount } }
    errors { field code }
  }
}
"""
TRANSACTION = """
query($id: ID) {
  transaction(id: $id) { token name events { type } checkout { token } }
}
"""


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def test_transaction_create(staff_gql: Any, catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    result = staff_gql(
        CREATE,
        {
            "id": checkout_id(checkout),
            "input": {
                "name": "Bank transfer",
                "pspReference": "BT-1",
                "availableActions": ["REFUND"],
                "amountCharged": usd("3.50"),
                "metadata": [{"key": "k", "value": "v"}],
                "privateMetadata": [{"key": "p", "value": "q"}],
            },
            "event": {"message": "Paid at the counter"},
        },
        permissions=PAYMENTS,
    )
    assert result.errors is None, result.errors
    payload = result.data["transactionCreate"]
    assert payload["errors"] == []
    transaction = payload["transaction"]
    assert transaction["chargedAmount"]["amount"] == 3.5
    assert transaction["actions"] == ["REFUND"]
    assert transaction["metadata"] == [{"key": "k", "value": "v"}]
    assert transaction["privateMetadata"] == [{"key": "p", "value": "q"}]
    assert transaction["checkout"]["id"] == checkout_id(checkout)
    assert [e["type"] for e in transaction["events"]] == ["CHARGE_SUCCESS", "INFO"]


@pytest.mark.parametrize(
    ("input_", "field", "code"),
    [
        (
            {"amountCharged": {"amount": "1", "currency": "EUR"}},
            "transaction.amountCharged",
            "INCORRECT_CURRENCY",
        ),
        ({"amountCharged": usd("0.001")}, "transaction.amountCharged", "INVALID"),
        ({"name": "n" * 600}, "transaction.name", "INVALID"),
        ({"externalUrl": "not a url"}, "transaction.externalUrl", "INVALID"),
        (
            {"metadata": [{"key": " ", "value": "v"}]},
            "transaction.metadata",
            "METADATA_KEY_REQUIRED",
        ),
    ],
)
def test_transaction_create_bad_input(
    staff_gql: Any, catalog: Catalog, input_: Any, field: str, code: str
) -> None:
    checkout = make_checkout(catalog)
    result = staff_gql(
        CREATE, {"id": checkout_id(checkout), "input": input_}, permissions=PAYMENTS
    )
    errors = result.data["transactionCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert not TransactionItem.objects.exists()


def test_transaction_update_adjusts_amounts(staff_gql: Any, catalog: Catalog) -> None:
    item = make_transaction(checkout=make_checkout(catalog))
    tid = to_global_id("TransactionItem", item.token)
    for charged, refunded in (("10", "0"), ("4", "2")):
        result = staff_gql(
            UPDATE,
            {
                "id": tid,
                "input": {
                    "amountCharged": usd(charged),
                    "amountRefunded": usd(refunded),
                    "message": "adjusted",
                },
            },
            permissions=PAYMENTS,
        )
        payload = result.data["transactionUpdate"]
        assert payload["errors"] == []
        assert payload["transaction"]["chargedAmount"]["amount"] == float(charged)
        assert payload["transaction"]["refundedAmount"]["amount"] == float(refunded)
    types = list(item.events.values_list("type", flat=True))
    assert types == ["CHARGE_SUCCESS", "CHARGE_BACK", "REFUND_SUCCESS"]


def test_staff_cannot_update_an_apps_transaction(
    staff_gql: Any, catalog: Catalog
) -> None:
    from mercato.app.models import App

    app = App.objects.create(name="PSP")
    item = make_transaction(checkout=make_checkout(catalog), app=app)
    result = staff_gql(
        UPDATE,
        {"id": to_global_id("TransactionItem", item.token), "input": {"name": "x"}},
        permissions=PAYMENTS,
    )
    assert isinstance(result.errors[0].original_error, PermissionDenied)
    item.refresh_from_db()
    assert item.name == ""


def test_event_report_is_idempotent(staff_gql: Any, catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    item = make_transaction(checkout=checkout)
    variables = {
        "id": to_global_id("TransactionItem", item.token),
        "type": "CHARGE_SUCCESS",
        "amount": "6",
        "psp": "psp-1",
        "actions": ["REFUND"],
    }
    first = staff_gql(REPORT, variables, permissions=PAYMENTS).data
    second = staff_gql(REPORT, variables, permissions=PAYMENTS).data
    first, second = first["transactionEventReport"], second["transactionEventReport"]
    assert (first["alreadyProcessed"], second["alreadyProcessed"]) == (False, True)
    assert first["transactionEvent"]["id"] == second["transactionEvent"]["id"]
    assert second["transaction"] == {
        "chargedAmount": {"amount": 6.0},
        "actions": ["REFUND"],
    }
    conflicting = staff_gql(REPORT, {**variables, "amount": "7"}, permissions=PAYMENTS)
    errors = conflicting.data["transactionEventReport"]["errors"]
    assert errors == [{"field": "amount", "code": "INCORRECT_DETAILS"}]
    missing = staff_gql(
        REPORT, {**variables, "amount": None, "psp": "2"}, permissions=PAYMENTS
    )
    errors = missing.data["transactionEventReport"]["errors"]
    assert errors == [{"field": "amount", "code": "REQUIRED"}]
    assert item.events.count() == 1


def test_reported_request_then_success(
    staff_gql: Any, gql: Any, catalog: Catalog
) -> None:
    checkout = make_checkout(catalog)
    item = make_transaction(checkout=checkout)
    total = str(checkout_total(checkout))
    tid = to_global_id("TransactionItem", item.token)
    for type_ in ("CHARGE_REQUEST", "CHARGE_SUCCESS"):
        staff_gql(
            REPORT,
            {"id": tid, "type": type_, "amount": total, "psp": "p"},
            permissions=PAYMENTS,
        )
    item.refresh_from_db()
    assert (item.charged_amount, item.charge_pending_amount) == (Decimal(total), 0)
    assert state(gql, checkout)["chargeStatus"] == "FULL"


def test_transaction_query(staff_gql: Any, catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    item = make_transaction(checkout=checkout, name="Card")
    add_event(item, "INFO", "0")
    tid = to_global_id("TransactionItem", item.token)
    result = staff_gql(TRANSACTION, {"id": tid}, permissions=PAYMENTS)
    assert result.data["transaction"] == {
        "token": str(item.token),
        "name": "Card",
        "events": [{"type": "INFO"}],
        "checkout": {"token": str(checkout.token)},
    }
    denied = staff_gql(TRANSACTION, {"id": tid}, permissions=())
    assert isinstance(denied.errors[0].original_error, PermissionDenied)


def test_checkout_transactions_query_count(
    gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    checkout = make_checkout(catalog)

    def run() -> int:
        with count_queries() as queries:
            state(gql, checkout)
        return len(queries)

    make_transaction(checkout=checkout)
    one = run()
    for _ in range(4):
        add_event(make_transaction(checkout=checkout), "CHARGE_SUCCESS", "1", "x")
    assert run() == one


# ---------------------------------------------------------------- orders


def make_order(catalog: Catalog, total: str = "30.00") -> Any:
    from mercato.order.models import Order

    return Order.objects.create(
        channel=catalog.channel, currency="USD", total_gross_amount=Decimal(total)
    )


def test_paying_for_an_order(gql: Any, catalog: Catalog, dummy: Any) -> None:
    from mercato.payment.queries import order_paid_amounts

    order = make_order(catalog)
    order_id = to_global_id("Order", order.pk)
    gateway = {"id": DUMMY_ID, "data": {"event": {"type": "CHARGE_SUCCESS"}}}
    first = gql(INITIALIZE, {"id": order_id, "gateway": gateway, "amount": "10"})
    assert first["data"]["transactionInitialize"]["errors"] == []
    rest = gql(INITIALIZE, {"id": order_id, "gateway": gateway})
    event = rest["data"]["transactionInitialize"]["transactionEvent"]
    assert event["amount"]["amount"] == 20.0
    assert order_paid_amounts(order_id=order.pk).charged == 30
    configs = gql(GATEWAY_INITIALIZE, {"id": order_id})["data"]
    assert [c["id"] for c in configs["paymentGatewayInitialize"]["gatewayConfigs"]] == [
        DUMMY_ID
    ]


def test_transaction_create_for_an_order(staff_gql: Any, catalog: Catalog) -> None:
    order = make_order(catalog)
    result = staff_gql(
        CREATE,
        {"id": to_global_id("Order", order.pk), "input": {"amountCharged": usd("5")}},
        permissions=PAYMENTS,
    )
    payload = result.data["transactionCreate"]
    assert payload["errors"] == [] and payload["transaction"]["checkout"] is None
    assert TransactionItem.objects.get().order_id == order.pk


def test_unknown_order_is_not_found(gql: Any, dummy: Any) -> None:
    missing = to_global_id("Order", "00000000-0000-0000-0000-000000000000")
    body = gql(INITIALIZE, {"id": missing, "gateway": {"id": DUMMY_ID}})
    errors = body["data"]["transactionInitialize"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("id", "NOT_FOUND")]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"psp": "p" * 600}, "pspReference", "INVALID"),
        ({"amount": "0.0001"}, "amount", "INVALID"),
        ({"amount": "1e40"}, "amount", "INVALID"),
    ],
)
def test_event_report_bad_input(
    staff_gql: Any, catalog: Catalog, overrides: Any, field: str, code: str
) -> None:
    item = make_transaction(checkout=make_checkout(catalog))
    variables = {
        "id": to_global_id("TransactionItem", item.token),
        "type": "CHARGE_SUCCESS",
        "amount": "1",
        "psp": "p",
        **overrides,
    }
    result = staff_gql(REPORT, variables, permissions=PAYMENTS)
    errors = result.data["transactionEventReport"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert not item.events.exists()


def test_unknown_transaction_is_not_found(staff_gql: Any) -> None:
    missing = to_global_id("TransactionItem", "00000000-0000-0000-0000-000000000000")
    result = staff_gql(UPDATE, {"id": missing, "input": {}}, permissions=PAYMENTS)
    errors = result.data["transactionUpdate"]["errors"]
    assert errors == [{"field": "id", "code": "NOT_FOUND"}]
    wrong_type = staff_gql(
        UPDATE, {"id": to_global_id("Product", 1)}, permissions=PAYMENTS
    )
    assert wrong_type.errors[0].message.startswith("Invalid ID")


SHOP_GATEWAYS = """query($channel: String, $currency: String) {
  shop { availablePaymentGateways(channel: $channel, currency: $currency) {
    id currencies } } }"""


def test_shop_lists_the_gateways_of_a_channel(gql: Any, catalog: Catalog) -> None:
    slug = catalog.channel.slug
    currency = catalog.channel.currency_code
    assert gql(SHOP_GATEWAYS, {"channel": slug})["data"]["shop"] == {
        "availablePaymentGateways": []
    }
    with dummy_gateway_on():
        listed = gql(SHOP_GATEWAYS, {"channel": slug})["data"]["shop"]
        assert [g["id"] for g in listed["availablePaymentGateways"]] == [
            "mirumee.payments.dummy"
        ]
        assert currency in listed["availablePaymentGateways"][0]["currencies"]
        everywhere = gql(SHOP_GATEWAYS, {"currency": currency})["data"]["shop"]
        assert len(everywhere["availablePaymentGateways"]) == 1
        none = gql(SHOP_GATEWAYS, {"currency": "XXX"})["data"]["shop"]
        assert none["availablePaymentGateways"] == []
        unknown = gql(SHOP_GATEWAYS, {"channel": "nowhere"})
        assert (unknown.get("data") or {}).get("shop") is None
        assert "nowhere" in unknown["errors"][0]["message"]
