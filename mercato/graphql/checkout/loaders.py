"""Batch loaders of checkouts; see mercato.graphql.core.dataloaders.

A loader's channel is the checkouts' channel, so that the variants of their lines
are shown (and priced) as that channel sells them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from mercato.account.models import Address, User
from mercato.checkout.delivery import (
    DeliveryOption,
    LineFacts,
    collection_points_by_checkout,
    line_facts,
    shipping_options_by_checkout,
    variant_facts,
    variant_prices,
)
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.checkout.queries import Problem, line_problems, stored_problems
from mercato.core.money import Money
from mercato.discount.models import Voucher, VoucherCode
from mercato.graphql.channel.loaders import ChannelByIdLoader
from mercato.graphql.core.dataloaders import (
    Loader,
    RelatedListLoader,
    attach_batch,
    get_loader,
)
from mercato.graphql.inventory.loaders import AddressByIdLoader
from mercato.inventory.models import Reservation, Warehouse
from mercato.product.models import ProductVariant
from mercato.shipping.models import ShippingMethod, ShippingMethodChannelListing


class LinesByCheckoutLoader(RelatedListLoader):
    model = CheckoutLine
    owner = "checkout"
    ordering = ("created_at", "id")


class ShippingRequiredByVariantLoader(Loader[int, bool]):
    """Whether each variant's product type needs shipping."""

    def default(self) -> bool:
        return True

    def batch_load(self, keys: list[int]) -> dict[int, bool]:
        rows = ProductVariant.objects.filter(pk__in=keys).values_list(
            "pk", "product__product_type__is_shipping_required"
        )
        return dict(rows)


class UserByIdLoader(Loader[int, User]):
    def batch_load(self, keys: list[int]) -> dict[int, User]:
        found = attach_batch(list(User.objects.filter(pk__in=keys)))
        return {u.pk: u for u in found}


def checkout_lines(context: Any, checkouts: list[Checkout]) -> dict[Any, list[Any]]:
    """The lines of ``checkouts`` as the ``lines`` field serves them (each
    channel's lines in one query)."""
    channels = get_loader(context, ChannelByIdLoader)
    channels.load_many_keys(c.channel_id for c in checkouts)
    lines: dict[Any, list[Any]] = {}
    for channel_id in {c.channel_id for c in checkouts}:
        loader = get_loader(context, LinesByCheckoutLoader, channels.cache[channel_id])
        tokens: list[Any] = [c.pk for c in checkouts if c.channel_id == channel_id]
        loader.load_many_keys(tokens)
        lines.update({token: loader.cache[token] for token in tokens})
    return lines


class DeliveryFactsLoader(Loader[Checkout, LineFacts]):
    """What delivery needs to know about each checkout's lines."""

    def batch_load(self, keys: list[Checkout]) -> dict[Checkout, LineFacts]:
        lines = checkout_lines(self.context, keys)
        variants = variant_facts({li.variant_id for c in keys for li in lines[c.pk]})
        found = {}
        for channel_id in {c.channel_id for c in keys}:
            mine = [c for c in keys if c.channel_id == channel_id]
            ids = {li.variant_id for c in mine for li in lines[c.pk]}
            prices = variant_prices(channel_id, ids)
            for c in mine:
                found[c] = line_facts(c, lines[c.pk], variants, prices)
        return found


def _addresses(context: Any, checkouts: list[Checkout]) -> dict[int, Address]:
    loader = get_loader(context, AddressByIdLoader)
    ids = [c.shipping_address_id for c in checkouts if c.shipping_address_id]
    loader.load_many_keys(ids)
    return {pk: loader.cache[pk] for pk in ids if loader.cache[pk] is not None}


class DeliveryOptionsLoader(Loader[Checkout, list[DeliveryOption]]):
    """The shipping methods that serve each checkout (one query for all of them)."""

    def default(self) -> list[DeliveryOption]:
        return []

    def batch_load(self, keys: list[Checkout]) -> dict[Checkout, list[DeliveryOption]]:
        facts = get_loader(self.context, DeliveryFactsLoader)
        facts.load_many_keys(keys)
        addresses = _addresses(self.context, keys)
        by_token = shipping_options_by_checkout(
            [
                (c, facts.cache[c], addresses.get(c.shipping_address_id or 0))
                for c in keys
            ]
        )
        return {c: by_token[c.pk] for c in keys}


class CollectionPointsLoader(Loader[Checkout, list[Warehouse]]):
    def default(self) -> list[Warehouse]:
        return []

    def batch_load(self, keys: list[Checkout]) -> dict[Checkout, list[Warehouse]]:
        facts = get_loader(self.context, DeliveryFactsLoader)
        facts.load_many_keys(keys)
        by_token = collection_points_by_checkout([(c, facts.cache[c]) for c in keys])
        found = {c: by_token[c.pk] for c in keys}
        attach_batch([w for ws in found.values() for w in ws])
        return found


class CheckoutDeliveryLoader(Loader[Checkout, DeliveryOption]):
    """Each checkout's chosen shipping method with its price in the channel."""

    def batch_load(self, keys: list[Checkout]) -> dict[Checkout, DeliveryOption]:
        chosen = [c for c in keys if c.shipping_method_id is not None]
        if not chosen:
            return {}
        pairs = Q()
        for c in chosen:
            pairs |= Q(shipping_method_id=c.shipping_method_id, channel_id=c.channel_id)
        prices = {
            (row.shipping_method_id, row.channel_id): Money(
                row.price_amount, row.currency
            )
            for row in ShippingMethodChannelListing.objects.filter(pairs)
        }
        methods = {
            m.pk: m
            for m in ShippingMethod.objects.filter(
                pk__in={c.shipping_method_id for c in chosen}
            )
        }
        found: dict[Checkout, DeliveryOption] = {}
        for c in chosen:
            method = methods.get(c.shipping_method_id or 0)
            if method is None:
                continue
            price = prices.get((method.pk, c.channel_id), Money(Decimal(0), c.currency))
            found[c] = DeliveryOption(
                method=method, price=price, active=c.is_delivery_valid
            )
        return found


class CheckoutProblemsLoader(Loader[Checkout, list[Problem]]):
    """Problems of each checkout: its lines' (per channel, in a fixed number of
    queries) and the delivery check of its last recalculation."""

    def default(self) -> list[Problem]:
        return []

    def batch_load(self, keys: list[Checkout]) -> dict[Checkout, list[Problem]]:
        lines = checkout_lines(self.context, keys)
        by_line = get_loader(self.context, LineProblemsLoader)
        by_line.load_many_keys(line for c in keys for line in lines[c.pk])
        flat = {line.pk: by_line.cache[line] for c in keys for line in lines[c.pk]}
        return {c: stored_problems(c, lines[c.pk], flat) for c in keys}


class LineProblemsLoader(Loader[CheckoutLine, list[Problem]]):
    def default(self) -> list[Problem]:
        return []

    def batch_load(self, keys: list[CheckoutLine]) -> dict[CheckoutLine, list[Problem]]:
        checkout_channels = dict(
            Checkout.objects.filter(
                pk__in={line.checkout_id for line in keys}
            ).values_list("pk", "channel_id")
        )
        by_channel: dict[int, list[CheckoutLine]] = {}
        for line in keys:
            by_channel.setdefault(checkout_channels[line.checkout_id], []).append(line)
        found: dict[int, list[Problem]] = {}
        for channel_id, lines in by_channel.items():
            found.update(line_problems(channel_id, lines))
        return {line: found.get(line.pk, []) for line in keys}


class ReservationExpiryLoader(Loader[Any, Any]):
    """When each checkout's earliest active stock reservation ends."""

    def batch_load(self, keys: list[Any]) -> dict[Any, Any]:
        rows = (
            Reservation.objects.filter(
                checkout_line__checkout_id__in=keys, reserved_until__gt=timezone.now()
            )
            .values("checkout_line__checkout_id")
            .annotate(until=Min("reserved_until"))
        )
        return {row["checkout_line__checkout_id"]: row["until"] for row in rows}


class VoucherByCodeLoader(Loader[str, Voucher]):
    """The voucher of each code, shown in the loader's channel."""

    def batch_load(self, keys: list[str]) -> dict[str, Voucher]:
        codes = VoucherCode.objects.filter(code__in=keys).select_related("voucher")
        found = {code.code: code.voucher for code in codes}
        attach_batch(list({v.pk: v for v in found.values()}.values()), self.channel)
        return found
