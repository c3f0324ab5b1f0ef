"""TransactionItem.paymentMethodDetails: null until a provider reports the method
through transactionCreate, transactionUpdate or transactionEventReport."""

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
from mercato.payment.models import TransactionItem
from tests.factories.account import make_user
from tests.factories.catalog import build_catalog
from tests.factories.payment import make_checkout, make_transaction

pytestmark = pytest.mark.django_db

DETAILS = """
paymentMethodDetails {
  __typename name
  ... on CardPaymentMethodDetails { brand firstDigits lastDigits expMonth expYear }
  ... on GiftCardPaymentMethodDetails { brand lastChars isSaleorGiftcard }
}
"""
CREATE = f"""
mutation($id: ID!, $input: TransactionCreateInput!) {{
  transactionCreate(id: $id, transaction: $input) {{
    transaction {{ {DETAILS} }}
    errors {{ field code }}
  }}
}}
"""
UPDATE = f"""
mutation($id: ID, $input: TransactionUpdateInput) {{
  transactionUpdate(id: $id, transaction: $input) {{
    transaction {{ {DETAILS} }}
    errors {{ field code }}
  }}
}}
"""
REPORT = f"""
mutation($id: ID, $details: PaymentMethodDetailsInput) {{
  transactionEventReport(id: $id, type: CHARGE_SUCCESS, amount: "1",
                         pspReference: "psp-1", paymentMethodDetails: $details) {{
    transaction {{ {DETAILS} }}
    errors {{ field code }}
  }}
}}
"""
CARD = {
    "name": "Visa debit",
    "brand": "visa",
    "firstDigits": "4242",
    "lastDigits": "0005",
    "expMonth": 4,
    "expYear": 2031,
}


def run(query: str, variables: Any) -> Any:
    user = User.objects.filter(email="psp-staff@example.com").first()
    user = user or make_user("psp-staff@example.com", is_staff=True)
    document, errors = parse_and_validate(query)
    assert document is not None, errors
    actor = Actor(
        user_id=user.pk,
        is_staff=True,
        permissions=frozenset({Permission.HANDLE_PAYMENTS}),
    )
    result = execute(
        get_schema(),
        document,
        variable_values=variables,
        context_value=RequestContext(request=None, actor=actor),
    )
    assert isinstance(result, ExecutionResult)
    assert result.errors is None, result.errors
    return result.data


def test_reported_card_and_other_methods() -> None:
    checkout = make_checkout(build_catalog(1))
    created = run(
        CREATE,
        {
            "id": to_global_id("Checkout", checkout.token),
            "input": {"paymentMethodDetails": {"card": CARD}},
        },
    )["transactionCreate"]
    assert created["errors"] == []
    assert created["transaction"]["paymentMethodDetails"] == {
        "__typename": "CardPaymentMethodDetails",
        **CARD,
    }
    item = TransactionItem.objects.get()
    transaction_id = to_global_id("TransactionItem", item.token)
    gift = {"name": "Store card", "brand": "acme", "lastChars": "X1Y2"}
    updated = run(
        UPDATE,
        {"id": transaction_id, "input": {"paymentMethodDetails": {"giftCard": gift}}},
    )["transactionUpdate"]
    assert updated["transaction"]["paymentMethodDetails"] == {
        "__typename": "GiftCardPaymentMethodDetails",
        **gift,
        "isSaleorGiftcard": False,
    }
    reported = run(
        REPORT, {"id": transaction_id, "details": {"other": {"name": "SEPA"}}}
    )["transactionEventReport"]
    assert reported["errors"] == []
    assert reported["transaction"]["paymentMethodDetails"] == {
        "__typename": "OtherPaymentMethodDetails",
        "name": "SEPA",
    }
    # Leaving the details out keeps them.
    kept = run(UPDATE, {"id": transaction_id, "input": {"name": "x"}})
    assert kept["transactionUpdate"]["transaction"]["paymentMethodDetails"] == {
        "__typename": "OtherPaymentMethodDetails",
        "name": "SEPA",
    }


def test_details_are_null_until_reported() -> None:
    item = make_transaction(checkout=make_checkout(build_catalog(1)))
    result = run(
        UPDATE, {"id": to_global_id("TransactionItem", item.token), "input": {}}
    )
    assert result["transactionUpdate"]["transaction"]["paymentMethodDetails"] is None


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"card": CARD, "other": {"name": "x"}}, "transaction.paymentMethodDetails"),
        ({}, "transaction.paymentMethodDetails"),
        (
            {"card": {**CARD, "expMonth": 13}},
            "transaction.paymentMethodDetails.card.expMonth",
        ),
        (
            {"card": {**CARD, "lastDigits": "12345"}},
            "transaction.paymentMethodDetails.card.lastDigits",
        ),
        (
            {"card": {**CARD, "expYear": 1999}},
            "transaction.paymentMethodDetails.card.expYear",
        ),
        (
            {"giftCard": {"name": "g", "lastChars": "ABCDE"}},
            "transaction.paymentMethodDetails.giftCard.lastChars",
        ),
        ({"other": {"name": " "}}, "transaction.paymentMethodDetails.other.name"),
        (
            {"card": {**CARD, "brand": "b" * 41}},
            "transaction.paymentMethodDetails.card.brand",
        ),
    ],
)
def test_bad_details_are_invalid(details: dict[str, Any], field: str) -> None:
    item = make_transaction(checkout=make_checkout(build_catalog(1)))
    result = run(
        UPDATE,
        {
            "id": to_global_id("TransactionItem", item.token),
            "input": {"name": "new", "paymentMethodDetails": details},
        },
    )["transactionUpdate"]
    assert result["errors"] == [{"field": field, "code": "INVALID"}]
    item.refresh_from_db()
    assert item.payment_method_details is None and item.name == ""


def test_bad_reported_details_record_nothing() -> None:
    item = make_transaction(checkout=make_checkout(build_catalog(1)))
    result = run(
        REPORT,
        {
            "id": to_global_id("TransactionItem", item.token),
            "details": {"card": {**CARD, "firstDigits": "424242"}},
        },
    )["transactionEventReport"]
    assert result["errors"] == [
        {"field": "paymentMethodDetails.card.firstDigits", "code": "INVALID"}
    ]
    assert not item.events.exists()
