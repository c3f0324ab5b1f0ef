"""Promotion and voucher mutations: a declared permission and one service call each."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.core.errors import FieldError, ValidationFailed
from mercato.core.permissions import Permission
from mercato.discount import services, vouchers
from mercato.discount.services import PromotionData, RuleData
from mercato.discount.vouchers import Catalogue, VoucherData, VoucherListingData
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.discount.inputs import catalogue_predicate, order_predicate

mutations = MutationType()
F = TypeVar("F", bound=Callable[..., Any])
ERRORS = "discount_errors"
MANAGE = Permission.MANAGE_DISCOUNTS


def _global_error(error: FieldError) -> FieldError:
    extra = dict(error.extra)
    if "channels" in extra:
        extra["channels"] = [to_global_id("Channel", pk) for pk in extra["channels"]]
    return dataclasses.replace(error, extra=extra)


def global_error_ids(resolver: F) -> F:
    """Channel keys in errors become global IDs, as clients expect."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(root, info, **kwargs)
        except ValidationFailed as failed:
            raise ValidationFailed(map(_global_error, failed.errors)) from None

    return wrapper  # type: ignore[return-value]


def counted(resolver: F) -> F:
    """Bulk payloads report ``count: 0`` when the input is refused."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        payload = resolver(root, info, **kwargs)
        payload.setdefault("count", 0)
        return payload

    return wrapper  # type: ignore[return-value]


def _given(data: dict[str, Any], names: dict[str, str]) -> frozenset[str]:
    return frozenset(field for key, field in names.items() if key in data)


PROMOTION_FIELDS = {
    "name": "name",
    "description": "description",
    "start_date": "start_date",
    "end_date": "end_date",
}
RULE_FIELDS = {
    "name": "name",
    "description": "description",
    "catalogue_predicate": "catalogue_predicate",
    "order_predicate": "order_predicate",
    "reward_value_type": "reward_value_type",
    "reward_value": "reward_value",
    "reward_type": "reward_type",
}


def _promotion_data(data: dict[str, Any]) -> PromotionData:
    return PromotionData(
        name=data.get("name"),
        type=data.get("type"),
        description=data.get("description"),
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        fields=_given(data, PROMOTION_FIELDS),
    )


def _rule_data(data: dict[str, Any]) -> RuleData:
    return RuleData(
        name=data.get("name"),
        description=data.get("description"),
        catalogue_predicate=catalogue_predicate(data.get("catalogue_predicate")),
        order_predicate=order_predicate(data.get("order_predicate")),
        reward_value_type=data.get("reward_value_type"),
        reward_value=data.get("reward_value"),
        reward_type=data.get("reward_type"),
        channel_ids=decode_ids(
            data.get("channels") or data.get("add_channels") or [], "Channel"
        ),
        remove_channel_ids=decode_ids(data.get("remove_channels") or [], "Channel"),
        gift_ids=decode_ids(
            data.get("gifts") or data.get("add_gifts") or [], "ProductVariant"
        ),
        remove_gift_ids=decode_ids(data.get("remove_gifts") or [], "ProductVariant"),
        fields=_given(data, RULE_FIELDS),
    )


@mutations.field("promotionCreate")
@require_any(MANAGE)
@mutation()
def resolve_promotion_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    rules = [_rule_data(rule) for rule in input.get("rules") or []]
    promotion = services.create_promotion(
        actor=actor_of(info), data=_promotion_data(input), rules=rules
    )
    return {"promotion": promotion}


@mutations.field("promotionUpdate")
@require_any(MANAGE)
@mutation()
def resolve_promotion_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    promotion = services.update_promotion(
        actor=actor_of(info),
        promotion_id=decode_id(id, "Promotion"),
        data=_promotion_data(input),
    )
    return {"promotion": promotion}


@mutations.field("promotionDelete")
@require_any(MANAGE)
@mutation()
def resolve_promotion_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    promotion = services.delete_promotion(
        actor=actor_of(info), promotion_id=decode_id(id, "Promotion")
    )
    return {"promotion": promotion}


@mutations.field("promotionBulkDelete")
@require_any(MANAGE)
@counted
@mutation()
def resolve_promotion_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = services.delete_promotions(
        actor=actor_of(info), promotion_ids=decode_ids(ids, "Promotion")
    )
    return {"count": count}


@mutations.field("promotionRuleCreate")
@require_any(MANAGE)
@mutation()
def resolve_rule_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    rule = services.create_rule(
        actor=actor_of(info),
        promotion_id=decode_id(input["promotion"], "Promotion"),
        data=_rule_data(input),
    )
    return {"promotion_rule": rule}


@mutations.field("promotionRuleUpdate")
@require_any(MANAGE)
@mutation()
@global_error_ids
def resolve_rule_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    rule = services.update_rule(
        actor=actor_of(info),
        rule_id=decode_id(id, "PromotionRule"),
        data=_rule_data(input),
    )
    return {"promotion_rule": rule}


@mutations.field("promotionRuleDelete")
@require_any(MANAGE)
@mutation()
def resolve_rule_delete(_: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    rule = services.delete_rule(
        actor=actor_of(info), rule_id=decode_id(id, "PromotionRule")
    )
    return {"promotion_rule": rule}


# ------------------------------------------------------------------ vouchers

VOUCHER_FIELDS = {
    "type": "type",
    "name": "name",
    "start_date": "start_date",
    "end_date": "end_date",
    "discount_value_type": "discount_value_type",
    "min_checkout_items_quantity": "min_checkout_items_quantity",
    "apply_once_per_order": "apply_once_per_order",
    "apply_once_per_customer": "apply_once_per_customer",
    "only_for_staff": "only_for_staff",
    "single_use": "single_use",
    "usage_limit": "usage_limit",
}
CATALOGUE_TYPES = {
    "products": "Product",
    "variants": "ProductVariant",
    "categories": "Category",
    "collections": "Collection",
}


def _catalogue(data: dict[str, Any]) -> Catalogue | None:
    if not any(key in data for key in CATALOGUE_TYPES):
        return None
    return Catalogue(
        **{
            key: decode_ids(data.get(key) or [], type_name)
            for key, type_name in CATALOGUE_TYPES.items()
        }
    )


def _voucher_data(data: dict[str, Any]) -> VoucherData:
    codes = list(data.get("add_codes") or [])
    if data.get("code"):
        codes.append(data["code"])
    return VoucherData(
        type=data.get("type"),
        name=data.get("name"),
        codes=codes,
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        discount_value_type=data.get("discount_value_type"),
        catalogue=_catalogue(data),
        min_checkout_items_quantity=data.get("min_checkout_items_quantity"),
        countries=data.get("countries"),
        apply_once_per_order=data.get("apply_once_per_order"),
        apply_once_per_customer=data.get("apply_once_per_customer"),
        only_for_staff=data.get("only_for_staff"),
        single_use=data.get("single_use"),
        usage_limit=data.get("usage_limit"),
        fields=_given(data, VOUCHER_FIELDS),
    )


@mutations.field("voucherCreate")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_voucher_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    voucher = vouchers.create_voucher(actor=actor_of(info), data=_voucher_data(input))
    return {"voucher": voucher}


@mutations.field("voucherUpdate")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_voucher_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    voucher = vouchers.update_voucher(
        actor=actor_of(info),
        voucher_id=decode_id(id, "Voucher"),
        data=_voucher_data(input),
    )
    return {"voucher": voucher}


@mutations.field("voucherDelete")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_voucher_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    voucher = vouchers.delete_voucher(
        actor=actor_of(info), voucher_id=decode_id(id, "Voucher")
    )
    return {"voucher": voucher}


@mutations.field("voucherBulkDelete")
@require_any(MANAGE)
@counted
@mutation(ERRORS)
def resolve_voucher_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = vouchers.delete_vouchers(
        actor=actor_of(info), voucher_ids=decode_ids(ids, "Voucher")
    )
    return {"count": count}


@mutations.field("voucherCataloguesAdd")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_catalogues_add(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    voucher = vouchers.add_voucher_catalogue(
        actor=actor_of(info),
        voucher_id=decode_id(id, "Voucher"),
        catalogue=_catalogue(input) or Catalogue(),
    )
    return {"voucher": voucher}


@mutations.field("voucherCataloguesRemove")
@require_any(MANAGE)
@mutation(ERRORS)
def resolve_catalogues_remove(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    voucher = vouchers.remove_voucher_catalogue(
        actor=actor_of(info),
        voucher_id=decode_id(id, "Voucher"),
        catalogue=_catalogue(input) or Catalogue(),
    )
    return {"voucher": voucher}


@mutations.field("voucherChannelListingUpdate")
@require_any(MANAGE)
@mutation(ERRORS)
@global_error_ids
def resolve_voucher_listing_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    add = [
        VoucherListingData(
            channel_id=decode_id(entry["channel_id"], "Channel"),
            discount_value=entry.get("discount_value"),
            min_spent=entry.get("min_amount_spent"),
        )
        for entry in input.get("add_channels") or []
    ]
    voucher = vouchers.update_voucher_channel_listings(
        actor=actor_of(info),
        voucher_id=decode_id(id, "Voucher"),
        add=add,
        remove_channel_ids=decode_ids(input.get("remove_channels") or [], "Channel"),
    )
    return {"voucher": voucher}


@mutations.field("voucherCodeBulkDelete")
@require_any(MANAGE)
def resolve_code_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    try:
        count = vouchers.delete_voucher_codes(
            actor=actor_of(info), code_ids=decode_ids(ids, "VoucherCode")
        )
    except ValidationFailed as failed:
        errors = [
            {
                "path": e.field,
                "message": e.message,
                "code": e.code,
                "voucher_codes": ids,
            }
            for e in failed.errors
        ]
        return {"count": 0, "errors": errors}
    return {"count": count, "errors": []}
