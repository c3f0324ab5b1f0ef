from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.tax.models import TaxClass, TaxClassCountryRate
from mercato.tax.queries import get_tax_configuration
from tests.factories.catalog import ChannelFactory, build_catalog

pytestmark = pytest.mark.django_db

TAXES = (Permission.MANAGE_TAXES,)

CONFIGURATION_UPDATE = """
mutation($id: ID!, $input: TaxConfigurationUpdateInput!) {
  taxConfigurationUpdate(id: $id, input: $input) {
    taxConfiguration {
      id chargeTaxes displayGrossPrices pricesEnteredWithTax taxCalculationStrategy
      channel { slug }
      countries { country { code } chargeTaxes displayGrossPrices }
    }
    errors { field code message countryCodes }
  }
}
"""
CLASS_CREATE = """
mutation($input: TaxClassCreateInput!) {
  taxClassCreate(input: $input) {
    taxClass { id name countries { country { code } rate taxClass { name } } }
    errors { field code countryCodes }
  }
}
"""
CLASS_UPDATE = """
mutation($id: ID!, $input: TaxClassUpdateInput!) {
  taxClassUpdate(id: $id, input: $input) {
    taxClass { name countries { country { code } rate } }
    errors { field code countryCodes }
  }
}
"""
CLASS_DELETE = """
mutation($id: ID!) {
  taxClassDelete(id: $id) { taxClass { id name } errors { field code } }
}
"""
COUNTRY_UPDATE = """
mutation($code: CountryCode!, $rates: [TaxClassRateInput!]!) {
  taxCountryConfigurationUpdate(countryCode: $code, updateTaxClassRates: $rates) {
    taxCountryConfiguration {
      country { code } taxClassCountryRates { rate taxClass { name } }
    }
    errors { field code taxClassIds }
  }
}
"""
COUNTRY_DELETE = """
mutation($code: CountryCode!) {
  taxCountryConfigurationDelete(countryCode: $code) {
    taxCountryConfiguration { country { code } taxClassCountryRates { rate } }
    errors { field code }
  }
}
"""
READS = """
{
  taxConfigurations(first: 10) { totalCount edges { node { channel { slug } } } }
  taxClasses(first: 10, sortBy: {field: NAME, direction: ASC}) {
    edges { node { name } }
  }
  taxCountryConfigurations { country { code } taxClassCountryRates { rate } }
  taxCountryConfiguration(countryCode: PL) { taxClassCountryRates { rate } }
  channels { slug taxConfiguration { chargeTaxes } }
}
"""


def _data(result: Any, name: str) -> dict[str, Any]:
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data[name]
    return payload


def test_configuration_update_sets_fields_and_country_exceptions(
    staff_gql: Any,
) -> None:
    channel = ChannelFactory(slug="pl", default_country="PL")
    configuration = get_tax_configuration(channel)
    payload = _data(
        staff_gql(
            CONFIGURATION_UPDATE,
            {
                "id": to_global_id("TaxConfiguration", configuration.pk),
                "input": {
                    "pricesEnteredWithTax": False,
                    "displayGrossPrices": False,
                    "updateCountriesConfiguration": [
                        {
                            "countryCode": "DE",
                            "chargeTaxes": False,
                            "displayGrossPrices": True,
                        }
                    ],
                },
            },
            TAXES,
        ),
        "taxConfigurationUpdate",
    )
    assert payload["errors"] == []
    saved = payload["taxConfiguration"]
    assert saved["pricesEnteredWithTax"] is False
    assert saved["displayGrossPrices"] is False
    assert saved["chargeTaxes"] is True
    assert saved["taxCalculationStrategy"] == "FLAT_RATES"
    assert saved["channel"]["slug"] == "pl"
    assert saved["countries"] == [
        {"country": {"code": "DE"}, "chargeTaxes": False, "displayGrossPrices": True}
    ]


def test_configuration_update_refuses_a_country_twice(staff_gql: Any) -> None:
    configuration = get_tax_configuration(ChannelFactory())
    item = {"countryCode": "DE", "chargeTaxes": False, "displayGrossPrices": True}
    payload = _data(
        staff_gql(
            CONFIGURATION_UPDATE,
            {
                "id": to_global_id("TaxConfiguration", configuration.pk),
                "input": {"updateCountriesConfiguration": [item, item]},
            },
            TAXES,
        ),
        "taxConfigurationUpdate",
    )
    assert payload["taxConfiguration"] is None
    assert payload["errors"][0]["code"] == "DUPLICATED_INPUT_ITEM"
    assert payload["errors"][0]["countryCodes"] == ["DE"]


def test_tax_class_create_update_delete(staff_gql: Any) -> None:
    created = _data(
        staff_gql(
            CLASS_CREATE,
            {
                "input": {
                    "name": "Books",
                    "createCountryRates": [{"countryCode": "PL", "rate": 5}],
                }
            },
            TAXES,
        ),
        "taxClassCreate",
    )
    assert created["errors"] == []
    assert created["taxClass"]["countries"] == [
        {"country": {"code": "PL"}, "rate": 5.0, "taxClass": {"name": "Books"}}
    ]
    class_id = created["taxClass"]["id"]
    updated = _data(
        staff_gql(
            CLASS_UPDATE,
            {
                "id": class_id,
                "input": {
                    "name": "E-books",
                    "updateCountryRates": [{"countryCode": "DE", "rate": 7}],
                    "removeCountryRates": ["PL"],
                },
            },
            TAXES,
        ),
        "taxClassUpdate",
    )
    assert updated["taxClass"] == {
        "name": "E-books",
        "countries": [{"country": {"code": "DE"}, "rate": 7.0}],
    }
    deleted = _data(staff_gql(CLASS_DELETE, {"id": class_id}, TAXES), "taxClassDelete")
    assert deleted["taxClass"] == {"id": class_id, "name": "E-books"}
    assert not TaxClass.objects.exists()
    assert not TaxClassCountryRate.objects.exists()


def test_tax_class_bad_input_changes_nothing(staff_gql: Any) -> None:
    payload = _data(
        staff_gql(
            CLASS_CREATE,
            {
                "input": {
                    "name": " ",
                    "createCountryRates": [{"countryCode": "PL", "rate": -1}],
                }
            },
            TAXES,
        ),
        "taxClassCreate",
    )
    assert payload["taxClass"] is None
    assert {e["field"] for e in payload["errors"]} == {"name", "createCountryRates"}
    assert not TaxClass.objects.exists()
    missing = _data(
        staff_gql(CLASS_DELETE, {"id": to_global_id("TaxClass", 999)}, TAXES),
        "taxClassDelete",
    )
    assert missing["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


def test_country_rates_update_and_delete(staff_gql: Any) -> None:
    books = TaxClass.objects.create(name="Books")
    payload = _data(
        staff_gql(
            COUNTRY_UPDATE,
            {
                "code": "PL",
                "rates": [
                    {"rate": 23},
                    {"taxClassId": to_global_id("TaxClass", books.pk), "rate": 5},
                ],
            },
            TAXES,
        ),
        "taxCountryConfigurationUpdate",
    )
    assert payload["errors"] == []
    assert payload["taxCountryConfiguration"] == {
        "country": {"code": "PL"},
        "taxClassCountryRates": [
            {"rate": 23.0, "taxClass": None},
            {"rate": 5.0, "taxClass": {"name": "Books"}},
        ],
    }
    bad = _data(
        staff_gql(COUNTRY_UPDATE, {"code": "PL", "rates": [{"rate": -2}]}, TAXES),
        "taxCountryConfigurationUpdate",
    )
    assert bad["errors"][0]["code"] == "CANNOT_CREATE_NEGATIVE_RATE"
    twice = _data(
        staff_gql(
            COUNTRY_UPDATE, {"code": "PL", "rates": [{"rate": 1}, {"rate": 2}]}, TAXES
        ),
        "taxCountryConfigurationUpdate",
    )
    assert twice["errors"][0]["code"] == "ONLY_ONE_DEFAULT_COUNTRY_RATE_ALLOWED"
    deleted = _data(
        staff_gql(COUNTRY_DELETE, {"code": "PL"}, TAXES),
        "taxCountryConfigurationDelete",
    )
    assert deleted["taxCountryConfiguration"]["taxClassCountryRates"] == []
    assert not TaxClassCountryRate.objects.exists()


def test_reads(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="pl")
    get_tax_configuration(channel)  # factories skip the channel service
    TaxClass.objects.create(name="Books")
    TaxClassCountryRate.objects.create(country="PL", rate=Decimal(23))
    data = staff_gql(READS, None, TAXES).data
    assert data["channels"] == [
        {"slug": "pl", "taxConfiguration": {"chargeTaxes": True}}
    ]
    assert data["taxConfigurations"]["totalCount"] == 1
    assert data["taxConfigurations"]["edges"][0]["node"]["channel"]["slug"] == "pl"
    assert data["taxClasses"]["edges"] == [{"node": {"name": "Books"}}]
    assert data["taxCountryConfigurations"] == [
        {"country": {"code": "PL"}, "taxClassCountryRates": [{"rate": 23.0}]}
    ]
    assert data["taxCountryConfiguration"] == {"taxClassCountryRates": [{"rate": 23.0}]}
    assert channel.tax_configuration.charge_taxes is True


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CLASS_CREATE, {"input": {"name": "Books"}}),
        (COUNTRY_DELETE, {"code": "PL"}),
        (READS, None),
    ],
)
def test_taxes_need_manage_taxes(staff_gql: Any, query: str, variables: Any) -> None:
    ChannelFactory()
    result = staff_gql(query, variables, (Permission.MANAGE_PRODUCTS,))
    assert result.errors
    assert isinstance(result.errors[0].original_error, PermissionDenied)
    assert not TaxClass.objects.exists()


def test_a_new_channel_gets_a_tax_configuration(staff_gql: Any) -> None:
    result = staff_gql(
        """mutation { channelCreate(input: {name: "DE", slug: "de",
           currencyCode: "EUR", defaultCountry: DE}) {
           channel { taxConfiguration { chargeTaxes pricesEnteredWithTax } } } }""",
        None,
        (Permission.MANAGE_CHANNELS, Permission.MANAGE_TAXES),
    )
    assert result.errors is None, result.errors
    channel = result.data["channelCreate"]["channel"]
    assert channel["taxConfiguration"] == {
        "chargeTaxes": True,
        "pricesEnteredWithTax": True,
    }


def test_products_and_types_show_their_tax_class(staff_gql: Any) -> None:
    catalog = build_catalog(2)
    books = TaxClass.objects.create(name="Books")
    catalog.product_type.tax_class = books
    catalog.product_type.save()
    product = catalog.products[0]
    product.tax_class = TaxClass.objects.create(name="Zero")
    product.save()
    result = staff_gql(
        """{ products(first: 10, channel: "default-channel") { edges { node {
             slug taxClass { name } productType { taxClass { name } } } } } }""",
        None,
        (Permission.MANAGE_PRODUCTS,),
    )
    assert result.errors is None, result.errors
    nodes = {
        edge["node"]["slug"]: edge["node"] for edge in result.data["products"]["edges"]
    }
    assert nodes[product.slug]["taxClass"] == {"name": "Zero"}
    assert nodes[product.slug]["productType"]["taxClass"] == {"name": "Books"}
    assert nodes[catalog.products[1].slug]["taxClass"] is None


def test_product_and_type_mutations_set_the_tax_class(staff_gql: Any) -> None:
    catalog = build_catalog(1)
    books = TaxClass.objects.create(name="Books")
    product = catalog.products[0]
    class_id = to_global_id("TaxClass", books.pk)
    result = staff_gql(
        """mutation($id: ID!, $tc: ID) {
             productUpdate(id: $id, input: {taxClass: $tc}) {
               product { taxClass { name } } errors { field code } }
             productTypeUpdate(id: $type, input: {taxClass: $tc}) {
               productType { taxClass { name } } errors { field code } } }""".replace(
            "$type", '"' + to_global_id("ProductType", catalog.product_type.pk) + '"'
        ),
        {"id": to_global_id("Product", product.pk), "tc": class_id},
        (Permission.MANAGE_PRODUCTS, Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
    )
    assert result.errors is None, result.errors
    assert result.data["productUpdate"]["product"]["taxClass"] == {"name": "Books"}
    assert result.data["productTypeUpdate"]["productType"]["taxClass"] == {
        "name": "Books"
    }
    missing = staff_gql(
        """mutation($id: ID!, $tc: ID) { productUpdate(id: $id, input: {taxClass: $tc})
             { product { id } errors { field code } } }""",
        {
            "id": to_global_id("Product", product.pk),
            "tc": to_global_id("TaxClass", 999),
        },
        (Permission.MANAGE_PRODUCTS,),
    )
    assert missing.data["productUpdate"]["errors"] == [
        {"field": "taxClass", "code": "NOT_FOUND"}
    ]
    cleared = staff_gql(
        """mutation($id: ID!) { productUpdate(id: $id, input: {taxClass: null})
             { product { taxClass { name } } } }""",
        {"id": to_global_id("Product", product.pk)},
        (Permission.MANAGE_PRODUCTS,),
    )
    assert cleared.data["productUpdate"]["product"]["taxClass"] is None


def test_tax_classes_take_metadata(staff_gql: Any) -> None:
    books = TaxClass.objects.create(name="Books")
    mutation = """mutation($id: ID!) {
      updateMetadata(id: $id, input: [{key: "k", value: "v"}]) { errors { code } }
      updatePrivateMetadata(id: $id, input: [{key: "p", value: "q"}]) {
        errors { code } } }"""
    gid = to_global_id("TaxClass", books.pk)
    denied = staff_gql(mutation, {"id": gid}, (Permission.MANAGE_PRODUCTS,))
    assert denied.errors
    result = staff_gql(mutation, {"id": gid}, TAXES)
    assert result.errors is None, result.errors
    books.refresh_from_db()
    assert books.metadata == {"k": "v"}
    assert books.private_metadata == {"p": "q"}
