from __future__ import annotations

from collections import defaultdict

from mercato.account.models import Address
from mercato.graphql.core.dataloaders import Loader, attach_batch
from mercato.inventory.models import ChannelWarehouse, Stock, Warehouse
from mercato.inventory.queries import with_reserved_quantity


class WarehouseByIdLoader(Loader[int, Warehouse]):
    def batch_load(self, keys: list[int]) -> dict[int, Warehouse]:
        found = attach_batch(list(Warehouse.objects.filter(pk__in=keys)))
        return {w.pk: w for w in found}


class AddressByIdLoader(Loader[int, Address]):
    def batch_load(self, keys: list[int]) -> dict[int, Address]:
        found = attach_batch(list(Address.objects.filter(pk__in=keys)))
        return {a.pk: a for a in found}


class WarehousesByChannelLoader(Loader[int, list[Warehouse]]):
    def default(self) -> list[Warehouse]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[Warehouse]]:
        links = (
            ChannelWarehouse.objects.filter(channel_id__in=keys)
            .select_related("warehouse")
            .order_by("sort_order", "pk")
        )
        result: dict[int, list[Warehouse]] = defaultdict(list)
        for link in links:
            result[link.channel_id].append(link.warehouse)
        attach_batch([w for ws in result.values() for w in ws])
        return result


class StocksByVariantLoader(Loader[int, list[Stock]]):
    """Stocks of variants in the warehouses of the loader's channel (all if none).

    In a channel that reserves stock for checkouts, each row also carries what
    active reservations hold on it (in the same statement), so
    ``available_quantity`` leaves it out; other channels pay nothing for it.
    """

    def default(self) -> list[Stock]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[Stock]]:
        stocks = Stock.objects.filter(product_variant_id__in=keys)
        if self.channel is not None:
            stocks = stocks.filter(warehouse__channels=self.channel)
            if getattr(self.channel, "reservation_minutes", 0) > 0:
                stocks = with_reserved_quantity(stocks)
        result: dict[int, list[Stock]] = defaultdict(list)
        for stock in stocks.order_by("pk"):
            result[stock.product_variant_id].append(stock)
        attach_batch([s for ss in result.values() for s in ss], self.channel)
        return result
