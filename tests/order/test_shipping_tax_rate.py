"""An order placed from a checkout keeps the rate its shipping was taxed at."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mercato.core.permissions import Actor
from mercato.order.checkout_complete import complete_checkout
from mercato.tax.models import TaxClass, TaxClassCountryRate
from tests.factories.order import make_method, make_shop, ready_checkout

pytestmark = pytest.mark.django_db


def _rates() -> TaxClass:
    transport = TaxClass.objects.create(name="Transport")
    TaxClassCountryRate.objects.create(country="US", rate=Decimal(20))
    TaxClassCountryRate.objects.create(tax_class=transport, country="US", rate=8)
    return transport


def test_order_keeps_the_method_class_rate() -> None:
    transport = _rates()
    shop = make_shop(shipping_required=True)
    method = make_method(shop, price="1.00")
    method.tax_class = transport
    method.save(update_fields=["tax_class"])
    checkout = ready_checkout(shop, shipping_method=method)
    assert checkout.shipping_price_net_amount == Decimal("0.93")  # 1.00 / 1.08

    order = complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())

    # The exact rate, not one read back from the rounded amounts (0.07 / 0.93).
    assert order.shipping_tax_rate == Decimal("0.0800")
    assert order.shipping_price_net_amount == Decimal("0.93")
    assert order.shipping_price_gross_amount == Decimal("1.00")


def test_order_without_a_method_class_keeps_the_default_rate() -> None:
    _rates()
    shop = make_shop(shipping_required=True)
    checkout = ready_checkout(shop, shipping_method=make_method(shop))

    order = complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())

    assert order.shipping_tax_rate == Decimal("0.2000")
