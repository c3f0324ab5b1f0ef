from __future__ import annotations

from typing import Any

import pytest

from mercato.channel.models import Channel
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from tests.factories.catalog import ChannelFactory
from tests.factories.shipping import ShippingZoneFactory

pytestmark = pytest.mark.django_db

SETTINGS = """
stockSettings { allocationStrategy reservationMinutes }
orderSettings { automaticallyConfirmAllNewOrders allowUnpaidOrders expireOrdersAfter
                deleteExpiredOrdersAfter markAsPaidStrategy }
checkoutSettings { useLegacyErrorFlow automaticallyCompleteFullyPaidCheckouts }
paymentSettings { defaultTransactionFlowStrategy }
"""
CREATE = (
    "mutation($input: ChannelCreateInput!) { channelCreate(input: $input) {"
    " channel { slug " + SETTINGS + " } errors { field code message } } }"
)
UPDATE = (
    "mutation($id: ID!, $input: ChannelUpdateInput!) { channelUpdate(id: $id,"
    " input: $input) { channel { " + SETTINGS + " } errors { field code } } }"
)


def test_create_with_settings(staff_gql: Any) -> None:
    data = staff_gql(
        CREATE,
        {
            "input": {
                "name": "Poland",
                "slug": "pl",
                "currencyCode": "PLN",
                "defaultCountry": "PL",
                "stockSettings": {
                    "allocationStrategy": "PRIORITIZE_HIGH_STOCK",
                    "reservationMinutes": 15,
                },
                "orderSettings": {
                    "automaticallyConfirmAllNewOrders": False,
                    "allowUnpaidOrders": True,
                    "expireOrdersAfter": 60,
                },
                "paymentSettings": {"defaultTransactionFlowStrategy": "AUTHORIZATION"},
            }
        },
        permissions=[Permission.MANAGE_CHANNELS],
    ).data["channelCreate"]
    assert data["errors"] == []
    channel = data["channel"]
    assert channel["stockSettings"] == {
        "allocationStrategy": "PRIORITIZE_HIGH_STOCK",
        "reservationMinutes": 15,
    }
    assert channel["orderSettings"] == {
        "automaticallyConfirmAllNewOrders": False,
        "allowUnpaidOrders": True,
        "expireOrdersAfter": 60,
        "deleteExpiredOrdersAfter": 60,
        "markAsPaidStrategy": "TRANSACTION_FLOW",
    }
    assert channel["paymentSettings"] == {
        "defaultTransactionFlowStrategy": "AUTHORIZATION"
    }
    stored = Channel.objects.get(slug="pl")
    assert stored.reservation_minutes == 15
    assert stored.allocation_strategy == "PRIORITIZE_HIGH_STOCK"


def test_update_changes_only_given_settings(staff_gql: Any) -> None:
    channel = ChannelFactory(expire_orders_after=30)
    data = staff_gql(
        UPDATE,
        {
            "id": to_global_id("Channel", channel.pk),
            "input": {
                "orderSettings": {"allowUnpaidOrders": True, "expireOrdersAfter": None},
                "checkoutSettings": {"automaticallyCompleteFullyPaidCheckouts": True},
            },
        },
        permissions=[Permission.MANAGE_CHANNELS],
    ).data["channelUpdate"]
    assert data["errors"] == []
    channel.refresh_from_db()
    assert channel.allow_unpaid_orders is True
    assert channel.expire_orders_after is None
    assert channel.automatically_complete_fully_paid_checkouts is True
    # Untouched settings keep their defaults.
    assert channel.automatically_confirm_all_new_orders is True
    assert channel.allocation_strategy == "PRIORITIZE_SORTING_ORDER"


@pytest.mark.parametrize(
    ("group", "value", "field"),
    [
        ({"orderSettings": {"expireOrdersAfter": 0}}, None, "expireOrdersAfter"),
        (
            {"orderSettings": {"deleteExpiredOrdersAfter": 500}},
            None,
            "deleteExpiredOrdersAfter",
        ),
        (
            {
                "stockSettings": {
                    "allocationStrategy": "PRIORITIZE_SORTING_ORDER",
                    "reservationMinutes": -1,
                }
            },
            None,
            "reservationMinutes",
        ),
    ],
)
def test_bad_settings_change_nothing(
    staff_gql: Any, group: dict[str, Any], value: Any, field: str
) -> None:
    channel = ChannelFactory()
    data = staff_gql(
        UPDATE,
        {"id": to_global_id("Channel", channel.pk), "input": {"name": "New", **group}},
        permissions=[Permission.MANAGE_CHANNELS],
    ).data["channelUpdate"]
    assert data["errors"] == [{"field": field, "code": "INVALID"}]
    channel.refresh_from_db()
    assert channel.name != "New"


def test_order_settings_need_a_permission(gql: Any, staff_gql: Any) -> None:
    channel = ChannelFactory(is_active=True)
    query = "query($slug: String) { channel(slug: $slug) { stockSettings "
    query += "{ allocationStrategy } orderSettings { allowUnpaidOrders } } }"
    result = gql(query, {"slug": channel.slug})
    assert result["data"]["channel"] is None
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    allowed = staff_gql(
        query, {"slug": channel.slug}, permissions=[Permission.MANAGE_ORDERS]
    )
    assert allowed.data["channel"]["orderSettings"] == {"allowUnpaidOrders": False}


def test_countries_are_those_the_channel_ships_to(gql: Any, count_queries: Any) -> None:
    first = ChannelFactory(is_active=True, slug="first")
    second = ChannelFactory(is_active=True, slug="second")
    europe = ShippingZoneFactory(countries=["PL", "DE"])
    europe.channels.add(first)
    america = ShippingZoneFactory(countries=["US"])
    america.channels.add(first, second)
    query = "{ channels { slug countries { code country } } }"
    with count_queries() as captured:
        channels = gql(query)["data"]["channels"]
    by_slug = {c["slug"]: [x["code"] for x in c["countries"]] for c in channels}
    assert by_slug == {"first": ["DE", "PL", "US"], "second": ["US"]}
    assert channels[0]["countries"][0]["country"] == "Germany"
    # A default zone serves every country no zone names.
    fallback = ShippingZoneFactory(countries=[], default=True)
    fallback.channels.add(second)
    codes = [c["code"] for c in gql(query)["data"]["channels"][1]["countries"]]
    assert "US" in codes and "FR" in codes and "PL" not in codes
    assert len(captured.captured_queries) <= 2
