"""Writes of warehouses and of the stock they hold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from mercato.account.addresses import validate_address
from mercato.account.models import Address
from mercato.core.errors import ErrorCollector, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import check_length, check_slug, has_nul, unique_slug
from mercato.inventory.models import Stock, Warehouse
from mercato.product.models import ProductVariant

INVALID = "INVALID"
NOT_FOUND = "NOT_FOUND"
REQUIRED = "REQUIRED"
UNIQUE = "UNIQUE"
DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"

CLICK_AND_COLLECT_OPTIONS = ("disabled", "local", "all")

# ---------------------------------------------------------------- warehouses


@dataclass(frozen=True)
class WarehouseChanges:
    """Warehouse fields to set; ``None`` keeps the current value."""

    name: str | None = None
    slug: str | None = None
    email: str | None = None
    external_reference: str | None = None
    address: Mapping[str, Any] | None = None
    click_and_collect_option: str | None = None
    is_private: bool | None = None


def lock_warehouse(
    warehouse_id: int | None, *, external_reference: str | None = None
) -> Warehouse:
    """The warehouse by ID or external reference (exactly one), locked for update."""
    if (warehouse_id is None) == (external_reference is None):
        raise ValidationFailed.one(
            "id", REQUIRED, "Give either the ID or the external reference."
        )
    if has_nul(external_reference):
        raise ValidationFailed.one("externalReference", NOT_FOUND, "Not found.")
    lookup: dict[str, Any] = (
        {"pk": warehouse_id}
        if warehouse_id is not None
        else {"external_reference": external_reference}
    )
    found = Warehouse.objects.select_for_update().filter(**lookup).first()
    if found is None:
        raise ValidationFailed.one("id", NOT_FOUND, "Warehouse not found.")
    return found


def _check_warehouse(
    changes: WarehouseChanges, *, exclude_pk: int | None, creating: bool = False
) -> dict[str, str] | None:
    """Every problem of ``changes`` at once; the validated address, if given."""
    errors = ErrorCollector()
    if creating and changes.name is None:
        errors.add("name", REQUIRED, "A warehouse needs a name.")
    if creating and changes.address is None:
        errors.add("address", REQUIRED, "A warehouse needs an address.")
    if changes.name is not None and not changes.name.strip():
        errors.add("name", REQUIRED, "A warehouse needs a name.")
    check_length(
        errors,
        Warehouse,
        {
            "name": changes.name,
            "email": changes.email,
            "externalReference": changes.external_reference,
        },
    )
    if changes.slug is not None:
        check_slug(errors, Warehouse, changes.slug, exclude_pk=exclude_pk)
    if changes.email:
        try:
            validate_email(changes.email)
        except ValidationError:
            errors.add("email", INVALID, "Enter a valid email address.")
    if changes.external_reference:
        taken = Warehouse.objects.filter(
            external_reference=changes.external_reference
        ).exclude(pk=exclude_pk or 0)
        if taken.exists():
            errors.add("externalReference", UNIQUE, "External reference is taken.")
    address = None
    if has_nul(changes.address):
        errors.add("address", INVALID, "Text cannot contain NUL characters.")
    elif changes.address is not None:
        try:
            address = validate_address(changes.address)
        except ValidationFailed as failed:
            errors.errors.extend(failed.errors)
    errors.raise_if_any()
    return address


def create_warehouse(*, actor: Actor, changes: WarehouseChanges) -> Warehouse:
    """Create a warehouse and its address; a missing slug is made from the name."""
    address = _check_warehouse(changes, exclude_pk=None, creating=True)
    assert changes.name is not None and address is not None  # checked above
    name = changes.name.strip()
    with transaction.atomic():
        warehouse = Warehouse.objects.create(
            name=name,
            slug=changes.slug or unique_slug(Warehouse, name),
            email=changes.email or "",
            external_reference=changes.external_reference or None,
            address=Address.objects.create(**address),
            click_and_collect_option=changes.click_and_collect_option or "disabled",
            is_private=True if changes.is_private is None else changes.is_private,
        )
    return warehouse


def update_warehouse(
    *,
    actor: Actor,
    warehouse_id: int | None,
    external_reference: str | None = None,
    changes: WarehouseChanges,
) -> Warehouse:
    """Change the given fields of the warehouse found by ID or external reference.

    Locks the warehouse row.
    """
    with transaction.atomic():
        warehouse = lock_warehouse(warehouse_id, external_reference=external_reference)
        address = _check_warehouse(changes, exclude_pk=warehouse.pk)
        for name in ("slug", "email", "click_and_collect_option", "is_private"):
            value = getattr(changes, name)
            if value is not None:
                setattr(warehouse, name, value)
        if changes.name is not None:
            warehouse.name = changes.name.strip()
        if changes.external_reference is not None:
            warehouse.external_reference = changes.external_reference or None
        warehouse.save()
        if address is not None:
            Address.objects.filter(pk=warehouse.address_id).update(**address)
    return warehouse


def delete_warehouse(*, actor: Actor, warehouse_id: int) -> Warehouse:
    """Delete a warehouse, its stock, channel links and address."""
    with transaction.atomic():
        warehouse = lock_warehouse(warehouse_id)
        pk = warehouse.pk
        warehouse.delete()
        Address.objects.filter(pk=warehouse.address_id).delete()
        warehouse.pk = pk
    return warehouse


# ---------------------------------------------------------------- stock


@dataclass(frozen=True)
class StockQuantity:
    warehouse_id: int
    quantity: int


def lock_variant(*, variant_id: int | None, sku: str | None) -> ProductVariant:
    """The variant named by ID or SKU (exactly one of them), locked for update."""
    if (variant_id is None) == (sku is None):
        raise ValidationFailed.one(
            "variantId", REQUIRED, "Give either the variant ID or its SKU."
        )
    if has_nul(sku):
        raise ValidationFailed.one("sku", NOT_FOUND, "Product variant not found.")
    lookup = {"pk": variant_id} if variant_id is not None else {"sku": sku}
    variant = ProductVariant.objects.select_for_update().filter(**lookup).first()
    if variant is None:
        field = "variantId" if variant_id is not None else "sku"
        raise ValidationFailed.one(field, NOT_FOUND, "Product variant not found.")
    return variant


def _check_stocks(stocks: Sequence[StockQuantity]) -> ErrorCollector:
    errors = ErrorCollector()
    known = set(
        Warehouse.objects.filter(pk__in=[s.warehouse_id for s in stocks]).values_list(
            "pk", flat=True
        )
    )
    seen: set[int] = set()
    for index, stock in enumerate(stocks):
        if stock.warehouse_id in seen:
            errors.add(
                "warehouse",
                DUPLICATED_INPUT_ITEM,
                "The warehouse is listed twice.",
                index=index,
            )
        seen.add(stock.warehouse_id)
        if stock.warehouse_id not in known:
            errors.add("warehouse", NOT_FOUND, "Warehouse not found.", index=index)
        if stock.quantity < 0:
            errors.add("quantity", INVALID, "Quantity cannot be negative.", index=index)
    return errors


def _locked_stocks(variant: ProductVariant) -> dict[int, Stock]:
    rows = Stock.objects.select_for_update().filter(product_variant=variant)
    return {stock.warehouse_id: stock for stock in rows.order_by("pk")}


def create_stocks(
    *,
    actor: Actor,
    variant_id: int | None,
    sku: str | None = None,
    stocks: Sequence[StockQuantity],
) -> ProductVariant:
    """Add stock of ``variant`` in warehouses that hold none of it yet.

    Locks the variant row, then its stock rows.
    """
    with transaction.atomic():
        variant = lock_variant(variant_id=variant_id, sku=sku)
        existing = _locked_stocks(variant)
        errors = _check_stocks(stocks)
        for index, stock in enumerate(stocks):
            if stock.warehouse_id in existing:
                errors.add(
                    "warehouse",
                    UNIQUE,
                    "The warehouse already holds stock of this variant.",
                    index=index,
                )
        errors.raise_if_any()
        Stock.objects.bulk_create(
            Stock(
                product_variant=variant,
                warehouse_id=stock.warehouse_id,
                quantity=stock.quantity,
            )
            for stock in stocks
        )
    return variant


def update_stocks(
    *,
    actor: Actor,
    variant_id: int | None,
    sku: str | None = None,
    stocks: Sequence[StockQuantity],
) -> ProductVariant:
    """Set the quantity of ``variant`` in each warehouse, adding missing stock rows.

    Locks the variant row, then its stock rows.
    """
    with transaction.atomic():
        variant = lock_variant(variant_id=variant_id, sku=sku)
        existing = _locked_stocks(variant)
        _check_stocks(stocks).raise_if_any()
        for stock in stocks:
            row = existing.get(stock.warehouse_id)
            if row is None:
                Stock.objects.create(
                    product_variant=variant,
                    warehouse_id=stock.warehouse_id,
                    quantity=stock.quantity,
                )
            elif row.quantity != stock.quantity:
                row.quantity = stock.quantity
                row.save(update_fields=["quantity"])
    return variant


def delete_stocks(
    *,
    actor: Actor,
    variant_id: int | None,
    sku: str | None = None,
    warehouse_ids: Sequence[int],
) -> ProductVariant:
    """Remove the stock of ``variant`` held in ``warehouse_ids``."""
    known = set(
        Warehouse.objects.filter(pk__in=warehouse_ids).values_list("pk", flat=True)
    )
    if set(warehouse_ids) - known:
        raise ValidationFailed.one("warehouseIds", NOT_FOUND, "Warehouse not found.")
    with transaction.atomic():
        variant = lock_variant(variant_id=variant_id, sku=sku)
        Stock.objects.filter(
            product_variant=variant, warehouse_id__in=warehouse_ids
        ).delete()
    return variant
