from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType, ScalarType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.money import Money
from mercato.core.permissions import Permission
from mercato.graphql.channel.loaders import ChannelByIdLoader
from mercato.graphql.core.channels import staff_channel_from_arg
from mercato.graphql.core.connections import (
    Connection,
    batched_child_connections,
    connection_from_queryset,
    first_page_of_batch,
    is_first_page,
    validate_page_args,
)
from mercato.graphql.core.dataloaders import (
    attach_batch,
    channel_of,
    get_loader,
)
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import require_any
from mercato.graphql.core.resolvers import country_display
from mercato.graphql.shipping.loaders import (
    ChannelsByZoneLoader,
    ListingsByMethodLoader,
    MethodsByZoneLoader,
    PostalCodeRulesByMethodLoader,
    WarehousesByZoneLoader,
)
from mercato.graphql.shipping.mutations import mutations
from mercato.graphql.tax.loaders import TaxClassByIdLoader
from mercato.product.models import Product
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingMethodPostalCodeRule,
    ShippingZone,
)

query = QueryType()
zone_type = ObjectType("ShippingZone")
method_type = ObjectType("ShippingMethodType")
listing_type = ObjectType("ShippingMethodChannelListing")
rule_type = ObjectType("ShippingMethodPostalCodeRule")
weight_scalar = ScalarType("WeightScalar")


@weight_scalar.value_parser
def parse_weight(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GraphQLError(f"WeightScalar cannot represent {value!r}.")
    try:
        weight = float(value)
    except ValueError as exc:
        raise GraphQLError(f"WeightScalar cannot represent {value!r}.") from exc
    if weight != weight or weight in (float("inf"), float("-inf")):
        raise GraphQLError(f"WeightScalar cannot represent {value!r}.")
    return weight


@query.field("shippingZone")
@require_any(Permission.MANAGE_SHIPPING)
def resolve_shipping_zone(
    _: None, info: GraphQLResolveInfo, id: str, channel: str | None = None
) -> ShippingZone | None:
    scope = staff_channel_from_arg(channel)
    zone = ShippingZone.objects.filter(pk=decode_id(id, "ShippingZone")).first()
    if zone is not None:
        attach_batch([zone], scope)
    return zone


@query.field("shippingZones")
@require_any(Permission.MANAGE_SHIPPING)
def resolve_shipping_zones(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    channel: str | None = None,
    **page: Any,
) -> Connection:
    scope = staff_channel_from_arg(channel)
    zones = ShippingZone.objects.all()
    if scope is not None:
        zones = zones.filter(channels=scope)
    filter = filter or {}
    if filter.get("search"):
        zones = zones.filter(name__icontains=filter["search"].replace("\x00", ""))
    if filter.get("channels"):
        ids = decode_ids(filter["channels"], "Channel")
        zones = zones.filter(pk__in=ShippingZone.objects.filter(channels__in=ids))
    return connection_from_queryset(
        zones, page, keys=[("pk", False)], name="shippingZones", channel=scope
    )


@zone_type.field("id")
def resolve_zone_id(root: ShippingZone, info: GraphQLResolveInfo) -> str:
    return to_global_id("ShippingZone", root.pk)


@zone_type.field("countries")
def resolve_countries(
    root: ShippingZone, info: GraphQLResolveInfo
) -> list[dict[str, str]]:
    return [country_display(code) for code in root.countries]


@zone_type.field("description")
def resolve_zone_description(root: ShippingZone, info: GraphQLResolveInfo) -> str:
    return root.description


def _methods(root: ShippingZone, info: GraphQLResolveInfo) -> list[ShippingMethod]:
    loader = get_loader(info.context, MethodsByZoneLoader, channel_of(root))
    return loader.load_for(root, lambda zone: zone.pk) or []


@zone_type.field("shippingMethods")
def resolve_methods(
    root: ShippingZone, info: GraphQLResolveInfo
) -> list[ShippingMethod]:
    return _methods(root, info)


@zone_type.field("channels")
def resolve_zone_channels(root: ShippingZone, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, ChannelsByZoneLoader).load_for(
        root, lambda zone: zone.pk
    )


@zone_type.field("warehouses")
def resolve_zone_warehouses(root: ShippingZone, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, WarehousesByZoneLoader).load_for(
        root, lambda zone: zone.pk
    )


def _listing_in_scope(
    method: ShippingMethod, info: GraphQLResolveInfo
) -> ShippingMethodChannelListing | None:
    channel = channel_of(method)
    if channel is None:
        return None
    listings = get_loader(info.context, ListingsByMethodLoader).load_for(
        method, lambda m: m.pk
    )
    return next((x for x in listings or [] if x.channel_id == channel.pk), None)


@zone_type.field("priceRange")
def resolve_price_range(
    root: ShippingZone, info: GraphQLResolveInfo
) -> dict[str, Money] | None:
    listings = [_listing_in_scope(method, info) for method in _methods(root, info)]
    prices = [Money(x.price_amount, x.currency) for x in listings if x is not None]
    if not prices:
        return None
    return {"start": min(prices), "stop": max(prices)}


@method_type.field("id")
def resolve_method_id(root: ShippingMethod, info: GraphQLResolveInfo) -> str:
    return to_global_id("ShippingMethodType", root.pk)


@method_type.field("type")
def resolve_method_type(root: ShippingMethod, info: GraphQLResolveInfo) -> str:
    return root.type.upper()


@method_type.field("channelListings")
def resolve_channel_listings(root: ShippingMethod, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, ListingsByMethodLoader).load_for(
        root, lambda m: m.pk
    )


@method_type.field("postalCodeRules")
def resolve_postal_code_rules(root: ShippingMethod, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, PostalCodeRulesByMethodLoader).load_for(
        root, lambda m: m.pk
    )


@method_type.field("minimumOrderPrice")
def resolve_method_minimum(
    root: ShippingMethod, info: GraphQLResolveInfo
) -> Money | None:
    listing = _listing_in_scope(root, info)
    return resolve_listing_minimum(listing, info) if listing else None


@method_type.field("maximumOrderPrice")
def resolve_method_maximum(
    root: ShippingMethod, info: GraphQLResolveInfo
) -> Money | None:
    listing = _listing_in_scope(root, info)
    return resolve_listing_maximum(listing, info) if listing else None


def _weight(value: float | None) -> dict[str, Any] | None:
    return None if value is None else {"unit": "KG", "value": value}


@method_type.field("minimumOrderWeight")
def resolve_minimum_weight(
    root: ShippingMethod, info: GraphQLResolveInfo
) -> dict[str, Any] | None:
    return _weight(root.minimum_order_weight)


@method_type.field("maximumOrderWeight")
def resolve_maximum_weight(
    root: ShippingMethod, info: GraphQLResolveInfo
) -> dict[str, Any] | None:
    return _weight(root.maximum_order_weight)


EXCLUDED_KEYS = [("pk", False)]


@method_type.field("excludedProducts")
def resolve_excluded_products(
    root: ShippingMethod, info: GraphQLResolveInfo, **page: Any
) -> Connection:
    """The first page of every listed method's excluded products comes from one
    query; other pages are read per method."""
    validate_page_args(page.get("first"), page.get("last"), "excludedProducts")
    if not is_first_page(page):
        return connection_from_queryset(
            Product.objects.filter(excluded_shipping_methods=root),
            page,
            keys=EXCLUDED_KEYS,
            name="excludedProducts",
        )
    return first_page_of_batch(
        info.context,
        root,
        ("excluded_products", page["first"]),
        lambda ids: _batched_excluded_products(ids, page["first"]),
    )


def _batched_excluded_products(
    method_ids: list[int], first: int
) -> dict[int, Connection]:
    """First pages of excluded products per method, read through the link table.

    A link row's ``product_id`` is its product's ``pk``, so cursors match those of
    the per-method read."""
    links = batched_child_connections(
        ShippingMethod.excluded_products.through.objects.select_related("product"),
        parent_field="shippingmethod",
        parent_ids=method_ids,
        keys=[("product_id", False)],
        first=first,
    )
    result = {pk: _products_page(page) for pk, page in links.items()}
    # One batch across methods, so the products' own fields load together.
    attach_batch([node for page in result.values() for node in page.nodes])
    return result


def _products_page(links: Connection) -> Connection:
    """The same page, with each link replaced by its product."""
    return Connection(
        [link.product for link in links.nodes],
        keys=EXCLUDED_KEYS,
        has_next_page=links.page_info.has_next_page,
        has_previous_page=False,
        count=lambda: links.total_count,
    )


@method_type.field("taxClass")
@require_any(Permission.MANAGE_SHIPPING, Permission.MANAGE_TAXES)
def resolve_method_tax_class(root: ShippingMethod, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, TaxClassByIdLoader).load_for(
        root, lambda m: m.tax_class_id
    )


@listing_type.field("id")
def resolve_listing_id(
    root: ShippingMethodChannelListing, info: GraphQLResolveInfo
) -> str:
    return to_global_id("ShippingMethodChannelListing", root.pk)


@listing_type.field("channel")
def resolve_listing_channel(
    root: ShippingMethodChannelListing, info: GraphQLResolveInfo
) -> Any:
    return get_loader(info.context, ChannelByIdLoader).load_for(
        root, lambda x: x.channel_id
    )


@listing_type.field("price")
def resolve_listing_price(
    root: ShippingMethodChannelListing, info: GraphQLResolveInfo
) -> Money:
    return Money(root.price_amount, root.currency)


@listing_type.field("minimumOrderPrice")
def resolve_listing_minimum(
    root: ShippingMethodChannelListing, info: GraphQLResolveInfo
) -> Money | None:
    amount = root.minimum_order_price_amount
    return None if amount is None else Money(amount, root.currency)


@listing_type.field("maximumOrderPrice")
def resolve_listing_maximum(
    root: ShippingMethodChannelListing, info: GraphQLResolveInfo
) -> Money | None:
    amount = root.maximum_order_price_amount
    return None if amount is None else Money(amount, root.currency)


@rule_type.field("id")
def resolve_rule_id(
    root: ShippingMethodPostalCodeRule, info: GraphQLResolveInfo
) -> str:
    return to_global_id("ShippingMethodPostalCodeRule", root.pk)


@rule_type.field("inclusionType")
def resolve_inclusion_type(
    root: ShippingMethodPostalCodeRule, info: GraphQLResolveInfo
) -> str:
    return root.inclusion_type.upper()


bind_metadata(zone_type, Permission.MANAGE_SHIPPING)
bind_metadata(method_type, Permission.MANAGE_SHIPPING)

bindables = [
    query,
    mutations,
    zone_type,
    method_type,
    listing_type,
    rule_type,
    weight_scalar,
]
