from __future__ import annotations

from typing import Any

import pytest

from mercato.channel.models import Channel
from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import ChannelWarehouse
from mercato.order.checkout_complete import complete_checkout
from tests.factories.catalog import ChannelFactory, WarehouseFactory
from tests.factories.order import make_shop, ready_checkout

pytestmark = pytest.mark.django_db

MANAGE = (Permission.MANAGE_CHANNELS,)

CREATE = """
mutation($input: ChannelCreateInput!) {
  channelCreate(input: $input) {
    channel { id slug name currencyCode isActive defaultCountry { code }
              warehouses { slug } }
    errors { field code message }
    channelErrors { field code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: ChannelUpdateInput!) {
  channelUpdate(id: $id, input: $input) {
    channel { slug name isActive defaultCountry { code } warehouses { slug } }
    errors { field code }
  }
}
"""
DELETE = """
mutation($id: ID!, $input: ChannelDeleteInput) {
  channelDelete(id: $id, input: $input) { channel { id slug } errors { field code } }
}
"""
ACTIVATE = """
mutation($id: ID!) { channelActivate(id: $id) { channel { isActive }
  errors { field code } } }
"""
DEACTIVATE = """
mutation($id: ID!) { channelDeactivate(id: $id) { channel { isActive }
  errors { field code } } }
"""
CHANNELS = "{ channels { slug isActive } }"


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def new_channel(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Poland",
        "slug": "pl",
        "currencyCode": "PLN",
        "defaultCountry": "PL",
        **overrides,
    }


def test_create_channel_with_warehouses(staff_gql: Any) -> None:
    first, second = WarehouseFactory(slug="a"), WarehouseFactory(slug="b")
    result = staff_gql(
        CREATE,
        {"input": new_channel(isActive=True, addWarehouses=[gid(second), gid(first)])},
        permissions=MANAGE,
    )
    assert result.errors is None
    payload = result.data["channelCreate"]
    assert payload["errors"] == [] and payload["channelErrors"] == []
    assert payload["channel"]["slug"] == "pl"
    assert payload["channel"]["defaultCountry"] == {"code": "PL"}
    assert payload["channel"]["warehouses"] == [{"slug": "b"}, {"slug": "a"}]
    channel = Channel.objects.get(slug="pl")
    assert channel.currency_code == "PLN" and channel.is_active


def test_new_channel_shows_in_cached_channel_list(staff_gql: Any) -> None:
    ChannelFactory(slug="old")
    assert staff_gql(CHANNELS, permissions=MANAGE).data["channels"] == [
        {"slug": "old", "isActive": True}
    ]
    staff_gql(CREATE, {"input": new_channel(isActive=True)}, permissions=MANAGE)
    channels = staff_gql(CHANNELS, permissions=MANAGE).data["channels"]
    slugs = [c["slug"] for c in channels]
    assert slugs == ["old", "pl"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"currencyCode": "XYZ"}, "currencyCode", "INVALID"),
        ({"slug": "taken"}, "slug", "UNIQUE"),
        ({"slug": "Not a slug"}, "slug", "INVALID"),
        ({"name": "x" * 251}, "name", "INVALID"),
        ({"name": "  "}, "name", "REQUIRED"),
    ],
)
def test_create_channel_bad_input(
    staff_gql: Any, overrides: dict[str, Any], field: str, code: str
) -> None:
    ChannelFactory(slug="taken")
    result = staff_gql(CREATE, {"input": new_channel(**overrides)}, permissions=MANAGE)
    payload = result.data["channelCreate"]
    assert payload["channel"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["channelErrors"] == [{"field": field, "code": code}]
    assert Channel.objects.count() == 1


def test_create_channel_unknown_or_duplicated_warehouse(staff_gql: Any) -> None:
    warehouse = WarehouseFactory()
    missing = to_global_id("Warehouse", 999999)
    result = staff_gql(
        CREATE,
        {"input": new_channel(addWarehouses=[gid(warehouse), gid(warehouse), missing])},
        permissions=MANAGE,
    )
    codes = {e["code"] for e in result.data["channelCreate"]["errors"]}
    assert codes == {"DUPLICATED_INPUT_ITEM", "NOT_FOUND"}
    assert not Channel.objects.exists()


def test_create_channel_foreign_id_is_a_graphql_error(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": new_channel(addWarehouses=[to_global_id("Product", 1)])},
        permissions=MANAGE,
    )
    assert result.errors and "Invalid ID" in result.errors[0].message
    assert not Channel.objects.exists()


def test_channel_mutations_need_manage_channels(staff_gql: Any, gql: Any) -> None:
    channel = ChannelFactory(is_active=False)
    for query, variables in [
        (CREATE, {"input": new_channel()}),
        (UPDATE, {"id": gid(channel), "input": {"name": "New"}}),
        (DELETE, {"id": gid(channel)}),
        (ACTIVATE, {"id": gid(channel)}),
        (DEACTIVATE, {"id": gid(channel)}),
    ]:
        denied = staff_gql(query, variables)
        assert isinstance(denied.errors[0].original_error, PermissionDenied)
        anonymous = gql(query, variables)
        code = anonymous["errors"][0]["extensions"]["exception"]["code"]
        assert code == "PermissionDenied"
    assert Channel.objects.get() == channel
    assert not Channel.objects.get().is_active


def test_update_channel_fields_and_warehouses(staff_gql: Any) -> None:
    keep, drop, add = (WarehouseFactory(slug=s) for s in ("keep", "drop", "add"))
    channel = ChannelFactory(slug="before", is_active=True)
    for position, warehouse in enumerate((keep, drop)):
        ChannelWarehouse.objects.create(
            channel=channel, warehouse=warehouse, sort_order=position
        )
    result = staff_gql(
        UPDATE,
        {
            "id": gid(channel),
            "input": {
                "slug": "after",
                "name": "Renamed",
                "defaultCountry": "DE",
                "isActive": False,
                "addWarehouses": [gid(add)],
                "removeWarehouses": [gid(drop)],
            },
        },
        permissions=MANAGE,
    )
    assert result.errors is None
    assert result.data["channelUpdate"] == {
        "channel": {
            "slug": "after",
            "name": "Renamed",
            "isActive": False,
            "defaultCountry": {"code": "DE"},
            "warehouses": [{"slug": "keep"}, {"slug": "add"}],
        },
        "errors": [],
    }
    channel.refresh_from_db()
    assert (channel.slug, channel.default_country) == ("after", "DE")


def test_update_channel_bad_input_changes_nothing(staff_gql: Any) -> None:
    ChannelFactory(slug="other")
    channel = ChannelFactory(slug="mine", name="Mine")
    warehouse = WarehouseFactory()
    result = staff_gql(
        UPDATE,
        {
            "id": gid(channel),
            "input": {
                "slug": "other",
                "name": "Renamed",
                "addWarehouses": [gid(warehouse)],
                "removeWarehouses": [gid(warehouse)],
            },
        },
        permissions=MANAGE,
    )
    errors = result.data["channelUpdate"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("slug", "UNIQUE"),
        ("addWarehouses", "DUPLICATED_INPUT_ITEM"),
    }
    channel.refresh_from_db()
    assert (channel.slug, channel.name) == ("mine", "Mine")
    assert not ChannelWarehouse.objects.exists()


def test_update_unknown_channel(staff_gql: Any) -> None:
    result = staff_gql(
        UPDATE,
        {"id": to_global_id("Channel", 424242), "input": {"name": "x"}},
        permissions=MANAGE,
    )
    assert result.data["channelUpdate"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND"}
    ]


def test_activate_and_deactivate(staff_gql: Any) -> None:
    channel = ChannelFactory(is_active=False)
    variables = {"id": gid(channel)}
    activated = staff_gql(ACTIVATE, variables, permissions=MANAGE).data
    assert activated["channelActivate"] == {"channel": {"isActive": True}, "errors": []}
    again = staff_gql(ACTIVATE, variables, permissions=MANAGE).data
    assert again["channelActivate"]["errors"] == [{"field": "id", "code": "INVALID"}]
    result = staff_gql(DEACTIVATE, variables, permissions=MANAGE).data
    assert result["channelDeactivate"]["channel"] == {"isActive": False}
    assert not Channel.objects.get().is_active
    shopper_view = staff_gql(CHANNELS, permissions=()).data["channels"]
    assert shopper_view == []


def test_delete_channel(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="gone")
    result = staff_gql(DELETE, {"id": gid(channel)}, permissions=MANAGE)
    assert result.data["channelDelete"] == {
        "channel": {"id": gid(channel), "slug": "gone"},
        "errors": [],
    }
    assert not Channel.objects.exists()


def test_delete_channel_target_must_share_currency(staff_gql: Any) -> None:
    channel = ChannelFactory(currency_code="USD")
    other = ChannelFactory(currency_code="EUR")
    result = staff_gql(
        DELETE,
        {"id": gid(channel), "input": {"channelId": gid(other)}},
        permissions=MANAGE,
    )
    assert result.data["channelDelete"]["errors"] == [
        {"field": "channelId", "code": "CHANNELS_CURRENCY_MUST_BE_THE_SAME"}
    ]
    assert Channel.objects.count() == 2


def test_a_channel_with_orders_hands_them_over(staff_gql: Any) -> None:
    shop = make_shop(currency_code="USD")
    order = complete_checkout(
        checkout_token=ready_checkout(shop).pk, actor=Actor.anonymous()
    )
    variables = {"id": gid(shop.channel)}
    has_orders = "query($id: ID) { channel(id: $id) { hasOrders } }"
    assert staff_gql(has_orders, variables, permissions=MANAGE).data == {
        "channel": {"hasOrders": True}
    }
    refused = staff_gql(DELETE, variables, permissions=MANAGE).data
    assert refused["channelDelete"]["errors"] == [
        {"field": "channelId", "code": "CHANNEL_WITH_ORDERS"}
    ]
    heir = ChannelFactory(currency_code="USD")
    moved = staff_gql(
        DELETE, {**variables, "input": {"channelId": gid(heir)}}, permissions=MANAGE
    ).data
    assert moved["channelDelete"]["errors"] == []
    order.refresh_from_db()
    assert order.channel_id == heir.pk
    assert list(Channel.objects.all()) == [heir]


def test_nul_characters_are_invalid_input(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE, {"input": new_channel(name="Po\x00land")}, permissions=MANAGE
    )
    assert result.errors is None
    errors = result.data["channelCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("name", "INVALID")]
    assert not Channel.objects.exists()
