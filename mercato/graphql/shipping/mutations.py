"""Shipping mutations: a declared permission and one service call each."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.core.errors import FieldError, ValidationFailed
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.shipping import services
from mercato.shipping.models import ShippingMethod
from mercato.shipping.services import (
    UNSET,
    ListingChanges,
    MethodChanges,
    PostalCodeRange,
    ZoneChanges,
)

mutations = MutationType()
F = TypeVar("F", bound=Callable[..., Any])
ERRORS = "shipping_errors"


def _global_error(error: FieldError) -> FieldError:
    extra = {
        key: [
            to_global_id("Channel" if key == "channels" else "Warehouse", pk)
            for pk in pks
        ]
        for key, pks in error.extra.items()
    }
    return dataclasses.replace(error, extra=extra)


def global_error_ids(resolver: F) -> F:
    """Channel and warehouse keys in errors become global IDs, as clients expect."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(root, info, **kwargs)
        except ValidationFailed as failed:
            raise ValidationFailed(map(_global_error, failed.errors)) from None

    return wrapper  # type: ignore[return-value]


def _zone_changes(data: dict[str, Any]) -> ZoneChanges:
    return ZoneChanges(
        name=data.get("name"),
        description=data.get("description"),
        countries=data.get("countries"),
        default=data.get("default"),
        add_warehouses=decode_ids(data.get("add_warehouses") or [], "Warehouse"),
        remove_warehouses=decode_ids(data.get("remove_warehouses") or [], "Warehouse"),
        add_channels=decode_ids(data.get("add_channels") or [], "Channel"),
        remove_channels=decode_ids(data.get("remove_channels") or [], "Channel"),
    )


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _tax_class_id(data: dict[str, Any]) -> Any:
    """``UNSET`` when the input leaves the tax class out; ``None`` clears it."""
    if "tax_class" not in data:
        return UNSET
    value = data["tax_class"]
    return decode_id(value, "TaxClass") if value else None


def _method_changes(data: dict[str, Any]) -> MethodChanges:
    zone = data.get("shipping_zone")
    rules = data.get("add_postal_code_rules") or []
    return MethodChanges(
        name=data.get("name"),
        description=data.get("description"),
        type=_lower(data.get("type")),
        zone_id=decode_id(zone, "ShippingZone") if zone else None,
        minimum_order_weight=data.get("minimum_order_weight"),
        maximum_order_weight=data.get("maximum_order_weight"),
        minimum_delivery_days=data.get("minimum_delivery_days"),
        maximum_delivery_days=data.get("maximum_delivery_days"),
        add_postal_code_rules=[
            PostalCodeRange(rule["start"], rule.get("end")) for rule in rules
        ],
        delete_postal_code_rules=decode_ids(
            data.get("delete_postal_code_rules") or [], "ShippingMethodPostalCodeRule"
        ),
        inclusion_type=_lower(data.get("inclusion_type")),
        tax_class_id=_tax_class_id(data),
    )


def _method_payload(method: ShippingMethod) -> dict[str, Any]:
    return {"shipping_method": method, "shipping_zone": method.shipping_zone}


@mutations.field("shippingZoneCreate")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
@global_error_ids
def resolve_zone_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    zone = services.create_zone(actor=actor_of(info), changes=_zone_changes(input))
    return {"shipping_zone": zone}


@mutations.field("shippingZoneUpdate")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
@global_error_ids
def resolve_zone_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    zone = services.update_zone(
        actor=actor_of(info),
        zone_id=decode_id(id, "ShippingZone"),
        changes=_zone_changes(input),
    )
    return {"shipping_zone": zone}


@mutations.field("shippingZoneDelete")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_zone_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    zone = services.delete_zone(
        actor=actor_of(info), zone_id=decode_id(id, "ShippingZone")
    )
    return {"shipping_zone": zone}


@mutations.field("shippingZoneBulkDelete")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_zone_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = services.delete_zones(
        actor=actor_of(info), zone_ids=decode_ids(ids, "ShippingZone")
    )
    return {"count": count}


@mutations.field("shippingPriceCreate")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_price_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    method = services.create_method(
        actor=actor_of(info), changes=_method_changes(input)
    )
    return _method_payload(method)


@mutations.field("shippingPriceUpdate")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_price_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    method = services.update_method(
        actor=actor_of(info),
        method_id=decode_id(id, "ShippingMethodType"),
        changes=_method_changes(input),
    )
    return _method_payload(method)


@mutations.field("shippingPriceDelete")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_price_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    method = services.delete_method(
        actor=actor_of(info), method_id=decode_id(id, "ShippingMethodType")
    )
    return _method_payload(method)


@mutations.field("shippingPriceBulkDelete")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_price_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = services.delete_methods(
        actor=actor_of(info), method_ids=decode_ids(ids, "ShippingMethodType")
    )
    return {"count": count}


@mutations.field("shippingMethodChannelListingUpdate")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
@global_error_ids
def resolve_listing_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    add = [
        ListingChanges(
            channel_id=decode_id(item["channel_id"], "Channel"),
            price=item.get("price"),
            minimum_order_price=item.get("minimum_order_price"),
            maximum_order_price=item.get("maximum_order_price"),
        )
        for item in input.get("add_channels") or []
    ]
    method = services.update_method_channel_listings(
        actor=actor_of(info),
        method_id=decode_id(id, "ShippingMethodType"),
        add=add,
        remove_channel_ids=decode_ids(input.get("remove_channels") or [], "Channel"),
    )
    return {"shipping_method": method}


@mutations.field("shippingPriceExcludeProducts")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_exclude_products(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    method = services.exclude_products(
        actor=actor_of(info),
        method_id=decode_id(id, "ShippingMethodType"),
        product_ids=decode_ids(input["products"], "Product"),
    )
    return {"shipping_method": method}


@mutations.field("shippingPriceRemoveProductFromExclude")
@require_any(Permission.MANAGE_SHIPPING)
@mutation(ERRORS)
def resolve_remove_product_from_exclude(
    _: None, info: GraphQLResolveInfo, id: str, products: list[str]
) -> dict[str, Any]:
    method = services.include_products(
        actor=actor_of(info),
        method_id=decode_id(id, "ShippingMethodType"),
        product_ids=decode_ids(products, "Product"),
    )
    return {"shipping_method": method}
