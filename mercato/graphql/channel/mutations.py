"""Channel mutations: a declared permission and one service call each."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.channel import services
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any

mutations = MutationType()

# API input groups and fields -> Channel model fields (see channel.services.SETTINGS).
SETTINGS_INPUTS = {
    "stock_settings": ("allocation_strategy", "reservation_minutes"),
    "order_settings": (
        "automatically_confirm_all_new_orders",
        "automatically_fulfill_non_shippable_gift_card",
        "expire_orders_after",
        "delete_expired_orders_after",
        "allow_unpaid_orders",
        "include_draft_order_in_voucher_usage",
    ),
    "checkout_settings": (
        "use_legacy_error_flow",
        "automatically_complete_fully_paid_checkouts",
    ),
    "payment_settings": ("default_transaction_flow_strategy",),
}
# Fields that accept null: "unset". For the others a null means "keep".
NULLABLE_SETTINGS = {"expire_orders_after"}


def _settings(input: dict[str, Any]) -> dict[str, Any]:
    """The channel settings named in a create/update input."""
    settings: dict[str, Any] = {}
    for group, names in SETTINGS_INPUTS.items():
        given = input.get(group) or {}
        for name in names:
            if name in given and (given[name] is not None or name in NULLABLE_SETTINGS):
                settings[name] = given[name]
    return settings


@mutations.field("channelCreate")
@require_any(Permission.MANAGE_CHANNELS)
@mutation("channel_errors")
def resolve_channel_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    channel = services.create_channel(
        actor=actor_of(info),
        name=input["name"],
        slug=input["slug"],
        currency_code=input["currency_code"],
        default_country=input["default_country"],
        is_active=bool(input.get("is_active")),
        warehouse_ids=decode_ids(input.get("add_warehouses") or [], "Warehouse"),
        settings=_settings(input),
    )
    return {"channel": channel}


@mutations.field("channelUpdate")
@require_any(Permission.MANAGE_CHANNELS)
@mutation("channel_errors")
def resolve_channel_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    channel = services.update_channel(
        actor=actor_of(info),
        channel_id=decode_id(id, "Channel"),
        name=input.get("name"),
        slug=input.get("slug"),
        default_country=input.get("default_country"),
        is_active=input.get("is_active"),
        add_warehouse_ids=decode_ids(input.get("add_warehouses") or [], "Warehouse"),
        remove_warehouse_ids=decode_ids(
            input.get("remove_warehouses") or [], "Warehouse"
        ),
        settings=_settings(input),
    )
    return {"channel": channel}


@mutations.field("channelDelete")
@require_any(Permission.MANAGE_CHANNELS)
@mutation("channel_errors")
def resolve_channel_delete(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any] | None = None
) -> dict[str, Any]:
    target = decode_id(input["channel_id"], "Channel") if input else None
    channel = services.delete_channel(
        actor=actor_of(info),
        channel_id=decode_id(id, "Channel"),
        target_channel_id=target,
    )
    return {"channel": channel}


@mutations.field("channelActivate")
@require_any(Permission.MANAGE_CHANNELS)
@mutation("channel_errors")
def resolve_channel_activate(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    channel = services.set_channel_active(
        actor=actor_of(info), channel_id=decode_id(id, "Channel"), is_active=True
    )
    return {"channel": channel}


@mutations.field("channelDeactivate")
@require_any(Permission.MANAGE_CHANNELS)
@mutation("channel_errors")
def resolve_channel_deactivate(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    channel = services.set_channel_active(
        actor=actor_of(info), channel_id=decode_id(id, "Channel"), is_active=False
    )
    return {"channel": channel}


@mutations.field("channelReorderWarehouses")
@require_any(Permission.MANAGE_CHANNELS)
@mutation()
def resolve_channel_reorder_warehouses(
    _: None, info: GraphQLResolveInfo, channel_id: str, moves: list[dict[str, Any]]
) -> dict[str, Any]:
    channel = services.reorder_channel_warehouses(
        actor=actor_of(info),
        channel_id=decode_id(channel_id, "Channel"),
        moves=[
            (decode_id(move["id"], "Warehouse"), move.get("sort_order") or 0)
            for move in moves
        ],
    )
    return {"channel": channel}
