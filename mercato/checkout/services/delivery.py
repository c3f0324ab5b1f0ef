"""Writes of a checkout's delivery: a shipping method or a collection point."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from mercato.account.models import Address
from mercato.checkout.calculations import recalculate_checkout
from mercato.checkout.delivery import (
    LineFacts,
    collection_points,
    line_facts,
    shipping_options,
)
from mercato.checkout.models import Checkout
from mercato.checkout.services.cart import (
    NOT_FOUND,
    checkout_lines,
    lock_checkout,
    replace_address,
    touch_checkout,
)
from mercato.core.errors import ValidationFailed
from mercato.inventory.models import Warehouse
from mercato.shipping.models import ShippingMethod, ShippingMethodChannelListing

DELIVERY_METHOD_NOT_APPLICABLE = "DELIVERY_METHOD_NOT_APPLICABLE"
SHIPPING_ADDRESS_NOT_SET = "SHIPPING_ADDRESS_NOT_SET"
SHIPPING_METHOD_NOT_APPLICABLE = "SHIPPING_METHOD_NOT_APPLICABLE"
SHIPPING_NOT_REQUIRED = "SHIPPING_NOT_REQUIRED"


@dataclass(frozen=True)
class DeliveryChoice:
    """A shipping method or a collection point (warehouse) to deliver with;
    neither clears the delivery. ``legacy`` reports errors the way the deprecated
    ``checkoutShippingMethodUpdate`` does."""

    shipping_method_id: int | None = None
    collection_point_id: int | None = None
    legacy: bool = False


def _not_applicable(choice: DeliveryChoice, message: str) -> ValidationFailed:
    if choice.legacy:
        return ValidationFailed.one(
            "shippingMethod", SHIPPING_METHOD_NOT_APPLICABLE, message
        )
    return ValidationFailed.one(
        "deliveryMethodId", DELIVERY_METHOD_NOT_APPLICABLE, message
    )


def _check_shipping_method(
    checkout: Checkout,
    facts: LineFacts,
    choice: DeliveryChoice,
    method_id: int,
) -> None:
    field = "shippingMethod" if choice.legacy else "deliveryMethodId"
    if not ShippingMethod.objects.filter(pk=method_id).exists():
        raise ValidationFailed.one(
            field, NOT_FOUND, "The shipping method does not exist."
        )
    if not ShippingMethodChannelListing.objects.filter(
        shipping_method_id=method_id, channel_id=checkout.channel_id
    ).exists():
        raise _not_applicable(
            choice, "This shipping method is not applicable in the given channel."
        )
    address = checkout.shipping_address
    if address is None:
        raise ValidationFailed.one(
            "shippingAddress" if choice.legacy else field,
            SHIPPING_ADDRESS_NOT_SET,
            "Set a shipping address before choosing a shipping method.",
        )
    options = shipping_options(checkout, facts, address)
    if not any(option.method.pk == method_id for option in options):
        raise _not_applicable(choice, "This shipping method is not applicable.")


def _collection_point(
    checkout: Checkout, facts: LineFacts, warehouse_id: int
) -> Warehouse:
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise ValidationFailed.one(
            "deliveryMethodId", NOT_FOUND, "The warehouse does not exist."
        )
    points = collection_points(checkout, facts)
    if not any(point.pk == warehouse.pk for point in points):
        raise ValidationFailed.one(
            "deliveryMethodId",
            DELIVERY_METHOD_NOT_APPLICABLE,
            "This pick up point is not applicable.",
        )
    return warehouse


def _copy_address(address: Address) -> dict[str, str]:
    fields = (
        "first_name",
        "last_name",
        "company_name",
        "street_address_1",
        "street_address_2",
        "city",
        "city_area",
        "postal_code",
        "country",
        "country_area",
        "phone",
    )
    return {name: getattr(address, name) for name in fields}


def update_checkout_delivery_method(
    *, token: uuid.UUID, choice: DeliveryChoice
) -> Checkout:
    """Deliver with a shipping method that serves the shipping address, or from a
    collection point (whose address becomes the shipping address), or clear the
    delivery. Locks the checkout."""
    with transaction.atomic():
        checkout = lock_checkout(token)
        lines = checkout_lines(checkout)
        facts = line_facts(checkout, lines)
        if not facts.shipping_required:
            raise ValidationFailed.one(
                "shippingMethod" if choice.legacy else "deliveryMethod",
                SHIPPING_NOT_REQUIRED,
                "This checkout does not need shipping.",
            )
        fields = ["shipping_method", "collection_point"]
        checkout.shipping_method_id = None
        checkout.collection_point_id = None
        if choice.collection_point_id is not None:
            warehouse = _collection_point(checkout, facts, choice.collection_point_id)
            checkout.collection_point_id = warehouse.pk
            old = checkout.shipping_address
            checkout.shipping_address = None
            checkout.save(update_fields=["shipping_address"])
            checkout.shipping_address = replace_address(
                old, _copy_address(warehouse.address)
            )
            fields.append("shipping_address")
        elif choice.shipping_method_id is not None:
            _check_shipping_method(checkout, facts, choice, choice.shipping_method_id)
            checkout.shipping_method_id = choice.shipping_method_id
        touch_checkout(checkout, *fields)
        recalculate_checkout(checkout, lines)
        return checkout
