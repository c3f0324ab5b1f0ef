from __future__ import annotations

import uuid

from mercato.app.models import App
from mercato.giftcard.models import GiftCard, GiftCardEvent
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.order.models import Order


class TagsByGiftCardLoader(RelatedListLoader):
    model = GiftCard.tags.through
    owner = "giftcard"
    pick = "giftcardtag"
    ordering = ("giftcardtag__name",)


class EventsByGiftCardLoader(RelatedListLoader):
    model = GiftCardEvent
    owner = "gift_card"
    ordering = ("date", "pk")


class GiftCardsByCheckoutLoader(RelatedListLoader):
    model = GiftCard.checkouts.through
    owner = "checkout"
    pick = "giftcard"
    ordering = ("giftcard_id",)


class AppByIdLoader(Loader[int, App]):
    def batch_load(self, keys: list[int]) -> dict[int, App]:
        found = attach_batch(list(App.objects.filter(pk__in=keys)))
        return {app.pk: app for app in found}


class OrderNumberLoader(Loader[uuid.UUID, str]):
    def batch_load(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = Order.objects.filter(pk__in=keys).values_list("pk", "number")
        return {pk: str(number) for pk, number in rows}
