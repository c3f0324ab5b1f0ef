"""Demo catalogue promotions; the discounted prices follow from them.

The promotions started before ``BASE_TIME`` and do not end (or end far in the
future), so they are running whenever the demo is used, and the periodic price
recalculation keeps the prices they give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q

from mercato.demo import editorjs
from mercato.demo.context import BASE_TIME, DemoContext
from mercato.discount.models import (
    Promotion,
    PromotionRule,
    PromotionType,
    RewardValueType,
)
from mercato.discount.predicates import catalogue_q
from mercato.discount.prices import running_q
from mercato.discount.services import recalculate_discounted_prices
from mercato.product.models import ProductVariant


@dataclass(frozen=True)
class _RuleSpec:
    name: str
    channels: tuple[str, ...]
    value_type: str
    value: str
    collections: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class _PromotionSpec:
    name: str
    description: str
    started_days_ago: int
    # Days after BASE_TIME the promotion ends; None runs it for good.
    ends_in_days: int | None
    rules: tuple[_RuleSpec, ...]


PROMOTIONS: tuple[_PromotionSpec, ...] = (
    _PromotionSpec(
        name="Summer sale",
        description="Twenty percent off everything in Summer Picks, in every channel.",
        started_days_ago=14,
        ends_in_days=None,
        rules=(
            _RuleSpec(
                name="20 % off Summer Picks",
                channels=("default-channel", "channel-pln"),
                value_type=RewardValueType.PERCENTAGE,
                value="20",
                collections=("summer-picks",),
            ),
        ),
    ),
    _PromotionSpec(
        name="Coffee week",
        description="A fixed amount off every bag of whole-bean and ground coffee.",
        started_days_ago=3,
        ends_in_days=3650,
        rules=(
            _RuleSpec(
                name="2 USD off coffee",
                channels=("default-channel",),
                value_type=RewardValueType.FIXED,
                value="2.00",
                categories=("whole-bean-coffee", "ground-coffee"),
            ),
            _RuleSpec(
                name="8 PLN off coffee",
                channels=("channel-pln",),
                value_type=RewardValueType.FIXED,
                value="8.00",
                categories=("whole-bean-coffee", "ground-coffee"),
            ),
        ),
    ),
)


def _predicate(ctx: DemoContext, rule: _RuleSpec) -> dict[str, Any]:
    predicate: dict[str, Any] = {}
    if rule.collections:
        ids = [ctx.collections[slug].pk for slug in rule.collections]
        predicate["collectionPredicate"] = {"ids": ids}
    if rule.categories:
        ids = [ctx.categories[slug].pk for slug in rule.categories]
        predicate["categoryPredicate"] = {"ids": ids}
    return predicate


def create_promotions(ctx: DemoContext) -> None:
    """Create the catalogue promotions with their rules (after the collections)."""
    rng = ctx.sub_rng("promotions")
    time_ms = int(BASE_TIME.timestamp() * 1000)
    for spec in PROMOTIONS:
        start = BASE_TIME - timedelta(days=spec.started_days_ago)
        promotion = Promotion.objects.create(
            name=spec.name,
            type=PromotionType.CATALOGUE,
            description=editorjs.document(
                [editorjs.paragraph(spec.description)],
                ids=editorjs.block_ids(rng, 1),
                time_ms=time_ms,
            ),
            start_date=start,
            end_date=(
                None
                if spec.ends_in_days is None
                else BASE_TIME + timedelta(days=spec.ends_in_days)
            ),
            created_at=start,
        )
        for rule_spec in spec.rules:
            rule = PromotionRule.objects.create(
                promotion=promotion,
                name=rule_spec.name,
                catalogue_predicate=_predicate(ctx, rule_spec),
                reward_value_type=rule_spec.value_type,
                reward_value=Decimal(rule_spec.value),
            )
            rule.channels.set([ctx.channels[slug] for slug in rule_spec.channels])


def apply_promotions(ctx: DemoContext) -> None:
    """Store the prices the running promotions give, as promotion writes do: only
    the listings some rule covers are recalculated (the others already hold their
    price), and the promotions are marked as reflected in the prices.

    ``updated_at`` (an ``auto_now`` field) is pinned to when each was created.
    """
    covered = Q(pk__in=[])
    for predicate in PromotionRule.objects.values_list(
        "catalogue_predicate", flat=True
    ):
        covered |= catalogue_q(predicate)
    recalculate_discounted_prices(ProductVariant.objects.filter(covered).values("pk"))
    Promotion.objects.filter(running_q()).update(is_applied=True)
    Promotion.objects.update(updated_at=F("created_at"))
