from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.tax.models import TaxClass, TaxClassCountryRate, TaxConfigurationPerCountry
from mercato.tax.queries import get_tax_configuration
from tests.factories.catalog import Catalog, build_catalog

pytestmark = pytest.mark.django_db

PRICING = """
query Products($channel: String) {
  products(channel: $channel, first: 10) {
    edges { node {
      slug
      pricing {
        displayGrossPrices
        priceRange {
          start { net { amount } gross { amount } tax { amount } currency }
          stop { net { amount } gross { amount } tax { amount } }
        }
      }
      variants {
        pricing {
          price { net { amount } gross { amount } tax { amount } }
        }
      }
    } }
  }
}
"""


def _first(gql: Any, channel: str = "default-channel") -> dict[str, Any]:
    result = gql(PRICING, {"channel": channel})
    assert "errors" not in result, result
    node: dict[str, Any] = result["data"]["products"]["edges"][0]["node"]
    return node


@pytest.fixture
def catalog() -> Catalog:
    catalog = build_catalog(1)
    TaxClassCountryRate.objects.create(country="US", tax_class=None, rate=Decimal(10))
    return catalog


def test_prices_entered_with_tax_are_gross(gql: Any, catalog: Catalog) -> None:
    node = _first(gql)
    start = node["pricing"]["priceRange"]["start"]
    assert start == {
        "net": {"amount": 9.09},
        "gross": {"amount": 10.0},
        "tax": {"amount": 0.91},
        "currency": "USD",
    }
    assert node["pricing"]["displayGrossPrices"] is True
    variant = node["variants"][0]["pricing"]["price"]
    assert variant["gross"]["amount"] == 10.0
    assert variant["net"]["amount"] == 9.09


def test_prices_entered_without_tax_are_net(gql: Any, catalog: Catalog) -> None:
    configuration = get_tax_configuration(catalog.channel)
    configuration.prices_entered_with_tax = False
    configuration.display_gross_prices = False
    configuration.save()
    node = _first(gql)
    stop = node["pricing"]["priceRange"]["stop"]
    assert stop == {
        "net": {"amount": 11.0},
        "gross": {"amount": 12.1},
        "tax": {"amount": 1.1},
    }
    assert node["pricing"]["displayGrossPrices"] is False


def test_the_tax_class_of_the_product_wins_over_its_type(
    gql: Any, catalog: Catalog
) -> None:
    reduced = TaxClass.objects.create(name="Reduced")
    zero = TaxClass.objects.create(name="Zero")
    TaxClassCountryRate.objects.create(country="US", tax_class=reduced, rate=Decimal(5))
    TaxClassCountryRate.objects.create(country="US", tax_class=zero, rate=Decimal(0))
    catalog.product_type.tax_class = reduced
    catalog.product_type.save()
    start = _first(gql)["pricing"]["priceRange"]["start"]
    assert start["net"]["amount"] == 9.52
    product = catalog.products[0]
    product.tax_class = zero
    product.save()
    start = _first(gql)["pricing"]["priceRange"]["start"]
    assert start["net"]["amount"] == start["gross"]["amount"] == 10.0


def test_no_tax_where_the_channel_does_not_charge_it(
    gql: Any, catalog: Catalog
) -> None:
    configuration = get_tax_configuration(catalog.channel)
    TaxConfigurationPerCountry.objects.create(
        tax_configuration=configuration,
        country="US",
        charge_taxes=False,
        display_gross_prices=False,
    )
    node = _first(gql)
    start = node["pricing"]["priceRange"]["start"]
    assert start["tax"]["amount"] == 0.0
    assert node["pricing"]["displayGrossPrices"] is False


def test_the_address_country_picks_the_rates(gql: Any, catalog: Catalog) -> None:
    TaxClassCountryRate.objects.create(country="DE", tax_class=None, rate=Decimal(25))
    result = gql(
        """{ products(channel: "default-channel", first: 1) { edges { node {
             pricing(address: {country: DE}) {
               priceRange { start { net { amount } gross { amount } } } }
             variants { pricing(address: {country: DE}) {
               price { net { amount } } } } } } } }"""
    )
    assert "errors" not in result, result
    node = result["data"]["products"]["edges"][0]["node"]
    start = node["pricing"]["priceRange"]["start"]
    assert start == {"net": {"amount": 8.0}, "gross": {"amount": 10.0}}
    assert node["variants"][0]["pricing"]["price"]["net"]["amount"] == 8.0
