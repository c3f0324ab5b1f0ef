from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.checkout.calculations import recalculate_checkout
from mercato.core.permissions import Actor
from mercato.giftcard.checkout import attach_gift_card
from mercato.graphql.core.ids import to_global_id
from mercato.order.checkout_complete import complete_checkout
from tests.factories.giftcard import make_gift_card
from tests.factories.order import make_shop, ready_checkout
from tests.graphql.giftcard.helpers import run_as, staff

pytestmark = pytest.mark.django_db

ORDER = """
query($id: ID) {
  order(id: $id) { giftCards { last4CodeChars currentBalance { amount } } }
}
"""
CARD = """
query($id: ID!) {
  giftCard(id: $id) {
    currentBalance { amount } lastUsedOn usedByEmail
    events { type orderId orderNumber
      balance { currentBalance { amount } oldCurrentBalance { amount } } }
  }
}
"""


def test_completed_order_shows_the_gift_cards_that_paid(gql: Any) -> None:
    shop = make_shop(price="12.50")
    checkout = ready_checkout(shop, email="buyer@example.com")
    small = make_gift_card(balance="10")
    large = make_gift_card(balance="40")
    unused = make_gift_card(balance="5")
    for card in (small, large):
        attach_gift_card(checkout_token=checkout.pk, gift_card=card)
    recalculate_checkout(checkout, list(checkout.lines.all()))

    order = complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())

    order_id = to_global_id("Order", order.pk)
    data = gql(ORDER, {"id": order_id})["data"]["order"]
    assert data["giftCards"] == [
        {"last4CodeChars": small.code[-4:], "currentBalance": {"amount": 0}},
        {"last4CodeChars": large.code[-4:], "currentBalance": {"amount": 37.5}},
    ]
    card = run_as(staff(1), CARD, {"id": to_global_id("GiftCard", large.pk)}).data
    assert card == {
        "giftCard": {
            "currentBalance": {"amount": 37.5},
            "lastUsedOn": card["giftCard"]["lastUsedOn"],  # type: ignore[index]
            "usedByEmail": "buyer@example.com",
            "events": [
                {
                    "type": "USED_IN_ORDER",
                    "orderId": order_id,
                    "orderNumber": str(order.number),
                    "balance": {
                        "currentBalance": {"amount": 37.5},
                        "oldCurrentBalance": {"amount": 40},
                    },
                }
            ],
        }
    }
    unused.refresh_from_db()
    assert unused.current_balance_amount == Decimal(5)
