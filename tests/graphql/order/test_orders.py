from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.ids import to_global_id
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order
from tests.factories.account import make_user
from tests.factories.order import Shop, make_shop, ready_checkout
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db

MANAGE_ORDERS = (Permission.MANAGE_ORDERS,)

ORDER = """
query($id: ID) {
  order(id: $id) {
    id number status statusDisplay origin userEmail created
    channel { slug }
    billingAddress { firstName lastName streetAddress1 city postalCode }
    total { gross { amount currency } net { amount } }
    subtotal { gross { amount } }
    shippingPrice { gross { amount } }
    isShippingRequired checkoutId customerNote languageCodeEnum
    lines {
      id productName variantName productSku productVariantId quantity
      quantityToFulfill taxRate
      unitPrice { gross { amount } }
      totalPrice { gross { amount } }
      variant { id }
    }
  }
}
"""


def place(shop: Shop, email: str = "buyer@example.com", **kwargs: Any) -> Order:
    checkout = ready_checkout(shop, email=email, **kwargs)
    return complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())


def test_anyone_with_the_id_sees_the_order_with_personal_details_masked(
    gql: Any,
) -> None:
    shop = make_shop(price="12.50")
    order = place(shop, email="ada@example.com")
    order_id = to_global_id("Order", order.pk)

    data = gql(ORDER, {"id": order_id})["data"]["order"]

    assert data["id"] == order_id
    assert data["number"] == str(order.number)
    assert data["status"] == "UNFULFILLED"
    assert data["statusDisplay"] == "Unfulfilled"
    assert data["origin"] == "CHECKOUT"
    assert data["channel"]["slug"] == shop.channel.slug
    assert data["total"]["gross"] == {"amount": 12.5, "currency": "USD"}
    assert data["isShippingRequired"] is False
    assert data["checkoutId"] == to_global_id("Checkout", order.checkout_token)
    [line] = data["lines"]
    assert line["productSku"] == shop.variant.sku
    assert line["productVariantId"] == to_global_id("ProductVariant", shop.variant.pk)
    assert line["variant"]["id"] == line["productVariantId"]
    assert line["quantity"] == line["quantityToFulfill"] == 1
    assert line["totalPrice"]["gross"]["amount"] == 12.5
    # Masked for someone who is not the buyer.
    assert data["userEmail"] == "a...@example.com"
    assert data["billingAddress"]["firstName"] == "A..."
    assert data["billingAddress"]["streetAddress1"] == "1..."
    assert data["billingAddress"]["postalCode"] == "10001"


def test_buyer_and_staff_see_the_details(gql: Any, staff_gql: Any) -> None:
    shop = make_shop()
    user = make_user()
    order = place(shop, email=user.email, user_id=user.pk)
    variables = {"id": to_global_id("Order", order.pk)}

    mine = gql(ORDER, variables, **bearer(sign_in(gql)["token"]))["data"]["order"]
    assert mine["userEmail"] == user.email
    assert mine["billingAddress"]["firstName"] == "Ada"

    staff = staff_gql(ORDER, variables, permissions=MANAGE_ORDERS)
    assert staff.errors is None
    assert staff.data["order"]["userEmail"] == user.email


def test_events_need_manage_orders(gql: Any, staff_gql: Any) -> None:
    order = place(make_shop())
    query = "query($id: ID) { order(id: $id) { events { type date orderNumber } } }"
    variables = {"id": to_global_id("Order", order.pk)}

    denied = gql(query, variables)
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"

    allowed = staff_gql(query, variables, permissions=MANAGE_ORDERS)
    assert allowed.errors is None
    events = allowed.data["order"]["events"]
    assert [e["type"] for e in events] == ["PLACED", "CONFIRMED"]
    assert events[0]["orderNumber"] == str(order.number)


def test_allocations_are_shown_to_staff(staff_gql: Any) -> None:
    shop = make_shop()
    order = place(shop)
    query = """query($id: ID) { order(id: $id) { lines {
        allocations { quantity warehouse { slug } } } } }"""
    result = staff_gql(
        query, {"id": to_global_id("Order", order.pk)}, permissions=MANAGE_ORDERS
    )
    assert result.errors is None
    assert result.data["order"]["lines"][0]["allocations"] == [
        {"quantity": 1, "warehouse": {"slug": shop.warehouse.slug}}
    ]


def test_bad_or_unknown_ids(gql: Any) -> None:
    import uuid

    unknown = to_global_id("Order", uuid.uuid4())
    assert gql(ORDER, {"id": unknown})["data"]["order"] is None
    wrong_type = gql(ORDER, {"id": to_global_id("Product", 1)})
    assert "Expected: Order" in wrong_type["errors"][0]["message"]
    garbage = gql(ORDER, {"id": to_global_id("Order", "not-a-uuid")})
    assert garbage["errors"] and gql.last_status == 200


def test_order_by_token(gql: Any) -> None:
    order = place(make_shop())
    data = gql(
        "query($t: UUID!) { orderByToken(token: $t) { number } }",
        {"t": str(order.pk)},
    )["data"]
    assert data["orderByToken"]["number"] == str(order.number)


ORDERS = """
query($filter: OrderFilterInput, $where: OrderWhereInput, $search: String,
      $sortBy: OrderSortingInput, $channel: String, $first: Int, $after: String) {
  orders(filter: $filter, where: $where, search: $search, sortBy: $sortBy,
         channel: $channel, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { number userEmail status lines { productName } } }
  }
}
"""


def numbers(result: Any) -> list[int]:
    assert result.errors is None, result.errors
    return [int(e["node"]["number"]) for e in result.data["orders"]["edges"]]


def test_orders_need_manage_orders(gql: Any, staff_gql: Any) -> None:
    place(make_shop())
    denied = gql(ORDERS, {"first": 10})
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert staff_gql(ORDERS, {"first": 10}, permissions=MANAGE_ORDERS).errors is None


def test_orders_filter_search_sort_and_page(staff_gql: Any) -> None:
    shop = make_shop()
    other = make_shop()
    first = place(shop, email="ann@example.com")
    second = place(shop, email="bob@example.com")
    third = place(other, email="cat@example.com")
    Order.objects.filter(pk=second.pk).update(status="UNCONFIRMED")

    def run(**variables: Any) -> list[int]:
        return numbers(
            staff_gql(ORDERS, {"first": 10, **variables}, permissions=MANAGE_ORDERS)
        )

    assert run() == [third.number, second.number, first.number]
    assert run(sortBy={"field": "NUMBER", "direction": "ASC"}) == [
        first.number,
        second.number,
        third.number,
    ]
    assert run(sortBy={"field": "CUSTOMER", "direction": "DESC"}) == [
        third.number,
        second.number,
        first.number,
    ]
    assert run(filter={"status": ["UNCONFIRMED"]}) == [second.number]
    assert run(filter={"customer": "bob"}) == [second.number]
    assert run(filter={"numbers": [str(first.number)]}) == [first.number]
    assert run(search=f"#{third.number}") == [third.number]
    assert run(search="ann@") == [first.number]
    assert run(search=shop.variant.sku) == [second.number, first.number]
    assert run(channel=other.channel.slug) == [third.number]
    assert run(where={"number": {"oneOf": [first.number, third.number]}}) == [
        third.number,
        first.number,
    ]
    assert run(where={"status": {"eq": "UNFULFILLED"}}) == [third.number, first.number]
    assert run(
        where={
            "OR": [
                {"userEmail": {"eq": "ann@example.com"}},
                {"channelId": {"eq": to_global_id("Channel", other.channel.pk)}},
            ]
        }
    ) == [third.number, first.number]

    page = staff_gql(ORDERS, {"first": 2}, permissions=MANAGE_ORDERS).data["orders"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = run(after=page["pageInfo"]["endCursor"])
    assert rest == [first.number]


def test_orders_list_sql_does_not_grow_with_the_page(
    staff_gql: Any, count_queries: Any
) -> None:
    shop = make_shop()
    for _ in range(2):
        place(shop)

    def run() -> int:
        with count_queries() as queries:
            result = staff_gql(ORDERS, {"first": 50}, permissions=MANAGE_ORDERS)
        assert result.errors is None
        return len(queries)

    small = run()
    for _ in range(3):
        place(shop)
    assert run() == small


def test_me_orders_lists_only_my_orders(gql: Any) -> None:
    shop = make_shop()
    user = make_user()
    mine = place(shop, email=user.email, user_id=user.pk)
    place(shop, email="someone@example.com")
    headers = bearer(sign_in(gql)["token"])

    query = "{ me { orders(first: 10) { totalCount edges { node { number } } } } }"
    data = gql(query, **headers)["data"]["me"]["orders"]

    assert data["totalCount"] == 1
    assert data["edges"] == [{"node": {"number": str(mine.number)}}]


def test_staff_update_order_metadata(staff_gql: Any) -> None:
    order = place(make_shop())
    mutation = """mutation($id: ID!) {
      updateMetadata(id: $id, input: [{key: "erp", value: "42"}]) {
        errors { code } item { metadata { key value } } } }"""
    variables = {"id": to_global_id("Order", order.pk)}

    denied = staff_gql(mutation, variables, permissions=())
    assert denied.errors and "MANAGE_ORDERS" in denied.errors[0].message

    result = staff_gql(mutation, variables, permissions=MANAGE_ORDERS)
    assert result.errors is None
    order.refresh_from_db()
    assert order.metadata == {"erp": "42"}
