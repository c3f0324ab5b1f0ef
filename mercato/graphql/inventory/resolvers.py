from __future__ import annotations

from typing import Any

from ariadne import EnumType, ObjectType, QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import get_loader
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import require_any
from mercato.graphql.inventory.loaders import AddressByIdLoader, WarehouseByIdLoader
from mercato.graphql.inventory.mutations import mutations
from mercato.inventory.models import Stock, Warehouse
from mercato.inventory.queries import filter_warehouses

query = QueryType()
warehouse = ObjectType("Warehouse")
stock = ObjectType("Stock")

WAREHOUSE_READERS = (
    Permission.MANAGE_PRODUCTS,
    Permission.MANAGE_ORDERS,
    Permission.MANAGE_SHIPPING,
)


@query.field("warehouse")
@require_any(*WAREHOUSE_READERS)
def resolve_warehouse(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
) -> Warehouse | None:
    if (id is None) == (external_reference is None):
        raise GraphQLError("Provide exactly one of 'id' or 'externalReference'.")
    if id is not None:
        return Warehouse.objects.filter(pk=decode_id(id, "Warehouse")).first()
    return Warehouse.objects.filter(external_reference=external_reference).first()


@query.field("warehouses")
@require_any(*WAREHOUSE_READERS)
def resolve_warehouses(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, str] | None = None,
    **page: Any,
) -> Connection:
    filter = dict(filter or {})
    if filter.get("ids"):
        filter["ids"] = decode_ids(filter["ids"], "Warehouse")
    if filter.get("channels"):
        filter["channels"] = decode_ids(filter["channels"], "Channel")
    descending = bool(sort_by and sort_by["direction"] == "DESC")
    return connection_from_queryset(
        filter_warehouses(filter),
        page,
        keys=[("name", descending), ("pk", descending)],
        name="warehouses",
    )


@warehouse.field("id")
def resolve_warehouse_id(root: Warehouse, info: GraphQLResolveInfo) -> str:
    return to_global_id("Warehouse", root.pk)


@warehouse.field("address")
def resolve_address(root: Warehouse, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, AddressByIdLoader).load_for(
        root, lambda w: w.address_id
    )


@warehouse.field("clickAndCollectOption")
def resolve_cc_option(root: Warehouse, info: GraphQLResolveInfo) -> str:
    return root.click_and_collect_option.upper()


@stock.field("id")
def resolve_stock_id(root: Stock, info: GraphQLResolveInfo) -> str:
    return to_global_id("Stock", root.pk)


@stock.field("warehouse")
def resolve_stock_warehouse(root: Stock, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, WarehouseByIdLoader).load_for(
        root, lambda s: s.warehouse_id
    )


@stock.field("productVariant")
def resolve_stock_variant(root: Stock, info: GraphQLResolveInfo) -> Any:
    from mercato.graphql.product.loaders import VariantByIdLoader

    return get_loader(info.context, VariantByIdLoader).load_for(
        root, lambda s: s.product_variant_id
    )


bind_metadata(warehouse, Permission.MANAGE_PRODUCTS)

bindables = [
    query,
    mutations,
    warehouse,
    stock,
    EnumType(
        "WarehouseClickAndCollectOptionEnum",
        {"DISABLED": "DISABLED", "LOCAL": "LOCAL", "ALL": "ALL"},
    ),
]
