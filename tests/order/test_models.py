from __future__ import annotations

import pytest

from mercato.channel.models import Channel
from mercato.order.models import Order


@pytest.mark.django_db
def test_order_numbers_come_from_the_sequence_in_insert_order() -> None:
    channel = Channel.objects.create(
        name="C", slug="c", currency_code="USD", default_country="US"
    )
    first = Order.objects.create(channel=channel, currency="USD")
    second = Order.objects.create(channel=channel, currency="USD")

    assert isinstance(first.number, int)
    assert second.number == first.number + 1
    assert Order.objects.get(pk=second.pk).number == second.number
