from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.giftcard import services
from mercato.giftcard.models import GiftCard, GiftCardEvent, GiftCardTag
from mercato.giftcard.services import Balance, CardChanges
from tests.factories.giftcard import make_gift_card

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, app_id=None)


def test_generated_codes_are_long_random_and_unambiguous() -> None:
    codes = {services.generate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 for code in codes)
    assert not set("".join(codes)) & set("01OIL")


def test_codes_are_unique_regardless_of_case_in_the_database() -> None:
    make_gift_card(code="abcd-1234")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_gift_card(code="ABCD-1234")


def test_balance_arithmetic_rounds_to_the_currency() -> None:
    card = services.create_gift_card(
        actor=ACTOR, balance=Balance(Decimal("10.4999"), "JPY"), is_active=True
    )
    assert card.initial_balance_amount == card.current_balance_amount == Decimal(10)
    card = services.create_gift_card(
        actor=ACTOR, balance=Balance(Decimal("1.0005"), "KWD"), is_active=True
    )
    assert card.current_balance_amount == Decimal("1.001")


def test_update_may_reset_a_balance_to_zero_but_never_below() -> None:
    card = make_gift_card(balance="10")
    services.update_gift_card(
        actor=ACTOR,
        gift_card_id=card.pk,
        changes=CardChanges(balance_amount=Decimal(0)),
    )
    card.refresh_from_db()
    assert card.current_balance_amount == card.initial_balance_amount == 0
    with pytest.raises(ValidationFailed):
        services.update_gift_card(
            actor=ACTOR,
            gift_card_id=card.pk,
            changes=CardChanges(balance_amount=Decimal(-1)),
        )


def test_removing_the_last_use_of_a_tag_deletes_it() -> None:
    card = make_gift_card(tags=("gone", "shared"))
    make_gift_card(tags=("shared",))
    services.update_gift_card(
        actor=ACTOR,
        gift_card_id=card.pk,
        changes=CardChanges(remove_tags=["gone", "shared"]),
    )
    assert list(GiftCardTag.objects.values_list("name", flat=True)) == ["shared"]


def test_bulk_create_gives_distinct_codes_and_events() -> None:
    cards = services.bulk_create_gift_cards(
        actor=ACTOR,
        count=50,
        balance=Balance(Decimal(5), "USD"),
        is_active=True,
        tags=["x"],
    )
    assert len({card.code for card in cards}) == 50
    assert GiftCard.objects.filter(tags__name="x").count() == 50
    assert GiftCardEvent.objects.filter(type="issued").count() == 50


@pytest.mark.django_db(transaction=True)
def test_a_code_taken_by_a_concurrent_create_is_already_exists() -> None:
    inserted = threading.Event()

    def hold_the_code() -> None:
        try:
            with transaction.atomic():
                make_gift_card(code="RACE-CODE")
                inserted.set()
                time.sleep(0.4)  # the other create waits on the unique index
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_code)
    holder.start()
    assert inserted.wait(5)
    with pytest.raises(ValidationFailed) as failed:
        services.create_gift_card(
            actor=ACTOR,
            balance=Balance(Decimal(5), "USD"),
            is_active=True,
            code="race-code",
        )
    holder.join(5)
    assert [(e.field, e.code) for e in failed.value.errors] == [
        ("code", "ALREADY_EXISTS")
    ]
    assert GiftCard.objects.count() == 1
    assert not GiftCardEvent.objects.exists()
