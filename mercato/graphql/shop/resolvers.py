"""The ``shop`` query: facts about the whole shop, read from the channels and zones."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLEnumType, GraphQLResolveInfo

from mercato.channel.queries import list_channels
from mercato.core.languages import country_name
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.permissions import actor_of
from mercato.graphql.core.resolvers import country_display
from mercato.shipping.queries import countries_in_zones

query = QueryType()
shop_type = ObjectType("Shop")


class Shop:
    """The ``Shop`` object; its fields are computed by the resolvers below."""


@query.field("shop")
def resolve_shop(_: None, info: GraphQLResolveInfo) -> Shop:
    return Shop()


@shop_type.field("channelCurrencies")
def resolve_channel_currencies(root: Shop, info: GraphQLResolveInfo) -> list[str]:
    actor = actor_of(info)
    if not (actor.is_staff or actor.app_id is not None):
        raise PermissionDenied(["AUTHENTICATED_STAFF_USER", "AUTHENTICATED_APP"])
    return sorted({channel.currency_code for channel in list_channels()})


@shop_type.field("countries")
def resolve_countries(
    root: Shop,
    info: GraphQLResolveInfo,
    language_code: str | None = None,
    filter: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    enum = info.schema.type_map["CountryCode"]
    assert isinstance(enum, GraphQLEnumType)
    codes: list[str] = list(enum.values)
    attached = (filter or {}).get("attached_to_shipping_zones")
    if attached is not None:
        in_zones = countries_in_zones()
        codes = [code for code in codes if (code in in_zones) == attached]
    return [country_display(code) for code in sorted(codes, key=country_name)]


bindables = [query, shop_type]
