"""Writes of promotions and their rules; catalogue prices follow in one transaction.

Vouchers are written by :mod:`mercato.discount.vouchers`. Predicate and gift ids
are primary keys; the API layer decodes global IDs.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.money import currency_precision
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length
from mercato.discount.models import (
    Promotion,
    PromotionRule,
    PromotionType,
    RewardType,
    RewardValueType,
)
from mercato.discount.predicates import catalogue_ids, catalogue_q
from mercato.discount.prices import recalculate_discounted_prices
from mercato.product.models import Category, Collection, Product, ProductVariant

__all__ = [
    "PromotionData",
    "RuleData",
    "create_promotion",
    "create_rule",
    "delete_promotion",
    "delete_promotions",
    "delete_rule",
    "recalculate_discounted_prices",
    "update_promotion",
    "update_rule",
]

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
MISSING_CHANNELS = "MISSING_CHANNELS"
MULTIPLE_CURRENCIES = "MULTIPLE_CURRENCIES_NOT_ALLOWED"
INVALID_PRECISION = "INVALID_PRECISION"
INVALID_GIFT_TYPE = "INVALID_GIFT_TYPE"
GIFTS_NUMBER_LIMIT = "GIFTS_NUMBER_LIMIT"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
MAX_VALUE = Decimal("1e15")
MAX_GIFTS = 500
PREDICATE_MODELS: dict[str, Any] = {
    "variantPredicate": ProductVariant,
    "productPredicate": Product,
    "categoryPredicate": Category,
    "collectionPredicate": Collection,
}


@dataclass(frozen=True)
class PromotionData:
    """Promotion fields; ``None`` keeps a value (``fields`` names the ones given,
    so that ``endDate: null`` clears the end date)."""

    name: str | None = None
    type: str | None = None
    description: Any = None
    start_date: datetime.datetime | None = None
    end_date: datetime.datetime | None = None
    fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleData:
    """Rule fields; ``None`` keeps a value. On create ``channel_ids`` and
    ``gift_ids`` are the rule's; on update they are added to it."""

    name: str | None = None
    description: Any = None
    catalogue_predicate: dict[str, Any] | None = None
    order_predicate: dict[str, Any] | None = None
    reward_value_type: str | None = None
    reward_value: Decimal | None = None
    reward_type: str | None = None
    channel_ids: Sequence[int] = ()
    remove_channel_ids: Sequence[int] = ()
    gift_ids: Sequence[int] = ()
    remove_gift_ids: Sequence[int] = ()
    fields: frozenset[str] = field(default_factory=frozenset)


# ------------------------------------------------------------------ checks


def _check_dates(
    errors: ErrorCollector,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
) -> None:
    if start is not None and end is not None and end < start:
        errors.add("endDate", INVALID, "The end date is earlier than the start date.")


def _check_predicate_ids(
    errors: ErrorCollector, predicate: dict[str, Any], path: str
) -> None:
    for key, model in PREDICATE_MODELS.items():
        ids = catalogue_ids(predicate, key)
        if ids and model.objects.filter(pk__in=ids).count() != len(ids):
            errors.add(
                "cataloguePredicate",
                NOT_FOUND,
                f"{model.__name__} not found.",
                **_at(path),
            )


def _at(path: str) -> dict[str, Any]:
    return {"index": int(path)} if path.isdigit() else {}


@dataclass
class _Rule:
    """A rule as it will be after the change, for validation."""

    promotion_type: str
    catalogue_predicate: dict[str, Any]
    order_predicate: dict[str, Any]
    reward_value_type: str | None
    reward_value: Decimal | None
    reward_type: str | None
    channel_ids: set[int]
    gift_ids: set[int]


def _check_reward(errors: ErrorCollector, rule: _Rule, extra: dict[str, Any]) -> None:
    needs_value = rule.reward_type != RewardType.GIFT and bool(
        rule.catalogue_predicate or rule.order_predicate
    )
    if needs_value and rule.reward_value_type is None:
        errors.add("rewardValueType", REQUIRED, "Give the reward value type.", **extra)
    if needs_value and rule.reward_value is None:
        errors.add("rewardValue", REQUIRED, "Give the reward value.", **extra)
    value = rule.reward_value
    if value is not None and not (0 <= value < MAX_VALUE):
        errors.add("rewardValue", INVALID, "The reward value is out of range.", **extra)
    if (
        value is not None
        and rule.reward_value_type == RewardValueType.PERCENTAGE
        and value > 100
    ):
        errors.add("rewardValue", INVALID, "A percentage is at most 100.", **extra)
    if rule.reward_value_type != RewardValueType.FIXED or not rule.channel_ids:
        return
    currencies = set(
        Channel.objects.filter(pk__in=rule.channel_ids).values_list(
            "currency_code", flat=True
        )
    )
    if len(currencies) > 1:
        errors.add(
            "rewardValueType",
            MULTIPLE_CURRENCIES,
            "A fixed reward needs channels of one currency.",
            **extra,
        )
    elif currencies and value is not None:
        places = currency_precision(currencies.pop())
        if value != value.quantize(Decimal(1).scaleb(-places)):
            errors.add(
                "rewardValue",
                INVALID_PRECISION,
                f"The currency takes {places} decimal places.",
                **extra,
            )


def _check_kind(errors: ErrorCollector, rule: _Rule, extra: dict[str, Any]) -> None:
    if rule.promotion_type == PromotionType.CATALOGUE:
        if rule.order_predicate:
            errors.add(
                "orderPredicate",
                INVALID,
                "Catalogue promotions take no order predicate.",
                **extra,
            )
        if rule.reward_type is not None:
            errors.add(
                "rewardType",
                INVALID,
                "Catalogue promotions take no reward type.",
                **extra,
            )
        if rule.gift_ids:
            errors.add("gifts", INVALID, "Catalogue promotions give no gifts.", **extra)
        return
    if rule.catalogue_predicate:
        errors.add(
            "cataloguePredicate",
            INVALID,
            "Order promotions take an order predicate.",
            **extra,
        )
    if rule.order_predicate and rule.reward_type is None:
        errors.add("rewardType", REQUIRED, "Give the reward type.", **extra)
    if rule.reward_type == RewardType.GIFT:
        if not rule.gift_ids:
            errors.add("gifts", REQUIRED, "A gift reward needs gifts.", **extra)
        if len(rule.gift_ids) > MAX_GIFTS:
            errors.add("gifts", GIFTS_NUMBER_LIMIT, "Too many gifts.", **extra)
        if rule.reward_value is not None or rule.reward_value_type is not None:
            errors.add(
                "rewardValue", INVALID, "A gift reward takes no reward value.", **extra
            )
    elif rule.gift_ids:
        errors.add(
            "gifts", INVALID_GIFT_TYPE, "Gifts need the GIFT reward type.", **extra
        )


def _check_rule(errors: ErrorCollector, rule: _Rule, path: str) -> None:
    extra = _at(path)
    _check_kind(errors, rule, extra)
    _check_reward(errors, rule, extra)
    if (rule.catalogue_predicate or rule.order_predicate) and not rule.channel_ids:
        errors.add("channels", MISSING_CHANNELS, "The rule needs channels.", **extra)
    known = set(
        Channel.objects.filter(pk__in=rule.channel_ids).values_list("pk", flat=True)
    )
    if rule.channel_ids - known:
        errors.add("channels", NOT_FOUND, "Channel not found.", **extra)
    gifts = set(
        ProductVariant.objects.filter(pk__in=rule.gift_ids).values_list("pk", flat=True)
    )
    if rule.gift_ids - gifts:
        errors.add("gifts", NOT_FOUND, "Product variant not found.", **extra)
    _check_predicate_ids(errors, rule.catalogue_predicate, path)


def _new_rule(promotion_type: str, data: RuleData) -> _Rule:
    return _Rule(
        promotion_type=promotion_type,
        catalogue_predicate=data.catalogue_predicate or {},
        order_predicate=data.order_predicate or {},
        reward_value_type=data.reward_value_type,
        reward_value=data.reward_value,
        reward_type=data.reward_type,
        channel_ids=set(data.channel_ids),
        gift_ids=set(data.gift_ids),
    )


# ------------------------------------------------------------------ writes


def lock_promotion(promotion_id: int) -> Promotion:
    promotion = Promotion.objects.select_for_update().filter(pk=promotion_id).first()
    if promotion is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Promotion not found.")
    return promotion


def lock_rule(rule_id: int) -> PromotionRule:
    rule = (
        PromotionRule.objects.select_for_update()
        .select_related("promotion")
        .filter(pk=rule_id)
        .first()
    )
    if rule is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Promotion rule not found.")
    return rule


def _save_rule(rule: PromotionRule, data: RuleData, *, created: bool) -> None:
    given = data.fields
    for name in (
        "name",
        "description",
        "reward_value_type",
        "reward_value",
        "reward_type",
    ):
        if created or name in given:
            setattr(rule, name, getattr(data, name))
    if created or "catalogue_predicate" in given:
        rule.catalogue_predicate = data.catalogue_predicate or {}
    if created or "order_predicate" in given:
        rule.order_predicate = data.order_predicate or {}
    rule.save()
    if created:
        rule.channels.set(data.channel_ids)
        rule.gifts.set(data.gift_ids)
        return
    rule.channels.add(*data.channel_ids)
    rule.channels.remove(*data.remove_channel_ids)
    rule.gifts.add(*data.gift_ids)
    rule.gifts.remove(*data.remove_gift_ids)


def _reprice(promotion: Promotion, predicates: Sequence[dict[str, Any]]) -> None:
    """Recalculate the prices of the variants ``predicates`` cover (before and
    after a change) and record that the prices reflect ``promotion``'s dates."""
    if promotion.type != PromotionType.CATALOGUE:
        Promotion.objects.filter(pk=promotion.pk).update(updated_at=timezone.now())
        return
    matched = Q(pk__in=[])
    for predicate in predicates:
        matched |= catalogue_q(predicate)
    recalculate_discounted_prices(ProductVariant.objects.filter(matched).values("pk"))
    now = timezone.now()
    running = promotion.start_date <= now and (
        promotion.end_date is None or promotion.end_date > now
    )
    Promotion.objects.filter(pk=promotion.pk).update(is_applied=running, updated_at=now)


def _check_promotion(
    errors: ErrorCollector, data: PromotionData, promotion: Promotion | None
) -> None:
    name_given = promotion is None or "name" in data.fields
    if name_given and not (data.name or "").strip():
        errors.add("name", REQUIRED, "A promotion needs a name.")
    check_length(errors, Promotion, {"name": data.name})
    start = data.start_date if "start_date" in data.fields else None
    end = data.end_date if "end_date" in data.fields else None
    if promotion is not None:
        start = start or promotion.start_date
        end = end if "end_date" in data.fields else promotion.end_date
    _check_dates(errors, start, end)


def create_promotion(
    *, actor: Actor, data: PromotionData, rules: Sequence[RuleData]
) -> Promotion:
    """Create a promotion with its rules; catalogue prices follow."""
    promotion_type = data.type or PromotionType.CATALOGUE
    errors = ErrorCollector()
    _check_promotion(errors, data, None)
    for index, rule_data in enumerate(rules):
        _check_rule(errors, _new_rule(promotion_type, rule_data), str(index))
    errors.raise_if_any()
    with transaction.atomic():
        promotion = Promotion.objects.create(
            name=(data.name or "").strip(),
            type=promotion_type,
            description=data.description,
            start_date=data.start_date or timezone.now(),
            end_date=data.end_date,
        )
        for rule_data in rules:
            _save_rule(PromotionRule(promotion=promotion), rule_data, created=True)
        _reprice(promotion, [r.catalogue_predicate or {} for r in rules])
    return promotion


def _predicates_of(promotion: Promotion) -> list[dict[str, Any]]:
    return [rule.catalogue_predicate for rule in promotion.rules.all()]


def update_promotion(
    *, actor: Actor, promotion_id: int, data: PromotionData
) -> Promotion:
    """Change a promotion's name, description or dates. Locks the promotion."""
    with transaction.atomic():
        promotion = lock_promotion(promotion_id)
        errors = ErrorCollector()
        _check_promotion(errors, data, promotion)
        errors.raise_if_any()
        if "name" in data.fields and data.name is not None:
            promotion.name = data.name.strip()
        if "description" in data.fields:
            promotion.description = data.description
        if "start_date" in data.fields:
            promotion.start_date = data.start_date or timezone.now()
        if "end_date" in data.fields:
            promotion.end_date = data.end_date
        promotion.save()
        _reprice(promotion, _predicates_of(promotion))
    return promotion


def delete_promotion(*, actor: Actor, promotion_id: int) -> Promotion:
    """Delete a promotion and its rules; the prices they lowered go back up."""
    with transaction.atomic():
        promotion = lock_promotion(promotion_id)
        predicates = _predicates_of(promotion)
        pk = promotion.pk
        promotion.delete()
        promotion.pk = pk
        _reprice(promotion, predicates)
    return promotion


def delete_promotions(*, actor: Actor, promotion_ids: Sequence[int]) -> int:
    """Delete promotions; every one must exist. Locks them in primary-key order."""
    with transaction.atomic():
        promotions = list(
            Promotion.objects.select_for_update()
            .filter(pk__in=promotion_ids)
            .order_by("pk")
        )
        if len(promotions) != len(set(promotion_ids)):
            raise ValidationFailed.one("ids", NOT_FOUND, "Promotion not found.")
        predicates = [
            rule.catalogue_predicate
            for rule in PromotionRule.objects.filter(
                promotion__in=promotions, promotion__type=PromotionType.CATALOGUE
            )
        ]
        Promotion.objects.filter(pk__in=[p.pk for p in promotions]).delete()
        matched = Q(pk__in=[])
        for predicate in predicates:
            matched |= catalogue_q(predicate)
        recalculate_discounted_prices(
            ProductVariant.objects.filter(matched).values("pk")
        )
    return len(promotions)


def create_rule(*, actor: Actor, promotion_id: int, data: RuleData) -> PromotionRule:
    """Add a rule to a promotion. Locks the promotion."""
    with transaction.atomic():
        promotion = (
            Promotion.objects.select_for_update().filter(pk=promotion_id).first()
        )
        if promotion is None:
            raise ValidationFailed.one("promotion", NOT_FOUND, "Promotion not found.")
        errors = ErrorCollector()
        _check_rule(errors, _new_rule(promotion.type, data), "")
        errors.raise_if_any()
        rule = PromotionRule(promotion=promotion)
        _save_rule(rule, data, created=True)
        _reprice(promotion, [rule.catalogue_predicate])
    return rule


def _updated_rule(rule: PromotionRule, data: RuleData) -> _Rule:
    def pick(name: str) -> Any:
        return getattr(data, name) if name in data.fields else getattr(rule, name)

    channels = set(rule.channels.values_list("pk", flat=True))
    gifts = set(rule.gifts.values_list("pk", flat=True))
    return _Rule(
        promotion_type=rule.promotion.type,
        catalogue_predicate=pick("catalogue_predicate") or {},
        order_predicate=pick("order_predicate") or {},
        reward_value_type=pick("reward_value_type"),
        reward_value=pick("reward_value"),
        reward_type=pick("reward_type"),
        channel_ids=(channels | set(data.channel_ids)) - set(data.remove_channel_ids),
        gift_ids=(gifts | set(data.gift_ids)) - set(data.remove_gift_ids),
    )


def update_rule(*, actor: Actor, rule_id: int, data: RuleData) -> PromotionRule:
    """Change a rule, add or remove its channels and gifts. Locks the rule."""
    with transaction.atomic():
        rule = lock_rule(rule_id)
        errors = ErrorCollector()
        if set(data.channel_ids) & set(data.remove_channel_ids):
            errors.add(
                "addChannels", DUPLICATED_INPUT_ITEM, "A channel is added and removed."
            )
        if set(data.gift_ids) & set(data.remove_gift_ids):
            errors.add(
                "addGifts", DUPLICATED_INPUT_ITEM, "A gift is added and removed."
            )
        _check_rule(errors, _updated_rule(rule, data), "")
        errors.raise_if_any()
        before = rule.catalogue_predicate
        _save_rule(rule, data, created=False)
        _reprice(rule.promotion, [before, rule.catalogue_predicate])
    return rule


def delete_rule(*, actor: Actor, rule_id: int) -> PromotionRule:
    """Delete a rule; the prices it lowered go back up."""
    with transaction.atomic():
        rule = lock_rule(rule_id)
        pk = rule.pk
        rule.delete()
        rule.pk = pk
        _reprice(rule.promotion, [rule.catalogue_predicate])
    return rule
