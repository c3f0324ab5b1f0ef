"""Nested changes of a variant's stock and channel prices, as a bulk update gives them.

Each change names existing rows by their own ID (a stock, a channel listing) and
goes through the single-variant services of inventory and listings, so the rules
stay in one place; this module only resolves the IDs and names the errors the way
a bulk row reports them (``field`` the nested input, ``path`` the exact entry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import transaction

from mercato.core.errors import ErrorCollector, FieldError, ValidationFailed
from mercato.core.permissions import Actor
from mercato.inventory import services as inventory
from mercato.inventory.models import Stock
from mercato.product.models import ProductVariant, ProductVariantChannelListing
from mercato.product.services.listings import (
    VariantPriceData,
    update_variant_channel_listings,
)

STOCKS = "stocks"
LISTINGS = "channelListings"


@dataclass(frozen=True)
class StockQuantityChange:
    stock_id: int
    quantity: int


@dataclass(frozen=True)
class StockChanges:
    """Stock to add (by warehouse), set (by stock ID) and remove (by stock ID)."""

    create: list[inventory.StockQuantity] = field(default_factory=list)
    update: list[StockQuantityChange] = field(default_factory=list)
    remove: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ListingPriceChange:
    """New prices of an existing listing; ``None`` keeps a price."""

    listing_id: int
    price: Decimal | None = None
    cost_price: Decimal | None = None


@dataclass(frozen=True)
class ListingChanges:
    """Prices to add (by channel), change and remove (by listing ID)."""

    create: list[VariantPriceData] = field(default_factory=list)
    update: list[ListingPriceChange] = field(default_factory=list)
    remove: list[int] = field(default_factory=list)


def _renamed(
    errors: Iterable[FieldError], field: str, section: str
) -> list[FieldError]:
    """Errors of a nested service, named by the nested input and entry they concern."""
    renamed = []
    for error in errors:
        extra = dict(error.extra)
        index = extra.pop("index", None)
        path = f"{field}.{section}" + (f".{index}" if index is not None else "")
        code = error.code
        if field == STOCKS and section == "create" and code == "UNIQUE":
            code = "STOCK_ALREADY_EXISTS"
        renamed.append(
            replace(error, field=field, code=code, extra={**extra, "path": path})
        )
    return renamed


def _check_own_ids(
    errors: ErrorCollector,
    field: str,
    own: Iterable[int],
    sections: dict[str, list[int]],
) -> None:
    known = set(own)
    for section, ids in sections.items():
        for index, row_id in enumerate(ids):
            if row_id not in known:
                errors.add(
                    field,
                    "NOT_FOUND",
                    "No such row belongs to this variant.",
                    path=f"{field}.{section}.{index}",
                )
    repeated = set(sections["update"]) & set(sections["remove"])
    if repeated or len(set(sections["update"])) != len(sections["update"]):
        errors.add(
            field,
            "DUPLICATED_INPUT_ITEM",
            "A row is changed twice, or both changed and removed.",
            path=f"{field}.update",
        )


def _run(field: str, section: str, action: Callable[[], object]) -> None:
    try:
        action()
    except ValidationFailed as failed:
        raise ValidationFailed(_renamed(failed.errors, field, section)) from None


def change_variant_stocks(
    *, actor: Actor, variant: ProductVariant, changes: StockChanges
) -> None:
    """Add, set and remove stock of ``variant`` through the inventory services.

    Caller holds a lock on the variant. Raises ``ValidationFailed`` with
    ``field="stocks"`` and a ``path`` per problem.
    """
    own = {
        stock.pk: stock
        for stock in Stock.objects.select_for_update()
        .filter(product_variant=variant)
        .order_by("pk")
    }
    errors = ErrorCollector()
    _check_own_ids(
        errors,
        STOCKS,
        own,
        {"update": [c.stock_id for c in changes.update], "remove": changes.remove},
    )
    errors.raise_if_any()
    with transaction.atomic():
        if changes.create:
            _run(
                STOCKS,
                "create",
                lambda: inventory.create_stocks(
                    actor=actor, variant_id=variant.pk, stocks=changes.create
                ),
            )
        if changes.update:
            quantities = [
                inventory.StockQuantity(
                    warehouse_id=own[c.stock_id].warehouse_id, quantity=c.quantity
                )
                for c in changes.update
            ]
            _run(
                STOCKS,
                "update",
                lambda: inventory.update_stocks(
                    actor=actor, variant_id=variant.pk, stocks=quantities
                ),
            )
        if changes.remove:
            warehouses = [own[stock_id].warehouse_id for stock_id in changes.remove]
            _run(
                STOCKS,
                "remove",
                lambda: inventory.delete_stocks(
                    actor=actor, variant_id=variant.pk, warehouse_ids=warehouses
                ),
            )


def _prices_of(
    errors: ErrorCollector,
    own: dict[int, ProductVariantChannelListing],
    update: list[ListingPriceChange],
) -> list[VariantPriceData]:
    prices = []
    for index, change in enumerate(update):
        listing = own[change.listing_id]
        price = change.price if change.price is not None else listing.price_amount
        if price is None:
            errors.add(
                LISTINGS,
                "REQUIRED",
                "The listing has no price yet; give one.",
                path=f"{LISTINGS}.update.{index}",
            )
            continue
        cost = change.cost_price
        prices.append(
            VariantPriceData(
                channel_id=listing.channel_id,
                price=price,
                cost_price=cost if cost is not None else listing.cost_price_amount,
            )
        )
    return prices


def change_variant_listings(
    *, actor: Actor, variant: ProductVariant, changes: ListingChanges
) -> None:
    """Add, reprice and remove ``variant``'s channel listings.

    Prices go through the variant channel listing service (which checks channels,
    the product's listings and the amounts). Caller holds a lock on the variant.
    Raises ``ValidationFailed`` with ``field="channelListings"``.
    """
    own = {
        listing.pk: listing
        for listing in ProductVariantChannelListing.objects.select_for_update()
        .filter(variant=variant)
        .order_by("pk")
    }
    errors = ErrorCollector()
    _check_own_ids(
        errors,
        LISTINGS,
        own,
        {"update": [c.listing_id for c in changes.update], "remove": changes.remove},
    )
    errors.raise_if_any()
    prices = _prices_of(errors, own, changes.update)
    errors.raise_if_any()
    with transaction.atomic():
        if changes.create or prices:
            section = "create" if changes.create else "update"
            _run(
                LISTINGS,
                section,
                lambda: update_variant_channel_listings(
                    actor=actor, variant_id=variant.pk, prices=changes.create + prices
                ),
            )
        ProductVariantChannelListing.objects.filter(
            variant=variant, pk__in=changes.remove
        ).delete()
