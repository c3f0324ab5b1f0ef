"""Delivery on checkouts: shipping methods, collection points, re-validation."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.account.models import Address
from mercato.checkout.models import Checkout
from mercato.checkout.queries import check_delivery, delivery_is_valid
from mercato.core.errors import ErrorCollector
from mercato.core.permissions import Permission
from mercato.inventory.models import ChannelWarehouse, Stock, Warehouse
from tests.factories.catalog import Catalog, build_catalog
from tests.factories.shipping import ShippingMethodFactory, list_method
from tests.graphql.checkout.test_checkout import ADDRESS, create, gid, variant_id

pytestmark = pytest.mark.django_db

DELIVERY_FIELDS = """
id
shippingMethods { id name price { amount } active message }
availableShippingMethods { id }
availableCollectionPoints { id name }
delivery { id shippingMethod { id name } }
shippingMethod { id }
deliveryMethod { __typename ... on Warehouse { id } ... on ShippingMethod { id } }
shippingAddress { city }
shippingPrice { gross { amount } }
totalPrice { gross { amount } }
problems {
  __typename
  ... on CheckoutProblemDeliveryMethodInvalid { delivery { shippingMethod { id } } }
}
"""
READ = f"query($id: ID) {{ checkout(id: $id) {{ {DELIVERY_FIELDS} }} }}"
CHOOSE = f"""
mutation($id: ID, $method: ID) {{
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {{
    checkout {{ {DELIVERY_FIELDS} }} errors {{ field code }}
  }}
}}
"""
LEGACY = """
mutation($id: ID, $method: ID) {
  checkoutShippingMethodUpdate(id: $id, shippingMethodId: $method) {
    checkout { shippingMethod { id } } errors { field code }
  }
}
"""
SHIPPING = """
mutation($id: ID, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {
    errors { code }
  }
}
"""
UPDATE = """
mutation($id: ID, $lines: [CheckoutLineUpdateInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) { errors { code } }
}
"""
OPTIONS = """
mutation($id: ID!) {
  deliveryOptionsCalculate(id: $id) {
    deliveries { id shippingMethod { id price { amount } } } errors { code }
  }
}
"""


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(3)


def _methods(catalog: Catalog) -> tuple[Any, Any]:
    cheap = ShippingMethodFactory(name="Standard")
    list_method(cheap, catalog.channel, price="5")
    capped = ShippingMethodFactory(name="Courier", shipping_zone=cheap.shipping_zone)
    list_method(capped, catalog.channel, price="7", maximum="15")
    return cheap, capped


def test_choose_a_method_then_lines_make_it_invalid(gql: Any, catalog: Catalog) -> None:
    cheap, capped = _methods(catalog)
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    assert gql(READ, {"id": id_})["data"]["checkout"]["shippingMethods"] == []
    assert (
        gql(SHIPPING, {"id": id_, "address": ADDRESS})["data"][
            "checkoutShippingAddressUpdate"
        ]["errors"]
        == []
    )
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["shippingMethods"] == [
        {
            "id": gid("ShippingMethod", cheap.pk),
            "name": "Standard",
            "price": {"amount": 5.0},
            "active": True,
            "message": None,
        },
        {
            "id": gid("ShippingMethod", capped.pk),
            "name": "Courier",
            "price": {"amount": 7.0},
            "active": True,
            "message": None,
        },
    ]
    assert checkout["availableShippingMethods"] == [
        {"id": m["id"]} for m in checkout["shippingMethods"]
    ]

    chosen = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", capped.pk)})
    payload = chosen["data"]["checkoutDeliveryMethodUpdate"]
    assert payload["errors"] == []
    checkout = payload["checkout"]
    assert checkout["delivery"]["shippingMethod"]["id"] == gid(
        "ShippingMethod", capped.pk
    )
    assert checkout["shippingMethod"] == {"id": gid("ShippingMethod", capped.pk)}
    assert checkout["deliveryMethod"]["__typename"] == "ShippingMethod"
    assert checkout["shippingPrice"]["gross"]["amount"] == 7.0
    assert checkout["totalPrice"]["gross"]["amount"] == 17.0
    assert checkout["problems"] == []

    # Two of the line push the subtotal over the courier's maximum order price.
    line = Checkout.objects.get().lines.get()
    lines = [{"lineId": gid("CheckoutLine", line.pk), "quantity": 2}]
    assert (
        gql(UPDATE, {"id": id_, "lines": lines})["data"]["checkoutLinesUpdate"][
            "errors"
        ]
        == []
    )
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert [m["name"] for m in checkout["shippingMethods"]] == ["Standard"]
    assert checkout["problems"] == [
        {
            "__typename": "CheckoutProblemDeliveryMethodInvalid",
            "delivery": {"shippingMethod": {"id": gid("ShippingMethod", capped.pk)}},
        }
    ]
    stored = Checkout.objects.get()
    assert stored.shipping_method_id == capped.pk and not stored.is_delivery_valid
    assert not delivery_is_valid(stored, list(stored.lines.all()))
    errors = ErrorCollector()
    check_delivery(errors, stored, list(stored.lines.all()))
    assert [e.code for e in errors.errors] == [
        "INVALID_SHIPPING_METHOD",
        "BILLING_ADDRESS_NOT_SET",
    ]

    refused = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", capped.pk)})
    assert refused["data"]["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"field": "deliveryMethodId", "code": "DELIVERY_METHOD_NOT_APPLICABLE"}
    ]
    fixed = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", cheap.pk)})
    checkout = fixed["data"]["checkoutDeliveryMethodUpdate"]["checkout"]
    assert checkout["problems"] == []
    assert checkout["totalPrice"]["gross"]["amount"] == 25.0
    stored = Checkout.objects.get()
    assert delivery_is_valid(stored, list(stored.lines.all()))

    cleared = gql(CHOOSE, {"id": id_, "method": None})
    checkout = cleared["data"]["checkoutDeliveryMethodUpdate"]["checkout"]
    assert checkout["delivery"] is None and checkout["deliveryMethod"] is None
    assert checkout["shippingPrice"]["gross"]["amount"] == 0.0
    errors = ErrorCollector()
    stored = Checkout.objects.get()
    check_delivery(errors, stored, list(stored.lines.all()))
    assert errors.errors[0].code == "SHIPPING_METHOD_NOT_SET"


def test_delivery_errors_change_nothing(gql: Any, catalog: Catalog) -> None:
    cheap, _ = _methods(catalog)
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    method = gid("ShippingMethod", cheap.pk)
    no_address = gql(CHOOSE, {"id": id_, "method": method})
    assert no_address["data"]["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"field": "deliveryMethodId", "code": "SHIPPING_ADDRESS_NOT_SET"}
    ]
    legacy = gql(LEGACY, {"id": id_, "method": method})
    assert legacy["data"]["checkoutShippingMethodUpdate"]["errors"] == [
        {"field": "shippingAddress", "code": "SHIPPING_ADDRESS_NOT_SET"}
    ]
    wrong_type = gql(CHOOSE, {"id": id_, "method": variant_id(catalog, 0)})
    assert wrong_type["data"]["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"field": "deliveryMethodId", "code": "INVALID"}
    ]
    missing = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", 999999)})
    assert missing["data"]["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"field": "deliveryMethodId", "code": "NOT_FOUND"}
    ]
    garbage = gql(CHOOSE, {"id": id_, "method": "@@"})
    assert garbage["errors"] and gql.last_status == 200
    other = ShippingMethodFactory(shipping_zone=cheap.shipping_zone)
    list_method(other, catalog.other_channel, price="1")
    gql(SHIPPING, {"id": id_, "address": ADDRESS})
    unlisted = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", other.pk)})
    assert unlisted["data"]["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"field": "deliveryMethodId", "code": "DELIVERY_METHOD_NOT_APPLICABLE"}
    ]
    assert Checkout.objects.get().shipping_method_id is None
    legacy = gql(LEGACY, {"id": id_, "method": method})
    assert legacy["data"]["checkoutShippingMethodUpdate"] == {
        "checkout": {"shippingMethod": {"id": method}},
        "errors": [],
    }


def test_delivery_options_calculate(gql: Any, catalog: Catalog) -> None:
    _methods(catalog)
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    gql(SHIPPING, {"id": id_, "address": ADDRESS})
    result = gql(OPTIONS, {"id": id_})["data"]["deliveryOptionsCalculate"]
    assert result["errors"] == []
    assert [d["shippingMethod"]["price"]["amount"] for d in result["deliveries"]] == [
        5.0,
        7.0,
    ]
    missing = gid("Checkout", "00000000-0000-0000-0000-000000000000")
    result = gql(OPTIONS, {"id": missing})["data"]["deliveryOptionsCalculate"]
    assert result["errors"] == [{"code": "NOT_FOUND"}]


def _warehouse(catalog: Catalog, name: str, option: str, private: bool = False) -> Any:
    address = Address.objects.create(
        street_address_1="5 Pickup Rd",
        city=name.upper(),
        postal_code="10001",
        country="US",
    )
    warehouse = Warehouse.objects.create(
        name=name,
        slug=name.lower(),
        address=address,
        is_private=private,
        click_and_collect_option=option,
    )
    ChannelWarehouse.objects.create(channel=catalog.channel, warehouse=warehouse)
    return warehouse


def test_click_and_collect_local_and_all(gql: Any, catalog: Catalog) -> None:
    variant = catalog.variants[0]  # 10 in the catalog's warehouse
    local = _warehouse(catalog, "Local", "local")
    Stock.objects.create(warehouse=local, product_variant=variant, quantity=1)
    everywhere = _warehouse(catalog, "Hub", "all")
    hidden = _warehouse(catalog, "Private", "local", private=True)
    Stock.objects.create(warehouse=hidden, product_variant=variant, quantity=5)
    _warehouse(catalog, "Off", "disabled")

    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["availableCollectionPoints"] == [
        {"id": gid("Warehouse", everywhere.pk), "name": "Hub"},
        {"id": gid("Warehouse", local.pk), "name": "Local"},
    ]
    chosen = gql(CHOOSE, {"id": id_, "method": gid("Warehouse", local.pk)})
    payload = chosen["data"]["checkoutDeliveryMethodUpdate"]
    assert payload["errors"] == []
    assert payload["checkout"]["deliveryMethod"] == {
        "__typename": "Warehouse",
        "id": gid("Warehouse", local.pk),
    }
    assert payload["checkout"]["shippingAddress"] == {"city": "LOCAL"}
    assert payload["checkout"]["shippingPrice"]["gross"]["amount"] == 0.0
    assert payload["checkout"]["delivery"] is None

    # Two units: the local warehouse has one, the channel has enough for ALL.
    line = Checkout.objects.get().lines.get()
    lines = [{"lineId": gid("CheckoutLine", line.pk), "quantity": 2}]
    gql(UPDATE, {"id": id_, "lines": lines})
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["availableCollectionPoints"] == [
        {"id": gid("Warehouse", everywhere.pk), "name": "Hub"}
    ]
    assert checkout["problems"][0]["__typename"] == (
        "CheckoutProblemDeliveryMethodInvalid"
    )
    refused = gql(CHOOSE, {"id": id_, "method": gid("Warehouse", hidden.pk)})
    assert refused["data"]["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"field": "deliveryMethodId", "code": "DELIVERY_METHOD_NOT_APPLICABLE"}
    ]
    moved = gql(CHOOSE, {"id": id_, "method": gid("Warehouse", everywhere.pk)})
    checkout = moved["data"]["checkoutDeliveryMethodUpdate"]["checkout"]
    assert checkout["problems"] == [] and checkout["shippingAddress"]["city"] == "HUB"
    stored = Checkout.objects.get()
    assert delivery_is_valid(stored, list(stored.lines.all()))


def test_checkouts_list_with_delivery_does_not_grow(
    staff_gql: Any, gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    cheap, _ = _methods(catalog)
    _warehouse(catalog, "Hub", "all")
    query = """
    { checkouts(first: 20) { edges { node {
      problems { __typename } delivery { shippingMethod { name price { amount } } }
      deliveryMethod { __typename } discount { amount } voucherCode customerNote
      availableCollectionPoints { name address { city } } stockReservationExpires
      lines { problems { __typename } unitPrice { net { amount } } }
    } } } }
    """
    staff = (Permission.MANAGE_CHECKOUTS,)

    def make(index: int) -> None:
        id_ = create(gql, catalog, (index, 1))["checkout"]["id"]
        gql(SHIPPING, {"id": id_, "address": ADDRESS})
        gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", cheap.pk)})

    make(0)
    with count_queries() as small:
        assert staff_gql(query, permissions=staff).errors is None
    for index in range(1, 6):
        make(index)
    with count_queries() as large:
        result = staff_gql(query, permissions=staff)
    assert result.errors is None and len(result.data["checkouts"]["edges"]) == 6
    assert all(
        e["node"]["delivery"]["shippingMethod"]["name"] == cheap.name
        and e["node"]["availableCollectionPoints"][0]["address"]["city"] == "HUB"
        for e in result.data["checkouts"]["edges"]
    )
    assert len(large.captured_queries) == len(small.captured_queries)


def test_checkouts_list_shipping_methods_do_not_grow(
    staff_gql: Any, gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    cheap, capped = _methods(catalog)
    hub = _warehouse(catalog, "Hub", "all")
    query = """
    { checkouts(first: 20) { edges { node {
      id shippingMethods { id name price { amount } }
      availableShippingMethods { id } availableCollectionPoints { id }
    } } } }
    """
    staff = (Permission.MANAGE_CHECKOUTS,)
    expected: dict[str, list[str]] = {}

    def make(index: int) -> None:
        # Every other checkout orders two units: over the courier's maximum.
        quantity = 1 + index % 2
        id_ = create(gql, catalog, (index % 6, quantity))["checkout"]["id"]
        gql(SHIPPING, {"id": id_, "address": ADDRESS})
        expected[id_] = ["Standard"] if quantity == 2 else ["Standard", "Courier"]

    def check(result: Any) -> None:
        assert result.errors is None
        edges = result.data["checkouts"]["edges"]
        assert len(edges) == len(expected)
        for edge in edges:
            node = edge["node"]
            assert [m["name"] for m in node["shippingMethods"]] == expected[node["id"]]
            assert node["availableShippingMethods"] == [
                {"id": m["id"]} for m in node["shippingMethods"]
            ]
            assert node["availableCollectionPoints"] == [
                {"id": gid("Warehouse", hub.pk)}
            ]

    for index in range(2):
        make(index)
    with count_queries() as small:
        check(staff_gql(query, permissions=staff))
    for index in range(2, 8):
        make(index)
    with count_queries() as large:
        check(staff_gql(query, permissions=staff))
    assert {cheap.name, capped.name} == {"Standard", "Courier"}
    assert len(large.captured_queries) == len(small.captured_queries)
