"""Create, change and delete product variants, one at a time or in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from mercato.attribute.models import AssignedVariantAttributeValue, AttributeVariant
from mercato.channel.models import Channel
from mercato.core.errors import ErrorCollector, FieldError, ValidationFailed
from mercato.core.permissions import Actor
from mercato.core.slugs import has_nul
from mercato.inventory.models import Stock, Warehouse
from mercato.product.models import Product, ProductVariant
from mercato.product.search import update_products_search_index
from mercato.product.services.attribute_values import (
    AttributeValueData,
    PlannedAttribute,
    plan_attribute_values,
    store_variant_values,
)
from mercato.product.services.common import (
    UNSET,
    MetadataFields,
    Unset,
    apply_metadata,
    check_lengths,
    check_metadata,
    check_no_duplicates,
    check_no_nul,
)
from mercato.product.services.listings import (
    VariantPriceData,
    check_variant_prices,
    store_variant_prices,
)
from mercato.product.services.products import assigned_attributes, lock_product
from mercato.product.services.variant_relations import (
    ListingChanges,
    StockChanges,
    change_variant_listings,
    change_variant_stocks,
)


@dataclass(frozen=True)
class StockData:
    warehouse_id: int
    quantity: int


@dataclass
class VariantData(MetadataFields):
    """Fields of a variant a caller may set; ``UNSET`` leaves one unchanged."""

    sku: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    track_inventory: bool | Unset | None = UNSET
    quantity_limit_per_customer: int | Unset | None = UNSET
    external_reference: str | Unset | None = UNSET
    attributes: list[AttributeValueData] | Unset | None = UNSET
    stocks: list[StockData] = field(default_factory=list)
    prices: list[VariantPriceData] = field(default_factory=list)
    stock_changes: StockChanges | None = None
    listing_changes: ListingChanges | None = None


@dataclass
class BulkRow:
    """The outcome of one row of a bulk operation."""

    variant: ProductVariant | None = None
    errors: list[FieldError] = field(default_factory=list)


def _check(
    data: VariantData,
    *,
    product: Product,
    instance: ProductVariant | None,
    errors: ErrorCollector,
) -> list[PlannedAttribute]:
    exclude_pk = instance.pk if instance is not None else None
    check_no_nul(errors, data)
    check_metadata(errors, data)
    check_lengths(
        errors,
        ProductVariant,
        data,
        {"sku": "sku", "name": "name", "external_reference": "externalReference"},
    )
    if isinstance(data.sku, str) and data.sku:
        taken = ProductVariant.objects.filter(sku=data.sku).exclude(pk=exclude_pk or 0)
        if taken.exists():
            errors.add("sku", "UNIQUE", f"The SKU '{data.sku}' is already used.")
    if isinstance(data.external_reference, str) and data.external_reference:
        taken = ProductVariant.objects.filter(
            external_reference=data.external_reference
        ).exclude(pk=exclude_pk or 0)
        if taken.exists():
            errors.add("externalReference", "UNIQUE", "The reference is used.")
    limit = data.quantity_limit_per_customer
    if isinstance(limit, int) and limit < 1:
        errors.add(
            "quantityLimitPerCustomer", "INVALID", "The limit must be at least 1."
        )
    _check_stocks(errors, data.stocks)
    check_variant_prices(errors, product.pk, data.prices, field="channelListings")
    return plan_attribute_values(
        errors,
        allowed=assigned_attributes(AttributeVariant, product.product_type_id),
        inputs=data.attributes if isinstance(data.attributes, list) else [],
        require_all=instance is None,
    )


def _check_stocks(errors: ErrorCollector, stocks: list[StockData]) -> None:
    warehouse_ids = [stock.warehouse_id for stock in stocks]
    check_no_duplicates(errors, "stocks", warehouse_ids)
    found = set(
        Warehouse.objects.filter(pk__in=warehouse_ids).values_list("pk", flat=True)
    )
    if set(warehouse_ids) - found:
        errors.add("stocks", "NOT_FOUND", "Some of the warehouses do not exist.")
    if any(stock.quantity < 0 for stock in stocks):
        errors.add("stocks", "INVALID", "A stock quantity cannot be negative.")


def _apply(variant: ProductVariant, data: VariantData) -> None:
    apply_metadata(variant, data)
    if data.sku is not UNSET:
        variant.sku = data.sku or None
    if data.name is not UNSET:
        variant.name = data.name or ""
    if isinstance(data.track_inventory, bool):
        variant.track_inventory = data.track_inventory
    if data.quantity_limit_per_customer is not UNSET:
        variant.quantity_limit_per_customer = data.quantity_limit_per_customer
    if data.external_reference is not UNSET:
        variant.external_reference = data.external_reference or None


def _save_new(
    product: Product, data: VariantData, planned: list[PlannedAttribute]
) -> ProductVariant:
    top = product.variants.aggregate(top=Max("sort_order"))["top"]
    variant = ProductVariant(
        product=product, sort_order=(top if top is not None else -1) + 1
    )
    _apply(variant, data)
    variant.save()
    store_variant_values(variant, planned)
    if not variant.name:
        variant.name = _selection_name(variant, product.product_type_id)
        variant.save(update_fields=["name"])
    Stock.objects.bulk_create(
        Stock(
            warehouse_id=stock.warehouse_id,
            product_variant=variant,
            quantity=stock.quantity,
        )
        for stock in data.stocks
    )
    _store_prices(variant, data.prices)
    if product.default_variant_id is None:
        product.default_variant = variant
        product.save(update_fields=["default_variant", "updated_at"])
    return variant


def _selection_name(variant: ProductVariant, product_type_id: int) -> str:
    """A name for an unnamed variant: its variant-selection values, e.g. "L / Red"."""
    selection = AttributeVariant.objects.filter(
        product_type_id=product_type_id, variant_selection=True
    ).values_list("attribute_id", flat=True)
    names = AssignedVariantAttributeValue.objects.filter(
        variant=variant, value__attribute_id__in=list(selection)
    ).values_list("value__name", flat=True)
    return " / ".join(names)[: ProductVariant._meta.get_field("name").max_length]


def _store_prices(variant: ProductVariant, prices: list[VariantPriceData]) -> None:
    channels = Channel.objects.in_bulk([price.channel_id for price in prices])
    store_variant_prices(variant, prices, channels)


def create_variant(
    *, actor: Actor, product_id: int, data: VariantData
) -> ProductVariant:
    """Add a variant to a product, with attribute values, stock and prices.

    The first variant becomes the product's default. Locks the product.
    """
    with transaction.atomic():
        product = lock_product(product_id, field="product")
        errors = ErrorCollector()
        planned = _check(data, product=product, instance=None, errors=errors)
        errors.raise_if_any()
        variant = _save_new(product, data, planned)
        update_products_search_index([product.pk])
    return variant


def _lock_variant(variant_id: int) -> ProductVariant:
    variant = ProductVariant.objects.filter(pk=variant_id).first()
    if variant is None:
        raise ValidationFailed.one("id", "NOT_FOUND", "The variant does not exist.")
    lock_product(variant.product_id)
    locked = ProductVariant.objects.select_for_update().get(pk=variant_id)
    return locked


def update_variant(
    *, actor: Actor, variant_id: int, data: VariantData
) -> ProductVariant:
    """Change a variant; given attributes replace their old values.

    Locks the product, then the variant.
    """
    with transaction.atomic():
        variant = _lock_variant(variant_id)
        errors = ErrorCollector()
        planned = _check(data, product=variant.product, instance=variant, errors=errors)
        errors.raise_if_any()
        _apply(variant, data)
        variant.save()
        store_variant_values(variant, planned)
        update_products_search_index([variant.product_id])
    return variant


def _delete_now(variant_ids: list[int]) -> None:
    """Delete variants; products that lose their default variant get the next one."""
    product_ids = list(
        ProductVariant.objects.filter(pk__in=variant_ids)
        .values_list("product_id", flat=True)
        .distinct()
    )
    products = list(
        Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk")
    )
    ProductVariant.objects.filter(pk__in=variant_ids).delete()
    for product in products:
        if (
            product.default_variant_id in variant_ids
            or product.default_variant_id is None
        ):
            product.default_variant = product.variants.order_by(
                "sort_order", "pk"
            ).first()
            product.save(update_fields=["default_variant", "updated_at"])
    update_products_search_index(product_ids)


def delete_variant(*, actor: Actor, variant_id: int) -> ProductVariant:
    with transaction.atomic():
        variant = _lock_variant(variant_id)
        _delete_now([variant_id])
    variant.pk = variant_id
    return variant


def delete_variants(
    *, actor: Actor, variant_ids: list[int], skus: list[str] | None = None
) -> int:
    """Delete variants named by id or SKU; every one must exist."""
    if has_nul(skus or []):
        raise ValidationFailed.one("skus", "INVALID", "SKUs cannot contain NUL.")
    with transaction.atomic():
        found = list(
            ProductVariant.objects.filter(pk__in=variant_ids).values_list(
                "pk", flat=True
            )
        )
        if len(found) != len(set(variant_ids)):
            raise ValidationFailed.one(
                "ids", "NOT_FOUND", "Some of the variants do not exist."
            )
        by_sku = dict(
            ProductVariant.objects.filter(sku__in=skus or []).values_list("sku", "pk")
        )
        if len(by_sku) != len(set(skus or [])):
            raise ValidationFailed.one(
                "skus", "NOT_FOUND", "Some of the SKUs do not exist."
            )
        ids = sorted(set(found) | set(by_sku.values()))
        _delete_now(ids)
    return len(ids)


def _bulk_duplicates(rows: list[VariantData]) -> dict[int, list[FieldError]]:
    """Errors of rows whose SKU repeats an earlier row's."""
    errors: dict[int, list[FieldError]] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if isinstance(row.sku, str) and row.sku:
            if row.sku in seen:
                errors[index] = [
                    FieldError("sku", "UNIQUE", "The SKU repeats an earlier row.")
                ]
            seen.add(row.sku)
    return errors


def create_variants(
    *,
    actor: Actor,
    product_id: int,
    rows: list[VariantData],
    reject_everything: bool = True,
) -> list[BulkRow]:
    """Create many variants of a product; rows with errors report them.

    With ``reject_everything`` one bad row stops every row; otherwise good rows
    are created. Locks the product.
    """
    with transaction.atomic():
        product = lock_product(product_id, field="product")
        results = [BulkRow() for _ in rows]
        for index, problems in _bulk_duplicates(rows).items():
            results[index].errors.extend(problems)
        plans: list[list[PlannedAttribute]] = []
        for row, result in zip(rows, results, strict=True):
            errors = ErrorCollector()
            plans.append(_check(row, product=product, instance=None, errors=errors))
            result.errors.extend(errors.errors)
        if reject_everything and any(result.errors for result in results):
            return results
        for row, result, planned in zip(rows, results, plans, strict=True):
            if not result.errors:
                result.variant = _save_new(product, row, planned)
        update_products_search_index([product.pk])
    return results


def update_variants(
    *,
    actor: Actor,
    product_id: int,
    rows: list[tuple[int, VariantData]],
    reject_everything: bool = True,
) -> list[BulkRow]:
    """Change many variants of one product; rows with errors report them.

    Locks the product and then its variants in primary-key order.
    """
    with transaction.atomic():
        product = lock_product(product_id, field="product")
        variants = ProductVariant.objects.select_for_update().in_bulk(
            sorted({variant_id for variant_id, _ in rows})
        )
        results = [BulkRow() for _ in rows]
        duplicates = _bulk_duplicates([row for _, row in rows])
        for index, problems in duplicates.items():
            results[index].errors.extend(problems)
        repeated = {variant_id for variant_id, _ in rows}
        if len(repeated) != len(rows):
            results[-1].errors.append(
                FieldError("id", "DUPLICATED_INPUT_ITEM", "A variant is given twice.")
            )
        plans: list[list[PlannedAttribute]] = []
        for (variant_id, row), result in zip(rows, results, strict=True):
            variant = variants.get(variant_id)
            if variant is None or variant.product_id != product.pk:
                result.errors.append(
                    FieldError(
                        "id", "NOT_PRODUCTS_VARIANT", "Not a variant of this product."
                    )
                )
                plans.append([])
                continue
            errors = ErrorCollector()
            plans.append(_check(row, product=product, instance=variant, errors=errors))
            result.errors.extend(errors.errors)
        if reject_everything and any(result.errors for result in results):
            return results
        for (variant_id, row), result, planned in zip(
            rows, results, plans, strict=True
        ):
            if not result.errors:
                _update_row(actor, variants[variant_id], row, planned, result)
        if reject_everything and any(result.errors for result in results):
            transaction.set_rollback(True)
            for result in results:
                result.variant = None
            return results
        update_products_search_index([product.pk])
    return results


def _update_row(
    actor: Actor,
    variant: ProductVariant,
    row: VariantData,
    planned: list[PlannedAttribute],
    result: BulkRow,
) -> None:
    """Write one checked row in a savepoint; nested stock or price errors undo it."""
    try:
        with transaction.atomic():
            _apply(variant, row)
            variant.save()
            store_variant_values(variant, planned)
            if row.stock_changes is not None:
                change_variant_stocks(
                    actor=actor, variant=variant, changes=row.stock_changes
                )
            if row.listing_changes is not None:
                change_variant_listings(
                    actor=actor, variant=variant, changes=row.listing_changes
                )
    except ValidationFailed as failed:
        result.errors.extend(failed.errors)
        variant.refresh_from_db()
        return
    result.variant = variant
