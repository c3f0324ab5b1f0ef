"""The catalog: categories, product types, products, variants, collections, media."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from mercato.core.models import (
    ModelWithMetadata,
    SeoModel,
    SortableModel,
    TranslationModel,
)


class Category(ModelWithMetadata, SeoModel):
    """A node of the category tree.

    ``tree_path`` holds the primary keys of the ancestors, root first, so ancestors and
    descendants are one indexed query each.
    """

    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    description = models.JSONField(blank=True, null=True)
    description_plaintext = models.TextField(blank=True, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.CASCADE
    )
    level = models.PositiveIntegerField(default=0)
    tree_path = ArrayField(models.BigIntegerField(), default=list, blank=True)
    background_image = models.ImageField(
        upload_to="category-backgrounds", blank=True, null=True
    )
    background_image_alt = models.CharField(max_length=128, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("pk",)
        indexes = [GinIndex(fields=["tree_path"], name="category_tree_path_idx")]

    def __str__(self) -> str:
        return self.name


class CategoryTranslation(TranslationModel, SeoModel):
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(max_length=128, blank=True, null=True)
    slug = models.SlugField(max_length=255, null=True, blank=True)
    description = models.JSONField(blank=True, null=True)

    class Meta:
        unique_together = (("language_code", "category"),)


class ProductTypeKind(models.TextChoices):
    NORMAL = "NORMAL"
    GIFT_CARD = "GIFT_CARD"


class ProductType(ModelWithMetadata):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True)
    kind = models.CharField(
        max_length=32, choices=ProductTypeKind.choices, default=ProductTypeKind.NORMAL
    )
    has_variants = models.BooleanField(default=True)
    is_shipping_required = models.BooleanField(default=True)
    weight = models.FloatField(null=True, blank=True)
    tax_class = models.ForeignKey(
        "tax.TaxClass",
        related_name="product_types",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.name


class ProductManager(models.Manager["Product"]):
    """Leaves out the search columns: only SQL reads them, and they are large."""

    def get_queryset(self) -> models.QuerySet[Product]:
        return super().get_queryset().defer("search_document", "search_vector")


class Product(ModelWithMetadata, SeoModel):
    product_type = models.ForeignKey(
        ProductType, related_name="products", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    description = models.JSONField(blank=True, null=True)
    description_plaintext = models.TextField(blank=True, default="")
    category = models.ForeignKey(
        Category,
        related_name="products",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    weight = models.FloatField(null=True, blank=True)
    default_variant = models.OneToOneField(
        "ProductVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.FloatField(null=True, blank=True)
    external_reference = models.CharField(
        max_length=250, unique=True, null=True, blank=True
    )
    search_document = models.TextField(blank=True, default="")
    search_vector = SearchVectorField(null=True, blank=True)
    tax_class = models.ForeignKey(
        "tax.TaxClass",
        related_name="products",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = ProductManager()

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_vector_idx"),
            models.Index(fields=["name", "id"], name="product_name_pk_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductTranslation(TranslationModel, SeoModel):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(max_length=250, blank=True, null=True)
    slug = models.SlugField(max_length=255, null=True, blank=True)
    description = models.JSONField(blank=True, null=True)

    class Meta:
        unique_together = (("language_code", "product"),)


class ProductVariant(SortableModel, ModelWithMetadata):
    sku = models.CharField(max_length=255, unique=True, null=True, blank=True)
    name = models.CharField(max_length=255, blank=True)
    product = models.ForeignKey(
        Product, related_name="variants", on_delete=models.CASCADE
    )
    track_inventory = models.BooleanField(default=True)
    quantity_limit_per_customer = models.IntegerField(blank=True, null=True)
    weight = models.FloatField(null=True, blank=True)
    external_reference = models.CharField(
        max_length=250, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("sort_order", "sku", "pk")

    def __str__(self) -> str:
        return self.name or self.sku or f"ID:{self.pk}"


class ProductVariantTranslation(TranslationModel):
    product_variant = models.ForeignKey(
        ProductVariant, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        unique_together = (("language_code", "product_variant"),)


class ProductChannelListing(models.Model):
    product = models.ForeignKey(
        Product, related_name="channel_listings", on_delete=models.CASCADE
    )
    channel = models.ForeignKey(
        "channel.Channel", related_name="product_listings", on_delete=models.CASCADE
    )
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    visible_in_listings = models.BooleanField(default=False)
    available_for_purchase_at = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    discounted_price_amount = models.DecimalField(
        null=True, blank=True, max_digits=20, decimal_places=3
    )

    class Meta:
        unique_together = (("product", "channel"),)
        ordering = ("pk",)
        indexes = [
            models.Index(
                fields=["channel", "is_published", "visible_in_listings"],
                name="product_listing_visible_idx",
            )
        ]


class ProductVariantChannelListing(models.Model):
    variant = models.ForeignKey(
        ProductVariant, related_name="channel_listings", on_delete=models.CASCADE
    )
    channel = models.ForeignKey(
        "channel.Channel", related_name="variant_listings", on_delete=models.CASCADE
    )
    currency = models.CharField(max_length=3)
    price_amount = models.DecimalField(
        null=True, blank=True, max_digits=20, decimal_places=3
    )
    cost_price_amount = models.DecimalField(
        null=True, blank=True, max_digits=20, decimal_places=3
    )
    discounted_price_amount = models.DecimalField(
        null=True, blank=True, max_digits=20, decimal_places=3
    )

    class Meta:
        unique_together = (("variant", "channel"),)
        ordering = ("pk",)


class ProductMediaType(models.TextChoices):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"


class ProductMedia(SortableModel, ModelWithMetadata):
    product = models.ForeignKey(Product, related_name="media", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="products", blank=True, null=True)
    alt = models.CharField(max_length=250, blank=True)
    type = models.CharField(
        max_length=32, choices=ProductMediaType.choices, default=ProductMediaType.IMAGE
    )
    external_url = models.CharField(max_length=256, blank=True, null=True)
    oembed_data = models.JSONField(blank=True, default=dict)

    class Meta(ModelWithMetadata.Meta):
        ordering = ("sort_order", "pk")


class VariantMedia(models.Model):
    variant = models.ForeignKey(
        ProductVariant, related_name="variant_media", on_delete=models.CASCADE
    )
    media = models.ForeignKey(
        ProductMedia, related_name="variant_media", on_delete=models.CASCADE
    )

    class Meta:
        unique_together = (("variant", "media"),)


class Collection(ModelWithMetadata, SeoModel):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    description = models.JSONField(blank=True, null=True)
    background_image = models.ImageField(
        upload_to="collection-backgrounds", blank=True, null=True
    )
    background_image_alt = models.CharField(max_length=128, blank=True)
    products = models.ManyToManyField(
        Product, through="CollectionProduct", related_name="collections", blank=True
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.name


class CollectionProduct(SortableModel):
    collection = models.ForeignKey(
        Collection, related_name="collection_products", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        Product, related_name="collection_products", on_delete=models.CASCADE
    )

    class Meta:
        unique_together = (("collection", "product"),)
        ordering = ("sort_order", "pk")


class CollectionChannelListing(models.Model):
    collection = models.ForeignKey(
        Collection, related_name="channel_listings", on_delete=models.CASCADE
    )
    channel = models.ForeignKey(
        "channel.Channel", related_name="collection_listings", on_delete=models.CASCADE
    )
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = (("collection", "channel"),)
        ordering = ("pk",)


class CollectionTranslation(TranslationModel, SeoModel):
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(max_length=128, blank=True, null=True)
    slug = models.SlugField(max_length=255, null=True, blank=True)
    description = models.JSONField(blank=True, null=True)

    class Meta:
        unique_together = (("language_code", "collection"),)
