"""A shopper's whole checkout over HTTP, from an empty cart to a placed order read
back, with every total checked to the cent: once as a guest paying with the dummy
gateway after a voucher, once signed in paying partly with a gift card.

The shop: a USD channel whose prices are entered without tax and that adds a flat
8 % in the United States; a product at 19.99; a courier at 5.00; a 10 % voucher.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from mercato.core.jobs import run_worker
from mercato.discount.models import RewardValueType
from mercato.giftcard.models import GiftCard
from mercato.inventory.models import Stock
from mercato.tax.models import TaxClassCountryRate, TaxConfiguration
from tests.core.conftest import empty_jobs  # noqa: F401  (the fixture)
from tests.factories.account import PASSWORD, make_user
from tests.factories.discount import make_voucher
from tests.factories.giftcard import make_gift_card
from tests.factories.order import Shop, make_method, make_shop
from tests.factories.payment import dummy_gateway_on

pytestmark = pytest.mark.usefixtures("empty_jobs")

ADDRESS = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "streetAddress1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "postalCode": "94043",
    "country": "US",
    "countryArea": "CA",
}
TOTALS = """
  subtotalPrice { net { amount } gross { amount } tax { amount } }
  shippingPrice { net { amount } gross { amount } }
  totalPrice { net { amount } gross { amount } currency }
  discount { amount }
"""
CHECKOUT = (
    "id email isShippingRequired quantity voucherCode chargeStatus authorizeStatus"
    " lines { quantity unitPrice { gross { amount } } totalPrice { net { amount }"
    " gross { amount } } }"
    " giftCards { last4CodeChars currentBalance { amount } }"
    " shippingMethods { id name price { amount } }"
    " delivery { shippingMethod { id name } }" + TOTALS
)
CREATE = """mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {
  checkout { @FIELDS@ } errors { field code message } } }""".replace(
    "@FIELDS@", CHECKOUT
)
LINES_UPDATE = """mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) { checkout { @FIELDS@ }
  errors { field code message } } }""".replace("@FIELDS@", CHECKOUT)
EMAIL = """mutation($id: ID!, $email: String!) { checkoutEmailUpdate(id: $id,
  email: $email) { checkout { email } errors { field code message } } }"""
SHIPPING_ADDRESS = """mutation($id: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {
  checkout { @FIELDS@ } errors { field code message } } }""".replace(
    "@FIELDS@", CHECKOUT
)
BILLING_ADDRESS = """mutation($id: ID!, $address: AddressInput!) {
  checkoutBillingAddressUpdate(id: $id, billingAddress: $address) {
  checkout { billingAddress { city } } errors { field code message } } }"""
DELIVERY = """mutation($id: ID!, $method: ID) { checkoutDeliveryMethodUpdate(id: $id,
  deliveryMethodId: $method) { checkout { @FIELDS@ }
  errors { field code message } } }""".replace("@FIELDS@", CHECKOUT)
PROMO = """mutation($id: ID!, $code: String!) { checkoutAddPromoCode(id: $id,
  promoCode: $code) { checkout { @FIELDS@ }
  errors { field code message } } }""".replace("@FIELDS@", CHECKOUT)
PAY = """mutation($id: ID!) { transactionInitialize(id: $id, paymentGateway: {
  id: "mirumee.payments.dummy",
  data: {event: {type: "CHARGE_SUCCESS", includePspReference: true}}}) {
  transaction { id chargedAmount { amount } }
  transactionEvent { type amount { amount } }
  errors { field code message } } }"""
READ = "query($id: ID!) { checkout(id: $id) { " + CHECKOUT + " } }"
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) {
  order { id number status userEmail chargeStatus isPaid
    lines { quantity productName unitPrice { net { amount } gross { amount } } }
    subtotal { net { amount } gross { amount } }
    shippingPrice { net { amount } gross { amount } }
    total { net { amount } gross { amount } tax { amount } }
    totalCharged { amount }
    shippingAddress { city country { code } } }
  errors { field code message } } }"""
ORDER = """query($id: ID!) { order(id: $id) { id number status
  total { gross { amount } } } }"""
MY_ORDERS = "{ me { orders(first: 10) { edges { node { id number } } } } }"
SIGN_IN = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { code } } }"""


def run(gql: Any, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    result = gql(query, variables, **headers)
    assert "errors" not in result, result["errors"]
    [payload] = result["data"].values()
    return payload


def mutate(gql: Any, query: str, token: str | None = None, **variables: Any) -> Any:
    payload = run(gql, query, token, **variables)
    assert payload["errors"] == [], payload["errors"]
    return payload


def amounts(checkout: dict[str, Any]) -> dict[str, Decimal]:
    def d(value: dict[str, Any]) -> Decimal:
        return Decimal(str(value["amount"]))

    return {
        "subtotal_net": d(checkout["subtotalPrice"]["net"]),
        "subtotal_gross": d(checkout["subtotalPrice"]["gross"]),
        "shipping_net": d(checkout["shippingPrice"]["net"]),
        "shipping_gross": d(checkout["shippingPrice"]["gross"]),
        "total_net": d(checkout["totalPrice"]["net"]),
        "total_gross": d(checkout["totalPrice"]["gross"]),
    }


@pytest.fixture
def shop() -> Iterator[Shop]:
    shop = make_shop(
        quantity=10,
        price="19.99",
        shipping_required=True,
        allow_unpaid=False,
        currency_code="USD",
        default_country="US",
    )
    TaxConfiguration.objects.update_or_create(
        channel=shop.channel,
        defaults={"charge_taxes": True, "prices_entered_with_tax": False},
    )
    TaxClassCountryRate.objects.create(country="US", rate=Decimal(8))
    method = make_method(shop, "5.00")
    method.shipping_zone.warehouses.add(shop.warehouse)
    make_voucher(
        shop.channel,
        "SAVE10",
        value="10",
        discount_value_type=RewardValueType.PERCENTAGE,
    )
    with dummy_gateway_on():
        yield shop


def start_checkout(gql: Any, shop: Shop, token: str | None = None) -> dict[str, Any]:
    """Create with 2, change to 3, address, deliver: the steps both journeys share."""
    variant_id = _gid("ProductVariant", shop.variant.pk)
    created = mutate(
        gql,
        CREATE,
        token,
        input={
            "channel": shop.channel.slug,
            "lines": [{"variantId": variant_id, "quantity": 2}],
        },
    )["checkout"]
    assert created["quantity"] == 2
    assert created["isShippingRequired"] is True
    assert amounts(created)["subtotal_net"] == Decimal("39.98")
    checkout_id = created["id"]
    updated = mutate(
        gql,
        LINES_UPDATE,
        token,
        id=checkout_id,
        lines=[{"variantId": variant_id, "quantity": 3}],
    )["checkout"]
    # 3 x 19.99 = 59.97 net; 8 % tax = 4.80 (4.7976 rounded half-up).
    assert amounts(updated)["subtotal_net"] == Decimal("59.97")
    assert amounts(updated)["subtotal_gross"] == Decimal("64.77")
    addressed = mutate(gql, SHIPPING_ADDRESS, token, id=checkout_id, address=ADDRESS)[
        "checkout"
    ]
    [method] = addressed["shippingMethods"]
    assert Decimal(str(method["price"]["amount"])) == Decimal("5.00")
    mutate(gql, BILLING_ADDRESS, token, id=checkout_id, address=ADDRESS)
    delivered = mutate(gql, DELIVERY, token, id=checkout_id, method=method["id"])[
        "checkout"
    ]
    assert delivered["delivery"]["shippingMethod"]["id"] == method["id"]
    # Shipping 5.00 net + 8 % = 5.40; total 59.97 + 5.00 net, 64.77 + 5.40 gross.
    assert amounts(delivered) == {
        "subtotal_net": Decimal("59.97"),
        "subtotal_gross": Decimal("64.77"),
        "shipping_net": Decimal("5.00"),
        "shipping_gross": Decimal("5.40"),
        "total_net": Decimal("64.97"),
        "total_gross": Decimal("70.17"),
    }
    return delivered


def _gid(type_name: str, pk: Any) -> str:
    from mercato.graphql.core.ids import to_global_id

    return to_global_id(type_name, pk)


def test_guest_checkout_with_a_voucher(
    gql: Any, shop: Shop, mailoutbox: list[mail.EmailMessage]
) -> None:
    checkout = start_checkout(gql, shop)
    checkout_id = checkout["id"]
    mutate(gql, EMAIL, id=checkout_id, email="guest@example.com")
    discounted = mutate(gql, PROMO, id=checkout_id, code="SAVE10")["checkout"]
    assert discounted["voucherCode"] == "SAVE10"
    # 10 % of 59.97 = 6.00 (5.997); lines 53.97 net, tax 4.32 (4.3176): 58.29.
    assert Decimal(str(discounted["discount"]["amount"])) == Decimal("6.00")
    assert amounts(discounted) == {
        "subtotal_net": Decimal("53.97"),
        "subtotal_gross": Decimal("58.29"),
        "shipping_net": Decimal("5.00"),
        "shipping_gross": Decimal("5.40"),
        "total_net": Decimal("58.97"),
        "total_gross": Decimal("63.69"),
    }
    assert discounted["chargeStatus"] == "NONE"

    paid = mutate(gql, PAY, id=checkout_id)
    assert paid["transactionEvent"]["type"] == "CHARGE_SUCCESS"
    assert Decimal(str(paid["transaction"]["chargedAmount"]["amount"])) == Decimal(
        "63.69"
    )
    assert run(gql, READ, id=checkout_id)["chargeStatus"] == "FULL"

    order = mutate(gql, COMPLETE, id=checkout_id)["order"]
    assert order["status"] == "UNFULFILLED"
    # Whoever holds the order's ID sees the email masked, as in Saleor.
    assert order["userEmail"] == "g...@example.com"
    assert order["chargeStatus"] == "FULL" and order["isPaid"] is True
    assert order["total"]["gross"]["amount"] == 63.69
    assert order["total"]["net"]["amount"] == 58.97
    assert order["total"]["tax"]["amount"] == 4.72
    assert order["shippingPrice"]["gross"]["amount"] == 5.40
    assert order["subtotal"]["gross"]["amount"] == 58.29
    assert [line["quantity"] for line in order["lines"]] == [3]
    assert order["shippingAddress"]["country"]["code"] == "US"
    # Completing again answers with the same order.
    again = mutate(gql, COMPLETE, id=checkout_id)["order"]
    assert again["id"] == order["id"]
    read_back = run(gql, ORDER, id=order["id"])
    assert read_back["number"] == order["number"]
    assert read_back["total"]["gross"]["amount"] == 63.69
    stock = Stock.objects.get(product_variant=shop.variant)
    assert (stock.quantity, stock.quantity_allocated) == (10, 3)
    # The confirmation email goes out through the job queue.
    mailoutbox.clear()
    run_worker(concurrency=1, wait=False, handle_signals=False)
    assert [m.to for m in mailoutbox] == [["guest@example.com"]]


def test_signed_in_checkout_paid_partly_with_a_gift_card(gql: Any, shop: Shop) -> None:
    make_user(email="ann@example.com")
    token = mutate(gql, SIGN_IN, email="ann@example.com", password=PASSWORD)["token"]
    card = make_gift_card(balance="50.00", code="GIFT-ANN-0001", currency="USD")

    checkout = start_checkout(gql, shop, token)
    checkout_id = checkout["id"]
    assert checkout["email"] == "ann@example.com"
    with_card = mutate(gql, PROMO, token, id=checkout_id, code="GIFT-ANN-0001")[
        "checkout"
    ]
    assert [c["last4CodeChars"] for c in with_card["giftCards"]] == ["0001"]
    # The card's 50.00 comes off what is left to pay: 70.17 - 50.00.
    assert amounts(with_card)["total_gross"] == Decimal("20.17")

    paid = mutate(gql, PAY, token, id=checkout_id)
    assert paid["transaction"]["chargedAmount"]["amount"] == 20.17
    order = mutate(gql, COMPLETE, token, id=checkout_id)["order"]
    assert order["total"]["gross"]["amount"] == 70.17
    assert order["totalCharged"]["amount"] == 70.17
    assert order["chargeStatus"] == "FULL"
    card.refresh_from_db()
    assert card.current_balance_amount == Decimal("0")
    assert isinstance(card, GiftCard) and card.used_by_email == "ann@example.com"
    mine = run(gql, MY_ORDERS, token)["orders"]["edges"]
    assert [edge["node"]["id"] for edge in mine] == [order["id"]]
