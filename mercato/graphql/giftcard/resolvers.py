"""Gift card reads: staff queries, the card and event types, customer and checkout
views. Every relation goes through a loader."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from ariadne import EnumType, ObjectType, QueryType
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.account.models import User
from mercato.app.models import App
from mercato.checkout.models import Checkout
from mercato.core.money import Money
from mercato.core.permissions import Permission
from mercato.giftcard import queries
from mercato.giftcard.models import (
    GiftCard,
    GiftCardEvent,
    GiftCardEventType,
    GiftCardTag,
)
from mercato.giftcard.queries import GiftCardFilter
from mercato.graphql.checkout.loaders import UserByIdLoader
from mercato.graphql.core.connections import (
    Connection,
    SortKeys,
    connection_from_queryset,
)
from mercato.graphql.core.dataloaders import get_loader
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import decode_id, decode_ids, from_global_id, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.giftcard.loaders import (
    AppByIdLoader,
    EventsByGiftCardLoader,
    GiftCardsByCheckoutLoader,
    GiftCardsByOrderLoader,
    OrderNumberLoader,
    TagsByGiftCardLoader,
)
from mercato.graphql.giftcard.mutations import bindables as mutation_bindables
from mercato.graphql.product.loaders import ProductByIdLoader
from mercato.order.models import Order
from mercato.product.models import Product

query = QueryType()
card_type = ObjectType("GiftCard")
event_type = ObjectType("GiftCardEvent")
tag_type = ObjectType("GiftCardTag")
user_type = ObjectType("User")
checkout_type = ObjectType("Checkout")
order_type = ObjectType("Order")
event_enum = EnumType(
    "GiftCardEventsEnum", {kind.name: kind.value for kind in GiftCardEventType}
)
sort_field_enum = EnumType(
    "GiftCardSortField",
    {
        "PRODUCT": "product",
        "USED_BY": "used_by",
        "CURRENT_BALANCE": "current_balance",
        "CREATED_AT": "created_at",
        "RANK": "rank",
    },
)

bind_metadata(card_type, Permission.MANAGE_GIFT_CARD)

USERS = (Permission.MANAGE_USERS,)


# ---------------------------------------------------------------- queries


@query.field("giftCard")
@require_any(Permission.MANAGE_GIFT_CARD)
def resolve_gift_card(_: None, info: GraphQLResolveInfo, id: str) -> GiftCard | None:
    return GiftCard.objects.filter(pk=decode_id(id, "GiftCard")).first()


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise GraphQLError(f"Invalid number: {value!r}.") from exc
    if not number.is_finite():
        raise GraphQLError(f"Invalid number: {value!r}.")
    return number


def _range(value: dict[str, Any] | None) -> tuple[Decimal | None, Decimal | None]:
    value = value or {}
    return _decimal(value.get("gte")), _decimal(value.get("lte"))


def _text(value: str | None) -> str | None:
    return value.replace("\x00", "").strip() or None if value else None


def _clean(value: str | None) -> Any:
    """PostgreSQL cannot store (or compare with) NUL characters: drop them."""
    return None if value is None else value.replace("\x00", "")


def _card_filter(data: dict[str, Any]) -> GiftCardFilter:
    products = data.get("products")
    used_by = data.get("used_by")
    assigned_to = data.get("assigned_to")
    return GiftCardFilter(
        is_active=data.get("is_active"),
        tags=[tag.replace("\x00", "") for tag in data["tags"]]
        if data.get("tags")
        else None,
        product_ids=decode_ids(products, "Product") if products else None,
        used_by_ids=decode_ids(used_by, "User") if used_by else None,
        assigned_to_ids=decode_ids(assigned_to, "User") if assigned_to else None,
        used=data.get("used"),
        currency=_text(data.get("currency")),
        current_balance=_range(data.get("current_balance")),
        initial_balance=_range(data.get("initial_balance")),
        code=_text(data.get("code")),
        created_by_email=_text(data.get("created_by_email")),
        metadata=[
            (_clean(item["key"]), _clean(item.get("value")))
            for item in data.get("metadata") or []
        ],
    )


def _sorted(
    cards: QuerySet[GiftCard], sort_by: dict[str, Any] | None
) -> tuple[QuerySet[GiftCard], SortKeys]:
    if not sort_by or sort_by["field"] == "rank":
        return cards, [("code", False), ("pk", False)]
    descending = sort_by["direction"] == "DESC"
    field = sort_by["field"]
    if field == "product":
        cards = cards.annotate(sort_key=Coalesce("product__name", Value("")))
    elif field == "used_by":
        cards = cards.annotate(
            sort_key=Coalesce("used_by__email", "used_by_email", Value(""))
        )
    else:
        name = "current_balance_amount" if field == "current_balance" else field
        return cards, [(name, descending), ("pk", descending)]
    return cards, [("sort_key", descending), ("pk", descending)]


@query.field("giftCards")
@require_any(Permission.MANAGE_GIFT_CARD)
def resolve_gift_cards(
    _: None,
    info: GraphQLResolveInfo,
    sort_by: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    search: str | None = None,
    **page: Any,
) -> Connection:
    cards = queries.filter_gift_cards(
        GiftCard.objects.all(), _card_filter(filter or {})
    )
    if search:
        cards = queries.search_gift_cards(cards, search)
    cards, keys = _sorted(cards, sort_by)
    return connection_from_queryset(cards, page, keys=keys, name="giftCards")


@query.field("giftCardCurrencies")
@require_any(Permission.MANAGE_GIFT_CARD)
def resolve_currencies(_: None, info: GraphQLResolveInfo) -> list[str]:
    return queries.list_gift_card_currencies()


@query.field("giftCardTags")
@require_any(Permission.MANAGE_GIFT_CARD)
def resolve_tags(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    tags = queries.list_gift_card_tags((filter or {}).get("search"))
    return connection_from_queryset(
        tags, page, keys=[("name", False), ("pk", False)], name="giftCardTags"
    )


# ---------------------------------------------------------------- GiftCard


@card_type.field("id")
def resolve_card_id(root: GiftCard, info: GraphQLResolveInfo) -> str:
    return to_global_id("GiftCard", root.pk)


@card_type.field("code")
def resolve_code(root: GiftCard, info: GraphQLResolveInfo) -> str:
    if not queries.may_see_code(actor_of(info), root):
        raise PermissionDenied([Permission.MANAGE_GIFT_CARD.value])
    return root.code


@card_type.field("displayCode")
@card_type.field("last4CodeChars")
def resolve_last_4(root: GiftCard, info: GraphQLResolveInfo) -> str:
    return root.code[-4:]


@card_type.field("created")
def resolve_created(root: GiftCard, info: GraphQLResolveInfo) -> datetime.datetime:
    return root.created_at


def _user(info: GraphQLResolveInfo, root: Any, key: str) -> User | None:
    """A user linked to a card or event: for that user and user staff only."""
    user_id = getattr(root, key)
    if user_id is None:
        return None
    actor = actor_of(info)
    if actor.user_id != user_id and not actor.has_any_permission(*USERS):
        raise PermissionDenied([p.value for p in USERS])
    return get_loader(info.context, UserByIdLoader).load_for(
        root, lambda item: getattr(item, key)
    )


@card_type.field("createdBy")
def resolve_created_by(root: GiftCard, info: GraphQLResolveInfo) -> User | None:
    return _user(info, root, "created_by_id")


@card_type.field("usedBy")
def resolve_used_by(root: GiftCard, info: GraphQLResolveInfo) -> User | None:
    return _user(info, root, "used_by_id")


@card_type.field("assignedTo")
def resolve_assigned_to(root: GiftCard, info: GraphQLResolveInfo) -> User | None:
    """For the customer themselves and user or gift card staff."""
    if root.assigned_to_id is None:
        return None
    actor = actor_of(info)
    staff = (Permission.MANAGE_USERS, Permission.MANAGE_GIFT_CARD)
    if actor.user_id != root.assigned_to_id and not actor.has_any_permission(*staff):
        raise PermissionDenied([p.value for p in staff])
    return get_loader(info.context, UserByIdLoader).load_for(
        root, lambda item: item.assigned_to_id
    )


@card_type.field("assignedToEmail")
def resolve_assigned_to_email(root: GiftCard, info: GraphQLResolveInfo) -> str | None:
    return _email(info, root, root.assigned_to_email)


def _email(info: GraphQLResolveInfo, card: GiftCard, email: str | None) -> str | None:
    """Customer emails: for gift card or user staff and the card's own customer."""
    actor = actor_of(info)
    if not (queries.may_see_code(actor, card) or actor.has_any_permission(*USERS)):
        raise PermissionDenied(
            [Permission.MANAGE_GIFT_CARD.value, Permission.MANAGE_USERS.value]
        )
    return email


@card_type.field("createdByEmail")
def resolve_created_by_email(root: GiftCard, info: GraphQLResolveInfo) -> str | None:
    return _email(info, root, root.created_by_email)


@card_type.field("usedByEmail")
def resolve_used_by_email(root: GiftCard, info: GraphQLResolveInfo) -> str | None:
    return _email(info, root, root.used_by_email)


@card_type.field("app")
@require_any(Permission.MANAGE_APPS, Permission.MANAGE_GIFT_CARD)
def resolve_app(root: GiftCard, info: GraphQLResolveInfo) -> App | None:
    return get_loader(info.context, AppByIdLoader).load_for(root, lambda c: c.app_id)


@card_type.field("product")
def resolve_product(root: GiftCard, info: GraphQLResolveInfo) -> Product | None:
    return get_loader(info.context, ProductByIdLoader).load_for(
        root, lambda c: c.product_id
    )


@card_type.field("tags")
@require_any(Permission.MANAGE_GIFT_CARD)
def resolve_card_tags(root: GiftCard, info: GraphQLResolveInfo) -> list[GiftCardTag]:
    return get_loader(info.context, TagsByGiftCardLoader).load_for(root, _pk) or []


def _pk(item: Any) -> Any:
    return item.pk


def _order_ids(ids: list[str]) -> set[uuid.UUID]:
    found = set()
    for global_id in ids:
        type_name, pk = from_global_id(global_id)
        try:
            if type_name != "Order":
                raise ValueError(type_name)
            found.add(uuid.UUID(pk))
        except ValueError as exc:
            raise GraphQLError(
                f"Invalid ID: {global_id}. Expected: Order, received: {type_name}."
            ) from exc
    return found


@card_type.field("events")
@require_any(Permission.MANAGE_GIFT_CARD)
def resolve_events(
    root: GiftCard, info: GraphQLResolveInfo, filter: dict[str, Any] | None = None
) -> list[GiftCardEvent]:
    events = get_loader(info.context, EventsByGiftCardLoader).load_for(root, _pk) or []
    filter = filter or {}
    if filter.get("type"):
        events = [event for event in events if event.type == filter["type"]]
    if filter.get("orders"):
        orders = _order_ids(filter["orders"])
        events = [event for event in events if event.order_id in orders]
    return events


@card_type.field("boughtInChannel")
def resolve_bought_in_channel(root: GiftCard, info: GraphQLResolveInfo) -> None:
    return None  # cards are not sold as products yet


@card_type.field("initialBalance")
def resolve_initial_balance(root: GiftCard, info: GraphQLResolveInfo) -> Money:
    return Money(root.initial_balance_amount, root.currency)


@card_type.field("currentBalance")
def resolve_current_balance(root: GiftCard, info: GraphQLResolveInfo) -> Money:
    return Money(root.current_balance_amount, root.currency)


# ---------------------------------------------------------------- events


@event_type.field("id")
def resolve_event_id(root: GiftCardEvent, info: GraphQLResolveInfo) -> str:
    return to_global_id("GiftCardEvent", root.pk)


@event_type.field("user")
def resolve_event_user(root: GiftCardEvent, info: GraphQLResolveInfo) -> User | None:
    return _user(info, root, "user_id")


@event_type.field("app")
def resolve_event_app(root: GiftCardEvent, info: GraphQLResolveInfo) -> App | None:
    return get_loader(info.context, AppByIdLoader).load_for(root, lambda e: e.app_id)


def _parameter(name: str) -> Any:
    def resolve(root: GiftCardEvent, info: GraphQLResolveInfo) -> Any:
        return root.parameters.get(name)

    return resolve


for _name, _key in (
    ("message", "message"),
    ("email", "email"),
    ("tags", "tags"),
    ("oldTags", "old_tags"),
):
    event_type.set_field(_name, _parameter(_key))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@event_type.field("expiryDate")
def resolve_event_expiry(
    root: GiftCardEvent, info: GraphQLResolveInfo
) -> datetime.date | None:
    return _date(root.parameters.get("expiry_date"))


@event_type.field("oldExpiryDate")
def resolve_event_old_expiry(
    root: GiftCardEvent, info: GraphQLResolveInfo
) -> datetime.date | None:
    return _date(root.parameters.get("old_expiry_date"))


@event_type.field("orderId")
def resolve_event_order_id(root: GiftCardEvent, info: GraphQLResolveInfo) -> str | None:
    return None if root.order_id is None else to_global_id("Order", root.order_id)


@event_type.field("orderNumber")
def resolve_event_order_number(
    root: GiftCardEvent, info: GraphQLResolveInfo
) -> str | None:
    return get_loader(info.context, OrderNumberLoader).load_for(
        root, lambda e: e.order_id
    )


@event_type.field("balance")
def resolve_event_balance(
    root: GiftCardEvent, info: GraphQLResolveInfo
) -> dict[str, Money | None] | None:
    balance = root.parameters.get("balance")
    if not balance:
        return None
    currency = balance["currency"]

    def money(key: str) -> Money | None:
        value = balance.get(key)
        return None if value is None else Money(Decimal(value), currency)

    return {
        key: money(key)
        for key in (
            "initial_balance",
            "current_balance",
            "old_initial_balance",
            "old_current_balance",
        )
    }


# ---------------------------------------------------------------- tags


@tag_type.field("id")
def resolve_tag_id(root: GiftCardTag, info: GraphQLResolveInfo) -> str:
    return to_global_id("GiftCardTag", root.pk)


# ---------------------------------------------------------------- other types


@user_type.field("giftCards")
def resolve_user_gift_cards(
    root: User, info: GraphQLResolveInfo, **page: Any
) -> Connection:
    actor = actor_of(info)
    if not queries.may_see_customer_gift_cards(actor=actor, user_id=root.pk):
        raise PermissionDenied(
            [Permission.MANAGE_USERS.value, Permission.MANAGE_GIFT_CARD.value]
        )
    cards = GiftCard.objects.filter(used_by_id=root.pk)
    return connection_from_queryset(cards, page, keys=[("pk", False)], name="giftCards")


@checkout_type.field("giftCards")
def resolve_checkout_gift_cards(
    root: Checkout, info: GraphQLResolveInfo
) -> list[GiftCard]:
    return get_loader(info.context, GiftCardsByCheckoutLoader).load_for(root, _pk) or []


@order_type.field("giftCards")
def resolve_order_gift_cards(root: Order, info: GraphQLResolveInfo) -> list[GiftCard]:
    return get_loader(info.context, GiftCardsByOrderLoader).load_for(root, _pk) or []


bindables = [
    query,
    card_type,
    event_type,
    tag_type,
    user_type,
    checkout_type,
    order_type,
    event_enum,
    sort_field_enum,
    *mutation_bindables,
]
