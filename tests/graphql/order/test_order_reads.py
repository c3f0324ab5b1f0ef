"""What storefronts and the dashboard read on placed orders: line thumbnails,
the delivery method, discounts, the voucher and the weight."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.checkout.calculations import recalculate_checkout
from mercato.checkout.models import Checkout
from mercato.checkout.services import add_checkout_promo_code
from mercato.core.permissions import Actor, Permission
from mercato.discount.models import PromotionType, RewardType, RewardValueType
from mercato.graphql.core.ids import to_global_id
from mercato.order.checkout_complete import complete_checkout
from mercato.order.models import Order
from mercato.product.models import (
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
    VariantMedia,
)
from mercato.shipping.models import ShippingMethod
from tests.factories.discount import PromotionFactory, make_rule, make_voucher
from tests.factories.order import (
    Shop,
    add_variant,
    make_method,
    make_shop,
    ready_checkout,
)

pytestmark = pytest.mark.django_db

MANAGE_ORDERS = (Permission.MANAGE_ORDERS,)

ORDER = """
query($id: ID) {
  order(id: $id) {
    shippingMethodName collectionPointName
    weight { unit value }
    deliveryMethod {
      __typename
      ... on ShippingMethod { id name price { amount currency } }
      ... on Warehouse { id name }
    }
    shippingMethod { id name price { amount } }
    discounts {
      id type name translatedName valueType value reason
      total { amount currency } amount { amount }
    }
    voucherCode
    lines {
      productName
      thumbnail(size: 64) { url alt }
      unitDiscount { amount } unitDiscountValue unitDiscountType unitDiscountReason
      voucherCode
    }
  }
}
"""


def complete(checkout: Checkout) -> Order:
    return complete_checkout(checkout_token=checkout.pk, actor=Actor.anonymous())


def read(gql: Any, order: Order) -> dict[str, Any]:
    result = gql(ORDER, {"id": to_global_id("Order", order.pk)})
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"]["order"]
    return data


def add_media(variant: ProductVariant, alt: str, sort_order: int) -> ProductMedia:
    media: ProductMedia = ProductMedia.objects.create(
        product=variant.product,
        image=f"products/{alt}.png",
        alt=alt,
        sort_order=sort_order,
    )
    return media


# ---------------------------------------------------------------- thumbnails


def test_line_thumbnail_is_the_variants_media_else_the_products(gql: Any) -> None:
    shop = make_shop()
    own = shop.variant
    add_media(own, "product-front", 0)
    VariantMedia.objects.create(variant=own, media=add_media(own, "variant-red", 1))
    other = add_variant(shop)
    add_media(other, "other-back", 1)
    add_media(other, "other-front", 0)
    bare = add_variant(shop)
    order = complete(ready_checkout(shop, [(own, 1), (other, 1), (bare, 1)]))

    lines = read(gql, order)["lines"]

    thumbnails = [line["thumbnail"] for line in lines]
    assert [t and t["alt"] for t in thumbnails] == ["variant-red", "other-front", None]
    assert thumbnails[0]["url"].startswith("http://testserver/thumbnail/")
    assert "/64/" in thumbnails[0]["url"]


def test_line_of_a_deleted_variant_has_no_thumbnail_but_still_reads(gql: Any) -> None:
    shop = make_shop()
    add_media(shop.variant, "front", 0)
    order = complete(ready_checkout(shop))
    name = shop.variant.product.name
    shop.variant.delete()

    [line] = read(gql, order)["lines"]

    assert line["thumbnail"] is None
    assert line["productName"] == name


# ---------------------------------------------------------------- delivery


def test_delivery_method_of_a_shipped_order(gql: Any) -> None:
    shop = make_shop(shipping_required=True)
    method = make_method(shop, price="5.00")
    order = complete(ready_checkout(shop, shipping_method=method))

    data = read(gql, order)

    expected = {
        "__typename": "ShippingMethod",
        "id": to_global_id("ShippingMethod", method.pk),
        "name": "Courier",
        "price": {"amount": 5.0, "currency": "USD"},
    }
    assert data["deliveryMethod"] == expected
    assert data["shippingMethod"] == {
        "id": expected["id"],
        "name": "Courier",
        "price": {"amount": 5.0},
    }


def test_delivery_method_keeps_the_price_the_order_was_placed_with(gql: Any) -> None:
    shop = make_shop(shipping_required=True)
    method = make_method(shop, price="5.00")
    order = complete(ready_checkout(shop, shipping_method=method))
    method.channel_listings.update(price_amount=Decimal("9.00"))

    assert read(gql, order)["deliveryMethod"]["price"]["amount"] == 5.0


def test_deleted_shipping_method_leaves_only_its_name(gql: Any) -> None:
    shop = make_shop(shipping_required=True)
    method = make_method(shop)
    order = complete(ready_checkout(shop, shipping_method=method))
    ShippingMethod.objects.filter(pk=method.pk).delete()

    data = read(gql, order)

    assert data["deliveryMethod"] is None
    assert data["shippingMethod"] is None
    assert data["shippingMethodName"] == "Courier"


def test_delivery_method_of_a_click_and_collect_order(gql: Any) -> None:
    shop = make_shop(shipping_required=True)
    warehouse = shop.warehouse
    warehouse.is_private = False
    warehouse.click_and_collect_option = "local"
    warehouse.save()
    checkout = ready_checkout(shop)
    checkout.collection_point = warehouse
    checkout.save(update_fields=["collection_point"])
    recalculate_checkout(checkout, list(checkout.lines.all()))
    order = complete(checkout)

    data = read(gql, order)

    assert data["deliveryMethod"] == {
        "__typename": "Warehouse",
        "id": to_global_id("Warehouse", warehouse.pk),
        "name": warehouse.name,
    }
    assert data["collectionPointName"] == warehouse.name
    assert data["shippingMethod"] is None


# ---------------------------------------------------------------- discounts


def test_voucher_discount_is_recorded_on_the_order_and_its_lines(gql: Any) -> None:
    shop = make_shop(price="20.00")
    make_voucher(
        shop.channel,
        "SAVE10",
        value="10",
        name="Ten off",
        discount_value_type=RewardValueType.PERCENTAGE,
    )
    checkout = ready_checkout(shop, [(shop.variant, 2)])
    add_checkout_promo_code(token=checkout.pk, promo_code="SAVE10")
    checkout.refresh_from_db()
    order = complete(checkout)

    data = read(gql, order)

    [discount] = data["discounts"]
    assert discount["type"] == "VOUCHER"
    assert discount["name"] == discount["translatedName"] == "Ten off"
    assert discount["valueType"] == "PERCENTAGE"
    assert discount["value"] == 10.0
    assert discount["total"] == {"amount": 4.0, "currency": "USD"}
    assert discount["amount"] == {"amount": 4.0}
    assert discount["reason"] == "Voucher code: SAVE10"
    assert data["voucherCode"] == "SAVE10"
    [line] = data["lines"]
    assert line["unitDiscount"] == {"amount": 2.0}
    assert line["unitDiscountValue"] == 2.0
    assert line["unitDiscountType"] == "FIXED"
    assert line["unitDiscountReason"] == "Voucher code: SAVE10"
    assert line["voucherCode"] == "SAVE10"


def test_order_promotion_discount_is_recorded(gql: Any) -> None:
    shop = make_shop(price="20.00")
    promotion = PromotionFactory(name="Big basket", type=PromotionType.ORDER)
    make_rule(
        promotion,
        [shop.channel],
        value="3",
        value_type=RewardValueType.FIXED,
        reward_type=RewardType.SUBTOTAL_DISCOUNT,
        order_predicate={
            "discountedObjectPredicate": {"baseSubtotalPrice": {"range": {"gte": "5"}}}
        },
    )
    order = complete(ready_checkout(shop))

    data = read(gql, order)

    assert [(d["type"], d["valueType"], d["value"]) for d in data["discounts"]] == [
        ("ORDER_PROMOTION", "FIXED", 3.0)
    ]
    assert data["discounts"][0]["total"]["amount"] == 3.0
    assert data["discounts"][0]["name"] == "Big basket"
    [line] = data["lines"]
    assert line["unitDiscount"]["amount"] == 3.0
    assert line["unitDiscountReason"] == "Promotion: Big basket"
    assert line["voucherCode"] is None


def test_promotion_gift_line_names_the_promotion_without_an_order_discount(
    gql: Any,
) -> None:
    shop = make_shop(price="20.00")
    gift = add_variant(shop, price="7.00")
    promotion = PromotionFactory(name="Free socks", type=PromotionType.ORDER)
    rule = make_rule(
        promotion,
        [shop.channel],
        reward_type=RewardType.GIFT,
        order_predicate={
            "discountedObjectPredicate": {"baseSubtotalPrice": {"range": {"gte": "5"}}}
        },
    )
    rule.gifts.set([gift])
    order = complete(ready_checkout(shop))

    data = read(gql, order)

    assert data["discounts"] == []
    paid, free = data["lines"]
    assert paid["unitDiscountReason"] is None
    assert free["unitDiscount"]["amount"] == 7.0
    assert free["unitDiscountReason"] == "Promotion: Free socks"


def test_catalogue_promotion_is_the_reason_without_an_order_discount(
    gql: Any,
) -> None:
    shop = make_shop(price="20.00")
    ProductVariantChannelListing.objects.filter(variant=shop.variant).update(
        discounted_price_amount=Decimal("15.00")
    )
    order = complete(ready_checkout(shop))

    [line] = read(gql, order)["lines"]

    assert line["unitDiscount"]["amount"] == 5.0
    assert line["unitDiscountReason"] == "Catalogue promotion"


def test_order_without_discounts(gql: Any) -> None:
    data = read(gql, complete(ready_checkout(make_shop())))

    assert data["discounts"] == []
    [line] = data["lines"]
    assert line["unitDiscount"]["amount"] == 0.0
    assert line["unitDiscountValue"] == 0.0
    assert line["unitDiscountType"] is None
    assert line["unitDiscountReason"] is None


VOUCHER = """query($id: ID) { order(id: $id) { voucher { id name code } } }"""


def test_order_voucher_needs_manage_discounts(gql: Any, staff_gql: Any) -> None:
    shop = make_shop()
    code = make_voucher(shop.channel, "HELLO", name="Hello")
    checkout = ready_checkout(shop)
    add_checkout_promo_code(token=checkout.pk, promo_code="HELLO")
    order = complete(Checkout.objects.get(pk=checkout.pk))
    variables = {"id": to_global_id("Order", order.pk)}

    anonymous = gql(VOUCHER, variables)
    orders_staff = staff_gql(VOUCHER, variables, permissions=MANAGE_ORDERS)
    discounts_staff = staff_gql(
        VOUCHER, variables, permissions=(Permission.MANAGE_DISCOUNTS,)
    )

    assert anonymous["data"]["order"]["voucher"] is None
    assert anonymous["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )
    assert orders_staff.errors is not None
    assert discounts_staff.errors is None
    assert discounts_staff.data is not None
    assert discounts_staff.data["order"]["voucher"] == {
        "id": to_global_id("Voucher", code.voucher_id),
        "name": "Hello",
        "code": "HELLO",
    }


# ---------------------------------------------------------------- weight


def test_weight_sums_the_lines_from_variant_product_or_type(gql: Any) -> None:
    shop = make_shop()
    shop.product_type.weight = 2.0
    shop.product_type.save()
    heavy = shop.variant
    heavy.weight = 0.5
    heavy.save()
    by_product = add_variant(shop)
    by_product.product.weight = 1.25
    by_product.product.save()
    by_type = add_variant(shop)
    order = complete(ready_checkout(shop, [(heavy, 2), (by_product, 1), (by_type, 3)]))
    ProductVariant.objects.filter(pk=heavy.pk).update(weight=100)

    assert read(gql, order)["weight"] == {"unit": "KG", "value": 8.25}


# ---------------------------------------------------------------- batching

ORDERS = """
query($first: Int) {
  orders(first: $first) {
    edges { node {
      number
      deliveryMethod { __typename ... on ShippingMethod { name } }
      shippingMethod { name }
      discounts { type total { amount } }
      voucher { name }
      weight { value }
      lines {
        thumbnail { url } variant { id } unitDiscountReason
      }
    } }
  }
}
"""


def place_discounted(shop: Shop, method: ShippingMethod) -> None:
    second = add_variant(shop)
    add_media(second, f"media-{second.pk}", 0)
    checkout = ready_checkout(
        shop, [(shop.variant, 1), (second, 2)], shipping_method=method
    )
    add_checkout_promo_code(token=checkout.pk, promo_code="SAVE")
    complete(Checkout.objects.get(pk=checkout.pk))


def test_orders_list_reads_do_not_grow_with_the_page(
    staff_gql: Any, count_queries: Any
) -> None:
    shop = make_shop(shipping_required=True)
    add_media(shop.variant, "front", 0)
    method = make_method(shop)
    make_voucher(shop.channel, "SAVE", value="1")
    permissions = (Permission.MANAGE_ORDERS, Permission.MANAGE_DISCOUNTS)
    for _ in range(2):
        place_discounted(shop, method)

    def run() -> tuple[int, list[Any]]:
        with count_queries() as queries:
            result = staff_gql(ORDERS, {"first": 50}, permissions=permissions)
        assert result.errors is None, result.errors
        assert result.data is not None
        return len(queries), result.data["orders"]["edges"]

    small, edges = run()
    for _ in range(3):
        place_discounted(shop, method)
    large, edges = run()

    assert large == small
    assert len(edges) == 5
    for edge in edges:
        node = edge["node"]
        assert node["deliveryMethod"] == {
            "__typename": "ShippingMethod",
            "name": "Courier",
        }
        assert node["discounts"] == [{"type": "VOUCHER", "total": {"amount": 1.0}}]
        assert node["voucher"] is not None
        assert all(line["thumbnail"] for line in node["lines"])
