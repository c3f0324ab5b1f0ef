"""Catalogue promotions reflected in the stored discounted prices of the catalog.

``ProductVariantChannelListing.discounted_price_amount`` holds each listing's price
after the best running catalogue promotion (the price itself when none applies),
and ``ProductChannelListing.discounted_price_amount`` the cheapest of its variants.
The catalog reads them as they are: a product list never evaluates promotions.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    DecimalField,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Greatest, Least, Round
from django.utils import timezone

from mercato.core.money import currency_precision, quantize
from mercato.discount.models import (
    Promotion,
    PromotionRule,
    PromotionType,
    RewardValueType,
)
from mercato.discount.predicates import catalogue_q
from mercato.product.models import (
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)

AMOUNT = DecimalField(max_digits=20, decimal_places=3)


def running_q(prefix: str = "", *, now: object = None) -> Q:
    """Promotions (or, with a prefix, rows of a promotion) running at ``now``."""
    now = now or timezone.now()
    return Q(**{f"{prefix}start_date__lte": now}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": now})
    )


def _running_catalogue_rules() -> QuerySet[PromotionRule]:
    return (
        PromotionRule.objects.filter(
            running_q("promotion__"),
            promotion__type=PromotionType.CATALOGUE,
            reward_value__isnull=False,
            reward_value_type__isnull=False,
        )
        .prefetch_related("channels")
        .order_by("pk")
    )


def _apply_rule(
    rule: PromotionRule, listings: QuerySet[ProductVariantChannelListing]
) -> None:
    """Lower the discounted price of the listings ``rule`` covers, set-based."""
    assert rule.reward_value is not None
    matched = ProductVariant.objects.filter(catalogue_q(rule.catalogue_predicate))
    for channel in rule.channels.all():
        currency = channel.currency_code
        if rule.reward_value_type == RewardValueType.PERCENTAGE:
            keep = (Decimal(100) - min(rule.reward_value, Decimal(100))) / 100
            price: Func = Round(
                F("price_amount") * Value(keep, output_field=AMOUNT),
                precision=currency_precision(currency),
            )
        else:
            off = Value(quantize(rule.reward_value, currency), output_field=AMOUNT)
            price = Greatest(
                F("price_amount") - off, Value(Decimal(0), output_field=AMOUNT)
            )
        listings.filter(
            channel_id=channel.pk,
            currency=currency,
            price_amount__isnull=False,
            variant_id__in=matched.values("pk"),
        ).update(
            discounted_price_amount=Least(
                F("discounted_price_amount"), price, output_field=AMOUNT
            )
        )


def _update_product_listings(variant_ids: list[int] | QuerySet[Any] | None) -> None:
    cheapest = (
        ProductVariantChannelListing.objects.filter(
            variant__product_id=OuterRef("product_id"),
            channel_id=OuterRef("channel_id"),
        )
        .values("variant__product_id")
        .annotate(low=Min("discounted_price_amount"))
        .values("low")[:1]
    )
    products = ProductChannelListing.objects.all()
    if variant_ids is not None:
        products = products.filter(
            product_id__in=ProductVariant.objects.filter(pk__in=variant_ids).values(
                "product_id"
            )
        )
    products.update(discounted_price_amount=Subquery(cheapest, output_field=AMOUNT))


def recalculate_discounted_prices(
    variant_ids: Iterable[int] | QuerySet[Any] | None = None,
) -> None:
    """Store the best running catalogue discount of every listing of ``variant_ids``
    (every listing when None), with one UPDATE per rule and channel.

    Runs in the caller's transaction when there is one. A full recalculation also
    records which promotions the prices now reflect (``Promotion.is_applied``).
    """
    ids: list[int] | QuerySet[Any] | None
    if variant_ids is None or isinstance(variant_ids, QuerySet):
        ids = variant_ids  # a queryset of variant pks stays a subquery
    else:
        ids = list(variant_ids)
    with transaction.atomic():
        now = timezone.now()
        listings = ProductVariantChannelListing.objects.all()
        if ids is not None:
            listings = listings.filter(variant_id__in=ids)
        listings.update(discounted_price_amount=F("price_amount"))
        for rule in _running_catalogue_rules():
            _apply_rule(rule, listings)
        _update_product_listings(ids)
        if ids is None:
            catalogue = Promotion.objects.filter(type=PromotionType.CATALOGUE)
            catalogue.filter(running_q(now=now)).exclude(is_applied=True).update(
                is_applied=True
            )
            catalogue.exclude(running_q(now=now)).exclude(is_applied=False).update(
                is_applied=False
            )


def recalculate_product_prices(product_ids: Iterable[int]) -> None:
    """Recalculate the variants of products whose category or collections changed
    (catalogue predicates may name them through those)."""
    variants = ProductVariant.objects.filter(product_id__in=list(product_ids))
    recalculate_discounted_prices(variants.values("pk"))


def has_due_promotions() -> bool:
    """Whether a catalogue promotion started or ended since prices were stored."""
    catalogue = Promotion.objects.filter(type=PromotionType.CATALOGUE)
    return (
        catalogue.filter(running_q(), is_applied=False).exists()
        or catalogue.exclude(running_q()).filter(is_applied=True).exists()
    )
