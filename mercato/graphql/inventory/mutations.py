"""Warehouse and stock mutations: a declared permission and one service call each."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.inventory import services
from mercato.inventory.services import StockQuantity, WarehouseChanges

mutations = MutationType()


def _changes(data: dict[str, Any]) -> WarehouseChanges:
    option = data.get("click_and_collect_option")
    return WarehouseChanges(
        name=data.get("name"),
        slug=data.get("slug"),
        email=data.get("email"),
        external_reference=data.get("external_reference"),
        address=data.get("address"),
        click_and_collect_option=option.lower() if option else None,
        is_private=data.get("is_private"),
    )


def _stocks(entries: list[dict[str, Any]]) -> list[StockQuantity]:
    return [
        StockQuantity(decode_id(entry["warehouse"], "Warehouse"), entry["quantity"])
        for entry in entries
    ]


def _variant_id(variant_id: str | None) -> int | None:
    return decode_id(variant_id, "ProductVariant") if variant_id else None


@mutations.field("createWarehouse")
@require_any(Permission.MANAGE_PRODUCTS)
@mutation("warehouse_errors")
def resolve_create_warehouse(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    warehouse = services.create_warehouse(actor=actor_of(info), changes=_changes(input))
    return {"warehouse": warehouse}


@mutations.field("updateWarehouse")
@require_any(Permission.MANAGE_PRODUCTS)
@mutation("warehouse_errors")
def resolve_update_warehouse(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    warehouse = services.update_warehouse(
        actor=actor_of(info),
        warehouse_id=decode_id(id, "Warehouse") if id else None,
        external_reference=external_reference,
        changes=_changes(input),
    )
    return {"warehouse": warehouse}


@mutations.field("deleteWarehouse")
@require_any(Permission.MANAGE_PRODUCTS)
@mutation("warehouse_errors")
def resolve_delete_warehouse(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    warehouse = services.delete_warehouse(
        actor=actor_of(info), warehouse_id=decode_id(id, "Warehouse")
    )
    return {"warehouse": warehouse}


@mutations.field("productVariantStocksCreate")
@require_any(Permission.MANAGE_PRODUCTS)
@mutation("bulk_stock_errors")
def resolve_stocks_create(
    _: None, info: GraphQLResolveInfo, variant_id: str, stocks: list[dict[str, Any]]
) -> dict[str, Any]:
    variant = services.create_stocks(
        actor=actor_of(info), variant_id=_variant_id(variant_id), stocks=_stocks(stocks)
    )
    return {"product_variant": variant}


@mutations.field("productVariantStocksUpdate")
@require_any(Permission.MANAGE_PRODUCTS)
@mutation("bulk_stock_errors")
def resolve_stocks_update(
    _: None,
    info: GraphQLResolveInfo,
    stocks: list[dict[str, Any]],
    variant_id: str | None = None,
    sku: str | None = None,
) -> dict[str, Any]:
    variant = services.update_stocks(
        actor=actor_of(info),
        variant_id=_variant_id(variant_id),
        sku=sku,
        stocks=_stocks(stocks),
    )
    return {"product_variant": variant}


@mutations.field("productVariantStocksDelete")
@require_any(Permission.MANAGE_PRODUCTS)
@mutation("stock_errors")
def resolve_stocks_delete(
    _: None,
    info: GraphQLResolveInfo,
    variant_id: str | None = None,
    sku: str | None = None,
    warehouse_ids: list[str] | None = None,
) -> dict[str, Any]:
    variant = services.delete_stocks(
        actor=actor_of(info),
        variant_id=_variant_id(variant_id),
        sku=sku,
        warehouse_ids=decode_ids(warehouse_ids or [], "Warehouse"),
    )
    return {"product_variant": variant}
