"""Generated thumbnails, one row per (source object, size, format)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ThumbnailFormat(models.TextChoices):
    ORIGINAL = "original"
    WEBP = "webp"
    AVIF = "avif"


class ThumbnailKind(models.TextChoices):
    """The kinds of objects whose image can be thumbnailed.

    The values are the model names, which are also the type names of their global IDs.
    """

    PRODUCT_MEDIA = "ProductMedia"
    CATEGORY = "Category"
    COLLECTION = "Collection"


# Longest-side sizes we generate; requests snap up to the next one.
THUMBNAIL_SIZES = (32, 64, 128, 256, 512, 1024, 2048, 4096)

# The Thumbnail foreign key that points at each kind of source object.
SOURCE_FIELDS: dict[str, str] = {
    ThumbnailKind.PRODUCT_MEDIA: "product_media",
    ThumbnailKind.CATEGORY: "category",
    ThumbnailKind.COLLECTION: "collection",
}


class Thumbnail(models.Model):
    """A resized copy of the image of exactly one product media, category or collection.

    ``source_name`` is the storage name of the image the copy was made from, so a
    replaced source image is noticed and its thumbnail regenerated.
    """

    image = models.ImageField(upload_to="thumbnails", max_length=255)
    size = models.PositiveIntegerField()
    format = models.CharField(max_length=16, choices=ThumbnailFormat.choices)
    source_name = models.CharField(max_length=255)
    product_media = models.ForeignKey(
        "product.ProductMedia",
        null=True,
        blank=True,
        related_name="thumbnails",
        on_delete=models.CASCADE,
    )
    category = models.ForeignKey(
        "product.Category",
        null=True,
        blank=True,
        related_name="thumbnails",
        on_delete=models.CASCADE,
    )
    collection = models.ForeignKey(
        "product.Collection",
        null=True,
        blank=True,
        related_name="thumbnails",
        on_delete=models.CASCADE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["product_media", "size", "format"],
                condition=Q(product_media__isnull=False),
                name="thumbnail_unique_product_media",
            ),
            models.UniqueConstraint(
                fields=["category", "size", "format"],
                condition=Q(category__isnull=False),
                name="thumbnail_unique_category",
            ),
            models.UniqueConstraint(
                fields=["collection", "size", "format"],
                condition=Q(collection__isnull=False),
                name="thumbnail_unique_collection",
            ),
            models.CheckConstraint(
                condition=(
                    Q(product_media__isnull=False, category=None, collection=None)
                    | Q(product_media=None, category__isnull=False, collection=None)
                    | Q(product_media=None, category=None, collection__isnull=False)
                ),
                name="thumbnail_has_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image.name} ({self.size}px {self.format})"

    @property
    def file_name(self) -> str:
        """The storage name of the thumbnail file."""
        return self.image.name or ""
