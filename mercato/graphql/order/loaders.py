"""Batch loaders of orders; see mercato.graphql.core.dataloaders."""

from __future__ import annotations

from mercato.app.models import App
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.inventory.models import Allocation
from mercato.order.models import OrderDiscount, OrderEvent, OrderLine
from mercato.shipping.models import ShippingMethod


class LinesByOrderLoader(RelatedListLoader):
    model = OrderLine
    owner = "order"
    ordering = ("pk",)


class DiscountsByOrderLoader(RelatedListLoader):
    model = OrderDiscount
    owner = "order"
    ordering = ("pk",)


class ShippingMethodByIdLoader(Loader[int, ShippingMethod]):
    def batch_load(self, keys: list[int]) -> dict[int, ShippingMethod]:
        found = attach_batch(list(ShippingMethod.objects.filter(pk__in=keys)))
        return {m.pk: m for m in found}


class EventsByOrderLoader(RelatedListLoader):
    model = OrderEvent
    owner = "order"
    ordering = ("date", "pk")


class AllocationsByLineLoader(Loader[int, list[Allocation]]):
    """Each order line's allocations, with their stock rows."""

    def default(self) -> list[Allocation]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[Allocation]]:
        rows = (
            Allocation.objects.filter(order_line_id__in=keys)
            .select_related("stock")
            .order_by("pk")
        )
        grouped: dict[int, list[Allocation]] = {}
        for row in attach_batch(list(rows)):
            grouped.setdefault(row.order_line_id, []).append(row)
        return grouped


class AppByIdLoader(Loader[int, App]):
    def batch_load(self, keys: list[int]) -> dict[int, App]:
        found = attach_batch(list(App.objects.filter(pk__in=keys)))
        return {app.pk: app for app in found}
