from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mercato.core.permissions import Actor, Permission
from mercato.giftcard.checkout import attach_gift_card, charge_gift_cards
from mercato.giftcard.models import GiftCard
from mercato.graphql.core.ids import to_global_id
from tests.factories.account import make_user
from tests.factories.catalog import ProductFactory
from tests.factories.giftcard import make_checkout, make_gift_card
from tests.graphql.giftcard.helpers import denied, run_as, staff

pytestmark = pytest.mark.django_db

CARDS = """
query($filter: GiftCardFilterInput, $search: String, $sortBy: GiftCardSortingInput,
      $first: Int = 20, $after: String) {
  giftCards(filter: $filter, search: $search, sortBy: $sortBy, first: $first,
            after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { code } }
  }
}
"""
ADMIN = staff(1)


def codes(**variables: Any) -> list[str]:
    result = run_as(ADMIN, CARDS, variables)
    assert result.errors is None, result.errors
    connection = result.data["giftCards"]  # type: ignore[index]
    return [edge["node"]["code"] for edge in connection["edges"]]


@pytest.fixture
def cards() -> dict[str, GiftCard]:
    customer = make_user("customer@example.com")
    product = ProductFactory(name="Gift card 50")
    return {
        "A": make_gift_card(code="AAAA0001", balance="10", tags=("promo",)),
        "B": make_gift_card(
            code="BBBB0002", balance="50", is_active=False, product=product
        ),
        "C": make_gift_card(
            code="CCCC0003",
            balance="30",
            currency="EUR",
            used_by=customer,
            used_by_email="customer@example.com",
            created_by_email="boss@example.com",
            metadata={"batch": "7"},
        ),
    }


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({}, ["AAAA0001", "BBBB0002", "CCCC0003"]),
        ({"isActive": False}, ["BBBB0002"]),
        ({"tags": ["promo"]}, ["AAAA0001"]),
        ({"currency": "eur"}, ["CCCC0003"]),
        ({"code": "bbbb0002"}, ["BBBB0002"]),
        ({"used": True}, ["CCCC0003"]),
        ({"used": False}, ["AAAA0001", "BBBB0002"]),
        ({"currentBalance": {"gte": 20, "lte": 40}}, ["CCCC0003"]),
        ({"initialBalance": {"gte": 30}}, ["BBBB0002", "CCCC0003"]),
        ({"createdByEmail": "BOSS@example.com"}, ["CCCC0003"]),
        ({"metadata": [{"key": "batch", "value": "7"}]}, ["CCCC0003"]),
    ],
)
def test_filters(
    cards: dict[str, GiftCard], filter: dict[str, Any], expected: list[str]
) -> None:
    assert codes(filter=filter) == expected


def test_filter_by_product_and_used_by(cards: dict[str, GiftCard]) -> None:
    product_id = to_global_id("Product", cards["B"].product_id)
    assert codes(filter={"products": [product_id]}) == ["BBBB0002"]
    user_id = to_global_id("User", cards["C"].used_by_id)
    assert codes(filter={"usedBy": [user_id]}) == ["CCCC0003"]


def test_search(cards: dict[str, GiftCard]) -> None:
    assert codes(search="cccc") == ["CCCC0003"]
    assert codes(search="customer@") == ["CCCC0003"]
    assert codes(search="prom") == ["AAAA0001"]


@pytest.mark.parametrize(
    ("field", "direction", "expected"),
    [
        ("CURRENT_BALANCE", "DESC", ["BBBB0002", "CCCC0003", "AAAA0001"]),
        ("CREATED_AT", "ASC", ["AAAA0001", "BBBB0002", "CCCC0003"]),
        ("USED_BY", "DESC", ["CCCC0003", "BBBB0002", "AAAA0001"]),
        ("PRODUCT", "DESC", ["BBBB0002", "CCCC0003", "AAAA0001"]),
    ],
)
def test_sorting_pages_through_keysets(
    cards: dict[str, GiftCard], field: str, direction: str, expected: list[str]
) -> None:
    sort_by = {"field": field, "direction": direction}
    seen: list[str] = []
    after = None
    for _ in range(3):
        result = run_as(ADMIN, CARDS, {"sortBy": sort_by, "first": 1, "after": after})
        connection = result.data["giftCards"]  # type: ignore[index]
        seen += [edge["node"]["code"] for edge in connection["edges"]]
        after = connection["pageInfo"]["endCursor"]
    assert seen == expected


def test_nul_characters_in_filters_are_harmless(cards: dict[str, GiftCard]) -> None:
    nul = "a\x00b"
    assert codes(filter={"metadata": [{"key": nul, "value": nul}]}) == []
    assert codes(filter={"code": nul, "tags": [nul]}, search=nul) == []


def test_invalid_balance_filter_is_a_clean_error(cards: dict[str, GiftCard]) -> None:
    result = run_as(ADMIN, CARDS, {"filter": {"currentBalance": {"gte": "x"}}})
    assert result.errors is not None


FULL_CARDS = """
query($first: Int!) {
  giftCards(first: $first) { edges { node {
    code tags { name } app { name } product { name } createdBy { email }
    usedBy { email }
    events { type user { email } app { name } orderId orderNumber
      balance { currentBalance { amount } } }
  } } }
}
"""


def test_query_count_does_not_grow_with_page_size(count_queries: Any) -> None:
    user = make_user("staff@example.com")
    admin = staff(user.pk, Permission.MANAGE_GIFT_CARD, Permission.MANAGE_USERS)
    for index in range(6):
        card = make_gift_card(
            tags=("a", f"t{index}"), created_by=user, product=ProductFactory()
        )
        checkout = make_checkout()
        attach_gift_card(checkout_token=checkout.token, gift_card=card)
        charge_gift_cards(
            checkout_token=checkout.token,
            amount=Decimal(1),
            currency="USD",
            order_id=uuid.uuid4(),
            user_id=user.pk,
            email=user.email,
        )

    def run(first: int) -> int:
        with count_queries() as queries:
            result = run_as(admin, FULL_CARDS, {"first": first})
        assert result.errors is None, result.errors
        assert len(result.data["giftCards"]["edges"]) == first  # type: ignore[index]
        return len(queries)

    assert run(2) == run(6)


def test_tags_and_currencies() -> None:
    make_gift_card(tags=("summer", "vip"), currency="EUR")
    make_gift_card(tags=("winter",))
    query = """{ giftCardCurrencies giftCardTags(first: 10, filter: {search: "er"}) {
      totalCount edges { node { name } } } }"""
    data = run_as(ADMIN, query).data
    assert data == {
        "giftCardCurrencies": ["EUR", "USD"],
        "giftCardTags": {
            "totalCount": 2,
            "edges": [{"node": {"name": "summer"}}, {"node": {"name": "winter"}}],
        },
    }


def test_staff_queries_need_manage_gift_card() -> None:
    card = make_gift_card()
    query = "query($id: ID!) { giftCard(id: $id) { code } }"
    variables = {"id": to_global_id("GiftCard", card.pk)}
    for actor in (
        Actor.anonymous(),
        Actor(user_id=5),
        staff(1, Permission.MANAGE_USERS),
    ):
        assert denied(run_as(actor, query, variables))
        assert denied(run_as(actor, "{ giftCardCurrencies }"))
        assert denied(run_as(actor, CARDS))
    data = run_as(ADMIN, query, variables).data
    assert data == {"giftCard": {"code": card.code}}


def test_linked_users_need_manage_users() -> None:
    creator = make_user("creator@example.com")
    card = make_gift_card(created_by=creator)
    query = "query($id: ID!) { giftCard(id: $id) { createdBy { email } } }"
    variables = {"id": to_global_id("GiftCard", card.pk)}
    assert denied(run_as(ADMIN, query, variables))
    with_users = staff(1, Permission.MANAGE_GIFT_CARD, Permission.MANAGE_USERS)
    data = run_as(with_users, query, variables).data
    assert data == {"giftCard": {"createdBy": {"email": "creator@example.com"}}}


ME = """{ me { giftCards(first: 10) {
  edges { node { code currentBalance { amount } } } } } }"""


def test_customers_see_the_cards_they_used(gql: Any) -> None:
    from tests.graphql.account.test_tokens import bearer, sign_in

    customer = make_user()
    other = make_user("other@example.com")
    mine = make_gift_card(used_by=customer, balance="5")
    make_gift_card(used_by=other)
    make_gift_card()
    token = sign_in(gql)["token"]
    data = gql(ME, **bearer(token))["data"]
    assert data == {
        "me": {
            "giftCards": {
                "edges": [
                    {"node": {"code": mine.code, "currentBalance": {"amount": 5}}}
                ]
            }
        }
    }


def test_customer_gift_cards_need_manage_users_or_gift_cards() -> None:
    query = "query($id: ID!) { user(id: $id) { giftCards(first: 5) { totalCount } } }"
    staff_member = make_user("staff@example.com", is_staff=True)
    make_gift_card(used_by=staff_member)
    variables = {"id": to_global_id("User", staff_member.pk)}
    result = run_as(staff(1, Permission.MANAGE_STAFF), query, variables)
    assert result.errors is not None
    assert result.errors[0].message.startswith("You need one of")
    both = staff(1, Permission.MANAGE_STAFF, Permission.MANAGE_GIFT_CARD)
    data = run_as(both, query, variables).data
    assert data == {"user": {"giftCards": {"totalCount": 1}}}

    customer = make_user()
    make_gift_card(used_by=customer)
    variables = {"id": to_global_id("User", customer.pk)}
    data = run_as(staff(1, Permission.MANAGE_USERS), query, variables).data
    assert data == {"user": {"giftCards": {"totalCount": 1}}}


CHECKOUT = """
query($id: ID!) { checkout(id: $id) { giftCards {
  id displayCode last4CodeChars currentBalance { amount currency } } } }
"""


CHECKOUT_FIELD = "query($id: ID!) { checkout(id: $id) { giftCards { FIELD } } }"


def test_checkout_shows_applied_cards_without_their_code(gql: Any) -> None:
    checkout = make_checkout()
    card = make_gift_card(code="SECRET001234ABCD", balance="12")
    attach_gift_card(checkout_token=checkout.token, gift_card=card)
    checkout_id = to_global_id("Checkout", checkout.token)
    data = gql(CHECKOUT, {"id": checkout_id})["data"]
    assert data == {
        "checkout": {
            "giftCards": [
                {
                    "id": to_global_id("GiftCard", card.pk),
                    "displayCode": "ABCD",
                    "last4CodeChars": "ABCD",
                    "currentBalance": {"amount": 12, "currency": "USD"},
                }
            ]
        }
    }
    for field in ("code", "events { type }", "tags { name }", "createdByEmail"):
        query = CHECKOUT_FIELD.replace("FIELD", field)
        result = gql(query, {"id": checkout_id})
        error = result["errors"][0]
        assert error["extensions"]["exception"]["code"] == "PermissionDenied", field


def test_expiry_in_events_and_event_filter() -> None:
    card = make_gift_card()
    order_id = uuid.uuid4()
    checkout = make_checkout()
    attach_gift_card(checkout_token=checkout.token, gift_card=card)
    charge_gift_cards(
        checkout_token=checkout.token,
        amount=Decimal("5"),
        currency="USD",
        order_id=order_id,
        user_id=None,
        email=None,
    )
    query = """query($id: ID!, $filter: GiftCardEventFilterInput) {
      giftCard(id: $id) { lastUsedOn events(filter: $filter) { type orderId
        balance { currentBalance { amount } oldCurrentBalance { amount } } } } }"""
    gid = to_global_id("GiftCard", card.pk)
    order_gid = to_global_id("Order", order_id)
    data = run_as(ADMIN, query, {"id": gid, "filter": {"orders": [order_gid]}}).data
    card_data = data["giftCard"]  # type: ignore[index]
    assert card_data["lastUsedOn"] is not None
    assert card_data["events"] == [
        {
            "type": "USED_IN_ORDER",
            "orderId": order_gid,
            "balance": {
                "currentBalance": {"amount": 45},
                "oldCurrentBalance": {"amount": 50},
            },
        }
    ]
    other = {"id": gid, "filter": {"type": "ISSUED"}}
    assert run_as(ADMIN, query, other).data["giftCard"]["events"] == []  # type: ignore[index]
    bad = {"id": gid, "filter": {"orders": [to_global_id("Product", 1)]}}
    assert run_as(ADMIN, query, bad).errors is not None


def test_metadata_mutation_accepts_gift_cards() -> None:
    card = make_gift_card()
    query = """mutation($id: ID!) {
      updatePrivateMetadata(id: $id, input: [{key: "k", value: "v"}]) {
        errors { code } } }"""
    variables = {"id": to_global_id("GiftCard", card.pk)}
    assert denied(run_as(staff(1, Permission.MANAGE_USERS), query, variables))
    result = run_as(ADMIN, query, variables)
    assert result.data == {"updatePrivateMetadata": {"errors": []}}
    card.refresh_from_db()
    assert card.private_metadata == {"k": "v"}
    assert timezone.now() - card.created_at < datetime.timedelta(minutes=5)
