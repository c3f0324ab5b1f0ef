from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from mercato.account.models import Address
from mercato.checkout.models import Checkout
from mercato.checkout.services import add_checkout_promo_code
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.discount.models import VoucherCode
from mercato.giftcard.checkout import attach_gift_card
from mercato.inventory.models import Allocation, Stock
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order, OrderEventType, OrderStatus
from mercato.order.tasks import send_order_confirmation_job
from mercato.payment.models import TransactionItem
from tests.factories.account import make_user
from tests.factories.discount import make_voucher
from tests.factories.giftcard import make_gift_card
from tests.factories.order import (
    ADDRESS,
    add_variant,
    make_method,
    make_shop,
    pay,
    ready_checkout,
)

pytestmark = pytest.mark.django_db

BUYER = Actor.anonymous()


def complete(checkout: Checkout, **kwargs: Any) -> Order:
    return complete_checkout(checkout_token=checkout.pk, actor=BUYER, **kwargs)


def codes_of(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.code for error in failed.value.errors]


def confirmation_emails() -> list[dict[str, Any]]:
    jobs = ProcrastinateJob.objects.filter(task_name="order.send_confirmation")
    return [dict(job.args) for job in jobs.order_by("id")]


def test_completing_copies_the_checkout_into_an_order() -> None:
    shop = make_shop(quantity=5, price="12.50")
    second = add_variant(shop, quantity=3, price="4.00", sku="SECOND", name="Blue")
    user = make_user(email="ada@example.com")
    checkout = ready_checkout(
        shop, [(shop.variant, 2), (second, 1)], user_id=user.pk, email=user.email
    )
    checkout.customer_note = "Leave at the door"
    checkout.metadata = {"source": "web"}
    checkout.save()
    token = checkout.pk

    order = complete(checkout, metadata={"campaign": "spring"})

    assert order.checkout_token == token
    assert order.status == OrderStatus.UNFULFILLED
    assert order.user_id == user.pk and order.user_email == "ada@example.com"
    assert order.channel_id == shop.channel.pk
    assert order.customer_note == "Leave at the door"
    assert order.metadata == {"source": "web", "campaign": "spring"}
    assert order.total_gross_amount == Decimal("29.00")
    assert order.subtotal_gross_amount == Decimal("29.00")
    lines = list(order.lines.order_by("pk"))
    assert [(li.product_sku, li.variant_name, li.quantity) for li in lines] == [
        (shop.variant.sku, shop.variant.name, 2),
        ("SECOND", "Blue", 1),
    ]
    assert lines[0].product_name == shop.variant.product.name
    assert lines[0].unit_price_gross_amount == Decimal("12.50")
    assert lines[0].total_price_gross_amount == Decimal("25.00")
    assert not Checkout.objects.filter(pk=token).exists()
    # Addresses are the order's own copies.
    assert order.billing_address_id and order.shipping_address_id
    assert order.billing_address_id != order.shipping_address_id
    billing = Address.objects.get(pk=order.billing_address_id)
    assert (billing.first_name, billing.postal_code) == (ADDRESS["first_name"], "10001")
    # Stock is allocated to the lines.
    stock = Stock.objects.get(product_variant=shop.variant)
    assert stock.quantity_allocated == 2
    assert Allocation.objects.get(order_line=lines[0]).quantity_allocated == 2
    assert [e.type for e in order.events.order_by("pk")] == [
        OrderEventType.PLACED,
        OrderEventType.CONFIRMED,
    ]
    assert confirmation_emails() == [{"order_id": str(order.pk)}]


def test_confirmation_email_lists_the_order(mailoutbox: list[Any]) -> None:
    shop = make_shop(price="12.50")
    checkout = ready_checkout(shop, [(shop.variant, 2)], email="ada@example.com")
    order = complete(checkout, redirect_url="https://shop.example/orders/1")

    send_order_confirmation_job(order_id=str(order.pk))

    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert str(order.number) in message.subject
    assert f"2 x {shop.variant.product.name} {shop.variant.name}: 25.00" in message.body
    assert "Total: 25.00 USD" in message.body
    assert "https://shop.example/orders/1" in message.body
    html = message.alternatives[0][0]
    assert "https://shop.example/orders/1" in html


def test_order_numbers_grow() -> None:
    shop = make_shop()
    first = complete(ready_checkout(shop))
    second = complete(ready_checkout(shop))
    assert second.number == first.number + 1


def test_completing_again_returns_the_same_order() -> None:
    shop = make_shop(quantity=1)
    checkout = ready_checkout(shop)

    first = complete(checkout)
    again = complete(checkout)

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert Stock.objects.get(product_variant=shop.variant).quantity_allocated == 1
    assert len(confirmation_emails()) == 1


def test_channel_that_does_not_confirm_leaves_orders_unconfirmed() -> None:
    shop = make_shop(automatically_confirm_all_new_orders=False)
    order = complete(ready_checkout(shop))
    assert order.status == OrderStatus.UNCONFIRMED
    assert [e.type for e in order.events.all()] == [OrderEventType.PLACED]


def test_events_record_the_signed_in_buyer() -> None:
    shop = make_shop()
    user = make_user()
    checkout = ready_checkout(shop, user_id=user.pk, email=user.email)
    order = complete_checkout(checkout_token=checkout.pk, actor=Actor(user_id=user.pk))
    assert {e.user_id for e in order.events.all()} == {user.pk}


def test_incomplete_checkout_gets_every_reason_and_changes_nothing() -> None:
    shop = make_shop()
    checkout = ready_checkout(shop, email="")
    Checkout.objects.filter(pk=checkout.pk).update(billing_address=None)

    with pytest.raises(ValidationFailed) as failed:
        complete(checkout)

    assert set(codes_of(failed)) == {"EMAIL_NOT_SET", "BILLING_ADDRESS_NOT_SET"}
    assert Checkout.objects.filter(pk=checkout.pk).exists()
    assert not Order.objects.exists()
    assert Stock.objects.get(product_variant=shop.variant).quantity_allocated == 0


def test_checkout_without_lines_cannot_be_completed() -> None:
    shop = make_shop()
    checkout = ready_checkout(shop)
    checkout.lines.all().delete()
    with pytest.raises(ValidationFailed) as failed:
        complete(checkout)
    assert "NO_LINES" in codes_of(failed)


def test_unknown_checkout_is_not_found() -> None:
    import uuid

    with pytest.raises(ValidationFailed) as failed:
        complete_checkout(checkout_token=uuid.uuid4(), actor=BUYER)
    assert codes_of(failed) == ["NOT_FOUND"]


def test_bad_redirect_url_is_refused() -> None:
    shop = make_shop()
    checkout = ready_checkout(shop)
    with pytest.raises(ValidationFailed) as failed:
        complete(checkout, redirect_url="javascript:alert(1)")
    assert codes_of(failed) == ["INVALID"]
    assert not Order.objects.exists()


def test_shipping_needs_a_delivery_method_and_copies_it() -> None:
    shop = make_shop(shipping_required=True)
    checkout = ready_checkout(shop)
    with pytest.raises(ValidationFailed) as failed:
        complete(checkout)
    assert codes_of(failed) == ["SHIPPING_METHOD_NOT_SET"]

    method = make_method(shop, price="5.00")
    checkout = ready_checkout(shop, shipping_method=method)
    order = complete(checkout)

    assert order.shipping_method_id == method.pk
    assert order.shipping_method_name == "Courier"
    assert order.shipping_price_gross_amount == Decimal("5.00")
    assert order.base_shipping_price_amount == Decimal("5.00")
    assert order.total_gross_amount == Decimal("15.00")


def test_unpaid_checkout_is_refused_unless_the_channel_allows_it() -> None:
    shop = make_shop(allow_unpaid=False)
    checkout = ready_checkout(shop)

    with pytest.raises(ValidationFailed) as failed:
        complete(checkout)
    assert codes_of(failed) == ["CHECKOUT_NOT_FULLY_PAID"]

    pay(checkout, "9.99")
    with pytest.raises(ValidationFailed):
        complete(checkout)

    item = pay(checkout, "0.01")
    order = complete(checkout)
    item.refresh_from_db()
    assert item.order_id == order.pk and item.checkout_id is None
    assert TransactionItem.objects.filter(order=order).count() == 2


def test_missing_stock_is_insufficient_stock_and_changes_nothing() -> None:
    shop = make_shop(quantity=1)
    first = ready_checkout(shop)
    second = ready_checkout(shop)
    complete(first)

    with pytest.raises(ValidationFailed) as failed:
        complete(second)

    [error] = failed.value.errors
    assert error.code == "INSUFFICIENT_STOCK"
    assert error.extra["variants"] == [shop.variant.pk]
    assert Checkout.objects.filter(pk=second.pk).exists()
    assert Order.objects.count() == 1
    assert Stock.objects.get(product_variant=shop.variant).quantity_allocated == 1


def test_variants_that_do_not_track_inventory_need_no_stock() -> None:
    shop = make_shop(quantity=1)
    untracked = add_variant(shop, quantity=0, track_inventory=False)
    order = complete(ready_checkout(shop, [(untracked, 3)]))
    assert order.lines.get().quantity == 3
    assert not Allocation.objects.exists()


def test_voucher_use_is_counted() -> None:
    shop = make_shop(price="20.00")
    code = make_voucher(shop.channel, "SAVE5", value="5", usage_limit=1)
    checkout = ready_checkout(shop)
    add_checkout_promo_code(token=checkout.pk, promo_code="SAVE5")

    order = complete(checkout)

    assert order.voucher_code == "SAVE5"
    assert order.total_gross_amount < Decimal("20.00")
    assert VoucherCode.objects.get(pk=code.pk).used == 1


def test_gift_cards_pay_and_are_recorded_as_a_transaction() -> None:
    shop = make_shop(price="30.00", allow_unpaid=False)
    card = make_gift_card(balance="50")
    checkout = ready_checkout(shop)
    attach_gift_card(checkout_token=checkout.pk, gift_card=card)
    from mercato.checkout.calculations import recalculate_checkout

    recalculate_checkout(checkout, list(checkout.lines.all()))
    assert checkout.total_gross_amount == 0

    order = complete(checkout)

    card.refresh_from_db()
    assert card.current_balance_amount == Decimal("20.00")
    gift = TransactionItem.objects.get(order=order)
    assert gift.charged_amount == Decimal("30.00")
    assert order.total_gross_amount == Decimal("30.00")


def test_complete_runs_in_a_bounded_number_of_queries(count_queries: Any) -> None:
    shop = make_shop(shipping_required=True)
    variants = [add_variant(shop) for _ in range(4)]
    method = make_method(shop)
    checkout = ready_checkout(shop, [(v, 2) for v in variants], shipping_method=method)

    with count_queries() as queries:
        order = complete(checkout)

    assert order.lines.count() == 4
    assert len(queries) < 40, "\n".join(
        q["sql"][:120] for q in queries.captured_queries
    )


def test_complete_with_a_voucher_stays_in_the_query_bound(count_queries: Any) -> None:
    shop = make_shop(shipping_required=True)
    variants = [add_variant(shop) for _ in range(4)]
    method = make_method(shop)
    make_voucher(shop.channel, "SAVE", value="10", discount_value_type="PERCENTAGE")
    checkout = ready_checkout(shop, [(v, 2) for v in variants], shipping_method=method)
    add_checkout_promo_code(token=checkout.pk, promo_code="SAVE")
    checkout.refresh_from_db()

    with count_queries() as queries:
        order = complete(checkout)

    [discount] = order.discounts.all()
    assert (discount.type, discount.value_type, discount.value) == (
        "VOUCHER",
        "PERCENTAGE",
        Decimal("10"),
    )
    assert discount.amount_value == order.discount_amount == Decimal("8.00")
    assert len(queries) < 40, "\n".join(
        q["sql"][:120] for q in queries.captured_queries
    )


def test_shipping_voucher_discount_is_not_put_on_the_lines() -> None:
    shop = make_shop(shipping_required=True)
    method = make_method(shop, price="5.00")
    make_voucher(
        shop.channel,
        "SHIPFREE",
        value="100",
        type="SHIPPING",
        discount_value_type="PERCENTAGE",
    )
    checkout = ready_checkout(shop, shipping_method=method)
    add_checkout_promo_code(token=checkout.pk, promo_code="SHIPFREE")
    checkout.refresh_from_db()

    order = complete(checkout)

    [discount] = order.discounts.all()
    assert discount.amount_value == Decimal("5.00")
    line = order.lines.get()
    assert line.unit_discount_amount == 0
    assert line.unit_discount_reason is None
    assert line.voucher_code is None


def test_gift_lines_stay_gifts() -> None:
    shop = make_shop()
    checkout = ready_checkout(shop)
    checkout.lines.update(is_gift=True)
    order = complete(checkout)
    assert order.lines.get().is_gift is True


def test_gift_card_spent_elsewhere_leaves_the_order_unpaid() -> None:
    from mercato.checkout.calculations import recalculate_checkout
    from mercato.giftcard.models import GiftCard

    shop = make_shop(price="30.00", allow_unpaid=False)
    card = make_gift_card(balance="50")
    checkout = ready_checkout(shop)
    attach_gift_card(checkout_token=checkout.pk, gift_card=card)
    recalculate_checkout(checkout, list(checkout.lines.all()))
    assert checkout.total_gross_amount == 0
    GiftCard.objects.filter(pk=card.pk).update(current_balance_amount=Decimal("10"))

    with pytest.raises(ValidationFailed) as failed:
        complete(checkout)

    assert codes_of(failed) == ["CHECKOUT_NOT_FULLY_PAID"]
    card.refresh_from_db()
    assert card.current_balance_amount == Decimal("10")
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("metadata", "code"), [({"k": "nul\x00"}, "INVALID"), ({" ": "v"}, "REQUIRED")]
)
def test_bad_metadata_is_refused(metadata: dict[str, str], code: str) -> None:
    checkout = ready_checkout(make_shop())
    with pytest.raises(ValidationFailed) as failed:
        complete(checkout, metadata=metadata)
    assert codes_of(failed) == [code]
    assert not Order.objects.exists()


def test_a_free_order_needs_no_payment() -> None:
    shop = make_shop(price="30.00", allow_unpaid=False)
    make_voucher(shop.channel, "ALLFREE", value="100", discount_value_type="PERCENTAGE")
    checkout = ready_checkout(shop)
    add_checkout_promo_code(token=checkout.pk, promo_code="ALLFREE")
    checkout.refresh_from_db()
    assert checkout.total_gross_amount == 0

    order = complete(checkout)

    assert order.total_gross_amount == Decimal("0")
    assert order.undiscounted_total_gross_amount == Decimal("30.00")
    assert not TransactionItem.objects.filter(order=order).exists()
