"""Batch loaders of payments; see mercato.graphql.core.dataloaders."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef

from mercato.account.models import User
from mercato.app.models import App
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.order.models import Order
from mercato.payment.models import TransactionEvent, TransactionItem


class TransactionsByCheckoutLoader(RelatedListLoader):
    model = TransactionItem
    owner = "checkout"
    ordering = ("created_at", "pk")


class TransactionsByOrderLoader(RelatedListLoader):
    model = TransactionItem
    owner = "order"
    ordering = ("created_at", "pk")


class EventsByTransactionLoader(RelatedListLoader):
    model = TransactionEvent
    owner = "transaction"
    ordering = ("created_at", "pk")


class CheckoutHasLinesLoader(Loader[uuid.UUID, bool]):
    def default(self) -> bool:
        return False

    def batch_load(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, bool]:
        lines = CheckoutLine.objects.filter(checkout_id=OuterRef("pk"))
        rows = (
            Checkout.objects.filter(pk__in=keys)
            .annotate(has_lines=Exists(lines))
            .values_list("pk", "has_lines")
        )
        return dict(rows)


class CheckoutByTokenLoader(Loader[uuid.UUID, Checkout]):
    def batch_load(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, Checkout]:
        found = attach_batch(list(Checkout.objects.filter(pk__in=keys)))
        return {checkout.pk: checkout for checkout in found}


class CreatorUserLoader(Loader[int, User]):
    def batch_load(self, keys: list[int]) -> dict[int, User]:
        found = attach_batch(list(User.objects.filter(pk__in=keys)))
        return {user.pk: user for user in found}


class CreatorAppLoader(Loader[int, App]):
    def batch_load(self, keys: list[int]) -> dict[int, App]:
        found = attach_batch(list(App.objects.filter(pk__in=keys)))
        return {app.pk: app for app in found}


class OrderByIdLoader(Loader[uuid.UUID, Order]):
    def batch_load(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, Order]:
        found = attach_batch(list(Order.objects.filter(pk__in=keys)))
        return {order.pk: order for order in found}
