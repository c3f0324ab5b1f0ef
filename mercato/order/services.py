"""Writes of orders other than placing them (see ``checkout_complete``)."""

from __future__ import annotations

from django.db import transaction

from mercato.order.models import Order

CHANNEL_WITH_ORDERS = "CHANNEL_WITH_ORDERS"


def channel_has_orders(channel_id: int) -> bool:
    return Order.objects.filter(channel_id=channel_id).exists()


def move_channel_orders(*, from_channel_id: int, to_channel_id: int) -> int:
    """Give every order of one channel to another (a channel about to be
    deleted); return how many moved. Runs in the caller's transaction, which
    holds both channels' row locks."""
    with transaction.atomic():
        return Order.objects.filter(channel_id=from_channel_id).update(
            channel_id=to_channel_id
        )
