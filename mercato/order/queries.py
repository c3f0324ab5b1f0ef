"""Reads of orders: lookups, who may see what, and the staff list's filters."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet

from mercato.account.models import Address
from mercato.core.permissions import Actor, Permission
from mercato.order.models import Order, OrderLine, OrderStatus

# Saleor's OrderStatusFilter values and the statuses each stands for.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "READY_TO_FULFILL": (OrderStatus.UNFULFILLED, OrderStatus.PARTIALLY_FULFILLED),
    "READY_TO_CAPTURE": (),
    "UNFULFILLED": (OrderStatus.UNFULFILLED,),
    "UNCONFIRMED": (OrderStatus.UNCONFIRMED,),
    "PARTIALLY_FULFILLED": (OrderStatus.PARTIALLY_FULFILLED,),
    "FULFILLED": (OrderStatus.FULFILLED,),
    "CANCELED": (OrderStatus.CANCELED,),
}


def get_order(order_id: uuid.UUID) -> Order | None:
    """The placed (not draft) order ``order_id``. Anyone who knows an order's
    UUID may look it up, as in Saleor; its personal details are for its owner and
    staff only (see ``may_see_order_details``)."""
    return Order.objects.exclude(status=OrderStatus.DRAFT).filter(pk=order_id).first()


def is_order_owner(actor: Actor, order: Order) -> bool:
    return order.user_id is not None and order.user_id == actor.user_id


def may_see_order_details(actor: Actor, order: Order) -> bool:
    """The owner and staff or apps managing orders see the buyer's email, name and
    addresses in full."""
    return is_order_owner(actor, order) or actor.has_any_permission(
        Permission.MANAGE_ORDERS
    )


def may_see_order_user(actor: Actor, order: Order) -> bool:
    return is_order_owner(actor, order) or actor.has_any_permission(
        Permission.MANAGE_ORDERS, Permission.MANAGE_USERS
    )


def may_list_user_orders(actor: Actor, user_id: int) -> bool:
    return actor.user_id == user_id or actor.has_any_permission(
        Permission.MANAGE_ORDERS
    )


def _mask(value: str, keep: int = 1) -> str:
    return value[:keep] + "..." if value else value


def obfuscated_email(email: str) -> str:
    """``a...@example.com``: enough for a buyer to recognise, not to reuse."""
    local, at, domain = email.partition("@")
    return f"{_mask(local)}{at}{domain}" if at else _mask(email)


def obfuscated_address(address: Address) -> Address:
    """An unsaved copy of ``address`` with the name, street and phone masked."""
    return Address(
        pk=address.pk,
        first_name=_mask(address.first_name),
        last_name=_mask(address.last_name),
        company_name=_mask(address.company_name),
        street_address_1=_mask(address.street_address_1),
        street_address_2=_mask(address.street_address_2),
        city=address.city,
        city_area=address.city_area,
        postal_code=address.postal_code,
        country=address.country,
        country_area=address.country_area,
        phone=_mask(address.phone, keep=3),
    )


# ---------------------------------------------------------------- lists


def list_orders() -> QuerySet[Order]:
    """Every placed order (drafts are listed elsewhere)."""
    return Order.objects.exclude(status=OrderStatus.DRAFT)


def list_user_orders(user_id: int) -> QuerySet[Order]:
    return list_orders().filter(user_id=user_id)


def search_orders(orders: QuerySet[Order], term: str) -> QuerySet[Order]:
    """Orders whose number is ``term`` (with or without ``#``), or whose buyer's
    email or name, or a line's SKU or product name, contains it."""
    term = term.strip()
    if not term:
        return orders
    match = (
        Q(user_email__icontains=term)
        | Q(user__first_name__icontains=term)
        | Q(user__last_name__icontains=term)
    )
    lines = Q(lines__product_sku__iexact=term) | Q(lines__product_name__icontains=term)
    match |= Q(pk__in=Order.objects.filter(lines).values("pk"))
    digits = term.lstrip("#")
    if digits.isdigit() and len(digits) < 19:
        match |= Q(number=int(digits))
    with contextlib.suppress(ValueError):
        match |= Q(pk=uuid.UUID(term))
    return orders.filter(match)


def _customer(term: str) -> Q:
    condition = Q()
    for word in term.split():
        condition &= (
            Q(user_email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    return condition


def _range(field: str, bounds: Mapping[str, Any] | None) -> Q:
    condition = Q()
    if bounds and bounds.get("gte") is not None:
        condition &= Q(**{f"{field}__gte": bounds["gte"]})
    if bounds and bounds.get("lte") is not None:
        condition &= Q(**{f"{field}__lte": bounds["lte"]})
    return condition


def _numbers(values: list[str]) -> list[int]:
    return [int(v.lstrip("#")) for v in values if v.lstrip("#").isdigit()]


def order_filter_q(filters: Mapping[str, Any]) -> Q:
    """The legacy ``filter`` argument (OrderFilterInput), IDs already decoded."""
    condition = Q()
    if filters.get("status"):
        statuses = {s for name in filters["status"] for s in STATUS_FILTERS[name]}
        condition &= Q(status__in=statuses)
    if filters.get("customer"):
        condition &= _customer(filters["customer"])
    condition &= _range("created_at__date", filters.get("created"))
    condition &= _range("updated_at", filters.get("updated_at"))
    for item in filters.get("metadata") or []:
        if item.get("value") is None:
            condition &= Q(metadata__has_key=item["key"])
        else:
            condition &= Q(metadata__contains={item["key"]: item["value"]})
    if filters.get("channels"):
        condition &= Q(channel_id__in=filters["channels"])
    if filters.get("is_click_and_collect") is not None:
        condition &= Q(
            collection_point_name__isnull=not filters["is_click_and_collect"]
        )
    if filters.get("ids"):
        condition &= Q(pk__in=filters["ids"])
    tokens = [
        *(filters.get("checkout_tokens") or []),
        *(filters.get("checkout_ids") or []),
    ]
    if tokens:
        condition &= Q(checkout_token__in=tokens)
    if filters.get("numbers"):
        condition &= Q(number__in=_numbers(filters["numbers"]))
    return condition


def _eq_or_one_of(field: str, spec: Mapping[str, Any] | None) -> Q:
    if not spec:
        return Q()
    condition = Q()
    if spec.get("eq") is not None:
        condition &= Q(**{field: spec["eq"]})
    if spec.get("one_of") is not None:
        condition &= Q(**{f"{field}__in": spec["one_of"]})
    if spec.get("range"):
        condition &= _range(field, spec["range"])
    return condition


def _metadata(spec: Mapping[str, Any]) -> Q:
    """The key is present, with the value (or one of the values) when given."""
    key = spec["key"]
    value = spec.get("value") or {}
    if value.get("eq") is not None:
        return Q(metadata__contains={key: value["eq"]})
    if value.get("one_of") is not None:
        matches = Q(pk__in=[])
        for choice in value["one_of"]:
            matches |= Q(metadata__contains={key: choice})
        return matches
    return Q(metadata__has_key=key)


def _price(field: str, spec: Mapping[str, Any] | None) -> Q:
    if not spec:
        return Q()
    condition = _eq_or_one_of(field, spec["amount"])
    if spec.get("currency"):
        condition &= Q(currency=spec["currency"])
    return condition


WHERE_FIELDS = {
    "number": "number",
    "channel_id": "channel_id",
    "user": "user_id",
    "user_email": "user_email",
    "status": "status",
    "checkout_token": "checkout_token",
    "checkout_id": "checkout_token",
    "voucher_code": "voucher_code",
}


def order_where_q(where: Mapping[str, Any]) -> Q:
    """The ``where`` argument (OrderWhereInput), IDs already decoded; ``AND`` and
    ``OR`` nest."""
    condition = Q()
    if where.get("ids"):
        condition &= Q(pk__in=where["ids"])
    for key, field in WHERE_FIELDS.items():
        condition &= _eq_or_one_of(field, where.get(key))
    condition &= _range("created_at", where.get("created_at"))
    condition &= _range("updated_at", where.get("updated_at"))
    if where.get("is_click_and_collect") is not None:
        condition &= Q(collection_point_name__isnull=not where["is_click_and_collect"])
    if where.get("metadata"):
        condition &= _metadata(where["metadata"])
    condition &= _price("total_gross_amount", where.get("total_gross"))
    condition &= _price("total_net_amount", where.get("total_net"))
    if where.get("lines_count"):
        counted = (
            OrderLine.objects.order_by()
            .values("order_id")
            .annotate(count=Count("pk"))
            .filter(_eq_or_one_of("count", where["lines_count"]))
        )
        condition &= Q(pk__in=counted.values("order_id"))
    for part in where.get("and") or []:
        condition &= order_where_q(part)
    if where.get("or"):
        any_of = Q()
        for part in where["or"]:
            any_of |= order_where_q(part)
        condition &= any_of
    return condition
