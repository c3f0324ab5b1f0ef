"""The demo data: invariants every consumer relies on, and determinism."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Min, Q

from mercato.attribute.models import (
    AssignedPageAttributeValue,
    Attribute,
    AttributeTranslation,
    AttributeValue,
)
from mercato.channel.models import Channel
from mercato.core.money import quantize
from mercato.demo import DemoDataError, is_database_empty, populate_demo_data
from mercato.demo.context import BASE_TIME
from mercato.discount.models import Promotion, PromotionRule, PromotionType
from mercato.discount.prices import has_due_promotions
from mercato.discount.services import recalculate_discounted_prices
from mercato.inventory.models import ChannelWarehouse, Stock
from mercato.menu.models import Menu, MenuItem, MenuItemTranslation
from mercato.page.models import Page, PageTranslation
from mercato.product.models import (
    Category,
    CategoryTranslation,
    Collection,
    CollectionChannelListing,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductTranslation,
    ProductVariant,
    ProductVariantChannelListing,
)

PRODUCTS = 12


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def populated(db: None) -> None:
    assert is_database_empty()
    populate_demo_data(products=PRODUCTS, seed=1)


def test_channels_and_warehouses(populated: None) -> None:
    channels = {
        c.slug: (c.name, c.currency_code, c.default_country, c.is_active)
        for c in Channel.objects.all()
    }
    assert channels == {
        "default-channel": ("Default Channel", "USD", "US", True),
        "channel-pln": ("Channel-PLN", "PLN", "PL", True),
    }
    links = list(ChannelWarehouse.objects.values_list("channel__slug", "warehouse_id"))
    by_channel: dict[str, set[int]] = {}
    for slug, warehouse_id in links:
        by_channel.setdefault(slug, set()).add(warehouse_id)
    assert set(by_channel) == {"default-channel", "channel-pln"}
    assert by_channel["default-channel"] & by_channel["channel-pln"], "a shared one"
    assert not is_database_empty()


def test_category_tree_paths(populated: None) -> None:
    categories = {c.pk: c for c in Category.objects.all()}
    for category in categories.values():
        if category.parent_id is None:
            assert category.level == 0
            assert category.tree_path == []
        else:
            parent = categories[category.parent_id]
            assert category.level == parent.level + 1
            assert category.tree_path == [*parent.tree_path, parent.pk]
    assert max(c.level for c in categories.values()) >= 2
    roots = {c.slug for c in categories.values() if c.level == 0}
    assert {"apparel", "groceries", "accessories", "audiobooks"} <= roots
    assert CategoryTranslation.objects.filter(language_code="pl").count() == len(
        categories
    )


def test_products_variants_stock_and_listings(populated: None) -> None:
    products = list(Product.objects.all())
    assert len(products) == PRODUCTS
    channel_count = Channel.objects.count()
    for product in products:
        variants = list(product.variants.all())
        assert 1 <= len(variants) <= 4
        assert product.default_variant_id in {v.pk for v in variants}
        assert product.description["version"] == "2.24.3"
        assert product.description["blocks"][0]["type"] == "paragraph"
        assert product.description_plaintext
        assert product.category is not None and product.category.children.count() == 0
        assert product.name.lower() in product.search_document
        assert variants[0].sku is not None
        assert variants[0].sku.lower() in product.search_document
        assert product.search_vector is not None
        assert product.updated_at == product.created_at < BASE_TIME
        assert 1 <= product.media.count() <= 2
        listings = product.channel_listings.all()
        assert len(listings) == channel_count
        for listing in listings:
            assert listing.currency == listing.channel.currency_code
            if listing.published_at is not None:
                assert listing.published_at <= BASE_TIME
    skus = list(ProductVariant.objects.values_list("sku", flat=True))
    assert len(set(skus)) == len(skus)
    for variant in ProductVariant.objects.all():
        assert Stock.objects.filter(product_variant=variant).exists()
        prices = {
            listing.channel.slug: listing
            for listing in ProductVariantChannelListing.objects.filter(variant=variant)
        }
        assert set(prices) == {"default-channel", "channel-pln"}
        usd, pln = prices["default-channel"], prices["channel-pln"]
        assert (usd.currency, pln.currency) == ("USD", "PLN")
        assert usd.price_amount is not None and pln.price_amount is not None
        assert usd.cost_price_amount is not None
        assert Decimal(0) < usd.cost_price_amount < usd.price_amount
        assert 3 * usd.price_amount < pln.price_amount < 5 * usd.price_amount
    assert ProductTranslation.objects.filter(language_code="pl").count() == PRODUCTS
    assert ProductChannelListing.objects.filter(is_published=True).exists()


def test_promotions_put_products_on_sale(populated: None) -> None:
    summer = Promotion.objects.get(name="Summer sale")
    assert summer.type == PromotionType.CATALOGUE
    assert summer.start_date < BASE_TIME and summer.end_date is None
    assert summer.is_applied and summer.updated_at == summer.created_at
    rule = summer.rules.get()
    assert {c.slug for c in rule.channels.all()} == {"default-channel", "channel-pln"}
    members = ProductVariantChannelListing.objects.filter(
        variant__product__collections__slug="summer-picks"
    )
    assert members.exists()
    for listing in members:
        assert listing.price_amount is not None
        expected = quantize(listing.price_amount * Decimal("0.8"), listing.currency)
        assert listing.discounted_price_amount is not None
        assert listing.discounted_price_amount <= expected < listing.price_amount
    on_sale = ProductVariantChannelListing.objects.filter(
        discounted_price_amount__lt=F("price_amount")
    )
    assert set(on_sale.values_list("channel__slug", flat=True)) == {
        "default-channel",
        "channel-pln",
    }
    # No listing costs more than its price; each product shows its cheapest.
    assert not ProductVariantChannelListing.objects.filter(
        Q(discounted_price_amount__isnull=True)
        | Q(discounted_price_amount__gt=F("price_amount"))
    ).exists()
    for listing in ProductChannelListing.objects.all():
        cheapest = ProductVariantChannelListing.objects.filter(
            variant__product_id=listing.product_id, channel_id=listing.channel_id
        ).aggregate(low=Min("discounted_price_amount"))["low"]
        assert listing.discounted_price_amount == cheapest
    # The periodic recalculation has nothing to do and would keep the prices.
    assert not has_due_promotions()
    stored = _discounted_prices()
    recalculate_discounted_prices()
    assert _discounted_prices() == stored


def _discounted_prices() -> list[tuple[int, Decimal | None]]:
    listings = ProductVariantChannelListing.objects.order_by("pk")
    return list(listings.values_list("pk", "discounted_price_amount"))


def test_attributes_cover_every_input_type(populated: None) -> None:
    input_types = set(Attribute.objects.values_list("input_type", flat=True))
    assert {
        "DROPDOWN", "MULTISELECT", "PLAIN_TEXT", "RICH_TEXT", "NUMERIC", "BOOLEAN",
        "DATE", "SWATCH", "REFERENCE",
    } <= input_types  # fmt: skip
    for value in AttributeValue.objects.filter(attribute__input_type="SWATCH"):
        assert value.value.startswith("#") and len(value.value) == 7
    references = AttributeValue.objects.filter(attribute__input_type="REFERENCE")
    for value in references:
        assert value.reference_product_id is not None
        owner = value.slug.split("_")[0]
        assert value.slug == f"{owner}_{value.reference_product_id}"
    assert AttributeTranslation.objects.filter(language_code="pl").exists()
    assert AssignedPageAttributeValue.objects.exists()


def test_collections_pages_and_menus(populated: None) -> None:
    featured = Collection.objects.get(slug="featured-products")
    assert featured.products.exists()
    for collection in Collection.objects.all():
        listings = CollectionChannelListing.objects.filter(collection=collection)
        assert {listing.channel.slug for listing in listings} == {
            "default-channel",
            "channel-pln",
        }
        assert all(listing.is_published for listing in listings)
    assert Page.objects.filter(slug__in=["about", "contact"], is_published=True).count()
    assert PageTranslation.objects.filter(language_code="pl").exists()
    navbar = Menu.objects.get(slug="navbar", name="navbar")
    footer = Menu.objects.get(slug="footer", name="footer")
    for item in MenuItem.objects.filter(menu=navbar):
        assert item.category_id or item.collection_id
        assert item.level == (0 if item.parent_id is None else 1)
    assert MenuItem.objects.filter(menu=navbar, parent__isnull=False).exists()
    assert MenuItem.objects.filter(menu=navbar, collection__isnull=False).exists()
    assert MenuItem.objects.filter(menu=footer, page__isnull=False).exists()
    assert MenuItem.objects.filter(menu=footer, url__startswith="https://").exists()
    assert MenuItemTranslation.objects.count() == MenuItem.objects.count()


def test_media_files_are_written(populated: None) -> None:
    for media in ProductMedia.objects.all():
        assert media.image.name.startswith("products/")
        assert default_storage.exists(media.image.name)
    assert Category.objects.exclude(background_image="").exists()


def test_refuses_a_database_that_has_data(populated: None) -> None:
    with pytest.raises(DemoDataError):
        populate_demo_data(products=1, seed=1)


@pytest.mark.django_db
def test_an_empty_catalog_still_has_a_store() -> None:
    populate_demo_data(products=0, seed=0)
    assert Channel.objects.count() == 2
    assert Menu.objects.filter(slug__in=["navbar", "footer"]).count() == 2
    assert not Product.objects.exists()


class _Rollback(Exception):
    pass


def _snapshot() -> dict[str, Any]:
    """Everything that must not change between runs, without primary keys."""
    return {
        "products": list(
            Product.objects.order_by("slug").values_list(
                "slug", "name", "description", "created_at", "rating", "weight",
                "category__slug", "search_document", "metadata",
            )
        ),
        "variants": list(
            ProductVariant.objects.order_by("sku").values_list(
                "sku", "name", "product__slug", "metadata"
            )
        ),
        "prices": sorted(
            ProductVariantChannelListing.objects.values_list(
                "variant__sku", "channel__slug", "price_amount", "cost_price_amount",
                "discounted_price_amount",
            )
        ),
        "promotions": sorted(
            PromotionRule.objects.values_list(
                "promotion__name", "promotion__start_date", "promotion__end_date",
                "promotion__description", "name", "reward_value_type", "reward_value",
            )
        ),
        "stock": sorted(
            Stock.objects.values_list("product_variant__sku", "warehouse__slug",
                                      "quantity")
        ),
        "listings": sorted(
            ProductChannelListing.objects.values_list(
                "product__slug", "channel__slug", "is_published", "published_at",
                "visible_in_listings", "available_for_purchase_at",
            )
        ),
        "media": sorted(ProductMedia.objects.values_list("product__slug", "image")),
        "values": sorted(
            AttributeValue.objects.values_list("attribute__slug", "name", "date_time")
        ),
        "collections": sorted(
            Collection.objects.values_list("slug", "products__slug")
        ),
        "menus": sorted(
            MenuItem.objects.values_list("menu__slug", "name", "level", "sort_order")
        ),
    }  # fmt: skip


def _populate_and_snapshot(seed: int) -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    try:
        with transaction.atomic():
            populate_demo_data(products=PRODUCTS, seed=seed)
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert is_database_empty()
    return snapshot


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data() -> None:
    first = _populate_and_snapshot(seed=1)
    second = _populate_and_snapshot(seed=1)
    assert first == second
    other = _populate_and_snapshot(seed=2)
    assert other["products"] != first["products"]
