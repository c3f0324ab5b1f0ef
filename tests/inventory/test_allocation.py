from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mercato.channel.models import AllocationStrategy, Channel
from mercato.checkout.models import Checkout
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.inventory.allocation import (
    InsufficientStock,
    StockRequest,
    allocate_stocks,
    deallocate_stocks,
    delete_expired_reservations,
    release_for_checkout,
    reserve_for_checkout,
)
from mercato.inventory.models import Allocation, Reservation, Stock
from mercato.inventory.queries import quantity_available_by_variant
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order, OrderLine
from tests.factories.order import Shop, add_warehouse, make_shop, ready_checkout

pytestmark = pytest.mark.django_db


def make_lines(shop: Shop, *quantities: int) -> list[OrderLine]:
    order = Order.objects.create(channel=shop.channel, currency="USD")
    return [
        OrderLine.objects.create(
            order=order,
            variant=shop.variant,
            product_name="P",
            quantity=quantity,
            currency="USD",
        )
        for quantity in quantities
    ]


def two_warehouse_shop(strategy: str) -> tuple[Shop, Stock, Stock]:
    """First warehouse (sort order 0) holds 3, the second (sort order 1) holds 5."""
    shop = make_shop(quantity=3, allocation_strategy=strategy)
    second = add_warehouse(shop, sort_order=1)
    first = Stock.objects.get(product_variant=shop.variant)
    other = Stock.objects.create(
        warehouse=second, product_variant=shop.variant, quantity=5
    )
    return shop, first, other


def allocated(*stocks: Stock) -> list[int]:
    return [Stock.objects.get(pk=s.pk).quantity_allocated for s in stocks]


def request(line: OrderLine) -> StockRequest:
    assert line.variant_id is not None
    return StockRequest(line.pk, line.variant_id, line.quantity)


def test_sorting_order_strategy_empties_the_first_warehouse_first() -> None:
    shop, first, second = two_warehouse_shop(
        AllocationStrategy.PRIORITIZE_SORTING_ORDER
    )
    [line] = make_lines(shop, 4)

    allocate_stocks(channel=shop.channel, requests=[request(line)])

    assert allocated(first, second) == [3, 1]
    assert sorted(
        Allocation.objects.values_list("stock_id", "quantity_allocated")
    ) == sorted([(first.pk, 3), (second.pk, 1)])


def test_high_stock_strategy_takes_from_the_fullest_warehouse() -> None:
    shop, first, second = two_warehouse_shop(AllocationStrategy.PRIORITIZE_HIGH_STOCK)
    [line] = make_lines(shop, 4)

    allocate_stocks(channel=shop.channel, requests=[request(line)])

    assert allocated(first, second) == [0, 4]


def test_warehouses_outside_the_channel_are_not_used() -> None:
    shop = make_shop(quantity=1)
    from tests.factories.catalog import WarehouseFactory

    elsewhere = WarehouseFactory()
    Stock.objects.create(warehouse=elsewhere, product_variant=shop.variant, quantity=9)
    [line] = make_lines(shop, 2)

    with pytest.raises(InsufficientStock) as failed:
        allocate_stocks(channel=shop.channel, requests=[request(line)])

    assert failed.value.variant_ids == [shop.variant.pk]
    assert failed.value.errors[0].code == "INSUFFICIENT_STOCK"
    assert not Allocation.objects.exists()


def test_lines_of_one_variant_share_its_stock() -> None:
    shop = make_shop(quantity=3)
    lines = make_lines(shop, 2, 2)
    with pytest.raises(ValidationFailed):
        allocate_stocks(channel=shop.channel, requests=[request(li) for li in lines])
    assert allocated(Stock.objects.get()) == [0]


def test_deallocating_gives_the_units_back() -> None:
    shop, first, second = two_warehouse_shop(
        AllocationStrategy.PRIORITIZE_SORTING_ORDER
    )
    [line] = make_lines(shop, 4)
    allocate_stocks(channel=shop.channel, requests=[request(line)])

    deallocate_stocks(order_line_ids=[line.pk])

    assert allocated(first, second) == [0, 0]
    assert not Allocation.objects.exists()


def test_quantity_available_subtracts_allocations_and_others_reservations() -> None:
    shop = make_shop(quantity=5, reservation_minutes=10)
    stock = Stock.objects.get()
    stock.quantity_allocated = 1
    stock.save()
    holder = ready_checkout(shop, [(shop.variant, 3)])
    reserve_for_checkout(checkout=holder, lines=list(holder.lines.all()))
    variant, channel = shop.variant.pk, shop.channel.pk

    assert quantity_available_by_variant([variant], channel) == {variant: 1}
    assert quantity_available_by_variant([variant], channel, holder.pk) == {variant: 4}

    Reservation.objects.update(reserved_until=timezone.now())
    assert quantity_available_by_variant([variant], channel) == {variant: 4}


def test_reservations_hold_stock_against_other_checkouts() -> None:
    shop = make_shop(quantity=1)
    holder_token = ready_checkout(shop).pk
    other_token = ready_checkout(shop).pk
    Channel.objects.filter(pk=shop.channel.pk).update(reservation_minutes=10)
    holder = Checkout.objects.get(pk=holder_token)
    other = Checkout.objects.get(pk=other_token)
    reserve_for_checkout(checkout=holder, lines=list(holder.lines.all()))
    reservation = Reservation.objects.get()
    assert reservation.quantity_reserved == 1
    assert reservation.reserved_until > timezone.now() + datetime.timedelta(minutes=9)

    with pytest.raises(InsufficientStock):
        reserve_for_checkout(checkout=other, lines=list(other.lines.all()))
    with pytest.raises(ValidationFailed) as failed:
        complete_checkout(checkout_token=other.pk, actor=Actor())
    assert failed.value.errors[0].code == "INSUFFICIENT_STOCK"

    # The holder's own reservation does not stand in its way; completing
    # turns it into an allocation.
    complete_checkout(checkout_token=holder.pk, actor=Actor())
    assert not Reservation.objects.exists()
    assert allocated(Stock.objects.get()) == [1]


def test_reserving_again_replaces_and_releasing_drops() -> None:
    shop = make_shop(quantity=5, reservation_minutes=10)
    checkout = ready_checkout(shop, [(shop.variant, 2)])
    lines = list(checkout.lines.all())
    reserve_for_checkout(checkout=checkout, lines=lines)
    lines[0].quantity = 4
    lines[0].save()
    reserve_for_checkout(checkout=checkout, lines=lines)
    assert list(Reservation.objects.values_list("quantity_reserved", flat=True)) == [4]

    assert release_for_checkout(checkout=checkout) == 1
    assert not Reservation.objects.exists()


def test_channel_without_reservations_reserves_nothing() -> None:
    shop = make_shop(quantity=5)
    checkout = ready_checkout(shop)
    assert (
        reserve_for_checkout(checkout=checkout, lines=list(checkout.lines.all())) == []
    )
    assert not Reservation.objects.exists()


def test_expired_reservations_are_deleted() -> None:
    shop = make_shop(quantity=5, reservation_minutes=10)
    checkout = ready_checkout(shop)
    reserve_for_checkout(checkout=checkout, lines=list(checkout.lines.all()))
    assert delete_expired_reservations() == 0
    Reservation.objects.update(reserved_until=timezone.now())
    assert delete_expired_reservations() == 1


def test_periodic_job_deletes_expired_reservations() -> None:
    from mercato.inventory.tasks import delete_expired_reservations_job

    shop = make_shop(quantity=5, reservation_minutes=10)
    checkout = ready_checkout(shop)
    reserve_for_checkout(checkout=checkout, lines=list(checkout.lines.all()))
    Reservation.objects.update(reserved_until=timezone.now())
    delete_expired_reservations_job(timestamp=0)
    assert not Reservation.objects.exists()
