from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mercato.discount.models import RewardValueType
from mercato.discount.prices import recalculate_discounted_prices
from mercato.product.models import ProductChannelListing, ProductVariantChannelListing
from tests.factories.catalog import (
    ChannelFactory,
    ProductFactory,
    VariantFactory,
    list_product,
    price_variant,
)
from tests.factories.discount import PromotionFactory, make_rule

pytestmark = pytest.mark.django_db


def _listing(price: str, currency: str) -> ProductVariantChannelListing:
    channel = ChannelFactory(currency_code=currency)
    return price_variant(VariantFactory(), channel, price)


@pytest.mark.parametrize(
    ("currency", "price", "percent", "expected"),
    [
        ("JPY", "999", "15", "849"),  # 849.15
        ("USD", "10.05", "50", "5.03"),  # 5.025, half up
        ("KWD", "1.235", "10", "1.112"),  # 1.1115, half up
    ],
)
def test_percentage_rounds_half_up_to_the_currency(
    currency: str, price: str, percent: str, expected: str
) -> None:
    listing = _listing(price, currency)
    make_rule(
        PromotionFactory(),
        [listing.channel],
        value=percent,
        catalogue_predicate={"variantPredicate": {"ids": [listing.variant_id]}},
    )
    recalculate_discounted_prices()
    listing.refresh_from_db()
    assert listing.discounted_price_amount == Decimal(expected)


def test_fixed_discount_never_goes_below_zero() -> None:
    listing = _listing("3.00", "USD")
    make_rule(
        PromotionFactory(),
        [listing.channel],
        value="5",
        value_type=RewardValueType.FIXED,
        catalogue_predicate={"productPredicate": {"ids": [listing.variant.product_id]}},
    )
    recalculate_discounted_prices([listing.variant_id])
    listing.refresh_from_db()
    assert listing.discounted_price_amount == 0


def test_rules_only_touch_their_channels_and_product_listing_gets_the_cheapest() -> (
    None
):
    usd, eur = ChannelFactory(currency_code="USD"), ChannelFactory(currency_code="EUR")
    product = ProductFactory()
    list_product(product, usd)
    cheap, dear = VariantFactory(product=product), VariantFactory(product=product)
    cheap_usd = price_variant(cheap, usd, "10")
    price_variant(dear, usd, "30")
    cheap_eur = price_variant(cheap, eur, "10")
    make_rule(
        PromotionFactory(),
        [usd],
        value="50",
        catalogue_predicate={
            "categoryPredicate": {"ids": []},
            "productPredicate": {"ids": [product.pk]},
        },
    )
    recalculate_discounted_prices()
    cheap_usd.refresh_from_db()
    cheap_eur.refresh_from_db()
    assert cheap_usd.discounted_price_amount == Decimal("5.00")
    assert cheap_eur.discounted_price_amount == Decimal("10.00")
    assert ProductChannelListing.objects.get(
        product=product, channel=usd
    ).discounted_price_amount == Decimal("5.00")


def test_recalculation_is_set_based(count_queries: Any) -> None:
    channel = ChannelFactory()
    product = ProductFactory()
    make_rule(
        PromotionFactory(),
        [channel],
        catalogue_predicate={"productPredicate": {"ids": [product.pk]}},
    )

    def statements() -> int:
        with count_queries() as queries:
            recalculate_discounted_prices()
        return len(queries.captured_queries)

    price_variant(VariantFactory(product=product), channel, "10")
    few = statements()
    for _ in range(20):
        price_variant(VariantFactory(product=product), channel, "10")
    assert statements() == few
    assert set(
        ProductVariantChannelListing.objects.values_list(
            "discounted_price_amount", flat=True
        )
    ) == {Decimal("9.00")}
