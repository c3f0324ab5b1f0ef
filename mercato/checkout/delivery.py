"""How a checkout can be delivered: shipping methods and collection points.

A checkout whose lines need shipping is delivered either by a shipping method
that serves its shipping address (zone, channel price, order price and weight
limits, postal code rules, excluded products) or from a collection point: a
public warehouse of the channel that offers click-and-collect and has the stock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from mercato.account.models import Address
from mercato.channel.models import Channel
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.money import Money, quantize
from mercato.inventory.models import Stock, Warehouse
from mercato.product.models import ProductVariant, ProductVariantChannelListing
from mercato.shipping.models import ShippingMethod
from mercato.shipping.queries import applicable_shipping_methods

CLICK_AND_COLLECT_LOCAL = "local"
CLICK_AND_COLLECT_ALL = "all"


@dataclass(frozen=True)
class DeliveryOption:
    """A shipping method as a checkout (or order) offers it: with its channel price."""

    method: ShippingMethod
    price: Money
    active: bool = True
    message: str | None = None


@dataclass(frozen=True)
class LineFacts:
    """What delivery needs to know about the lines of a checkout."""

    shipping_required: bool
    weight: float
    product_ids: tuple[int, ...]
    subtotal: Decimal  # the lines at their channel prices, as entered
    quantities: dict[int, int]  # variant id -> quantity


@dataclass(frozen=True)
class VariantFacts:
    """What pricing and delivery need to know about a variant."""

    product_id: int
    weight: float  # the variant's, else its product's, else its type's; 0 if none
    shipping_required: bool
    tax_class_id: int | None  # the product's, else its type's


def variant_facts(variant_ids: Collection[int]) -> dict[int, VariantFacts]:
    """Facts of the variants, by id, in one query."""
    rows = ProductVariant.objects.filter(pk__in=variant_ids).values_list(
        "pk",
        "product_id",
        "weight",
        "product__weight",
        "product__product_type__weight",
        "product__product_type__is_shipping_required",
        "product__tax_class_id",
        "product__product_type__tax_class_id",
    )
    facts = {}
    for pk, product_id, own, of_product, of_type, required, tax, type_tax in rows:
        weight = next((w for w in (own, of_product, of_type) if w), 0.0)
        facts[pk] = VariantFacts(product_id, weight, bool(required), tax or type_tax)
    return facts


def variant_prices(
    channel_id: int, variant_ids: Collection[int]
) -> dict[int, tuple[Decimal, Decimal]]:
    """(catalogue-discounted, undiscounted) unit prices, as entered, of the
    variants priced in the channel, rounded to its currency; one query."""
    rows = ProductVariantChannelListing.objects.filter(
        channel_id=channel_id, variant_id__in=variant_ids, price_amount__isnull=False
    ).values_list("variant_id", "currency", "price_amount", "discounted_price_amount")
    prices = {}
    for variant_id, currency, price, discounted in rows:
        if price is None:  # excluded above; keeps the type checker informed
            continue
        undiscounted = quantize(price, currency)
        unit = (
            undiscounted
            if discounted is None
            else min(quantize(discounted, currency), undiscounted)
        )
        prices[variant_id] = (unit, undiscounted)
    return prices


def line_facts(
    checkout: Checkout,
    lines: Sequence[CheckoutLine],
    variants: dict[int, VariantFacts] | None = None,
    prices: dict[int, tuple[Decimal, Decimal]] | None = None,
) -> LineFacts:
    """Shipping need, weight, products and subtotal of ``lines`` (two queries,
    unless the variants' facts and prices are given)."""
    quantities: dict[int, int] = {}
    paid: dict[int, int] = {}  # promotion gifts are free: not in the subtotal
    for line in lines:
        quantities[line.variant_id] = quantities.get(line.variant_id, 0) + line.quantity
        if not line.is_gift:
            paid[line.variant_id] = paid.get(line.variant_id, 0) + line.quantity
    if not quantities:
        return LineFacts(False, 0.0, (), Decimal(0), {})
    if variants is None:
        variants = variant_facts(quantities)
    if prices is None:
        prices = variant_prices(checkout.channel_id, quantities)
    subtotal = Decimal(0)
    for variant_id, quantity in paid.items():
        if variant_id in prices:
            unit = prices[variant_id][0]
            subtotal += quantize(unit * quantity, checkout.currency)
    found = [variants[v] for v in quantities if v in variants]
    return LineFacts(
        shipping_required=any(v.shipping_required for v in found),
        weight=sum(
            (
                v.weight * quantities[pk]
                for pk, v in variants.items()
                if pk in quantities
            ),
            0.0,
        ),
        product_ids=tuple(v.product_id for v in found),
        subtotal=subtotal,
        quantities=quantities,
    )


def shipping_options(
    checkout: Checkout,
    facts: LineFacts,
    address: Address | None,
    channel: Channel | None = None,
) -> list[DeliveryOption]:
    """The shipping methods that can deliver the lines to ``address``, cheapest
    first; none without an address or when nothing needs shipping."""
    if address is None or not facts.shipping_required or not address.country:
        return []
    found = applicable_shipping_methods(
        channel=channel or checkout.channel,
        country_code=address.country,
        postal_code=address.postal_code or None,
        subtotal=facts.subtotal,
        weight=facts.weight,
        product_ids=facts.product_ids,
    )
    return [DeliveryOption(method=m.method, price=m.price) for m in found]


def collection_points(
    checkout: Checkout, facts: LineFacts, channel_id: int | None = None
) -> list[Warehouse]:
    """Warehouses of the channel where the shopper can collect the lines.

    ``LOCAL`` warehouses need the stock of every line themselves; ``ALL`` ones
    need it across the channel's warehouses (it is brought to them). Private
    warehouses are never collection points.
    """
    if not facts.shipping_required:
        return []
    channel_id = channel_id or checkout.channel_id
    candidates = list(
        Warehouse.objects.filter(
            channels=channel_id,
            is_private=False,
            click_and_collect_option__in=(
                CLICK_AND_COLLECT_LOCAL,
                CLICK_AND_COLLECT_ALL,
            ),
        ).order_by("name", "pk")
    )
    if not candidates:
        return []
    tracked = _tracked_quantities(facts.quantities)
    stock_rows = Stock.objects.filter(
        product_variant_id__in=tracked, warehouse__channels=channel_id
    ).values_list(
        "warehouse_id", "product_variant_id", "quantity", "quantity_allocated"
    )
    local: dict[int, dict[int, int]] = {}
    total: dict[int, int] = {}
    for warehouse_id, variant_id, quantity, allocated in stock_rows:
        free = max(quantity - allocated, 0)
        local.setdefault(warehouse_id, {})[variant_id] = free
        total[variant_id] = total.get(variant_id, 0) + free
    all_covered = all(total.get(v, 0) >= q for v, q in tracked.items())
    points = []
    for warehouse in candidates:
        if warehouse.click_and_collect_option == CLICK_AND_COLLECT_ALL:
            covered = all_covered
        else:
            here = local.get(warehouse.pk, {})
            covered = all(here.get(v, 0) >= q for v, q in tracked.items())
        if covered:
            points.append(warehouse)
    return points


def _tracked_quantities(quantities: dict[int, int]) -> dict[int, int]:
    tracked = ProductVariant.objects.filter(
        pk__in=quantities, track_inventory=True
    ).values_list("pk", flat=True)
    return {pk: quantities[pk] for pk in tracked}


def is_delivery_valid(
    checkout: Checkout, facts: LineFacts, address: Address | None
) -> bool:
    """Whether the chosen delivery still serves the checkout (True when none is
    chosen or nothing needs shipping: a missing method is not an invalid one)."""
    if not facts.shipping_required:
        return True
    if checkout.collection_point_id is not None:
        points = collection_points(checkout, facts)
        return any(w.pk == checkout.collection_point_id for w in points)
    if checkout.shipping_method_id is not None:
        options = shipping_options(checkout, facts, address)
        return any(o.method.pk == checkout.shipping_method_id for o in options)
    return True


def shipping_address_of(checkout: Checkout) -> Address | None:
    if checkout.shipping_address_id is None:
        return None
    return Address.objects.filter(pk=checkout.shipping_address_id).first()
