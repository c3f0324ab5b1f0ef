"""factory_boy factories of the catalog, and a small ready-made catalog."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import factory

from mercato.account.models import Address
from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
    AttributeVariant,
)
from mercato.channel.models import Channel
from mercato.channel.queries import forget_channels
from mercato.inventory.models import ChannelWarehouse, Stock, Warehouse
from mercato.product.models import (
    Category,
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    Product,
    ProductChannelListing,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from mercato.product.search import update_products_search_index

PAST = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Channel:
        channel = super()._create(model_class, *args, **kwargs)
        forget_channels()  # as the channel services will after a write
        return channel  # type: ignore[no-any-return]

    name = factory.Sequence(lambda n: f"Channel {n}")
    slug = factory.Sequence(lambda n: f"channel-{n}")
    currency_code = "USD"
    default_country = "US"
    is_active = True


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    slug = factory.Sequence(lambda n: f"warehouse-{n}")
    address = factory.LazyFunction(
        lambda: Address.objects.create(
            street_address_1="1 Main St",
            city="Springfield",
            postal_code="12345",
            country="US",
        )
    )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Category:
        parent = kwargs.get("parent")
        if parent is not None:
            kwargs["level"] = parent.level + 1
            kwargs["tree_path"] = [*parent.tree_path, parent.pk]
        return super()._create(model_class, *args, **kwargs)  # type: ignore[no-any-return]


class ProductTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductType

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    product_type = factory.SubFactory(ProductTypeFactory)
    description = factory.LazyAttribute(
        lambda p: {
            "time": 1700000000000,
            "version": "2.24.3",
            "blocks": [
                {"id": "b1", "type": "paragraph", "data": {"text": f"About {p.name}"}}
            ],
        }
    )
    description_plaintext = factory.LazyAttribute(lambda p: f"About {p.name}")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Variant {n}")
    product = factory.SubFactory(ProductFactory)


def list_product(
    product: Product,
    channel: Channel,
    *,
    published: bool = True,
    visible: bool = True,
    available: bool = True,
) -> ProductChannelListing:
    return ProductChannelListing.objects.create(
        product=product,
        channel=channel,
        is_published=published,
        published_at=PAST,
        visible_in_listings=visible,
        currency=channel.currency_code,
        available_for_purchase_at=PAST if available else None,
    )


def price_variant(
    variant: ProductVariant, channel: Channel, price: str, discounted: str | None = None
) -> ProductVariantChannelListing:
    return ProductVariantChannelListing.objects.create(
        variant=variant,
        channel=channel,
        currency=channel.currency_code,
        price_amount=Decimal(price),
        cost_price_amount=Decimal(price) / 2,
        discounted_price_amount=Decimal(discounted) if discounted else None,
    )


@dataclass
class Catalog:
    channel: Channel
    other_channel: Channel
    warehouse: Warehouse
    root: Category
    child: Category
    product_type: ProductType
    color: Attribute
    size: Attribute
    products: list[Product] = field(default_factory=list)
    variants: list[ProductVariant] = field(default_factory=list)
    collection: Collection | None = None


def build_catalog(count: int = 3) -> Catalog:
    """``count`` published products with two variants each, priced in two channels."""
    channel = ChannelFactory(
        slug="default-channel", name="Default", currency_code="USD"
    )
    other = ChannelFactory(
        slug="channel-pln", name="PLN", currency_code="PLN", default_country="PL"
    )
    warehouse = WarehouseFactory()
    ChannelWarehouse.objects.create(channel=channel, warehouse=warehouse)
    ChannelWarehouse.objects.create(channel=other, warehouse=warehouse)
    root = CategoryFactory(name="Apparel", slug="apparel")
    child = CategoryFactory(name="Shirts", slug="shirts", parent=root)
    product_type = ProductTypeFactory(name="Shirt", slug="shirt")
    color = Attribute.objects.create(
        slug="color", name="Color", type="PRODUCT_TYPE", input_type="DROPDOWN"
    )
    size = Attribute.objects.create(
        slug="size", name="Size", type="PRODUCT_TYPE", input_type="DROPDOWN"
    )
    AttributeProduct.objects.create(attribute=color, product_type=product_type)
    AttributeVariant.objects.create(
        attribute=size, product_type=product_type, variant_selection=True
    )
    red = AttributeValue.objects.create(attribute=color, name="Red", slug="red")
    blue = AttributeValue.objects.create(attribute=color, name="Blue", slug="blue")
    small = AttributeValue.objects.create(attribute=size, name="S", slug="s")
    large = AttributeValue.objects.create(attribute=size, name="L", slug="l")
    catalog = Catalog(channel, other, warehouse, root, child, product_type, color, size)
    collection = Collection.objects.create(name="Featured", slug="featured-products")
    CollectionChannelListing.objects.create(
        collection=collection, channel=channel, is_published=True, published_at=PAST
    )
    catalog.collection = collection
    for index in range(count):
        product = ProductFactory(
            product_type=product_type,
            category=child,
            name=f"Shirt {index:02d}",
            slug=f"shirt-{index:02d}",
            rating=float(index),
        )
        AssignedProductAttributeValue.objects.create(
            product=product, value=red if index % 2 == 0 else blue
        )
        list_product(product, channel)
        list_product(product, other)
        CollectionProduct.objects.create(
            collection=collection, product=product, sort_order=count - index
        )
        for position, value in enumerate((small, large)):
            variant = VariantFactory(
                product=product,
                sku=f"SHIRT-{index:02d}-{value.slug}",
                name=value.name,
                sort_order=position,
            )
            AssignedVariantAttributeValue.objects.create(variant=variant, value=value)
            price_variant(variant, channel, f"{10 + index + position}.00")
            price_variant(variant, other, f"{40 + index + position}.00")
            Stock.objects.create(
                warehouse=warehouse,
                product_variant=variant,
                quantity=10 * (position + 1),
                quantity_allocated=position,
            )
            catalog.variants.append(variant)
        product.default_variant = catalog.variants[-2]
        product.save(update_fields=["default_variant"])
        catalog.products.append(product)
    update_products_search_index([p.pk for p in catalog.products])
    return catalog
