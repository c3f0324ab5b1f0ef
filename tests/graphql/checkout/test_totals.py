"""Checkout totals: taxes by the channel's configuration and the tax country,
order discounts (vouchers) and gift cards, promo codes, customer note."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mercato.channel.queries import forget_channels
from mercato.checkout.models import Checkout
from mercato.checkout.queries import checkout_problems
from mercato.core.permissions import Permission
from mercato.discount.models import PromotionType, RewardType
from mercato.giftcard.models import GiftCard
from mercato.inventory.models import Reservation, Stock
from mercato.product.models import ProductVariantChannelListing
from mercato.tax.models import (
    TaxClass,
    TaxClassCountryRate,
    TaxConfiguration,
    TaxConfigurationPerCountry,
)
from mercato.tax.queries import forget_channel_taxes
from tests.factories.catalog import Catalog, build_catalog
from tests.factories.discount import PromotionFactory, make_rule, make_voucher
from tests.factories.giftcard import make_gift_card
from tests.factories.shipping import ShippingMethodFactory, list_method
from tests.graphql.checkout.test_checkout import ADDRESS, create, gid

pytestmark = pytest.mark.django_db

TOTALS = """
id displayGrossPrices taxExemption discount { amount } discountName voucherCode
customerNote
subtotalPrice { net { amount } gross { amount } tax { amount } }
shippingPrice { net { amount } gross { amount } }
totalPrice { net { amount } gross { amount } }
lines {
  unitPrice { net { amount } gross { amount } }
  totalPrice { net { amount } gross { amount } }
  undiscountedTotalPrice { amount }
}
"""
READ = f"query($id: ID) {{ checkout(id: $id) {{ {TOTALS} }} }}"
SHIPPING = """
mutation($id: ID, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) { errors { code } }
}
"""
BILLING = """
mutation($id: ID, $address: AddressInput!) {
  checkoutBillingAddressUpdate(id: $id, billingAddress: $address) { errors { code } }
}
"""
CHOOSE = """
mutation($id: ID, $method: ID) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) { errors { code } }
}
"""
ADD_CODE = f"""
mutation($id: ID, $code: String!) {{
  checkoutAddPromoCode(id: $id, promoCode: $code) {{
    checkout {{ {TOTALS} }} errors {{ field code }}
  }}
}}
"""
REMOVE_CODE = f"""
mutation($id: ID, $code: String, $codeId: ID) {{
  checkoutRemovePromoCode(id: $id, promoCode: $code, promoCodeId: $codeId) {{
    checkout {{ {TOTALS} }} errors {{ field code }}
  }}
}}
"""
NOTE = """
mutation($id: ID!, $note: String!) {
  checkoutCustomerNoteUpdate(id: $id, customerNote: $note) {
    checkout { customerNote note } errors { field code }
  }
}
"""
PL_ADDRESS = {
    "firstName": "Jan",
    "lastName": "Kowalski",
    "streetAddress1": "Marszalkowska 1",
    "city": "Warszawa",
    "postalCode": "00-001",
    "country": "PL",
}


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(3)


def taxed(net: float, gross: float) -> dict[str, Any]:
    return {"net": {"amount": net}, "gross": {"amount": gross}}


def _tax_setup(catalog: Catalog, entered_with_tax: bool = True) -> TaxConfiguration:
    """US: 20 % by default, 5 % reduced (the product type's class), 8 % standard
    (product 1's own class). PL: 23 % by default."""
    reduced = TaxClass.objects.create(name="Reduced")
    standard = TaxClass.objects.create(name="Standard")
    TaxClassCountryRate.objects.create(country="US", rate=Decimal(20))
    TaxClassCountryRate.objects.create(tax_class=reduced, country="US", rate=5)
    TaxClassCountryRate.objects.create(tax_class=standard, country="US", rate=8)
    TaxClassCountryRate.objects.create(country="PL", rate=Decimal(23))
    catalog.product_type.tax_class = reduced
    catalog.product_type.save(update_fields=["tax_class"])
    product = catalog.products[1]
    product.tax_class = standard
    product.save(update_fields=["tax_class"])
    configuration, _ = TaxConfiguration.objects.update_or_create(
        channel=catalog.channel,
        defaults={"prices_entered_with_tax": entered_with_tax},
    )
    forget_channel_taxes()
    return configuration


def _shipped_checkout(gql: Any, catalog: Catalog) -> str:
    method = ShippingMethodFactory()
    list_method(method, catalog.channel, price="5")
    # 3 x variant 0 (10.00, reduced rate) and 1 x variant 2 (11.00, standard rate)
    id_: str = create(gql, catalog, (0, 3), (2, 1))["checkout"]["id"]
    gql(SHIPPING, {"id": id_, "address": ADDRESS})
    errors = gql(CHOOSE, {"id": id_, "method": gid("ShippingMethod", method.pk)})
    assert errors["data"]["checkoutDeliveryMethodUpdate"]["errors"] == []
    return id_


def _expire_prices() -> None:
    Checkout.objects.update(price_expiration=timezone.now() - datetime.timedelta(1))
    forget_channel_taxes()


def test_prices_entered_with_tax(gql: Any, catalog: Catalog) -> None:
    _tax_setup(catalog, entered_with_tax=True)
    id_ = _shipped_checkout(gql, catalog)
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    first, second = checkout["lines"]
    assert first["totalPrice"] == taxed(28.57, 30.0)  # 30.00 at 5 %
    assert first["unitPrice"] == taxed(9.52, 10.0)
    assert second["totalPrice"] == taxed(10.19, 11.0)  # 11.00 at 8 %
    assert checkout["shippingPrice"] == taxed(4.17, 5.0)  # 5.00 at 20 %
    assert checkout["subtotalPrice"] == {
        **taxed(38.76, 41.0),
        "tax": {"amount": 2.24},
    }
    assert checkout["totalPrice"] == taxed(42.93, 46.0)
    assert checkout["displayGrossPrices"] is True
    assert checkout["taxExemption"] is False
    line = Checkout.objects.get().lines.order_by("id").first()
    assert line is not None and line.tax_rate == Decimal("0.0500")


def test_prices_entered_without_tax_and_a_country_exception(
    gql: Any, catalog: Catalog
) -> None:
    configuration = _tax_setup(catalog, entered_with_tax=False)
    id_ = _shipped_checkout(gql, catalog)
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    first, second = checkout["lines"]
    assert first["totalPrice"] == taxed(30.0, 31.5)
    assert first["unitPrice"] == taxed(10.0, 10.5)
    assert second["totalPrice"] == taxed(11.0, 11.88)
    assert checkout["shippingPrice"] == taxed(5.0, 6.0)
    assert checkout["totalPrice"] == taxed(46.0, 49.38)

    # The US exception: no taxes there, and net prices shown.
    TaxConfigurationPerCountry.objects.create(
        tax_configuration=configuration,
        country="US",
        charge_taxes=False,
        display_gross_prices=False,
    )
    stored = Checkout.objects.get().total_gross_amount
    forget_channel_taxes()
    assert Checkout.objects.get().total_gross_amount == stored  # nothing on read
    _expire_prices()
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["totalPrice"] == taxed(46.0, 46.0)
    assert checkout["lines"][0]["totalPrice"] == taxed(30.0, 30.0)
    assert checkout["displayGrossPrices"] is False


def test_tax_country_is_shipping_else_billing_else_channel(
    gql: Any, catalog: Catalog
) -> None:
    _tax_setup(catalog, entered_with_tax=True)
    id_ = create(gql, catalog, (4, 1))["checkout"]["id"]  # product 2: 12.00, 5 %
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["totalPrice"] == taxed(11.43, 12.0)  # channel country: US
    assert (
        gql(BILLING, {"id": id_, "address": PL_ADDRESS})["data"][
            "checkoutBillingAddressUpdate"
        ]["errors"]
        == []
    )
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["totalPrice"] == taxed(9.76, 12.0)  # billing country: PL, 23 %
    gql(SHIPPING, {"id": id_, "address": ADDRESS})
    checkout = gql(READ, {"id": id_})["data"]["checkout"]
    assert checkout["totalPrice"] == taxed(11.43, 12.0)  # shipping country: US


def test_voucher_codes(gql: Any, staff_gql: Any, catalog: Catalog) -> None:
    make_voucher(catalog.channel, "SAVE5", value="5", name="Five off")
    make_voucher(catalog.channel, "BIG", value="5", min_spent="1000")
    id_ = create(gql, catalog, (0, 1), (1, 1))["checkout"]["id"]  # 10 + 11

    invalid = gql(ADD_CODE, {"id": id_, "code": "NOPE"})["data"]["checkoutAddPromoCode"]
    assert invalid["errors"] == [{"field": "promoCode", "code": "INVALID"}]
    too_small = gql(ADD_CODE, {"id": id_, "code": "BIG"})["data"]
    assert too_small["checkoutAddPromoCode"]["errors"] == [
        {"field": "promoCode", "code": "VOUCHER_NOT_APPLICABLE"}
    ]
    assert Checkout.objects.get().voucher_code is None

    added = gql(ADD_CODE, {"id": id_, "code": "SAVE5"})["data"]["checkoutAddPromoCode"]
    assert added["errors"] == []
    checkout = added["checkout"]
    assert checkout["voucherCode"] == "SAVE5"
    assert checkout["discountName"] == "Five off"
    assert checkout["discount"] == {"amount": 5.0}
    assert checkout["subtotalPrice"]["gross"]["amount"] == 16.0
    assert checkout["totalPrice"] == taxed(16.0, 16.0)
    line_totals = [line["totalPrice"]["gross"]["amount"] for line in checkout["lines"]]
    assert sum(line_totals) == 16.0 and line_totals != [10.0, 11.0]
    assert [line["undiscountedTotalPrice"]["amount"] for line in checkout["lines"]] == [
        10.0,
        11.0,
    ]

    voucher_query = "query($id: ID) { checkout(id: $id) { voucher { name } } }"
    denied = gql(voucher_query, {"id": id_})
    assert denied["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )
    staff = staff_gql(
        voucher_query, {"id": id_}, permissions=(Permission.MANAGE_DISCOUNTS,)
    )
    assert staff.data["checkout"]["voucher"] == {"name": "Five off"}

    removed = gql(REMOVE_CODE, {"id": id_, "code": "SAVE5"})["data"]
    checkout = removed["checkoutRemovePromoCode"]["checkout"]
    assert checkout["voucherCode"] is None
    assert checkout["discount"] == {"amount": 0.0}
    assert checkout["totalPrice"]["gross"]["amount"] == 21.0
    nothing = gql(REMOVE_CODE, {"id": id_})["data"]["checkoutRemovePromoCode"]
    assert nothing["errors"] == [{"field": "promoCode", "code": "GRAPHQL_ERROR"}]


def test_gift_cards_pay_part_of_the_total(gql: Any, catalog: Catalog) -> None:
    card = make_gift_card(balance="15", code="GIFT-15")
    big = make_gift_card(balance="100", code="GIFT-100")
    id_ = create(gql, catalog, (0, 1), (1, 1))["checkout"]["id"]  # 21.00

    added = gql(ADD_CODE, {"id": id_, "code": "gift-15"})["data"][
        "checkoutAddPromoCode"
    ]
    assert added["errors"] == []
    assert added["checkout"]["totalPrice"] == taxed(6.0, 6.0)
    assert added["checkout"]["subtotalPrice"]["gross"]["amount"] == 21.0
    assert added["checkout"]["voucherCode"] is None
    assert Checkout.objects.get().total_gross_amount == Decimal("6.000")

    both = gql(ADD_CODE, {"id": id_, "code": "GIFT-100"})["data"]
    assert both["checkoutAddPromoCode"]["checkout"]["totalPrice"] == taxed(0.0, 0.0)

    by_id = gql(REMOVE_CODE, {"id": id_, "codeId": gid("GiftCard", big.pk)})["data"]
    checkout = by_id["checkoutRemovePromoCode"]["checkout"]
    assert checkout["totalPrice"]["gross"]["amount"] == 6.0
    by_code = gql(REMOVE_CODE, {"id": id_, "code": "GIFT-15"})["data"]
    checkout = by_code["checkoutRemovePromoCode"]["checkout"]
    assert checkout["totalPrice"]["gross"]["amount"] == 21.0
    assert not GiftCard.objects.filter(pk=card.pk, checkouts__isnull=False).exists()

    make_gift_card(balance="10", code="EURO", currency="EUR")
    foreign = gql(ADD_CODE, {"id": id_, "code": "EURO"})["data"]
    assert foreign["checkoutAddPromoCode"]["errors"] == [
        {"field": "promoCode", "code": "INVALID"}
    ]


def test_customer_note(gql: Any, catalog: Catalog) -> None:
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    result = gql(NOTE, {"id": id_, "note": " Leave it at the door "})["data"]
    assert result["checkoutCustomerNoteUpdate"] == {
        "checkout": {
            "customerNote": "Leave it at the door",
            "note": "Leave it at the door",
        },
        "errors": [],
    }
    too_long = gql(NOTE, {"id": id_, "note": "x" * 10_001})["data"]
    assert too_long["checkoutCustomerNoteUpdate"]["errors"] == [
        {"field": "customerNote", "code": "INVALID"}
    ]
    assert Checkout.objects.get().customer_note == "Leave it at the door"


PROBLEMS = """
query($id: ID) { checkout(id: $id) {
  stockReservationExpires isShippingRequired
  problems {
    __typename
    ... on CheckoutLineProblemInsufficientStock {
      availableQuantity line { id } variant { id }
    }
    ... on CheckoutLineProblemVariantNotAvailable { line { id } }
  }
  lines { id problems { __typename } isGift }
} }
"""


def test_problems_of_lines(gql: Any, catalog: Catalog) -> None:
    id_ = create(gql, catalog, (0, 2), (1, 1))["checkout"]["id"]
    checkout = gql(PROBLEMS, {"id": id_})["data"]["checkout"]
    assert checkout["problems"] == []
    assert checkout["stockReservationExpires"] is None
    assert checkout["isShippingRequired"] is True
    first, second = checkout["lines"]
    assert first["problems"] == [] and first["isGift"] is False

    Stock.objects.filter(product_variant=catalog.variants[0]).update(quantity=1)
    ProductVariantChannelListing.objects.filter(
        variant=catalog.variants[1], channel=catalog.channel
    ).update(price_amount=None)
    checkout = gql(PROBLEMS, {"id": id_})["data"]["checkout"]
    assert checkout["problems"] == [
        {
            "__typename": "CheckoutLineProblemInsufficientStock",
            "availableQuantity": 1,
            "line": {"id": first["id"]},
            "variant": {"id": gid("ProductVariant", catalog.variants[0].pk)},
        },
        {
            "__typename": "CheckoutLineProblemVariantNotAvailable",
            "line": {"id": second["id"]},
        },
    ]
    assert [line["problems"] for line in checkout["lines"]] == [
        [{"__typename": "CheckoutLineProblemInsufficientStock"}],
        [{"__typename": "CheckoutLineProblemVariantNotAvailable"}],
    ]
    stored = Checkout.objects.get()
    problems = checkout_problems(stored, list(stored.lines.order_by("id")))
    assert [type(p).__name__ for p in problems] == [
        "LineInsufficientStock",
        "LineVariantNotAvailable",
    ]


METADATA = """
mutation($id: ID!) {
  updateMetadata(id: $id, input: [{key: "gift-wrap", value: "yes"}]) {
    item { ... on Checkout { metadata { key value } } } errors { code }
  }
}
"""
PRIVATE_METADATA = """
mutation($id: ID!) {
  updatePrivateMetadata(id: $id, input: [{key: "risk", value: "low"}]) {
    item { ... on Checkout { id } } errors { code }
  }
}
"""


def test_checkout_metadata(gql: Any, staff_gql: Any, catalog: Catalog) -> None:
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]
    public = gql(METADATA, {"id": id_})["data"]["updateMetadata"]
    assert public == {
        "item": {"metadata": [{"key": "gift-wrap", "value": "yes"}]},
        "errors": [],
    }
    denied = gql(PRIVATE_METADATA, {"id": id_})
    assert denied["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )
    allowed = staff_gql(
        PRIVATE_METADATA, {"id": id_}, permissions=(Permission.MANAGE_CHECKOUTS,)
    )
    assert allowed.errors is None
    stored = Checkout.objects.get()
    assert stored.metadata == {"gift-wrap": "yes"}
    assert stored.private_metadata == {"risk": "low"}
    garbage = gql(METADATA, {"id": gid("Checkout", "not-a-uuid")})
    assert garbage["errors"] and gql.last_status == 200


def test_lines_hold_stock_when_the_channel_reserves(gql: Any, catalog: Catalog) -> None:
    catalog.channel.reservation_minutes = 15
    catalog.channel.save(update_fields=["reservation_minutes"])
    forget_channels()
    first = create(gql, catalog, (0, 8))["checkout"]["id"]  # 10 in stock
    checkout = gql(PROBLEMS, {"id": first})["data"]["checkout"]
    assert checkout["stockReservationExpires"] is not None
    assert Reservation.objects.get().quantity_reserved == 8
    second = create(gql, catalog, (0, 3))
    assert second["checkout"] is None
    assert [e["code"] for e in second["errors"]] == ["INSUFFICIENT_STOCK"]
    assert create(gql, catalog, (0, 2))["errors"] == []
    line = Checkout.objects.order_by("created_at").first().lines.get()  # type: ignore[union-attr]
    gql(
        """mutation($id: ID, $ids: [ID!]!) {
          checkoutLinesDelete(id: $id, linesIds: $ids) { errors { code } } }""",
        {"id": first, "ids": [gid("CheckoutLine", line.pk)]},
    )
    assert (
        gql(PROBLEMS, {"id": first})["data"]["checkout"]["stockReservationExpires"]
        is None
    )
    assert Reservation.objects.count() == 1


def test_a_checkout_may_use_the_stock_it_holds(gql: Any, catalog: Catalog) -> None:
    catalog.channel.reservation_minutes = 15
    catalog.channel.save(update_fields=["reservation_minutes"])
    forget_channels()
    checkout_id = create(gql, catalog, (0, 8))["checkout"]["id"]  # 10 in stock
    # Its own 8 reserved units do not count against it: 10 fit, 11 do not.
    variant = gid("ProductVariant", catalog.variants[0].pk)
    update = """mutation($id: ID, $lines: [CheckoutLineUpdateInput!]!) {
      checkoutLinesUpdate(id: $id, lines: $lines) { errors { code } } }"""
    grown = gql(
        update, {"id": checkout_id, "lines": [{"variantId": variant, "quantity": 10}]}
    )
    assert grown["data"]["checkoutLinesUpdate"]["errors"] == []
    assert Reservation.objects.get().quantity_reserved == 10
    assert gql(PROBLEMS, {"id": checkout_id})["data"]["checkout"]["problems"] == []
    too_many = gql(
        update, {"id": checkout_id, "lines": [{"variantId": variant, "quantity": 11}]}
    )
    assert [e["code"] for e in too_many["data"]["checkoutLinesUpdate"]["errors"]] == [
        "INSUFFICIENT_STOCK"
    ]


GIFT_FIELDS = """
discountName totalPrice { gross { amount } }
lines { id isGift quantity variant { id } totalPrice { gross { amount } }
        undiscountedTotalPrice { amount } }
"""


def test_order_promotion_gift_line(gql: Any, catalog: Catalog) -> None:
    gift = catalog.variants[5]  # 13.00, in stock
    promotion = PromotionFactory(name="Free socks", type=PromotionType.ORDER)
    rule = make_rule(
        promotion,
        [catalog.channel],
        reward_type=RewardType.GIFT,
        order_predicate={
            "discountedObjectPredicate": {"baseTotalPrice": {"range": {"gte": "20"}}}
        },
    )
    rule.gifts.set([gift])
    id_ = create(gql, catalog, (0, 1))["checkout"]["id"]  # 10.00: no gift yet
    read = f"query($id: ID) {{ checkout(id: $id) {{ {GIFT_FIELDS} }} }}"
    assert [
        li["isGift"] for li in gql(read, {"id": id_})["data"]["checkout"]["lines"]
    ] == [False]
    line = Checkout.objects.get().lines.get()
    update = f"""
    mutation($id: ID, $lines: [CheckoutLineUpdateInput!]!) {{
      checkoutLinesUpdate(id: $id, lines: $lines) {{
        checkout {{ {GIFT_FIELDS} }} errors {{ field code }}
      }}
    }}"""
    result = gql(
        update,
        {"id": id_, "lines": [{"lineId": gid("CheckoutLine", line.pk), "quantity": 2}]},
    )["data"]["checkoutLinesUpdate"]
    checkout = result["checkout"]
    assert checkout["discountName"] == "Free socks"
    gift_line = checkout["lines"][1]
    assert gift_line["isGift"] is True
    assert gift_line["variant"]["id"] == gid("ProductVariant", gift.pk)
    assert gift_line["totalPrice"]["gross"]["amount"] == 0.0
    assert gift_line["undiscountedTotalPrice"]["amount"] == 13.0
    assert checkout["totalPrice"]["gross"]["amount"] == 20.0

    edit = gql(
        update, {"id": id_, "lines": [{"lineId": gift_line["id"], "quantity": 3}]}
    )
    assert edit["data"]["checkoutLinesUpdate"]["errors"] == [
        {"field": "lineId", "code": "NON_EDITABLE_GIFT_LINE"}
    ]
    delete = gql(
        """mutation($id: ID, $ids: [ID!]!) {
          checkoutLinesDelete(id: $id, linesIds: $ids) { errors { field code } } }""",
        {"id": id_, "ids": [gift_line["id"]]},
    )
    assert delete["data"]["checkoutLinesDelete"]["errors"] == [
        {"field": "lineId", "code": "NON_REMOVABLE_GIFT_LINE"}
    ]
    # Back under the threshold: the gift goes.
    result = gql(
        update,
        {"id": id_, "lines": [{"lineId": gid("CheckoutLine", line.pk), "quantity": 1}]},
    )["data"]["checkoutLinesUpdate"]
    assert [li["isGift"] for li in result["checkout"]["lines"]] == [False]
    assert Checkout.objects.get().lines.count() == 1


def test_contact_changes_that_cannot_change_prices_do_not_reprice(
    gql: Any, catalog: Catalog, count_queries: Any
) -> None:
    checkout_id = create(gql, catalog, (0, 2))["checkout"]["id"]
    ship = """mutation($id: ID, $a: AddressInput!) {
      checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) {
        errors { code }
      }
    }"""
    assert (
        gql(ship, {"id": checkout_id, "a": ADDRESS})["data"][
            "checkoutShippingAddressUpdate"
        ]["errors"]
        == []
    )
    email = """mutation($id: ID, $e: String!) {
      checkoutEmailUpdate(id: $id, email: $e) { errors { code } } }"""
    bill = """mutation($id: ID, $a: AddressInput!) {
      checkoutBillingAddressUpdate(id: $id, billingAddress: $a) { errors { code } } }"""
    with count_queries() as by_email:
        gql(email, {"id": checkout_id, "e": "a@example.com"})
    with count_queries() as by_billing:
        gql(bill, {"id": checkout_id, "a": ADDRESS})
    # Savepoints, the lock and the save (plus the address rows): no line is read.
    for captured in (by_email, by_billing):
        read = " ".join(q["sql"] for q in captured.captured_queries)
        assert "checkout_checkoutline" not in read
    assert len(by_email.captured_queries) <= 4
