from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mercato.core.permissions import Permission
from mercato.discount.models import Promotion, PromotionRule
from mercato.discount.prices import recalculate_discounted_prices
from mercato.discount.tasks import apply_promotion_dates_job
from mercato.graphql.core.ids import to_global_id
from mercato.product.models import Collection, ProductVariantChannelListing
from tests.factories.catalog import (
    ChannelFactory,
    ProductFactory,
    VariantFactory,
    list_product,
    price_variant,
)
from tests.factories.discount import PromotionFactory, make_rule

pytestmark = pytest.mark.django_db
MANAGE = (Permission.MANAGE_DISCOUNTS,)

PROMOTION_CREATE = """
mutation($input: PromotionCreateInput!) {
  promotionCreate(input: $input) {
    errors { field code message index }
    promotion {
      id name type startDate endDate
      rules {
        id rewardValue rewardValueType predicateType cataloguePredicate
        channels { slug }
      }
    }
  }
}
"""

PRODUCT_PRICING = """
query($id: ID!, $channel: String) {
  product(id: $id, channel: $channel) {
    pricing {
      onSale
      discount { gross { amount } }
      priceRange { start { gross { amount } } }
    }
  }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


@pytest.fixture
def shop() -> dict[str, Any]:
    channel = ChannelFactory(slug="usd", currency_code="USD")
    product = ProductFactory()
    list_product(product, channel)
    variant = VariantFactory(product=product)
    listing = price_variant(variant, channel, "20.00")
    other = VariantFactory()
    other_listing = price_variant(other, channel, "10.00")
    return {
        "channel": channel,
        "product": product,
        "variant": variant,
        "listing": listing,
        "other_listing": other_listing,
    }


def _discounted(listing: ProductVariantChannelListing) -> Decimal | None:
    listing.refresh_from_db()
    return listing.discounted_price_amount


def test_catalogue_promotion_lowers_prices_at_once(
    staff_gql: Any, gql: Any, shop: dict[str, Any]
) -> None:
    result = staff_gql(
        PROMOTION_CREATE,
        {
            "input": {
                "name": "Summer",
                "type": "CATALOGUE",
                "rules": [
                    {
                        "channels": [gid(shop["channel"])],
                        "rewardValueType": "PERCENTAGE",
                        "rewardValue": 25,
                        "cataloguePredicate": {
                            "productPredicate": {"ids": [gid(shop["product"])]}
                        },
                    }
                ],
            }
        },
        permissions=MANAGE,
    )
    assert result.errors is None, result.errors
    payload = result.data["promotionCreate"]
    assert payload["errors"] == []
    rule = payload["promotion"]["rules"][0]
    assert rule["cataloguePredicate"] == {
        "productPredicate": {"ids": [gid(shop["product"])]}
    }
    assert rule["channels"] == [{"slug": "usd"}]
    assert rule["predicateType"] == "CATALOGUE"
    assert _discounted(shop["listing"]) == Decimal("15.00")
    assert _discounted(shop["other_listing"]) in (None, Decimal("10.00"))
    pricing = gql(PRODUCT_PRICING, {"id": gid(shop["product"]), "channel": "usd"})
    product_pricing = pricing["data"]["product"]["pricing"]
    assert product_pricing["onSale"] is True
    assert product_pricing["discount"]["gross"]["amount"] == 5.0


def test_best_rule_wins_and_deleting_restores_prices(
    staff_gql: Any, shop: dict[str, Any]
) -> None:
    promotion = PromotionFactory()
    predicate = {"variantPredicate": {"ids": [shop["variant"].pk]}}
    make_rule(promotion, [shop["channel"]], value="10", catalogue_predicate=predicate)
    make_rule(
        promotion,
        [shop["channel"]],
        value="7",
        value_type="FIXED",
        catalogue_predicate=predicate,
    )
    recalculate_discounted_prices()
    assert _discounted(shop["listing"]) == Decimal("13.00")
    result = staff_gql(
        """
        mutation($id: ID!) {
          promotionDelete(id: $id) { errors { code } promotion { name } }
        }
        """,
        {"id": gid(promotion)},
        permissions=MANAGE,
    )
    assert result.data["promotionDelete"]["errors"] == []
    assert not Promotion.objects.exists()
    assert _discounted(shop["listing"]) == Decimal("20.00")


def test_listing_price_change_keeps_the_discount(
    staff_gql: Any, shop: dict[str, Any]
) -> None:
    promotion = PromotionFactory()
    make_rule(
        promotion,
        [shop["channel"]],
        value="50",
        catalogue_predicate={"productPredicate": {"ids": [shop["product"].pk]}},
    )
    recalculate_discounted_prices()
    result = staff_gql(
        """
        mutation($id: ID!, $input: [ProductVariantChannelListingAddInput!]!) {
          productVariantChannelListingUpdate(id: $id, input: $input) {
            errors { code message }
          }
        }
        """,
        {
            "id": gid(shop["variant"]),
            "input": [{"channelId": gid(shop["channel"]), "price": 40}],
        },
        permissions=(Permission.MANAGE_PRODUCTS,),
    )
    assert result.data["productVariantChannelListingUpdate"]["errors"] == []
    assert _discounted(shop["listing"]) == Decimal("20.00")


def test_future_promotion_applies_when_the_job_runs(shop: dict[str, Any]) -> None:
    promotion = PromotionFactory(
        start_date=timezone.now() + datetime.timedelta(hours=1)
    )
    make_rule(
        promotion,
        [shop["channel"]],
        catalogue_predicate={"variantPredicate": {"ids": [shop["variant"].pk]}},
    )
    recalculate_discounted_prices()
    assert _discounted(shop["listing"]) == Decimal("20.00")
    Promotion.objects.filter(pk=promotion.pk).update(
        start_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    apply_promotion_dates_job(timestamp=0)
    assert _discounted(shop["listing"]) == Decimal("18.00")
    promotion.refresh_from_db()
    assert promotion.is_applied is True


def test_promotion_create_errors(staff_gql: Any, shop: dict[str, Any]) -> None:
    pln = ChannelFactory(currency_code="PLN")
    result = staff_gql(
        PROMOTION_CREATE,
        {
            "input": {
                "name": "  ",
                "type": "CATALOGUE",
                "startDate": "2025-01-02T00:00:00+00:00",
                "endDate": "2025-01-01T00:00:00+00:00",
                "rules": [
                    {
                        "channels": [gid(shop["channel"]), gid(pln)],
                        "rewardValueType": "FIXED",
                        "rewardValue": 5,
                        "cataloguePredicate": {
                            "productPredicate": {"ids": [gid(shop["product"])]}
                        },
                    },
                    {
                        "rewardValueType": "PERCENTAGE",
                        "rewardValue": 150,
                        "cataloguePredicate": {
                            "productPredicate": {"ids": [gid(shop["product"])]}
                        },
                    },
                ],
            }
        },
        permissions=MANAGE,
    )
    payload = result.data["promotionCreate"]
    assert payload["promotion"] is None
    codes = {(e["field"], e["code"], e["index"]) for e in payload["errors"]}
    assert ("name", "REQUIRED", None) in codes
    assert ("endDate", "INVALID", None) in codes
    assert ("rewardValueType", "MULTIPLE_CURRENCIES_NOT_ALLOWED", 0) in codes
    assert ("rewardValue", "INVALID", 1) in codes
    assert ("channels", "MISSING_CHANNELS", 1) in codes
    assert not Promotion.objects.exists()


def test_order_rule_with_catalogue_predicate_is_invalid(
    staff_gql: Any, shop: dict[str, Any]
) -> None:
    promotion = PromotionFactory(type="ORDER")
    result = staff_gql(
        """
        mutation($input: PromotionRuleCreateInput!) {
          promotionRuleCreate(input: $input) {
            errors { field code }
            promotionRule { id }
          }
        }
        """,
        {
            "input": {
                "promotion": gid(promotion),
                "channels": [gid(shop["channel"])],
                "rewardValueType": "PERCENTAGE",
                "rewardValue": 5,
                "rewardType": "SUBTOTAL_DISCOUNT",
                "cataloguePredicate": {
                    "productPredicate": {"ids": [gid(shop["product"])]}
                },
            }
        },
        permissions=MANAGE,
    )
    payload = result.data["promotionRuleCreate"]
    assert {"field": "cataloguePredicate", "code": "INVALID"} in payload["errors"]
    assert not PromotionRule.objects.exists()


def test_order_rule_create_and_update(staff_gql: Any, shop: dict[str, Any]) -> None:
    promotion = PromotionFactory(type="ORDER")
    gift = VariantFactory()
    result = staff_gql(
        """
        mutation($input: PromotionRuleCreateInput!) {
          promotionRuleCreate(input: $input) {
            errors { field code }
            promotionRule { id orderPredicate rewardType giftIds }
          }
        }
        """,
        {
            "input": {
                "promotion": gid(promotion),
                "channels": [gid(shop["channel"])],
                "rewardType": "GIFT",
                "gifts": [gid(gift)],
                "orderPredicate": {
                    "discountedObjectPredicate": {
                        "baseSubtotalPrice": {"range": {"gte": 100}}
                    }
                },
            }
        },
        permissions=MANAGE,
    )
    payload = result.data["promotionRuleCreate"]
    assert payload["errors"] == []
    rule = payload["promotionRule"]
    assert rule["giftIds"] == [gid(gift)]
    assert rule["orderPredicate"] == {
        "discountedObjectPredicate": {"baseSubtotalPrice": {"range": {"gte": "100"}}}
    }
    update = staff_gql(
        """
        mutation($id: ID!, $input: PromotionRuleUpdateInput!) {
          promotionRuleUpdate(id: $id, input: $input) {
            errors { field code channels }
            promotionRule { rewardType giftIds }
          }
        }
        """,
        {
            "id": rule["id"],
            "input": {
                "addChannels": [gid(shop["channel"])],
                "removeChannels": [gid(shop["channel"])],
            },
        },
        permissions=MANAGE,
    )
    errors = update.data["promotionRuleUpdate"]["errors"]
    assert errors[0]["code"] == "DUPLICATED_INPUT_ITEM"


def test_promotions_filter_and_sort(staff_gql: Any, count_queries: Any) -> None:
    for name, day in (("Beta", 3), ("Alpha", 2), ("Gamma", 1)):
        promotion = PromotionFactory(
            name=name, start_date=datetime.datetime(2025, 1, day, tzinfo=datetime.UTC)
        )
        make_rule(promotion, [ChannelFactory()])
    query = """
    query($where: PromotionWhereInput, $sort: PromotionSortingInput, $first: Int) {
      promotions(where: $where, sortBy: $sort, first: $first) {
        totalCount edges { node { name rules { channels { slug } } } }
      }
    }
    """
    by_date = staff_gql(
        query,
        {"sort": {"field": "START_DATE", "direction": "ASC"}, "first": 10},
        permissions=MANAGE,
    )
    names = [e["node"]["name"] for e in by_date.data["promotions"]["edges"]]
    assert names == ["Gamma", "Alpha", "Beta"]
    named = staff_gql(
        query,
        {"where": {"name": {"oneOf": ["Beta", "Gamma"]}}, "first": 10},
        permissions=MANAGE,
    )
    assert [e["node"]["name"] for e in named.data["promotions"]["edges"]] == [
        "Beta",
        "Gamma",
    ]
    with count_queries() as small:
        staff_gql(query, {"first": 1}, permissions=MANAGE)
    with count_queries() as big:
        staff_gql(query, {"first": 3}, permissions=MANAGE)
    assert len(big.captured_queries) == len(small.captured_queries)


def test_promotion_queries_need_manage_discounts(gql: Any) -> None:
    promotion = PromotionFactory()
    result = gql(
        "query($id: ID!) { promotion(id: $id) { name } }", {"id": gid(promotion)}
    )
    assert result["data"]["promotion"] is None
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_promotion_dates_job_runs_every_minute() -> None:
    from procrastinate.contrib.django import app

    key = ("discount.apply_promotion_dates", "discount.apply_promotion_dates")
    assert app.periodic_registry.periodic_tasks[key].cron == "* * * * *"


def test_joining_a_promoted_collection_lowers_prices(
    staff_gql: Any, shop: dict[str, Any]
) -> None:
    collection = Collection.objects.create(name="Sale", slug="sale")
    promotion = PromotionFactory()
    make_rule(
        promotion,
        [shop["channel"]],
        value="10",
        catalogue_predicate={"collectionPredicate": {"ids": [collection.pk]}},
    )
    query = """
    mutation($id: ID!, $products: [ID!]!) {
      collectionAddProducts(collectionId: $id, products: $products) {
        errors { code }
      }
    }
    """
    result = staff_gql(
        query,
        {"id": gid(collection), "products": [gid(shop["product"])]},
        permissions=(Permission.MANAGE_PRODUCTS,),
    )
    assert result.data["collectionAddProducts"]["errors"] == []
    assert _discounted(shop["listing"]) == Decimal("18.00")


def test_promotion_bulk_delete(staff_gql: Any, shop: dict[str, Any]) -> None:
    kept, gone = PromotionFactory(), PromotionFactory()
    make_rule(
        gone,
        [shop["channel"]],
        catalogue_predicate={"variantPredicate": {"ids": [shop["variant"].pk]}},
    )
    recalculate_discounted_prices()
    assert _discounted(shop["listing"]) == Decimal("18.00")
    query = """
    mutation($ids: [ID!]!) {
      promotionBulkDelete(ids: $ids) { count errors { field code } }
    }
    """
    missing = to_global_id("Promotion", gone.pk + kept.pk + 100)
    bad = staff_gql(query, {"ids": [gid(gone), missing]}, permissions=MANAGE)
    assert bad.errors is None, bad.errors
    assert bad.data["promotionBulkDelete"]["errors"] == [
        {"field": "ids", "code": "NOT_FOUND"}
    ]
    assert Promotion.objects.count() == 2
    good = staff_gql(query, {"ids": [gid(gone)]}, permissions=MANAGE)
    assert good.data["promotionBulkDelete"] == {"count": 1, "errors": []}
    assert list(Promotion.objects.all()) == [kept]
    assert _discounted(shop["listing"]) == Decimal("20.00")
