"""Shipping is taxed at the rate of the chosen method's tax class in the tax
country, else at the country's default rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.shipping.models import ShippingMethod
from mercato.tax.models import TaxClass, TaxClassCountryRate, TaxConfiguration
from mercato.tax.queries import forget_channel_taxes
from tests.factories.catalog import Catalog, build_catalog
from tests.factories.shipping import ShippingMethodFactory, list_method
from tests.graphql.checkout.test_checkout import ADDRESS, create, gid
from tests.graphql.checkout.test_totals import (
    CHOOSE,
    READ,
    SHIPPING,
    _expire_prices,
    taxed,
)

pytestmark = pytest.mark.django_db

SET_TAX_CLASS = """
mutation($id: ID!, $input: ShippingPriceInput!) {
  shippingPriceUpdate(id: $id, input: $input) { errors { field code } }
}
"""


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(3)


def _rates(catalog: Catalog, *, entered_with_tax: bool) -> TaxClass:
    """US: 20 % by default, 8 % for the "Transport" class (for shipping only)."""
    transport = TaxClass.objects.create(name="Transport")
    TaxClassCountryRate.objects.create(country="US", rate=Decimal(20))
    TaxClassCountryRate.objects.create(tax_class=transport, country="US", rate=8)
    TaxConfiguration.objects.update_or_create(
        channel=catalog.channel,
        defaults={"prices_entered_with_tax": entered_with_tax},
    )
    forget_channel_taxes()
    return transport


def _checkout_shipped_by(
    gql: Any, catalog: Catalog, method: ShippingMethod, price: str = "7.99"
) -> str:
    list_method(method, catalog.channel, price=price)
    id_: str = create(gql, catalog, (0, 1))["checkout"]["id"]  # 10.00 at 20 %
    gql(SHIPPING, {"id": id_, "address": ADDRESS})
    chosen = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", method.pk)})
    assert chosen["data"]["checkoutDeliveryMethodUpdate"]["errors"] == []
    return id_


def test_shipping_taxed_at_the_method_class_rate(gql: Any, catalog: Catalog) -> None:
    transport = _rates(catalog, entered_with_tax=True)
    id_ = _checkout_shipped_by(gql, catalog, ShippingMethodFactory(tax_class=transport))

    checkout = gql(READ, {"id": id_})["data"]["checkout"]

    assert checkout["shippingPrice"] == taxed(7.40, 7.99)  # 7.99 / 1.08
    assert checkout["lines"][0]["totalPrice"] == taxed(8.33, 10.0)  # default 20 %
    assert checkout["totalPrice"] == taxed(15.73, 17.99)


def test_shipping_taxed_at_the_class_rate_on_net_prices(
    gql: Any, catalog: Catalog
) -> None:
    transport = _rates(catalog, entered_with_tax=False)
    id_ = _checkout_shipped_by(gql, catalog, ShippingMethodFactory(tax_class=transport))

    checkout = gql(READ, {"id": id_})["data"]["checkout"]

    assert checkout["shippingPrice"] == taxed(7.99, 8.63)  # 7.99 * 1.08 = 8.6292
    assert checkout["totalPrice"] == taxed(17.99, 20.63)


def test_method_without_a_class_uses_the_country_default(
    gql: Any, staff_gql: Any, catalog: Catalog
) -> None:
    transport = _rates(catalog, entered_with_tax=True)
    method = ShippingMethodFactory(tax_class=None)
    id_ = _checkout_shipped_by(gql, catalog, method)
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["shippingPrice"] == taxed(6.66, 7.99)  # 7.99 / 1.20

    # Staff give the method the class; the checkout follows once repriced.
    result = staff_gql(
        SET_TAX_CLASS,
        {
            "id": gid("ShippingMethodType", method.pk),
            "input": {"taxClass": gid("TaxClass", transport.pk)},
        },
        permissions=(Permission.MANAGE_SHIPPING,),
    )
    assert result.errors is None, result.errors
    assert result.data["shippingPriceUpdate"]["errors"] == []
    _expire_prices()
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["shippingPrice"] == taxed(7.40, 7.99)
