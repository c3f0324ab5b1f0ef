from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor, Permission
from mercato.order.models import Order
from mercato.payment import services, sessions
from mercato.payment.models import TransactionEvent, TransactionItem
from mercato.payment.queries import (
    checkout_paid_amounts,
    checkout_total,
    order_paid_amounts,
)
from mercato.payment.recording import Source, recalculate
from mercato.payment.services import EventReport
from tests.factories.catalog import Catalog, build_catalog
from tests.factories.payment import (
    DUMMY_ID,
    add_event,
    dummy_gateway_on,
    make_checkout,
    make_transaction,
)

pytestmark = pytest.mark.django_db

SHOPPER = Actor.anonymous()
STAFF = Actor(
    user_id=None, is_staff=True, permissions=frozenset({Permission.HANDLE_PAYMENTS})
)


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(1)


@pytest.fixture
def dummy() -> Any:
    with dummy_gateway_on():
        yield


def codes(
    failed: pytest.ExceptionInfo[ValidationFailed],
) -> list[tuple[str | None, str]]:
    return [(error.field, error.code) for error in failed.value.errors]


def charge(checkout: Any, event: str = "CHARGE_SUCCESS", **kwargs: Any) -> Any:
    return sessions.initialize_transaction(
        actor=SHOPPER,
        source=Source(checkout_token=checkout.token),
        gateway_id=DUMMY_ID,
        data={"event": {"type": event}},
        **kwargs,
    )


def test_checkout_paid_amounts_sum_the_checkouts_transactions(catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    first = make_transaction(checkout=checkout)
    add_event(first, "CHARGE_SUCCESS", "3", "a")
    second = make_transaction(checkout=checkout)
    add_event(second, "AUTHORIZATION_REQUEST", "4", "b")
    other = make_transaction(checkout=make_checkout(catalog))
    add_event(other, "CHARGE_SUCCESS", "100", "c")
    for item in (first, second, other):
        recalculate(item)
    paid = checkout_paid_amounts(checkout_token=checkout.token)
    assert (paid.charged, paid.authorize_pending, paid.authorized) == (3, 4, 0)


def test_transactions_move_to_the_order_with_gift_cards(catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    item = make_transaction(checkout=checkout)
    add_event(item, "CHARGE_SUCCESS", "7", "a")
    recalculate(item)
    order = Order.objects.create(
        channel=catalog.channel, currency="USD", total_gross_amount=Decimal(12)
    )
    services.move_checkout_transactions_to_order(
        checkout_token=checkout.token, order_id=order.pk
    )
    services.record_gift_card_payment(
        order_id=order.pk, currency="USD", amount=Decimal(5), codes=["ABCD-1234"]
    )
    assert checkout_paid_amounts(checkout_token=checkout.token).charged == 0
    assert order_paid_amounts(order_id=order.pk).charged == 12
    gift = TransactionItem.objects.get(order=order, name="Gift card")
    assert "ABCD-1234" not in gift.message and "1234" in gift.message


def test_dummy_charge_pays_the_remaining_balance(catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    total = checkout_total(checkout)
    result = charge(checkout)
    assert result.event.type == "CHARGE_SUCCESS" and result.event.amount == total
    assert result.transaction.charged_amount == total
    assert result.transaction.available_actions == ["REFUND"]
    assert checkout_paid_amounts(checkout_token=checkout.token).charged == total
    # Nothing remains: a second session defaults to zero.
    assert charge(checkout).event.amount == 0


def test_action_required_then_process(catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    started = charge(checkout, "CHARGE_ACTION_REQUIRED", amount=Decimal("5"))
    assert started.transaction.charged_amount == 0
    processed = sessions.process_transaction(
        actor=SHOPPER, token=started.transaction.token, data=None
    )
    assert processed.event.type == "CHARGE_SUCCESS"
    assert processed.transaction.charged_amount == 5
    again = sessions.process_transaction(
        actor=SHOPPER, token=started.transaction.token, data=None
    )
    assert again.event.pk == processed.event.pk and again.data is None
    assert TransactionEvent.objects.filter(type="CHARGE_SUCCESS").count() == 1


def test_gateway_off_changes_nothing(catalog: Catalog) -> None:
    checkout = make_checkout(catalog)
    with pytest.raises(ValidationFailed) as failed:
        charge(checkout)
    assert codes(failed) == [("paymentGateway", "NOT_FOUND")]
    assert not TransactionItem.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"event": {"type": "AUTHORIZATION_SUCCESS"}}, "paymentGateway"),
        ({"event": {"type": 5}}, "paymentGateway"),
        ({"event": "x"}, "paymentGateway"),
        ([1], "paymentGateway"),
    ],
)
def test_bad_gateway_data_changes_nothing(
    catalog: Catalog, dummy: Any, data: Any, field: str
) -> None:
    checkout = make_checkout(catalog)
    with pytest.raises(ValidationFailed) as failed:
        sessions.initialize_transaction(
            actor=SHOPPER,
            source=Source(checkout_token=checkout.token),
            gateway_id=DUMMY_ID,
            data=data,
            action="CHARGE",
        )
    assert codes(failed) == [(field, "INVALID")]
    assert not TransactionItem.objects.exists()


def test_amount_with_too_many_decimals_is_invalid(catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    with pytest.raises(ValidationFailed) as failed:
        charge(checkout, amount=Decimal("1.001"))
    assert codes(failed) == [("amount", "INVALID")]


def test_idempotency_key_returns_the_same_session(catalog: Catalog, dummy: Any) -> None:
    checkout = make_checkout(catalog)
    first = charge(checkout, idempotency_key="k1")
    second = charge(checkout, idempotency_key="k1")
    assert second.transaction.pk == first.transaction.pk
    assert TransactionItem.objects.count() == 1
    with pytest.raises(ValidationFailed) as failed:
        charge(make_checkout(catalog), idempotency_key="k1")
    assert codes(failed) == [("idempotencyKey", "UNIQUE")]


def test_event_report_is_idempotent(catalog: Catalog) -> None:
    item = make_transaction(checkout=make_checkout(catalog))
    report = EventReport(type="CHARGE_SUCCESS", psp_reference="p", amount=Decimal(4))
    first = services.report_transaction_event(
        actor=STAFF, token=item.token, report=report
    )
    second = services.report_transaction_event(
        actor=STAFF, token=item.token, report=report
    )
    assert (first.already_processed, second.already_processed) == (False, True)
    assert second.event.pk == first.event.pk
    assert second.transaction.charged_amount == 4
    other = EventReport(type="CHARGE_SUCCESS", psp_reference="p", amount=Decimal(5))
    with pytest.raises(ValidationFailed) as failed:
        services.report_transaction_event(actor=STAFF, token=item.token, report=other)
    assert codes(failed) == [("amount", "INCORRECT_DETAILS")]
    assert item.events.count() == 1


def test_apps_change_only_their_own_transactions(catalog: Catalog) -> None:
    item = make_transaction(checkout=make_checkout(catalog))
    app = Actor(app_id=99, permissions=frozenset({Permission.HANDLE_PAYMENTS}))
    with pytest.raises(services.NotTransactionOwner):
        services.update_transaction(actor=app, token=item.token, data=None)
