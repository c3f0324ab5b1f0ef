from __future__ import annotations

import pytest

from mercato.core.permissions import Actor
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order
from mercato.order.services import channel_has_orders, move_channel_orders
from tests.factories.catalog import ChannelFactory
from tests.factories.order import make_shop, ready_checkout

pytestmark = pytest.mark.django_db


def test_orders_move_to_another_channel() -> None:
    shop = make_shop()
    order = complete_checkout(
        checkout_token=ready_checkout(shop).pk, actor=Actor.anonymous()
    )
    target = ChannelFactory()
    assert channel_has_orders(shop.channel.pk)
    assert not channel_has_orders(target.pk)

    assert (
        move_channel_orders(from_channel_id=shop.channel.pk, to_channel_id=target.pk)
        == 1
    )

    assert Order.objects.get(pk=order.pk).channel_id == target.pk
    assert not channel_has_orders(shop.channel.pk)
