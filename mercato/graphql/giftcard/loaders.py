from __future__ import annotations

import uuid

from mercato.app.models import App
from mercato.giftcard.models import GiftCard, GiftCardEvent, GiftCardEventType
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


class GiftCardsByOrderLoader(Loader[uuid.UUID, list[GiftCard]]):
    """The cards that paid for each order (their ``USED_IN_ORDER`` events)."""

    def default(self) -> list[GiftCard]:
        return []

    def batch_load(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, list[GiftCard]]:
        events = (
            GiftCardEvent.objects.filter(
                order_id__in=keys, type=GiftCardEventType.USED_IN_ORDER
            )
            .select_related("gift_card")
            .order_by("gift_card_id", "pk")
        )
        grouped: dict[uuid.UUID, dict[int, GiftCard]] = {}
        for event in events:
            assert event.order_id is not None
            cards = grouped.setdefault(event.order_id, {})
            cards.setdefault(event.gift_card_id, event.gift_card)
        attach_batch([card for cards in grouped.values() for card in cards.values()])
        return {key: list(cards.values()) for key, cards in grouped.items()}
