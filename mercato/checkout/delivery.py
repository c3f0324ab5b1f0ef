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
from typing import Any

from mercato.account.models import Address
from mercato.channel.models import Channel
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core.money import Money, quantize
from mercato.inventory.models import Stock, Warehouse
from mercato.product.models import ProductVariant, ProductVariantChannelListing
from mercato.shipping.models import ShippingMethod
from mercato.shipping.queries import ShippingRequest, applicable_shipping_methods_batch

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
    first; none without an address or when nothing needs shipping (one query).

    ``channel`` is accepted for callers that hold the checkout's channel; the
    lookup needs only the checkout's ``channel_id``.
    """
    del channel
    return shipping_options_by_checkout([(checkout, facts, address)])[checkout.pk]


def shipping_options_by_checkout(
    items: Sequence[tuple[Checkout, LineFacts, Address | None]],
) -> dict[Any, list[DeliveryOption]]:
    """``shipping_options`` of several checkouts by token, in one query at most."""
    found: dict[Any, list[DeliveryOption]] = {c.pk: [] for c, _, _ in items}
    asking = [
        (checkout, facts, address)
        for checkout, facts, address in items
        if address is not None and facts.shipping_required and address.country
    ]
    requests = [
        ShippingRequest(
            channel_id=checkout.channel_id,
            country_code=str(address.country),
            postal_code=address.postal_code or None,
            subtotal=facts.subtotal,
            weight=facts.weight,
            product_ids=facts.product_ids,
        )
        for checkout, facts, address in asking
        if address is not None
    ]
    methods = applicable_shipping_methods_batch(requests)
    for (checkout, _, _), applicable in zip(asking, methods, strict=True):
        found[checkout.pk] = [
            DeliveryOption(method=m.method, price=m.price) for m in applicable
        ]
    return found


def collection_points(checkout: Checkout, facts: LineFacts) -> list[Warehouse]:
    """Warehouses of the channel where the shopper can collect the lines.

    ``LOCAL`` warehouses need the stock of every line themselves; ``ALL`` ones
    need it across the channel's warehouses (it is brought to them). Private
    warehouses are never collection points.
    """
    return collection_points_by_checkout([(checkout, facts)])[checkout.pk]


def collection_points_by_checkout(
    items: Sequence[tuple[Checkout, LineFacts]],
) -> dict[Any, list[Warehouse]]:
    """``collection_points`` of several checkouts by token, in three queries per
    channel at most."""
    found: dict[Any, list[Warehouse]] = {c.pk: [] for c, _ in items}
    needing = [(c, f) for c, f in items if f.shipping_required]
    if not needing:
        return found
    variant_ids = {v for _, f in needing for v in f.quantities}
    tracked = set(
        ProductVariant.objects.filter(
            pk__in=variant_ids, track_inventory=True
        ).values_list("pk", flat=True)
    )
    for channel_id in {c.channel_id for c, _ in needing}:
        mine = [(c, f) for c, f in needing if c.channel_id == channel_id]
        stock = _ChannelStock(
            channel_id, tracked & {v for _, f in mine for v in f.quantities}
        )
        for checkout, facts in mine:
            wanted = {v: q for v, q in facts.quantities.items() if v in tracked}
            found[checkout.pk] = [
                w for w in stock.candidates if stock.covers(w, wanted)
            ]
    return found


class _ChannelStock:
    """The click-and-collect warehouses of a channel and the free stock of some
    variants in the channel's warehouses."""

    def __init__(self, channel_id: int, variant_ids: set[int]) -> None:
        self.candidates = list(
            Warehouse.objects.filter(
                channels=channel_id,
                is_private=False,
                click_and_collect_option__in=(
                    CLICK_AND_COLLECT_LOCAL,
                    CLICK_AND_COLLECT_ALL,
                ),
            ).order_by("name", "pk")
        )
        self.local: dict[int, dict[int, int]] = {}
        self.total: dict[int, int] = {}
        if not self.candidates or not variant_ids:
            return
        rows = Stock.objects.filter(
            product_variant_id__in=variant_ids, warehouse__channels=channel_id
        ).values_list(
            "warehouse_id", "product_variant_id", "quantity", "quantity_allocated"
        )
        for warehouse_id, variant_id, quantity, allocated in rows:
            free = max(quantity - allocated, 0)
            self.local.setdefault(warehouse_id, {})[variant_id] = free
            self.total[variant_id] = self.total.get(variant_id, 0) + free

    def covers(self, warehouse: Warehouse, wanted: dict[int, int]) -> bool:
        if warehouse.click_and_collect_option == CLICK_AND_COLLECT_ALL:
            have = self.total
        else:
            have = self.local.get(warehouse.pk, {})
        return all(have.get(v, 0) >= q for v, q in wanted.items())


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
