"""Channel operations the Saleor dashboard sends: warehouse priority reordering."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import ChannelWarehouse
from tests.factories.catalog import ChannelFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

MANAGE = (Permission.MANAGE_CHANNELS,)

REORDER = """
mutation($channelId: ID!, $moves: [ReorderInput!]!) {
  channelReorderWarehouses(channelId: $channelId, moves: $moves) {
    channel { warehouses { slug } }
    errors { field code message }
  }
}
"""


def _channel_with(count: int) -> tuple[Any, list[Any]]:
    channel = ChannelFactory()
    warehouses = [WarehouseFactory(slug=f"w{i}") for i in range(count)]
    for i, warehouse in enumerate(warehouses):
        ChannelWarehouse.objects.create(
            channel=channel, warehouse=warehouse, sort_order=i
        )
    return channel, warehouses


def _move(warehouse: Any, shift: int | None) -> dict[str, Any]:
    return {"id": to_global_id("Warehouse", warehouse.pk), "sortOrder": shift}


def _order(channel: Any) -> list[str]:
    return list(
        ChannelWarehouse.objects.filter(channel=channel)
        .order_by("sort_order", "pk")
        .values_list("warehouse__slug", flat=True)
    )


def test_moves_shift_warehouses_and_the_payload_shows_the_new_order(
    staff_gql: Any,
) -> None:
    channel, (w0, _w1, w2) = _channel_with(3)
    result = staff_gql(
        REORDER,
        {
            "channelId": to_global_id("Channel", channel.pk),
            "moves": [_move(w2, -2), _move(w0, 1)],
        },
        permissions=MANAGE,
    )
    assert result.errors is None
    payload = result.data["channelReorderWarehouses"]
    assert payload["errors"] == []
    # w2 to the front: w2 w0 w1; then w0 one later: w2 w1 w0.
    assert [w["slug"] for w in payload["channel"]["warehouses"]] == ["w2", "w1", "w0"]
    assert _order(channel) == ["w2", "w1", "w0"]


def test_shifts_past_the_ends_are_clamped_and_null_keeps_the_place(
    staff_gql: Any,
) -> None:
    channel, (w0, w1, _w2) = _channel_with(3)
    result = staff_gql(
        REORDER,
        {
            "channelId": to_global_id("Channel", channel.pk),
            "moves": [_move(w0, 10), _move(w1, None)],
        },
        permissions=MANAGE,
    )
    assert result.data["channelReorderWarehouses"]["errors"] == []
    assert _order(channel) == ["w1", "w2", "w0"]


def test_a_warehouse_of_another_channel_is_refused_without_changes(
    staff_gql: Any,
) -> None:
    channel, (_w0, w1) = _channel_with(2)
    stranger = WarehouseFactory(slug="elsewhere")
    result = staff_gql(
        REORDER,
        {
            "channelId": to_global_id("Channel", channel.pk),
            "moves": [_move(w1, -1), _move(stranger, 1)],
        },
        permissions=MANAGE,
    )
    payload = result.data["channelReorderWarehouses"]
    assert payload["channel"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("moves", "NOT_FOUND")
    ]
    assert _order(channel) == ["w0", "w1"]


def test_an_unknown_channel_is_a_payload_error(staff_gql: Any) -> None:
    result = staff_gql(
        REORDER,
        {"channelId": to_global_id("Channel", 999999), "moves": []},
        permissions=MANAGE,
    )
    errors = result.data["channelReorderWarehouses"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("channelId", "NOT_FOUND")]
