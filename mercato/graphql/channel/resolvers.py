from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.channel.models import Channel
from mercato.channel.queries import list_channels
from mercato.core.permissions import Permission
from mercato.graphql.channel.mutations import mutations
from mercato.graphql.core.dataloaders import Loader, attach_batch, get_loader
from mercato.graphql.core.ids import decode_id, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.core.resolvers import country_display
from mercato.graphql.inventory.loaders import WarehousesByChannelLoader
from mercato.order.services import channel_has_orders
from mercato.shipping.queries import shippable_countries

query = QueryType()
channel = ObjectType("Channel")


def _visible(info: GraphQLResolveInfo, channels: list[Channel]) -> list[Channel]:
    if actor_of(info).sees_hidden_catalog:
        return channels
    return [c for c in channels if c.is_active]


@query.field("channels")
def resolve_channels(_: None, info: GraphQLResolveInfo) -> list[Channel]:
    return attach_batch(_visible(info, list_channels()))


@query.field("channel")
def resolve_channel(
    _: None, info: GraphQLResolveInfo, id: str | None = None, slug: str | None = None
) -> Channel | None:
    if (id is None) == (slug is None):
        raise GraphQLError("Provide exactly one of 'id' or 'slug'.")
    lookup = {"pk": decode_id(id, "Channel")} if id else {"slug": slug}
    found = Channel.objects.filter(**lookup).first()
    if found is None or not _visible(info, [found]):
        return None
    return found


@channel.field("id")
def resolve_id(root: Channel, info: GraphQLResolveInfo) -> str:
    return to_global_id("Channel", root.pk)


@channel.field("defaultCountry")
def resolve_default_country(root: Channel, info: GraphQLResolveInfo) -> dict[str, str]:
    return country_display(root.default_country)


@channel.field("warehouses")
def resolve_warehouses(root: Channel, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, WarehousesByChannelLoader).load_for(
        root, lambda c: c.pk
    )


class CountriesByChannelLoader(Loader[int, list[str]]):
    def default(self) -> list[str]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[str]]:
        return shippable_countries(keys)


@channel.field("countries")
def resolve_countries(root: Channel, info: GraphQLResolveInfo) -> list[dict[str, str]]:
    codes = get_loader(info.context, CountriesByChannelLoader).load_for(
        root, lambda c: c.pk
    )
    return [country_display(code) for code in codes or []]


@channel.field("hasOrders")
@require_any(Permission.MANAGE_CHANNELS)
def resolve_has_orders(root: Channel, info: GraphQLResolveInfo) -> bool:
    return channel_has_orders(root.pk)


@channel.field("stockSettings")
def resolve_stock_settings(root: Channel, info: GraphQLResolveInfo) -> Channel:
    return root


@channel.field("orderSettings")
@require_any(Permission.MANAGE_CHANNELS, Permission.MANAGE_ORDERS)
def resolve_order_settings(root: Channel, info: GraphQLResolveInfo) -> Channel:
    return root


@channel.field("checkoutSettings")
@require_any(Permission.MANAGE_CHANNELS, Permission.MANAGE_CHECKOUTS)
def resolve_checkout_settings(root: Channel, info: GraphQLResolveInfo) -> Channel:
    return root


@channel.field("paymentSettings")
@require_any(Permission.MANAGE_CHANNELS, Permission.HANDLE_PAYMENTS)
def resolve_payment_settings(root: Channel, info: GraphQLResolveInfo) -> Channel:
    return root


# The settings types read the channel's own fields.
order_settings = ObjectType("OrderSettings")
order_settings.set_field("markAsPaidStrategy", lambda *_: "TRANSACTION_FLOW")

bind_metadata(channel, Permission.MANAGE_CHANNELS)

bindables = [query, channel, order_settings, mutations]
