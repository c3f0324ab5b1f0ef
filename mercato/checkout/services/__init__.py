"""Writes of checkouts.

Every service runs in its own transaction, validates all its input before writing,
locks the checkout row (``lock_checkout``) and ends by recalculating the prices
(``calculations.recalculate_checkout``) when something they depend on changed.
"""

from mercato.checkout.services.cart import (
    FULL_CHECKS,
    AddressChecks,
    LineInput,
    NotCheckoutOwner,
    add_checkout_lines,
    attach_checkout_customer,
    create_checkout,
    delete_checkout_lines,
    detach_checkout_customer,
    lock_checkout,
    max_line_quantity,
    update_checkout_address,
    update_checkout_customer_note,
    update_checkout_email,
    update_checkout_language,
    update_checkout_lines,
)
from mercato.checkout.services.delivery import (
    DeliveryChoice,
    update_checkout_delivery_method,
)
from mercato.checkout.services.promo_codes import (
    PromoCodeRef,
    add_checkout_promo_code,
    remove_checkout_promo_code,
)

__all__ = [
    "FULL_CHECKS",
    "AddressChecks",
    "DeliveryChoice",
    "LineInput",
    "NotCheckoutOwner",
    "PromoCodeRef",
    "add_checkout_lines",
    "add_checkout_promo_code",
    "attach_checkout_customer",
    "create_checkout",
    "delete_checkout_lines",
    "detach_checkout_customer",
    "lock_checkout",
    "max_line_quantity",
    "remove_checkout_promo_code",
    "update_checkout_address",
    "update_checkout_customer_note",
    "update_checkout_delivery_method",
    "update_checkout_email",
    "update_checkout_language",
    "update_checkout_lines",
]
