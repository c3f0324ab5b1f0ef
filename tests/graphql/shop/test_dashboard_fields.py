"""The ``shop`` fields the Saleor dashboard reads: channel currencies, countries."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.site.queries import get_site_settings
from tests.factories.catalog import ChannelFactory
from tests.factories.shipping import ShippingZoneFactory

pytestmark = pytest.mark.django_db

CURRENCIES = "{ shop { channelCurrencies } }"
COUNTRIES = """
query($filter: CountryFilterInput) {
  shop { countries(filter: $filter) { code country } }
}
"""


def test_channel_currencies_are_distinct_and_sorted(staff_gql: Any) -> None:
    ChannelFactory(currency_code="USD")
    ChannelFactory(currency_code="PLN")
    ChannelFactory(currency_code="USD")
    result = staff_gql(CURRENCIES)
    assert result.errors is None
    assert result.data["shop"]["channelCurrencies"] == ["PLN", "USD"]


def test_channel_currencies_are_refused_to_anonymous_callers(gql: Any) -> None:
    ChannelFactory(currency_code="USD")
    response = gql(CURRENCIES)
    assert response.get("data") is None
    assert response["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )


def test_countries_list_every_country_by_name(gql: Any) -> None:
    countries = gql(COUNTRIES)["data"]["shop"]["countries"]
    codes = [c["code"] for c in countries]
    assert {"PL", "DE", "US", "EU"} <= set(codes)
    assert len(codes) == len(set(codes)) > 240
    names = [c["country"] for c in countries]
    assert names == sorted(names)
    assert {"code": "PL", "country": "Poland"} in countries


def test_countries_filter_by_shipping_zones(gql: Any, count_queries: Any) -> None:
    ShippingZoneFactory(countries=["PL", "DE"])
    ShippingZoneFactory(countries=["DE", "FR"])
    get_site_settings()  # the shop row is cached; the zones are read once
    with count_queries() as queries:
        attached = gql(COUNTRIES, {"filter": {"attachedToShippingZones": True}})
    assert [c["code"] for c in attached["data"]["shop"]["countries"]] == [
        "FR",
        "DE",
        "PL",
    ]
    assert len(queries.captured_queries) == 1
    others = gql(COUNTRIES, {"filter": {"attachedToShippingZones": False}})
    other_codes = {c["code"] for c in others["data"]["shop"]["countries"]}
    assert "US" in other_codes and not other_codes & {"PL", "DE", "FR"}
