from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mercato.core.permissions import Actor, Permission
from mercato.giftcard.models import GiftCard, GiftCardEvent, GiftCardEventType
from mercato.giftcard.services import CODE_ALPHABET, CODE_LENGTH
from mercato.graphql.core.ids import to_global_id
from tests.factories.account import make_user
from tests.factories.giftcard import make_gift_card
from tests.graphql.giftcard.helpers import denied, run_as, staff

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)

CARD_FIELDS = """
  id code displayCode last4CodeChars isActive expiryDate createdByEmail
  initialBalance { amount currency } currentBalance { amount currency }
  tags { name } metadata { key value }
  events { type message expiryDate oldExpiryDate tags oldTags
    balance { initialBalance { amount } currentBalance { amount }
      oldInitialBalance { amount } oldCurrentBalance { amount } } }
"""
CREATE = f"""
mutation($input: GiftCardCreateInput!) {{
  giftCardCreate(input: $input) {{
    giftCard {{ {CARD_FIELDS} createdBy {{ email }} }}
    errors {{ field code message }}
    giftCardErrors {{ code }}
  }}
}}
"""
UPDATE = f"""
mutation($id: ID!, $input: GiftCardUpdateInput!) {{
  giftCardUpdate(id: $id, input: $input) {{
    giftCard {{ {CARD_FIELDS} }}
    errors {{ field code message tags }}
  }}
}}
"""


def gid(card: GiftCard) -> str:
    return to_global_id("GiftCard", card.pk)


@pytest.fixture
def admin() -> Actor:
    user = make_user(
        "admin@example.com",
        is_staff=True,
        permissions=(Permission.MANAGE_GIFT_CARD, Permission.MANAGE_USERS),
    )
    return staff(user.pk, Permission.MANAGE_GIFT_CARD, Permission.MANAGE_USERS)


def create(actor: Actor, **input: Any) -> dict[str, Any]:
    variables = {"balance": {"amount": "25.505", "currency": "usd"}, "isActive": True}
    result = run_as(actor, CREATE, {"input": {**variables, **input}})
    assert result.errors is None, result.errors
    return result.data["giftCardCreate"]  # type: ignore[index,no-any-return]


def test_create_generates_an_unguessable_code(admin: Actor) -> None:
    data = create(
        admin,
        addTags=["promo", " promo ", "vip"],
        expiryDate=TOMORROW.isoformat(),
        note="For the launch",
        metadata=[{"key": "source", "value": "fair"}],
    )
    assert data["errors"] == [] and data["giftCardErrors"] == []
    card = data["giftCard"]
    assert len(card["code"]) == CODE_LENGTH
    assert set(card["code"]) <= set(CODE_ALPHABET)
    assert card["last4CodeChars"] == card["displayCode"] == card["code"][-4:]
    # rounded half-up to the currency's precision
    assert card["initialBalance"] == {"amount": 25.51, "currency": "USD"}
    assert card["currentBalance"] == {"amount": 25.51, "currency": "USD"}
    assert card["expiryDate"] == TOMORROW.isoformat()
    assert card["createdByEmail"] == "admin@example.com"
    assert card["createdBy"] == {"email": "admin@example.com"}
    assert [tag["name"] for tag in card["tags"]] == ["promo", "vip"]
    assert card["metadata"] == [{"key": "source", "value": "fair"}]
    assert [event["type"] for event in card["events"]] == ["ISSUED", "NOTE_ADDED"]
    assert card["events"][0]["balance"]["currentBalance"] == {"amount": 25.51}
    assert card["events"][1]["message"] == "For the launch"


def test_create_with_a_given_code_is_unique_regardless_of_case(admin: Actor) -> None:
    assert create(admin, code="Summer-2026")["giftCard"]["code"] == "Summer-2026"
    data = create(admin, code="SUMMER-2026")
    assert data["giftCard"] is None
    assert data["errors"] == [
        {
            "field": "code",
            "code": "ALREADY_EXISTS",
            "message": "A gift card with this code exists.",
        }
    ]
    assert GiftCard.objects.count() == 1


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"balance": {"amount": "0", "currency": "USD"}}, "balance"),
        ({"balance": {"amount": "10", "currency": "XYZ"}}, "balance"),
        ({"expiryDate": YESTERDAY.isoformat()}, "expiryDate"),
        ({"code": "no spaces"}, "code"),
        ({"code": "x" * 17}, "code"),
        ({"addTags": [""]}, "addTags"),
        ({"userEmail": "not-an-email"}, "userEmail"),
    ],
)
def test_create_rejects_bad_input(
    admin: Actor, input: dict[str, Any], field: str
) -> None:
    data = create(admin, **input)
    assert data["giftCard"] is None
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(field, "INVALID")]
    assert not GiftCard.objects.exists()
    assert not GiftCardEvent.objects.exists()


def test_update_resets_balance_moves_expiry_and_changes_tags(admin: Actor) -> None:
    card = make_gift_card(balance="50", tags=("old", "keep"))
    GiftCard.objects.filter(pk=card.pk).update(current_balance_amount=Decimal("20"))
    result = run_as(
        admin,
        UPDATE,
        {
            "id": gid(card),
            "input": {
                "balanceAmount": "80",
                "expiryDate": TOMORROW.isoformat(),
                "addTags": ["new"],
                "removeTags": ["old"],
            },
        },
    )
    assert result.errors is None, result.errors
    data = result.data["giftCardUpdate"]  # type: ignore[index]
    assert data["errors"] == []
    updated = data["giftCard"]
    assert updated["initialBalance"]["amount"] == 80
    assert updated["currentBalance"]["amount"] == 80
    assert [tag["name"] for tag in updated["tags"]] == ["keep", "new"]
    events = {event["type"]: event for event in updated["events"]}
    assert set(events) == {"BALANCE_RESET", "EXPIRY_DATE_UPDATED", "TAGS_UPDATED"}
    assert events["BALANCE_RESET"]["balance"] == {
        "initialBalance": {"amount": 80},
        "currentBalance": {"amount": 80},
        "oldInitialBalance": {"amount": 50},
        "oldCurrentBalance": {"amount": 20},
    }
    assert events["EXPIRY_DATE_UPDATED"]["expiryDate"] == TOMORROW.isoformat()
    assert events["EXPIRY_DATE_UPDATED"]["oldExpiryDate"] is None
    assert events["TAGS_UPDATED"]["tags"] == ["keep", "new"]
    assert events["TAGS_UPDATED"]["oldTags"] == ["keep", "old"]


def test_update_clears_expiry_with_null_and_keeps_it_when_absent(admin: Actor) -> None:
    card = make_gift_card(expiry_date=TOMORROW)
    run_as(admin, UPDATE, {"id": gid(card), "input": {"addTags": ["x"]}})
    card.refresh_from_db()
    assert card.expiry_date == TOMORROW
    run_as(admin, UPDATE, {"id": gid(card), "input": {"expiryDate": None}})
    card.refresh_from_db()
    assert card.expiry_date is None


def test_update_rejects_a_tag_added_and_removed(admin: Actor) -> None:
    card = make_gift_card()
    result = run_as(
        admin,
        UPDATE,
        {"id": gid(card), "input": {"addTags": ["a"], "removeTags": ["a"]}},
    )
    errors = result.data["giftCardUpdate"]["errors"]  # type: ignore[index]
    assert errors == [
        {
            "field": "addTags",
            "code": "DUPLICATED_INPUT_ITEM",
            "message": "The same tag cannot be both added and removed.",
            "tags": ["a"],
        }
    ]
    assert not card.tags.exists()


def test_update_of_a_missing_card_is_not_found(admin: Actor) -> None:
    result = run_as(
        admin,
        UPDATE,
        {"id": to_global_id("GiftCard", 999999), "input": {"balanceAmount": "5"}},
    )
    errors = result.data["giftCardUpdate"]["errors"]  # type: ignore[index]
    assert [(e["field"], e["code"]) for e in errors] == [("id", "NOT_FOUND")]


ACTIVATE = """
mutation($id: ID!) {
  giftCardActivate(id: $id) { giftCard { isActive events { type } } errors { code } }
}
"""
DEACTIVATE = """
mutation($id: ID!) {
  giftCardDeactivate(id: $id) { giftCard { isActive events { type } } errors { code } }
}
"""


def test_deactivate_and_activate_write_events_once(admin: Actor) -> None:
    card = make_gift_card()
    for _ in range(2):
        data = run_as(admin, DEACTIVATE, {"id": gid(card)}).data
        assert data["giftCardDeactivate"]["giftCard"]["isActive"] is False  # type: ignore[index]
    data = run_as(admin, ACTIVATE, {"id": gid(card)}).data
    card_data = data["giftCardActivate"]["giftCard"]  # type: ignore[index]
    assert card_data["isActive"] is True
    assert [e["type"] for e in card_data["events"]] == ["DEACTIVATED", "ACTIVATED"]


def test_delete(admin: Actor) -> None:
    card = make_gift_card(tags=("only-here",))
    query = """mutation($id: ID!) { giftCardDelete(id: $id) {
      giftCard { id last4CodeChars } errors { code } } }"""
    data = run_as(admin, query, {"id": gid(card)}).data
    assert (
        data["giftCardDelete"]
        == {  # type: ignore[index]
            "giftCard": {"id": gid(card), "last4CodeChars": card.code[-4:]},
            "errors": [],
        }
    )
    assert not GiftCard.objects.exists()
    data = run_as(admin, query, {"id": gid(card)}).data
    assert data["giftCardDelete"]["errors"] == [{"code": "NOT_FOUND"}]  # type: ignore[index]


def test_add_note(admin: Actor) -> None:
    card = make_gift_card()
    query = """mutation($id: ID!, $input: GiftCardAddNoteInput!) {
      giftCardAddNote(id: $id, input: $input) {
        giftCard { id } event { type message user { email } }
        errors { field code } } }"""
    data = run_as(admin, query, {"id": gid(card), "input": {"message": " Hi "}}).data
    assert data["giftCardAddNote"] == {  # type: ignore[index]
        "giftCard": {"id": gid(card)},
        "event": {
            "type": "NOTE_ADDED",
            "message": "Hi",
            "user": {"email": "admin@example.com"},
        },
        "errors": [],
    }
    data = run_as(admin, query, {"id": gid(card), "input": {"message": "  "}}).data
    assert data["giftCardAddNote"]["errors"] == [  # type: ignore[index]
        {"field": "message", "code": "REQUIRED"}
    ]
    assert GiftCardEvent.objects.filter(type=GiftCardEventType.NOTE_ADDED).count() == 1


def test_bulk_create(admin: Actor) -> None:
    query = """mutation($input: GiftCardBulkCreateInput!) {
      giftCardBulkCreate(input: $input) {
        count giftCards { code isActive tags { name } events { type } }
        errors { field code } } }"""
    input = {
        "count": 3,
        "balance": {"amount": "10", "currency": "EUR"},
        "tags": ["batch"],
        "isActive": False,
    }
    data = run_as(admin, query, {"input": input}).data["giftCardBulkCreate"]  # type: ignore[index]
    assert data["count"] == 3 and data["errors"] == []
    assert len({card["code"] for card in data["giftCards"]}) == 3
    assert all(
        card["tags"] == [{"name": "batch"}]
        and card["events"] == [{"type": "ISSUED"}]
        and card["isActive"] is False
        for card in data["giftCards"]
    )
    too_many = {**input, "count": 1001}
    data = run_as(admin, query, {"input": too_many}).data["giftCardBulkCreate"]  # type: ignore[index]
    assert data["errors"] == [{"field": "count", "code": "INVALID"}]
    assert GiftCard.objects.count() == 3


def test_bulk_activate_deactivate_delete(admin: Actor) -> None:
    cards = [make_gift_card(), make_gift_card(is_active=False), make_gift_card()]
    ids = [gid(card) for card in cards]
    query = "mutation($ids: [ID!]!) { %s(ids: $ids) { count errors { code } } }"
    data = run_as(admin, query % "giftCardBulkDeactivate", {"ids": ids}).data
    assert data == {"giftCardBulkDeactivate": {"count": 3, "errors": []}}
    assert not GiftCard.objects.filter(is_active=True).exists()
    # only the two cards whose state changed got an event
    assert GiftCardEvent.objects.filter(type="deactivated").count() == 2
    data = run_as(admin, query % "giftCardBulkActivate", {"ids": ids[:2]}).data
    assert data == {"giftCardBulkActivate": {"count": 2, "errors": []}}
    assert GiftCard.objects.filter(is_active=True).count() == 2
    data = run_as(admin, query % "giftCardBulkDelete", {"ids": ids}).data
    assert data == {"giftCardBulkDelete": {"count": 3, "errors": []}}
    assert not GiftCard.objects.exists()


def test_mutations_need_manage_gift_card() -> None:
    card = make_gift_card()
    for actor in (
        Actor.anonymous(),
        Actor(user_id=1),
        Actor(
            user_id=1, is_staff=True, permissions=frozenset({Permission.MANAGE_USERS})
        ),
    ):
        result = run_as(actor, DEACTIVATE, {"id": gid(card)})
        assert denied(result)
    card.refresh_from_db()
    assert card.is_active


def test_wrong_id_type_is_a_clean_error(admin: Actor) -> None:
    result = run_as(admin, DEACTIVATE, {"id": to_global_id("Product", 1)})
    assert result.errors is not None
    assert "Expected: GiftCard" in result.errors[0].message


ADJUST = """
mutation($id: ID!, $amount: Decimal!) {
  giftCardBalanceAdjust(id: $id, amount: $amount) {
    giftCard { initialBalance { amount } currentBalance { amount }
      events { type balance { oldCurrentBalance { amount } } } }
    errors { field code }
  }
}
"""


@pytest.mark.parametrize(
    ("amount", "initial", "current"),
    [
        ("-15.255", 50, 4.74),  # deducts, rounded to cents
        ("-100", 50, 0),  # never below zero
        (40, 60, 60),  # a top-up past the initial balance raises it
        ("5", 50, 25),
    ],
)
def test_balance_adjust(
    admin: Actor, amount: Any, initial: float, current: float
) -> None:
    card = make_gift_card(balance="50")
    GiftCard.objects.filter(pk=card.pk).update(current_balance_amount=Decimal(20))
    result = run_as(admin, ADJUST, {"id": gid(card), "amount": amount})
    data = result.data["giftCardBalanceAdjust"]  # type: ignore[index]
    assert data["errors"] == []
    assert data["giftCard"]["initialBalance"] == {"amount": initial}
    assert data["giftCard"]["currentBalance"] == {"amount": current}
    assert data["giftCard"]["events"] == [
        {"type": "BALANCE_ADJUSTED", "balance": {"oldCurrentBalance": {"amount": 20}}}
    ]


@pytest.mark.parametrize("amount", ["0", "1e20"])
def test_balance_adjust_rejects_zero_and_huge_amounts(
    admin: Actor, amount: str
) -> None:
    card = make_gift_card(balance="50")
    result = run_as(admin, ADJUST, {"id": gid(card), "amount": amount})
    data = result.data["giftCardBalanceAdjust"]  # type: ignore[index]
    assert data == {
        "giftCard": None,
        "errors": [{"field": "amount", "code": "INVALID"}],
    }
    assert not GiftCardEvent.objects.exists()


def test_balance_adjust_garbage_amount_is_a_clean_error(admin: Actor) -> None:
    card = make_gift_card()
    result = run_as(admin, ADJUST, {"id": gid(card), "amount": "lots"})
    assert result.errors is not None
    assert "Decimal cannot represent" in result.errors[0].message
