"""Batch loaders of the catalog; see mercato.graphql.core.dataloaders."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeVariant,
)
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.product.models import (
    Category,
    Collection,
    CollectionChannelListing,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)


def _group(rows: Any, key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


class _ListLoader(Loader[Any, list[Any]]):
    def default(self) -> list[Any]:
        return []


class CategoryByIdLoader(Loader[int, Category]):
    def batch_load(self, keys: list[int]) -> dict[int, Category]:
        return {
            c.pk: c
            for c in attach_batch(
                list(Category.objects.filter(pk__in=keys)), self.channel
            )
        }


class ProductTypeByIdLoader(Loader[int, ProductType]):
    def batch_load(self, keys: list[int]) -> dict[int, ProductType]:
        found = attach_batch(list(ProductType.objects.filter(pk__in=keys)))
        return {t.pk: t for t in found}


class ProductByIdLoader(Loader[int, Product]):
    """Products by ID in the loader's channel (callers check visibility)."""

    def batch_load(self, keys: list[int]) -> dict[int, Product]:
        found = attach_batch(list(Product.objects.filter(pk__in=keys)), self.channel)
        return {p.pk: p for p in found}


class VariantByIdLoader(Loader[int, ProductVariant]):
    def batch_load(self, keys: list[int]) -> dict[int, ProductVariant]:
        found = attach_batch(
            list(ProductVariant.objects.filter(pk__in=keys)), self.channel
        )
        return {v.pk: v for v in found}


class ProductListingLoader(Loader[int, ProductChannelListing]):
    """The listing of each product in the loader's channel."""

    def batch_load(self, keys: list[int]) -> dict[int, ProductChannelListing]:
        rows = ProductChannelListing.objects.filter(
            product_id__in=keys, channel=self.channel
        )
        return {row.product_id: row for row in rows}


# The tax class of a listing's product, else of its product type.
TAX_CLASS_ID = Coalesce(
    F("variant__product__tax_class_id"),
    F("variant__product__product_type__tax_class_id"),
)


class ProductListingsLoader(_ListLoader):
    """All channel listings of each product."""

    def batch_load(self, keys: list[int]) -> dict[int, list[ProductChannelListing]]:
        rows = attach_batch(
            list(
                ProductChannelListing.objects.filter(product_id__in=keys).order_by("pk")
            )
        )
        return _group(rows, "product_id")


class VariantListingsByProductLoader(_ListLoader):
    """Channel listings, in the loader's channel, of the variants of each product."""

    def batch_load(
        self, keys: list[int]
    ) -> dict[int, list[ProductVariantChannelListing]]:
        # Only products listed in the channel have prices there.
        rows = ProductVariantChannelListing.objects.filter(
            variant__product_id__in=keys,
            channel=self.channel,
            variant__product__channel_listings__channel=self.channel,
        ).annotate(product_id=F("variant__product_id"), tax_class_id=TAX_CLASS_ID)
        return _group(rows, "product_id")


class VariantListingLoader(Loader[int, ProductVariantChannelListing]):
    """The listing of each variant in the loader's channel."""

    def batch_load(self, keys: list[int]) -> dict[int, ProductVariantChannelListing]:
        rows = ProductVariantChannelListing.objects.filter(
            variant_id__in=keys, channel=self.channel
        ).annotate(tax_class_id=TAX_CLASS_ID)
        return {row.variant_id: row for row in rows}


class VariantListingsLoader(_ListLoader):
    def batch_load(
        self, keys: list[int]
    ) -> dict[int, list[ProductVariantChannelListing]]:
        rows = attach_batch(
            list(
                ProductVariantChannelListing.objects.filter(
                    variant_id__in=keys
                ).order_by("pk")
            )
        )
        return _group(rows, "variant_id")


class VariantsByProductLoader(_ListLoader):
    """Variants of each product; in a channel, only those priced in it."""

    def batch_load(self, keys: list[int]) -> dict[int, list[ProductVariant]]:
        variants = ProductVariant.objects.filter(product_id__in=keys)
        if self.channel is not None:
            variants = variants.filter(
                channel_listings__channel=self.channel,
                channel_listings__price_amount__isnull=False,
            )
        rows = attach_batch(list(variants), self.channel)
        return _group(rows, "product_id")


class MediaByProductLoader(_ListLoader):
    def batch_load(self, keys: list[int]) -> dict[int, list[ProductMedia]]:
        rows = attach_batch(list(ProductMedia.objects.filter(product_id__in=keys)))
        return _group(rows, "product_id")


class MediaByVariantLoader(_ListLoader):
    def batch_load(self, keys: list[int]) -> dict[int, list[ProductMedia]]:
        media = ProductMedia.objects.filter(
            variant_media__variant_id__in=keys
        ).annotate(variant_id=F("variant_media__variant_id"))
        rows = attach_batch(list(media))
        return _group(rows, "variant_id")


class CollectionsByProductLoader(_ListLoader):
    """Collections of each product that are visible in the loader's channel."""

    def batch_load(self, keys: list[int]) -> dict[int, list[Collection]]:
        collections = Collection.objects.filter(
            collection_products__product_id__in=keys
        )
        if self.channel is not None and not self.context.actor.sees_hidden_catalog:
            now = timezone.now()
            collections = collections.filter(
                Q(channel_listings__published_at__lte=now)
                | Q(channel_listings__published_at__isnull=True),
                channel_listings__channel=self.channel,
                channel_listings__is_published=True,
            )
        collections = collections.annotate(
            for_product_id=F("collection_products__product_id")
        )
        rows = attach_batch(list(collections), self.channel)
        return _group(rows, "for_product_id")


class CollectionListingsLoader(_ListLoader):
    def batch_load(self, keys: list[int]) -> dict[int, list[CollectionChannelListing]]:
        rows = attach_batch(
            list(
                CollectionChannelListing.objects.filter(
                    collection_id__in=keys
                ).order_by("pk")
            )
        )
        return _group(rows, "collection_id")


class ProductAttributesByTypeLoader(RelatedListLoader):
    """The product attributes of each product type, in order."""

    model = AttributeProduct
    owner = "product_type"
    pick = "attribute"
    ordering = ("sort_order", "pk")


class VariantAttributesByTypeLoader(_ListLoader):
    """(attribute, variant_selection) pairs of each product type, in order."""

    def batch_load(self, keys: list[int]) -> dict[int, list[tuple[Attribute, bool]]]:
        links = (
            AttributeVariant.objects.filter(product_type_id__in=keys)
            .select_related("attribute")
            .order_by("sort_order", "pk")
        )
        grouped: dict[int, list[tuple[Attribute, bool]]] = defaultdict(list)
        for link in links:
            grouped[link.product_type_id].append(
                (link.attribute, link.variant_selection)
            )
        attach_batch([a for pairs in grouped.values() for a, _ in pairs])
        return grouped


class ValuesByProductLoader(RelatedListLoader):
    """Attribute values assigned to each product, in order."""

    model = AssignedProductAttributeValue
    owner = "product"
    pick = "value"
    ordering = ("sort_order", "pk")


class ValuesByVariantLoader(RelatedListLoader):
    """Attribute values assigned to each variant, in order."""

    model = AssignedVariantAttributeValue
    owner = "variant"
    pick = "value"
    ordering = ("sort_order", "pk")
