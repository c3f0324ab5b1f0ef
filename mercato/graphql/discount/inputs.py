"""Decoding discount inputs: global IDs to primary keys, filters to query objects."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLError

from mercato.core.errors import ValidationFailed
from mercato.discount.queries import PromotionWhere, VoucherFilter
from mercato.graphql.core.ids import decode_ids
from mercato.graphql.product.filters import metadata_pairs

# stored predicate key -> (input key after name conversion, global ID type)
PREDICATE_TYPES = {
    "variantPredicate": "ProductVariant",
    "productPredicate": "Product",
    "categoryPredicate": "Category",
    "collectionPredicate": "Collection",
}
_PREDICATE_INPUTS = {
    "variant_predicate": "variantPredicate",
    "product_predicate": "productPredicate",
    "category_predicate": "categoryPredicate",
    "collection_predicate": "collectionPredicate",
}


def _where_ids(where: dict[str, Any], type_name: str) -> dict[str, Any]:
    unsupported = set(where) - {"ids", "and", "or"}
    if unsupported:
        raise ValidationFailed.one(
            "cataloguePredicate",
            "INVALID",
            "Catalogue predicates filter by `ids` only.",
        )
    stored: dict[str, Any] = {}
    if where.get("ids") is not None:
        stored["ids"] = decode_ids(where["ids"], type_name)
    if where.get("and"):
        stored["AND"] = [_where_ids(sub, type_name) for sub in where["and"]]
    if where.get("or"):
        stored["OR"] = [_where_ids(sub, type_name) for sub in where["or"]]
    return stored


def catalogue_predicate(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ``CataloguePredicateInput`` in the stored form (primary keys)."""
    if data is None:
        return None
    stored: dict[str, Any] = {}
    for key, name in _PREDICATE_INPUTS.items():
        if data.get(key) is not None:
            stored[name] = _where_ids(data[key], PREDICATE_TYPES[name])
    for key, name in (("and", "AND"), ("or", "OR")):
        if data.get(key):
            stored[name] = [catalogue_predicate(sub) for sub in data[key]]
    return stored


def _decimal_text(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise GraphQLError(f"Decimal cannot represent {value!r}.") from exc
    if not number.is_finite():
        raise GraphQLError(f"Decimal cannot represent {value!r}.")
    return str(number)


def _decimal_filter(data: dict[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    if data.get("eq") is not None:
        stored["eq"] = _decimal_text(data["eq"])
    if data.get("one_of") is not None:
        stored["oneOf"] = [_decimal_text(v) for v in data["one_of"]]
    if data.get("range") is not None:
        stored["range"] = {
            key: _decimal_text(value)
            for key, value in data["range"].items()
            if value is not None
        }
    return stored


def _discounted_object(data: dict[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for key, name in (
        ("base_subtotal_price", "baseSubtotalPrice"),
        ("base_total_price", "baseTotalPrice"),
    ):
        if data.get(key) is not None:
            stored[name] = _decimal_filter(data[key])
    for key, name in (("and", "AND"), ("or", "OR")):
        if data.get(key):
            stored[name] = [_discounted_object(sub) for sub in data[key]]
    return stored


def order_predicate(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """An ``OrderPredicateInput`` in the stored form (decimals as strings)."""
    if data is None:
        return None
    stored: dict[str, Any] = {}
    if data.get("discounted_object_predicate") is not None:
        stored["discountedObjectPredicate"] = _discounted_object(
            data["discounted_object_predicate"]
        )
    for key, name in (("and", "AND"), ("or", "OR")):
        if data.get(key):
            stored[name] = [order_predicate(sub) for sub in data[key]]
    return stored


def _date_spec(data: dict[str, Any] | None) -> tuple[Any, Any, Any] | None:
    if data is None:
        return None
    bounds = data.get("range")
    return (
        data.get("eq"),
        data.get("one_of"),
        (bounds.get("gte"), bounds.get("lte")) if bounds else None,
    )


def promotion_where(data: dict[str, Any]) -> PromotionWhere:
    name = data.get("name") or {}
    kind = data.get("type") or {}
    types = None
    if kind.get("eq") is not None:
        types = [kind["eq"]]
    if kind.get("one_of") is not None:
        types = list(kind["one_of"])
    return PromotionWhere(
        ids=decode_ids(data["ids"], "Promotion")
        if data.get("ids") is not None
        else None,
        name_eq=name.get("eq"),
        name_one_of=name.get("one_of"),
        types=types,
        start=_date_spec(data.get("start_date")),
        end=_date_spec(data.get("end_date")),
        metadata=metadata_pairs(data.get("metadata")),
        all_of=[promotion_where(sub) for sub in data.get("and") or []],
        any_of=[promotion_where(sub) for sub in data.get("or") or []],
    )


def _pair(data: dict[str, Any] | None) -> tuple[Any, Any] | None:
    return None if data is None else (data.get("gte"), data.get("lte"))


def voucher_filter(data: dict[str, Any], query: str | None) -> VoucherFilter:
    return VoucherFilter(
        ids=decode_ids(data["ids"], "Voucher") if data.get("ids") is not None else None,
        search=data.get("search") or query,
        statuses=data.get("status") or (),
        discount_types=data.get("discount_type") or (),
        times_used=_pair(data.get("times_used")),
        started=_pair(data.get("started")),
        metadata=metadata_pairs(data.get("metadata")),
    )
