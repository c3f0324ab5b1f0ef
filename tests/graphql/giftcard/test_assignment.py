from __future__ import annotations

from typing import Any

import pytest

from mercato.account.models import User
from mercato.core.permissions import Actor, Permission
from mercato.giftcard.checkout import attach_gift_card
from mercato.giftcard.models import GiftCard, GiftCardEvent, GiftCardEventType
from mercato.graphql.core.ids import to_global_id
from mercato.order.checkout_complete import complete_checkout
from tests.factories.account import make_user
from tests.factories.giftcard import make_gift_card
from tests.factories.order import make_shop, ready_checkout
from tests.graphql.giftcard.helpers import denied, run_as, staff

pytestmark = pytest.mark.django_db

ASSIGN = """
mutation($id: ID!, $user: ID!) {
  giftCardAssignUser(id: $id, userId: $user) {
    giftCard { assignedTo { email } assignedToEmail }
    errors { field code }
  }
}
"""
UNASSIGN = """
mutation($id: ID!) {
  giftCardUnassignUser(id: $id) {
    giftCard { assignedTo { email } assignedToEmail events { type } }
    errors { field code }
  }
}
"""
ADD_CODE = """
mutation($id: ID, $code: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $code) {
    checkout { giftCards { last4CodeChars } } errors { field code }
  }
}
"""
LIST = """
query($filter: GiftCardFilterInput) {
  giftCards(first: 50, filter: $filter) {
    edges { node { last4CodeChars assignedTo { email } assignedToEmail } }
  }
}
"""


def gid(card: GiftCard) -> str:
    return to_global_id("GiftCard", card.pk)


def uid(user: User) -> str:
    return to_global_id("User", user.pk)


def test_assign_and_unassign() -> None:
    admin = make_user("admin@example.com", is_staff=True)
    actor = staff(admin.pk, Permission.MANAGE_GIFT_CARD, Permission.MANAGE_USERS)
    customer = make_user("anna@example.com")
    card = make_gift_card()

    result = run_as(actor, ASSIGN, {"id": gid(card), "user": uid(customer)})
    assert result.errors is None
    payload = result.data["giftCardAssignUser"]  # type: ignore[index]
    assert payload["errors"] == []
    assert payload["giftCard"] == {
        "assignedTo": {"email": "anna@example.com"},
        "assignedToEmail": "anna@example.com",
    }
    card.refresh_from_db()
    assert card.assigned_to_id == customer.pk

    result = run_as(actor, UNASSIGN, {"id": gid(card)})
    payload = result.data["giftCardUnassignUser"]  # type: ignore[index]
    assert payload["errors"] == []
    assert payload["giftCard"]["assignedTo"] is None
    assert payload["giftCard"]["assignedToEmail"] is None
    assert [e["type"] for e in payload["giftCard"]["events"]] == [
        "ASSIGNED_TO_USER",
        "UNASSIGNED_FROM_USER",
    ]
    card.refresh_from_db()
    assert card.assigned_to_id is None and card.assigned_to_email is None


def test_assignment_errors_change_nothing() -> None:
    admin = make_user("admin@example.com", is_staff=True)
    actor = staff(admin.pk)
    customer = make_user("anna@example.com")
    card = make_gift_card()
    missing_user = to_global_id("User", customer.pk + 1000)
    result = run_as(actor, ASSIGN, {"id": gid(card), "user": missing_user})
    assert result.data["giftCardAssignUser"]["errors"] == [  # type: ignore[index]
        {"field": "userId", "code": "NOT_FOUND"}
    ]
    missing_card = to_global_id("GiftCard", card.pk + 1000)
    result = run_as(actor, ASSIGN, {"id": missing_card, "user": uid(customer)})
    assert result.data["giftCardAssignUser"]["errors"] == [  # type: ignore[index]
        {"field": "id", "code": "NOT_FOUND"}
    ]
    result = run_as(actor, UNASSIGN, {"id": missing_card})
    assert result.data["giftCardUnassignUser"]["errors"] == [  # type: ignore[index]
        {"field": "id", "code": "NOT_FOUND"}
    ]
    card.refresh_from_db()
    assert card.assigned_to_id is None
    assert not GiftCardEvent.objects.exists()


def test_assignment_needs_manage_gift_card() -> None:
    shopper = make_user("anna@example.com")
    card = make_gift_card()
    customer_actor = Actor(user_id=shopper.pk)
    assert denied(
        run_as(customer_actor, ASSIGN, {"id": gid(card), "user": uid(shopper)})
    )
    users_staff = staff(
        make_user("u@example.com", is_staff=True).pk, Permission.MANAGE_USERS
    )
    assert denied(run_as(users_staff, UNASSIGN, {"id": gid(card)}))
    card.refresh_from_db()
    assert card.assigned_to_id is None


def test_assigned_to_user_is_deleted_keeps_the_email() -> None:
    customer = make_user("anna@example.com")
    card = make_gift_card(assigned_to=customer, assigned_to_email=customer.email)
    customer.delete()
    card.refresh_from_db()
    assert card.assigned_to_id is None
    assert card.assigned_to_email == "anna@example.com"


def test_only_the_assigned_customer_can_add_the_code(gql: Any) -> None:
    shop = make_shop()
    owner = make_user("anna@example.com")
    other = make_user("bob@example.com")
    card = make_gift_card(
        code="ANNA0001", assigned_to=owner, assigned_to_email=owner.email
    )
    mine = ready_checkout(shop, email=owner.email, user_id=owner.pk)
    theirs = ready_checkout(shop, email=other.email, user_id=other.pk)
    guest = ready_checkout(shop, email="guest@example.com")

    for checkout in (theirs, guest):
        result = run_as(
            Actor(user_id=checkout.user_id),
            ADD_CODE,
            {"id": to_global_id("Checkout", checkout.pk), "code": "ANNA0001"},
        )
        payload = result.data["checkoutAddPromoCode"]  # type: ignore[index]
        assert payload["errors"] == [{"field": "promoCode", "code": "INVALID"}]
    assert not card.checkouts.exists()

    result = run_as(
        Actor(user_id=owner.pk),
        ADD_CODE,
        {"id": to_global_id("Checkout", mine.pk), "code": "anna0001"},
    )
    payload = result.data["checkoutAddPromoCode"]  # type: ignore[index]
    assert payload["errors"] == []
    assert payload["checkout"]["giftCards"] == [{"last4CodeChars": "0001"}]


def test_checkout_complete_skips_a_card_assigned_to_someone_else() -> None:
    shop = make_shop(price="10.00")
    owner = make_user("anna@example.com")
    card = make_gift_card(
        balance="50", assigned_to=owner, assigned_to_email=owner.email
    )
    checkout = ready_checkout(shop, email="guest@example.com")
    attach_gift_card(checkout_token=checkout.pk, gift_card=card)
    complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())
    card.refresh_from_db()
    assert card.current_balance_amount == 50
    assert not GiftCardEvent.objects.filter(
        gift_card=card, type=GiftCardEventType.USED_IN_ORDER
    ).exists()


def test_filter_by_assigned_to_and_flat_query_count(count_queries: Any) -> None:
    admin = make_user("admin@example.com", is_staff=True)
    actor = staff(admin.pk, Permission.MANAGE_GIFT_CARD, Permission.MANAGE_USERS)
    anna = make_user("anna@example.com")
    bob = make_user("bob@example.com")
    make_gift_card(code="ANNA0001", assigned_to=anna, assigned_to_email=anna.email)
    make_gift_card(code="BOBB0002", assigned_to=bob, assigned_to_email=bob.email)
    make_gift_card(code="NONE0003")

    result = run_as(actor, LIST, {"filter": {"assignedTo": [uid(anna)]}})
    assert result.errors is None
    edges = result.data["giftCards"]["edges"]  # type: ignore[index]
    assert [e["node"]["last4CodeChars"] for e in edges] == ["0001"]
    assert edges[0]["node"]["assignedTo"] == {"email": "anna@example.com"}

    with count_queries() as small:
        assert run_as(actor, LIST).errors is None
    for n in range(5):
        user = make_user(f"c{n}@example.com")
        make_gift_card(
            code=f"MORE000{n}", assigned_to=user, assigned_to_email=user.email
        )
    with count_queries() as big:
        result = run_as(actor, LIST)
    assert result.errors is None
    assert len(result.data["giftCards"]["edges"]) == 8  # type: ignore[index]
    assert len(big.captured_queries) == len(small.captured_queries)
