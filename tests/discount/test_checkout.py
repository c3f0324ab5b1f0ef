from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.core.errors import ValidationFailed
from mercato.core.money import currency_precision, quantize
from mercato.discount.checkout import (
    DiscountLine,
    checkout_discount,
    consume_voucher_code,
    validate_voucher_code,
)
from mercato.discount.distribution import distribute
from mercato.discount.models import (
    PromotionType,
    RewardType,
    RewardValueType,
    VoucherCode,
    VoucherCustomer,
    VoucherType,
)
from tests.factories.account import make_user
from tests.factories.catalog import (
    ChannelFactory,
    ProductFactory,
    VariantFactory,
    price_variant,
)
from tests.factories.discount import PromotionFactory, make_rule, make_voucher

pytestmark = pytest.mark.django_db


def line(
    line_id: int,
    price: str,
    quantity: int = 1,
    variant_id: int = 0,
    product_id: int = 0,
) -> DiscountLine:
    return DiscountLine(
        line_id=line_id,
        variant_id=variant_id or line_id,
        product_id=product_id or line_id,
        quantity=quantity,
        unit_price=Decimal(price),
    )


def discount(
    channel, lines, code=None, shipping="0", country=None, email=None, user_id=None
):
    return checkout_discount(
        channel_id=channel.pk,
        currency=channel.currency_code,
        voucher_code=code,
        lines=lines,
        shipping_price=Decimal(shipping),
        country=country,
        email=email,
        user_id=user_id,
    )


def error_code(
    failed: pytest.ExceptionInfo[ValidationFailed],
) -> tuple[str | None, str]:
    error = failed.value.errors[0]
    return error.field, error.code


@pytest.fixture
def channel():
    return ChannelFactory(currency_code="USD")


def test_entire_order_percentage_voucher_splits_exactly(channel) -> None:
    make_voucher(
        channel, "TEN", value="10", discount_value_type=RewardValueType.PERCENTAGE
    )
    lines = [line(1, "3.33"), line(2, "3.33"), line(3, "3.34")]
    result = discount(channel, lines, code="TEN")
    assert result.amount == Decimal("1.00")
    assert sum(result.line_amounts.values()) == result.amount
    assert result.voucher_code == "TEN"
    assert result.name is not None


def test_fixed_voucher_never_exceeds_subtotal(channel) -> None:
    make_voucher(channel, "BIG", value="100")
    result = discount(channel, [line(1, "20", quantity=2)], code="BIG")
    assert result.amount == Decimal("40.00")
    assert result.line_amounts == {1: Decimal("40.00")}


def test_apply_once_per_order_discounts_the_cheapest_item(channel) -> None:
    make_voucher(
        channel,
        "ONCE",
        value="50",
        discount_value_type=RewardValueType.PERCENTAGE,
        apply_once_per_order=True,
    )
    result = discount(channel, [line(1, "30", 2), line(2, "10", 3)], code="ONCE")
    assert result.amount == Decimal("5.00")
    assert result.line_amounts == {2: Decimal("5.00")}


def test_specific_product_voucher_discounts_each_unit_of_its_products(channel) -> None:
    product = ProductFactory()
    code = make_voucher(channel, "SHIRT", value="2", type=VoucherType.SPECIFIC_PRODUCT)
    code.voucher.products.add(product)
    lines = [line(1, "10", 3, product_id=product.pk), line(2, "50", 1)]
    result = discount(channel, lines, code="SHIRT")
    assert result.amount == Decimal("6.00")
    assert result.line_amounts == {1: Decimal("6.00")}


def test_specific_product_voucher_without_its_products_does_not_apply(channel) -> None:
    code = make_voucher(channel, "NONE", type=VoucherType.SPECIFIC_PRODUCT)
    code.voucher.products.add(ProductFactory())
    with pytest.raises(ValidationFailed) as failed:
        validate_voucher_code(
            code="NONE",
            channel_id=channel.pk,
            currency="USD",
            lines=[line(1, "5")],
            email=None,
            user_id=None,
        )
    assert error_code(failed) == ("promoCode", "VOUCHER_NOT_APPLICABLE")
    assert discount(channel, [line(1, "5")], code="NONE").voucher_code is None


def test_shipping_voucher_discounts_shipping_in_its_countries(channel) -> None:
    make_voucher(
        channel,
        "SHIP",
        value="100",
        discount_value_type=RewardValueType.PERCENTAGE,
        type=VoucherType.SHIPPING,
        countries=["PL"],
    )
    result = discount(
        channel, [line(1, "10")], code="SHIP", shipping="7.50", country="PL"
    )
    assert (result.amount, result.shipping_amount) == (Decimal(0), Decimal("7.50"))
    elsewhere = discount(
        channel, [line(1, "10")], code="SHIP", shipping="7.50", country="DE"
    )
    assert elsewhere.shipping_amount == 0
    assert elsewhere.voucher_code is None


def test_unknown_code_is_invalid(channel) -> None:
    with pytest.raises(ValidationFailed) as failed:
        validate_voucher_code(
            code="NOPE",
            channel_id=channel.pk,
            currency="USD",
            lines=[],
            email=None,
            user_id=None,
        )
    assert error_code(failed) == ("promoCode", "INVALID_PROMO_CODE")


@pytest.mark.parametrize(
    ("fields", "listing"),
    [
        ({"end_date": "2024-06-01T00:00:00+00:00"}, {}),
        ({"min_checkout_items_quantity": 5}, {}),
        ({}, {"min_spent": "100"}),
        ({"only_for_staff": True}, {}),
        ({"usage_limit": 0}, {}),
    ],
)
def test_vouchers_that_do_not_apply(channel, fields, listing) -> None:
    make_voucher(channel, "X", **listing, **fields)
    with pytest.raises(ValidationFailed) as failed:
        validate_voucher_code(
            code="X",
            channel_id=channel.pk,
            currency="USD",
            lines=[line(1, "10", 2)],
            email="a@example.com",
            user_id=make_user().pk,
        )
    assert error_code(failed) == ("promoCode", "VOUCHER_NOT_APPLICABLE")


def test_voucher_of_another_channel_does_not_apply(channel) -> None:
    make_voucher(ChannelFactory(), "OTHER")
    with pytest.raises(ValidationFailed) as failed:
        validate_voucher_code(
            code="OTHER",
            channel_id=channel.pk,
            currency="USD",
            lines=[line(1, "10")],
            email=None,
            user_id=None,
        )
    assert error_code(failed) == ("promoCode", "VOUCHER_NOT_APPLICABLE")


def test_staff_only_voucher_applies_to_staff(channel) -> None:
    make_voucher(channel, "STAFF", only_for_staff=True)
    staff = make_user("staff@example.com", is_staff=True)
    found = validate_voucher_code(
        code="STAFF",
        channel_id=channel.pk,
        currency="USD",
        lines=[line(1, "10")],
        email=None,
        user_id=staff.pk,
    )
    assert found.code == "STAFF"


def test_once_per_customer(channel) -> None:
    make_voucher(channel, "ONE", apply_once_per_customer=True)
    consume_voucher_code(code="ONE", email="a@example.com", user_id=None)
    assert VoucherCustomer.objects.filter(customer_email="a@example.com").exists()
    with pytest.raises(ValidationFailed):
        consume_voucher_code(code="ONE", email="a@example.com", user_id=None)
    with pytest.raises(ValidationFailed):
        validate_voucher_code(
            code="ONE",
            channel_id=channel.pk,
            currency="USD",
            lines=[line(1, "10")],
            email="a@example.com",
            user_id=None,
        )
    consume_voucher_code(code="ONE", email="b@example.com", user_id=None)
    assert VoucherCode.objects.get(code="ONE").used == 2


def test_single_use_code_is_deactivated(channel) -> None:
    make_voucher(channel, "SINGLE", single_use=True)
    consume_voucher_code(code="SINGLE", email=None, user_id=None)
    code = VoucherCode.objects.get(code="SINGLE")
    assert (code.used, code.is_active) == (1, False)
    with pytest.raises(ValidationFailed):
        consume_voucher_code(code="SINGLE", email=None, user_id=None)


def test_order_promotion_subtotal_discount_when_predicate_matches(channel) -> None:
    promotion = PromotionFactory(name="Big basket", type=PromotionType.ORDER)
    make_rule(
        promotion,
        [channel],
        value="5",
        value_type=RewardValueType.FIXED,
        reward_type=RewardType.SUBTOTAL_DISCOUNT,
        order_predicate={
            "discountedObjectPredicate": {"baseSubtotalPrice": {"range": {"gte": "50"}}}
        },
    )
    small = discount(channel, [line(1, "49.99")])
    assert small.amount == 0 and small.name is None
    big = discount(channel, [line(1, "30"), line(2, "20")])
    assert big.amount == Decimal("5.00")
    assert big.name == "Big basket"
    assert sum(big.line_amounts.values()) == Decimal("5.00")


def test_voucher_wins_over_order_promotion(channel) -> None:
    promotion = PromotionFactory(type=PromotionType.ORDER)
    make_rule(
        promotion,
        [channel],
        value="50",
        reward_type=RewardType.SUBTOTAL_DISCOUNT,
        order_predicate={
            "discountedObjectPredicate": {"baseSubtotalPrice": {"range": {"gte": "1"}}}
        },
    )
    make_voucher(channel, "SMALL", value="1")
    result = discount(channel, [line(1, "10")], code="SMALL")
    assert (result.amount, result.voucher_code) == (Decimal("1.00"), "SMALL")


def test_gift_promotion_gives_the_most_valuable_gift(channel) -> None:
    cheap, dear = VariantFactory(), VariantFactory()
    price_variant(cheap, channel, "3")
    price_variant(dear, channel, "8")
    promotion = PromotionFactory(name="Gift", type=PromotionType.ORDER)
    rule = make_rule(
        promotion,
        [channel],
        reward_type=RewardType.GIFT,
        order_predicate={
            "discountedObjectPredicate": {"baseTotalPrice": {"range": {"gte": "10"}}}
        },
    )
    rule.gifts.set([cheap, dear])
    result = discount(channel, [line(1, "10")])
    assert result.gift_variant_ids == (dear.pk,)
    assert result.amount == 0
    assert discount(channel, [line(1, "5")], shipping="4").gift_variant_ids == ()


def _race(code: str, email: str | None, threads: int = 20) -> list[bool]:
    """Consume ``code`` from ``threads`` threads at once, each in its own
    connection and transaction; which of them succeeded."""
    barrier = threading.Barrier(threads)
    outcomes: list[bool] = []
    lock = threading.Lock()

    def order() -> None:
        try:
            barrier.wait()
            try:
                with transaction.atomic():
                    consume_voucher_code(code=code, email=email, user_id=None)
                ok = True
            except ValidationFailed:
                ok = False
            with lock:
                outcomes.append(ok)
        finally:
            connection.close()

    workers = [threading.Thread(target=order) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_consumption_respects_the_usage_limit() -> None:
    make_voucher(ChannelFactory(), "RACE", usage_limit=1)
    assert _race("RACE", None) == [False] * 19 + [True]
    assert VoucherCode.objects.get(code="RACE").used == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_consumption_by_one_customer() -> None:
    make_voucher(ChannelFactory(), "MINE", apply_once_per_customer=True)
    assert _race("MINE", "a@example.com", threads=10) == [False] * 9 + [True]
    assert VoucherCode.objects.get(code="MINE").used == 1
    assert VoucherCustomer.objects.filter(customer_email="a@example.com").count() == 1


@settings(max_examples=200, deadline=None)
@given(
    currency=st.sampled_from(["JPY", "USD", "KWD"]),
    weights=st.lists(
        st.decimals(min_value=0, max_value=10000, places=3), min_size=1, max_size=12
    ),
    fraction=st.decimals(min_value=0, max_value=1, places=4),
)
def test_shares_sum_exactly_to_the_discount(currency, weights, fraction) -> None:
    total = sum(weights, Decimal(0))
    amount = quantize(total * fraction, currency)
    shares = distribute(amount, weights, currency)
    assert sum(shares, Decimal(0)) == amount
    assert len(shares) == len(weights)
    unit = Decimal(1).scaleb(-currency_precision(currency))
    for share, weight in zip(shares, weights, strict=True):
        assert share == quantize(share, currency)
        assert share >= 0
        if total > 0:
            assert abs(share - amount * weight / total) < unit
    assert distribute(amount, weights, currency) == shares
