from __future__ import annotations

from typing import Any

import pytest

from mercato.checkout.models import Checkout
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import Stock
from mercato.order.models import Order
from tests.factories.order import make_shop, pay, ready_checkout

pytestmark = pytest.mark.django_db

COMPLETE = """
mutation($id: ID, $token: UUID, $metadata: [MetadataInput!], $paymentData: JSONString,
         $redirectUrl: String) {
  checkoutComplete(id: $id, token: $token, metadata: $metadata,
                   paymentData: $paymentData, redirectUrl: $redirectUrl) {
    order {
      id number status userEmail
      metadata { key value }
      total { gross { amount currency } }
      lines { productSku quantity }
    }
    confirmationNeeded
    confirmationData
    errors { field code message variants }
    checkoutErrors { code }
  }
}
"""


def complete(gql: Any, checkout: Checkout, **variables: Any) -> dict[str, Any]:
    result = gql(COMPLETE, {"id": to_global_id("Checkout", checkout.pk), **variables})
    assert "errors" not in result, result
    return result["data"]["checkoutComplete"]  # type: ignore[no-any-return]


def test_complete_returns_the_order(gql: Any) -> None:
    shop = make_shop(price="9.99", allow_unpaid=False)
    checkout = ready_checkout(shop, [(shop.variant, 2)], email="ada@example.com")
    pay(checkout)

    payload = complete(
        gql, checkout, metadata=[{"key": "ref", "value": "ad-7"}], paymentData="{}"
    )

    assert payload["errors"] == [] and payload["checkoutErrors"] == []
    assert payload["confirmationNeeded"] is False
    order = Order.objects.get()
    data = payload["order"]
    assert data["id"] == to_global_id("Order", order.pk)
    assert data["number"] == str(order.number)
    assert data["status"] == "UNFULFILLED"
    assert data["userEmail"] == "a...@example.com"  # the anonymous buyer sees it masked
    assert data["metadata"] == [{"key": "ref", "value": "ad-7"}]
    assert data["total"]["gross"] == {"amount": 19.98, "currency": "USD"}
    assert data["lines"] == [{"productSku": shop.variant.sku, "quantity": 2}]
    assert not Checkout.objects.exists()


def test_completing_twice_returns_the_same_order(gql: Any) -> None:
    shop = make_shop(quantity=1)
    checkout = ready_checkout(shop)

    first = complete(gql, checkout)
    again = complete(gql, checkout)
    by_token = gql(COMPLETE, {"token": str(checkout.pk)})["data"]["checkoutComplete"]

    assert first["order"]["id"] == again["order"]["id"] == by_token["order"]["id"]
    assert again["errors"] == []
    assert Order.objects.count() == 1


def test_unpaid_checkout_gets_a_payload_error(gql: Any) -> None:
    shop = make_shop(allow_unpaid=False)
    checkout = ready_checkout(shop)

    payload = complete(gql, checkout)

    assert payload["order"] is None
    assert [e["code"] for e in payload["errors"]] == ["CHECKOUT_NOT_FULLY_PAID"]
    assert payload["checkoutErrors"] == [{"code": "CHECKOUT_NOT_FULLY_PAID"}]
    assert Checkout.objects.filter(pk=checkout.pk).exists()


def test_missing_stock_names_the_variant(gql: Any) -> None:
    shop = make_shop(quantity=1)
    first, second = ready_checkout(shop), ready_checkout(shop)
    complete(gql, first)

    payload = complete(gql, second)

    [error] = payload["errors"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["variants"] == [to_global_id("ProductVariant", shop.variant.pk)]
    assert Stock.objects.get().quantity_allocated == 1


def test_incomplete_checkout_lists_every_reason(gql: Any) -> None:
    shop = make_shop(shipping_required=True)
    checkout = ready_checkout(shop, email="")

    payload = complete(gql, checkout)

    assert {e["code"] for e in payload["errors"]} == {
        "EMAIL_NOT_SET",
        "SHIPPING_METHOD_NOT_SET",
    }


@pytest.mark.parametrize(
    "variables",
    [
        {"paymentData": "[1, 2]"},
        {"redirectUrl": "not a url"},
        {"metadata": [{"key": " ", "value": "blank key"}]},
    ],
)
def test_bad_input_is_a_payload_error(gql: Any, variables: dict[str, Any]) -> None:
    checkout = ready_checkout(make_shop())
    payload = complete(gql, checkout, **variables)
    assert payload["order"] is None
    assert payload["errors"][0]["code"] in {"INVALID", "REQUIRED"}
    assert not Order.objects.exists()


def test_unknown_or_malformed_checkout_ids(gql: Any) -> None:
    import uuid

    payload = gql(COMPLETE, {"id": to_global_id("Checkout", uuid.uuid4())})
    assert payload["data"]["checkoutComplete"]["errors"][0]["code"] == "NOT_FOUND"
    for bad in (to_global_id("Order", uuid.uuid4()), "garbage", None):
        result = gql(COMPLETE, {"id": bad})
        assert result["errors"] and gql.last_status == 200
