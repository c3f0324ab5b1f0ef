from __future__ import annotations

import datetime
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mercato.giftcard.checkout import (
    attach_gift_card,
    charge_gift_cards,
    detach_gift_card,
    find_usable_gift_card,
    gift_cards_balance,
)
from mercato.giftcard.models import GiftCard, GiftCardEvent, GiftCardEventType
from tests.factories.account import make_user
from tests.factories.giftcard import make_checkout, make_gift_card

ORDER = uuid.uuid4()
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.mark.django_db
def test_find_usable_gift_card_is_case_insensitive() -> None:
    card = make_gift_card(code="AbCd1234")
    assert find_usable_gift_card(code=" abcd1234 ", currency="USD") == card
    assert find_usable_gift_card(code="ABCD1234", currency="USD") == card


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"is_active": False},
        {"expiry_date": YESTERDAY},
        {"currency": "EUR"},
        {"current_balance_amount": Decimal(0)},
    ],
    ids=["inactive", "expired", "other-currency", "empty"],
)
def test_find_usable_gift_card_rejects_unusable_cards(
    fields: dict[str, object],
) -> None:
    make_gift_card(code="CARD0001", **fields)
    assert find_usable_gift_card(code="CARD0001", currency="USD") is None


@pytest.mark.django_db
def test_find_usable_gift_card_accepts_card_expiring_today() -> None:
    card = make_gift_card(code="CARD0001", expiry_date=timezone.localdate())
    assert find_usable_gift_card(code="card0001", currency="USD") == card
    assert find_usable_gift_card(code="", currency="USD") is None
    assert find_usable_gift_card(code="nope", currency="USD") is None


@pytest.mark.django_db
def test_attach_detach_and_balance() -> None:
    checkout = make_checkout()
    first = make_gift_card(balance="20")
    second = make_gift_card(balance="12.5")
    expired = make_gift_card(balance="100", expiry_date=YESTERDAY)
    for card in (first, second, second, expired):
        attach_gift_card(checkout_token=checkout.token, gift_card=card)
    assert checkout.gift_cards.count() == 3
    assert gift_cards_balance(checkout_token=checkout.token, currency="USD") == Decimal(
        "32.5"
    )
    assert detach_gift_card(checkout_token=checkout.token, gift_card_id=first.pk)
    assert not detach_gift_card(checkout_token=checkout.token, gift_card_id=first.pk)
    assert gift_cards_balance(checkout_token=checkout.token, currency="USD") == Decimal(
        "12.5"
    )
    assert gift_cards_balance(checkout_token=checkout.token, currency="EUR") == Decimal(
        0
    )


@pytest.mark.django_db
def test_charge_takes_in_pk_order_up_to_the_amount() -> None:
    checkout = make_checkout()
    user = make_user()
    first = make_gift_card(balance="20")
    second = make_gift_card(balance="30")
    third = make_gift_card(balance="40")
    for card in (third, second, first):
        attach_gift_card(checkout_token=checkout.token, gift_card=card)

    taken = charge_gift_cards(
        checkout_token=checkout.token,
        amount=Decimal("35.50"),
        currency="USD",
        order_id=ORDER,
        user_id=user.pk,
        email=user.email,
    )

    assert taken == [(first.pk, Decimal("20")), (second.pk, Decimal("15.50"))]
    balances = dict(GiftCard.objects.values_list("pk", "current_balance_amount"))
    assert balances == {
        first.pk: Decimal(0),
        second.pk: Decimal("14.5"),
        third.pk: Decimal(40),
    }
    assert checkout.gift_cards.count() == 0
    event = GiftCardEvent.objects.get(gift_card=second)
    assert event.type == GiftCardEventType.USED_IN_ORDER
    assert event.order_id == ORDER
    assert event.user_id == user.pk
    assert event.parameters["balance"] == {
        "currency": "USD",
        "current_balance": "14.500",
        "old_current_balance": "30.000",
    }
    assert not GiftCardEvent.objects.filter(gift_card=third).exists()
    second.refresh_from_db()
    assert second.used_by_id == user.pk
    assert second.last_used_on is not None


@pytest.mark.django_db
def test_charge_skips_cards_that_became_unusable() -> None:
    checkout = make_checkout()
    inactive = make_gift_card(balance="20")
    good = make_gift_card(balance="20")
    for card in (inactive, good):
        attach_gift_card(checkout_token=checkout.token, gift_card=card)
    GiftCard.objects.filter(pk=inactive.pk).update(is_active=False)

    taken = charge_gift_cards(
        checkout_token=checkout.token,
        amount=Decimal("50"),
        currency="USD",
        order_id=uuid.uuid4(),
        user_id=None,
        email="guest@example.com",
    )

    assert taken == [(good.pk, Decimal("20"))]
    inactive.refresh_from_db()
    assert inactive.current_balance_amount == Decimal(20)
    good.refresh_from_db()
    assert good.used_by_email == "guest@example.com"


@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_never_overdraw() -> None:
    card = make_gift_card(balance="30")
    checkouts = [make_checkout(), make_checkout()]
    for checkout in checkouts:
        attach_gift_card(checkout_token=checkout.token, gift_card=card)
    first_locked = threading.Event()
    results: dict[int, list[tuple[int, Decimal]]] = {}
    errors: list[BaseException] = []

    def charge(index: int) -> None:
        try:
            with transaction.atomic():
                results[index] = charge_gift_cards(
                    checkout_token=checkouts[index].token,
                    amount=Decimal("20"),
                    currency="USD",
                    order_id=uuid.uuid4(),
                    user_id=None,
                    email=None,
                )
                if index == 0:
                    first_locked.set()
                    time.sleep(0.3)  # the second charge is waiting on the lock
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=charge, args=(0,))
    second = threading.Thread(target=charge, args=(1,))
    first.start()
    assert first_locked.wait(5)
    second.start()
    first.join(10)
    second.join(10)

    assert not errors
    assert results == {0: [(card.pk, Decimal(20))], 1: [(card.pk, Decimal(10))]}
    card.refresh_from_db()
    assert card.current_balance_amount == Decimal(0)
    assert GiftCardEvent.objects.filter(gift_card=card).count() == 2
