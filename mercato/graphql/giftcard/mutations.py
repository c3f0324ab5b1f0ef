"""Gift card mutations: MANAGE_GIFT_CARD and one service call each."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ariadne import MutationType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.giftcard import services
from mercato.giftcard.services import UNSET, Balance, CardChanges
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any

mutations = MutationType()
ERRORS = "gift_card_errors"
MANAGE = Permission.MANAGE_GIFT_CARD
F = TypeVar("F", bound=Callable[..., Any])


def with_defaults(**defaults: Any) -> Callable[[F], F]:
    """Fill non-null payload fields (``count``) when the mutation failed."""

    def decorator(resolver: F) -> F:
        @functools.wraps(resolver)
        def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
            return {**defaults, **resolver(root, info, **kwargs)}

        return wrapper  # type: ignore[return-value]

    return decorator


def _decimal(value: Any) -> Decimal:
    """A ``Decimal`` scalar (sent as a string or a number) as a ``Decimal``."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GraphQLError(f"Decimal cannot represent {value!r}.")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise GraphQLError(f"Decimal cannot represent {value!r}.") from exc


def _balance(data: dict[str, Any]) -> Balance:
    return Balance(amount=data["amount"], currency=data["currency"].strip().upper())


def _metadata(items: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    return [(item["key"], item["value"]) for item in items or []]


@mutations.field("giftCardCreate")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    card = services.create_gift_card(
        actor=actor_of(info),
        balance=_balance(input["balance"]),
        is_active=input["is_active"],
        code=input.get("code"),
        expiry_date=input.get("expiry_date"),
        tags=input.get("add_tags") or (),
        note=input.get("note"),
        user_email=input.get("user_email"),
        channel=input.get("channel"),
        metadata=_metadata(input.get("metadata")),
        private_metadata=_metadata(input.get("private_metadata")),
    )
    return {"gift_card": card}


@mutations.field("giftCardUpdate")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    changes = CardChanges(
        balance_amount=input.get("balance_amount"),
        expiry_date=input.get("expiry_date", UNSET),
        add_tags=input.get("add_tags") or (),
        remove_tags=input.get("remove_tags") or (),
        metadata=_metadata(input.get("metadata")),
        private_metadata=_metadata(input.get("private_metadata")),
    )
    card = services.update_gift_card(
        actor=actor_of(info), gift_card_id=decode_id(id, "GiftCard"), changes=changes
    )
    return {"gift_card": card}


@mutations.field("giftCardDelete")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    card = services.delete_gift_card(
        actor=actor_of(info), gift_card_id=decode_id(id, "GiftCard")
    )
    return {"gift_card": card}


def _set_active(info: GraphQLResolveInfo, id: str, is_active: bool) -> dict[str, Any]:
    card = services.set_gift_card_active(
        actor=actor_of(info),
        gift_card_id=decode_id(id, "GiftCard"),
        is_active=is_active,
    )
    return {"gift_card": card}


@mutations.field("giftCardActivate")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_activate(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    return _set_active(info, id, True)


@mutations.field("giftCardAssignUser")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_assign_user(
    _: None, info: GraphQLResolveInfo, id: str, user_id: str
) -> dict[str, Any]:
    card = services.assign_gift_card(
        actor=actor_of(info),
        gift_card_id=decode_id(id, "GiftCard"),
        user_id=decode_id(user_id, "User"),
    )
    return {"gift_card": card}


@mutations.field("giftCardUnassignUser")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_unassign_user(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    card = services.unassign_gift_card(
        actor=actor_of(info), gift_card_id=decode_id(id, "GiftCard")
    )
    return {"gift_card": card}


@mutations.field("giftCardDeactivate")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_deactivate(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    return _set_active(info, id, False)


@mutations.field("giftCardBalanceAdjust")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_balance_adjust(
    _: None, info: GraphQLResolveInfo, id: str, amount: Any
) -> dict[str, Any]:
    card = services.adjust_balance(
        actor=actor_of(info),
        gift_card_id=decode_id(id, "GiftCard"),
        amount=_decimal(amount),
    )
    return {"gift_card": card}


@mutations.field("giftCardResend")
@require_any(MANAGE)
@mutation()
def resolve_resend(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    card = services.resend_gift_card(
        actor=actor_of(info),
        gift_card_id=decode_id(input["id"], "GiftCard"),
        channel=input["channel"],
        email=input.get("email"),
    )
    return {"gift_card": card}


@mutations.field("giftCardAddNote")
@require_any(MANAGE)
@mutation()
def resolve_add_note(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    event = services.add_note(
        actor=actor_of(info),
        gift_card_id=decode_id(id, "GiftCard"),
        message=input["message"],
    )
    return {"gift_card": event.gift_card, "event": event}


@mutations.field("giftCardBulkCreate")
@require_any(MANAGE)
@with_defaults(count=0, gift_cards=[])
@mutation()
def resolve_bulk_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    cards = services.bulk_create_gift_cards(
        actor=actor_of(info),
        count=input["count"],
        balance=_balance(input["balance"]),
        is_active=input["is_active"],
        expiry_date=input.get("expiry_date"),
        tags=input.get("tags") or (),
    )
    return {"count": len(cards), "gift_cards": cards}


@mutations.field("giftCardBulkDelete")
@require_any(MANAGE)
@with_defaults(count=0)
@mutation()
def resolve_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    cards = services.delete_gift_cards(
        actor=actor_of(info), gift_card_ids=decode_ids(ids, "GiftCard")
    )
    return {"count": len(cards)}


def _bulk_set_active(
    info: GraphQLResolveInfo, ids: list[str], is_active: bool
) -> dict[str, Any]:
    cards = services.set_gift_cards_active(
        actor=actor_of(info),
        gift_card_ids=decode_ids(ids, "GiftCard"),
        is_active=is_active,
    )
    return {"count": len(cards)}


@mutations.field("giftCardBulkActivate")
@require_any(MANAGE)
@with_defaults(count=0)
@mutation()
def resolve_bulk_activate(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    return _bulk_set_active(info, ids, True)


@mutations.field("giftCardBulkDeactivate")
@require_any(MANAGE)
@with_defaults(count=0)
@mutation()
def resolve_bulk_deactivate(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    return _bulk_set_active(info, ids, False)


bindables = [mutations]
