"""Order list filters the Saleor dashboard offers: metadata, totals, line count."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Actor, Permission
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order
from tests.factories.order import Shop, add_variant, make_shop, ready_checkout

pytestmark = pytest.mark.django_db

MANAGE_ORDERS = (Permission.MANAGE_ORDERS,)

ORDERS = """
query($where: OrderWhereInput) {
  orders(first: 10, where: $where) { edges { node { number } } }
}
"""


def _place(shop: Shop, lines: list[tuple[Any, int]]) -> Order:
    checkout = ready_checkout(shop, lines)
    return complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())


def _numbers(staff_gql: Any, where: dict[str, Any]) -> list[int]:
    result = staff_gql(ORDERS, {"where": where}, permissions=MANAGE_ORDERS)
    assert result.errors is None, result.errors
    return sorted(int(e["node"]["number"]) for e in result.data["orders"]["edges"])


@pytest.fixture
def orders() -> tuple[Order, Order]:
    shop = make_shop(price="10.00")
    second = add_variant(shop, price="25.00")
    small = _place(shop, [(shop.variant, 1)])
    large = _place(shop, [(shop.variant, 2), (second, 1)])
    small.metadata = {"source": "pos"}
    small.save(update_fields=["metadata"])
    large.metadata = {"source": "web", "gift": "yes"}
    large.save(update_fields=["metadata"])
    return small, large


def test_filter_by_gross_and_net_total(
    staff_gql: Any, orders: tuple[Order, Order]
) -> None:
    small, large = orders
    assert small.total_gross_amount == 10 and large.total_gross_amount == 45
    amount = {"range": {"gte": "20"}}
    assert _numbers(staff_gql, {"totalGross": {"amount": amount}}) == [large.number]
    assert _numbers(
        staff_gql, {"totalNet": {"amount": {"eq": "10"}, "currency": "USD"}}
    ) == [small.number]
    assert (
        _numbers(
            staff_gql, {"totalGross": {"amount": {"oneOf": ["10"]}, "currency": "EUR"}}
        )
        == []
    )


def test_filter_by_lines_count(staff_gql: Any, orders: tuple[Order, Order]) -> None:
    small, large = orders
    assert _numbers(staff_gql, {"linesCount": {"eq": 2}}) == [large.number]
    assert _numbers(staff_gql, {"linesCount": {"range": {"lte": 1}}}) == [small.number]
    assert _numbers(staff_gql, {"linesCount": {"oneOf": [1, 2]}}) == sorted(
        [small.number, large.number]
    )


def test_filter_by_metadata(staff_gql: Any, orders: tuple[Order, Order]) -> None:
    small, large = orders
    assert _numbers(staff_gql, {"metadata": {"key": "gift"}}) == [large.number]
    pos = {"key": "source", "value": {"eq": "pos"}}
    assert _numbers(staff_gql, {"metadata": pos}) == [small.number]
    both = {"key": "source", "value": {"oneOf": ["pos", "web"]}}
    assert _numbers(staff_gql, {"metadata": both}) == sorted(
        [small.number, large.number]
    )
    assert _numbers(staff_gql, {"metadata": {"key": "missing"}}) == []


def test_filters_combine_with_or(staff_gql: Any, orders: tuple[Order, Order]) -> None:
    small, large = orders
    where = {
        "OR": [
            {"linesCount": {"eq": 1}},
            {"totalGross": {"amount": {"range": {"gte": "40"}}}},
        ]
    }
    assert _numbers(staff_gql, where) == sorted([small.number, large.number])
    assert (
        _numbers(
            staff_gql,
            {
                "AND": [
                    {"linesCount": {"eq": 1}},
                    {"totalGross": {"amount": {"eq": "45"}}},
                ]
            },
        )
        == []
    )
