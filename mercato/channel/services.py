"""Writes of channels and of the warehouses that serve them.

Every service refreshes the cached channel list (``forget_channels``) after its
transaction, so readers see the change at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import babel.numbers
from django.db import transaction
from django.db.models import Max

from mercato.channel.models import AllocationStrategy, Channel, TransactionFlowStrategy
from mercato.channel.queries import forget_channels
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length, check_slug
from mercato.inventory.models import ChannelWarehouse, Warehouse
from mercato.order.services import (
    CHANNEL_WITH_ORDERS,
    channel_has_orders,
    move_channel_orders,
)
from mercato.tax.services import create_tax_configuration

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
CHANNELS_CURRENCY_MUST_BE_THE_SAME = "CHANNELS_CURRENCY_MUST_BE_THE_SAME"


# The settings a channel write may change: model field -> (API field, check).
# Each check returns an error message, or None when the value is acceptable.
def _choice(choices: Any) -> Any:
    return lambda v: None if v in choices.values else f"Unknown value {v!r}."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _non_negative(value: Any) -> str | None:
    return None if _is_int(value) and value >= 0 else "Must be 0 or more."


def _optional_positive(value: Any) -> str | None:
    if value is None or (_is_int(value) and value >= 1):
        return None
    return "Must be at least 1."


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "Must be true or false."


SETTINGS = {
    "allocation_strategy": ("allocationStrategy", _choice(AllocationStrategy)),
    "automatically_confirm_all_new_orders": (
        "automaticallyConfirmAllNewOrders",
        _flag,
    ),
    "automatically_fulfill_non_shippable_gift_card": (
        "automaticallyFulfillNonShippableGiftCard",
        _flag,
    ),
    "allow_unpaid_orders": ("allowUnpaidOrders", _flag),
    "expire_orders_after": ("expireOrdersAfter", _optional_positive),
    "delete_expired_orders_after": ("deleteExpiredOrdersAfter", _non_negative),
    "include_draft_order_in_voucher_usage": (
        "includeDraftOrderInVoucherUsage",
        _flag,
    ),
    "use_legacy_error_flow": ("useLegacyErrorFlow", _flag),
    "automatically_complete_fully_paid_checkouts": (
        "automaticallyCompleteFullyPaidCheckouts",
        _flag,
    ),
    "default_transaction_flow_strategy": (
        "defaultTransactionFlowStrategy",
        _choice(TransactionFlowStrategy),
    ),
    "reservation_minutes": ("reservationMinutes", _non_negative),
}


def _check_settings(errors: ErrorCollector, settings: Mapping[str, Any]) -> None:
    for name, value in settings.items():
        if name not in SETTINGS:
            raise ValueError(f"not a channel setting: {name}")
        field, check = SETTINGS[name]
        if (message := check(value)) is not None:
            errors.add(field, INVALID, message)
    deletion = settings.get("delete_expired_orders_after")
    if isinstance(deletion, int) and _is_int(deletion) and not 1 <= deletion <= 120:
        errors.add("deleteExpiredOrdersAfter", INVALID, "Must be 1 to 120 days.")


def lock_channel(channel_id: int, *, field: str = "id") -> Channel:
    """The channel, locked for update; ``NOT_FOUND`` on ``field`` if it is gone."""
    channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
    if channel is None:
        raise ValidationFailed.one(field, NOT_FOUND, "Channel not found.")
    return channel


def _check_warehouses(
    errors: ErrorCollector, field: str, warehouse_ids: Sequence[int]
) -> None:
    if len(set(warehouse_ids)) != len(warehouse_ids):
        errors.add(field, DUPLICATED_INPUT_ITEM, "A warehouse is listed twice.")
    found = set(
        Warehouse.objects.filter(pk__in=warehouse_ids).values_list("pk", flat=True)
    )
    if set(warehouse_ids) - found:
        errors.add(field, NOT_FOUND, "Some warehouses do not exist.")


def _check_name(errors: ErrorCollector, name: str | None) -> None:
    if name is not None and not name.strip():
        errors.add("name", REQUIRED, "A channel needs a name.")
    check_length(errors, Channel, {"name": name})


def _add_warehouses(channel: Channel, warehouse_ids: Sequence[int]) -> None:
    linked = set(
        ChannelWarehouse.objects.filter(channel=channel).values_list(
            "warehouse_id", flat=True
        )
    )
    top = ChannelWarehouse.objects.filter(channel=channel).aggregate(
        top=Max("sort_order")
    )["top"]
    position = -1 if top is None else top
    for warehouse_id in warehouse_ids:
        if warehouse_id in linked:
            continue
        position += 1
        ChannelWarehouse.objects.create(
            channel=channel, warehouse_id=warehouse_id, sort_order=position
        )


def create_channel(
    *,
    actor: Actor,
    name: str,
    slug: str,
    currency_code: str,
    default_country: str,
    is_active: bool = False,
    warehouse_ids: Sequence[int] = (),
    settings: Mapping[str, Any] | None = None,
) -> Channel:
    """Create a channel linked to ``warehouse_ids`` (in that priority order),
    with the default tax configuration. ``settings`` maps names of ``SETTINGS``
    to values; the others keep their defaults."""
    errors = ErrorCollector()
    _check_settings(errors, settings or {})
    _check_name(errors, name)
    check_slug(errors, Channel, slug)
    if not babel.numbers.is_currency(currency_code):
        errors.add(
            "currencyCode", INVALID, f"'{currency_code}' is not an ISO 4217 currency."
        )
    _check_warehouses(errors, "addWarehouses", warehouse_ids)
    errors.raise_if_any()
    with transaction.atomic():
        channel = Channel.objects.create(
            name=name.strip(),
            slug=slug,
            currency_code=currency_code,
            default_country=default_country,
            is_active=is_active,
            **(settings or {}),
        )
        _add_warehouses(channel, warehouse_ids)
        create_tax_configuration(channel=channel)
    forget_channels()
    return channel


def update_channel(
    *,
    actor: Actor,
    channel_id: int,
    name: str | None = None,
    slug: str | None = None,
    default_country: str | None = None,
    is_active: bool | None = None,
    add_warehouse_ids: Sequence[int] = (),
    remove_warehouse_ids: Sequence[int] = (),
    settings: Mapping[str, Any] | None = None,
) -> Channel:
    """Change the given fields and settings of a channel and its warehouse links.

    Locks the channel row.
    """
    with transaction.atomic():
        channel = lock_channel(channel_id)
        errors = ErrorCollector()
        _check_settings(errors, settings or {})
        _check_name(errors, name)
        if slug is not None:
            check_slug(errors, Channel, slug, exclude_pk=channel.pk)
        _check_warehouses(errors, "addWarehouses", add_warehouse_ids)
        _check_warehouses(errors, "removeWarehouses", remove_warehouse_ids)
        if set(add_warehouse_ids) & set(remove_warehouse_ids):
            errors.add(
                "addWarehouses",
                DUPLICATED_INPUT_ITEM,
                "A warehouse cannot be both added and removed.",
            )
        errors.raise_if_any()
        if name is not None:
            channel.name = name.strip()
        if slug is not None:
            channel.slug = slug
        if default_country is not None:
            channel.default_country = default_country
        if is_active is not None:
            channel.is_active = is_active
        for setting, value in (settings or {}).items():
            setattr(channel, setting, value)
        channel.save()
        ChannelWarehouse.objects.filter(
            channel=channel, warehouse_id__in=remove_warehouse_ids
        ).delete()
        _add_warehouses(channel, add_warehouse_ids)
    forget_channels()
    return channel


def set_channel_active(*, actor: Actor, channel_id: int, is_active: bool) -> Channel:
    """Activate or deactivate a channel; ``INVALID`` if it already is."""
    with transaction.atomic():
        channel = lock_channel(channel_id)
        if channel.is_active == is_active:
            state = "active" if is_active else "inactive"
            raise ValidationFailed.one(
                "id", INVALID, f"The channel is already {state}."
            )
        channel.is_active = is_active
        channel.save(update_fields=["is_active"])
    forget_channels()
    return channel


def delete_channel(
    *, actor: Actor, channel_id: int, target_channel_id: int | None = None
) -> Channel:
    """Delete a channel with its listings and warehouse links.

    ``target_channel_id`` names the channel that would take over the channel's
    orders; it must exist, differ and use the same currency.
    """
    with transaction.atomic():
        ids = sorted({channel_id, target_channel_id or channel_id})
        locked = {
            c.pk: c for c in Channel.objects.select_for_update().filter(pk__in=ids)
        }
        channel = locked.get(channel_id)
        if channel is None:
            raise ValidationFailed.one("id", NOT_FOUND, "Channel not found.")
        if target_channel_id is not None:
            _check_target(channel, locked.get(target_channel_id))
            move_channel_orders(
                from_channel_id=channel.pk, to_channel_id=target_channel_id
            )
        elif channel_has_orders(channel.pk):
            raise ValidationFailed.one(
                "channelId",
                CHANNEL_WITH_ORDERS,
                "The channel has orders: name a channel to move them to.",
            )
        pk = channel.pk
        channel.delete()
        channel.pk = pk
    forget_channels()
    return channel


def _check_target(channel: Channel, target: Channel | None) -> None:
    field = "channelId"
    if target is None:
        raise ValidationFailed.one(field, NOT_FOUND, "Target channel not found.")
    if target.pk == channel.pk:
        raise ValidationFailed.one(
            field, INVALID, "The target must differ from the deleted channel."
        )
    if target.currency_code != channel.currency_code:
        raise ValidationFailed.one(
            field,
            CHANNELS_CURRENCY_MUST_BE_THE_SAME,
            "The target channel must use the same currency.",
        )


def reorder_channel_warehouses(
    *, actor: Actor, channel_id: int, moves: Sequence[tuple[int, int]]
) -> Channel:
    """Move warehouses within a channel's priority order.

    Each move is ``(warehouse_id, shift)``: a positive shift moves the warehouse
    that many places later, a negative one earlier (clamped to the ends). Moves
    apply in the given order. Locks the channel row.
    """
    with transaction.atomic():
        channel = lock_channel(channel_id, field="channelId")
        links = list(
            ChannelWarehouse.objects.filter(channel=channel).order_by(
                "sort_order", "pk"
            )
        )
        by_warehouse = {link.warehouse_id: link for link in links}
        if any(warehouse_id not in by_warehouse for warehouse_id, _ in moves):
            raise ValidationFailed.one(
                "moves", NOT_FOUND, "A warehouse is not linked to this channel."
            )
        order = [link.warehouse_id for link in links]
        for warehouse_id, shift in moves:
            position = order.index(warehouse_id)
            order.pop(position)
            order.insert(max(0, min(len(order), position + shift)), warehouse_id)
        changed = []
        for position, warehouse_id in enumerate(order):
            link = by_warehouse[warehouse_id]
            if link.sort_order != position:
                link.sort_order = position
                changed.append(link)
        ChannelWarehouse.objects.bulk_update(changed, ["sort_order"])
    forget_channels()
    return channel
