"""Catalogue and order predicates of promotion rules, stored as JSON.

A catalogue predicate names what a rule discounts::

    {"productPredicate": {"ids": [1, 2]}, "categoryPredicate": {"ids": [3]},
     "OR": [...], "AND": [...]}

Keys side by side match any of them (OR); ``AND`` and ``OR`` nest. Ids are primary
keys (the API layer turns them into global IDs and back). An order predicate holds
``{"discountedObjectPredicate": {"baseSubtotalPrice": {"range": {"gte": "10"}}}}``
with ``eq``, ``oneOf`` or ``range`` filters on the subtotal or the total, decimals
stored as strings.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from mercato.product.models import CollectionProduct

CATALOGUE_KEYS = {
    "variantPredicate",
    "productPredicate",
    "categoryPredicate",
    "collectionPredicate",
}
ORDER_PRICE_KEYS = {"baseSubtotalPrice", "baseTotalPrice"}
NOTHING = Q(pk__in=[])


def _ids_q(key: str, ids: list[int]) -> Q:
    if key == "variantPredicate":
        return Q(pk__in=ids)
    if key == "productPredicate":
        return Q(product_id__in=ids)
    if key == "categoryPredicate":
        return Q(product__category_id__in=ids)
    return Q(
        product_id__in=CollectionProduct.objects.filter(collection_id__in=ids).values(
            "product_id"
        )
    )


def _where_ids_q(key: str, where: dict[str, Any]) -> Q:
    parts = []
    if "ids" in where:
        parts.append(_ids_q(key, list(where["ids"])))
    parts.extend(_where_ids_q(key, sub) for sub in where.get("AND") or [])
    if where.get("OR"):
        alternatives = NOTHING
        for sub in where["OR"]:
            alternatives |= _where_ids_q(key, sub)
        parts.append(alternatives)
    if not parts:
        return NOTHING
    combined = parts[0]
    for part in parts[1:]:
        combined &= part
    return combined


def catalogue_q(predicate: dict[str, Any]) -> Q:
    """A ``Q`` over ``ProductVariant`` for the variants a catalogue predicate names."""
    matched = NOTHING
    for key in CATALOGUE_KEYS & predicate.keys():
        matched |= _where_ids_q(key, predicate[key] or {})
    for sub in predicate.get("OR") or []:
        matched |= catalogue_q(sub)
    if predicate.get("AND"):
        both = catalogue_q(predicate["AND"][0])
        for sub in predicate["AND"][1:]:
            both &= catalogue_q(sub)
        matched |= both
    return matched


def catalogue_ids(predicate: dict[str, Any], key: str) -> set[int]:
    """Every id of one kind that a catalogue predicate mentions anywhere."""
    found: set[int] = set()
    for name, value in predicate.items():
        if name == key and isinstance(value, dict):
            found.update(value.get("ids") or [])
        elif name in ("AND", "OR"):
            for sub in value or []:
                found |= catalogue_ids(sub, key)
    return found


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _price_matches(filter_: dict[str, Any], amount: Decimal) -> bool:
    if filter_.get("eq") is not None and _decimal(filter_["eq"]) != amount:
        return False
    if filter_.get("oneOf") is not None and amount not in {
        _decimal(v) for v in filter_["oneOf"]
    }:
        return False
    bounds = filter_.get("range") or {}
    low, high = _decimal(bounds.get("gte")), _decimal(bounds.get("lte"))
    if low is not None and amount < low:
        return False
    return not (high is not None and amount > high)


def _object_matches(where: dict[str, Any], prices: dict[str, Decimal]) -> bool:
    for key in ORDER_PRICE_KEYS & where.keys():
        if not _price_matches(where[key] or {}, prices[key]):
            return False
    if any(not _object_matches(sub, prices) for sub in where.get("AND") or []):
        return False
    alternatives = where.get("OR")
    return not alternatives or any(_object_matches(s, prices) for s in alternatives)


def order_predicate_matches(
    predicate: dict[str, Any], *, subtotal: Decimal, total: Decimal
) -> bool:
    """Whether an order predicate holds for a checkout's subtotal and total."""
    if not predicate:
        return False
    prices = {"baseSubtotalPrice": subtotal, "baseTotalPrice": total}
    if "discountedObjectPredicate" in predicate and not _object_matches(
        predicate["discountedObjectPredicate"] or {}, prices
    ):
        return False
    if any(
        not order_predicate_matches(sub, subtotal=subtotal, total=total)
        for sub in predicate.get("AND") or []
    ):
        return False
    alternatives = predicate.get("OR")
    return not alternatives or any(
        order_predicate_matches(sub, subtotal=subtotal, total=total)
        for sub in alternatives
    )
