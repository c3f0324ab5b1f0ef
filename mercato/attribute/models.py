"""Attributes, their values, and their assignment to types, products and pages."""

from __future__ import annotations

from django.db import models

from mercato.core.models import ModelWithMetadata, SortableModel, TranslationModel


class AttributeType(models.TextChoices):
    PRODUCT_TYPE = "PRODUCT_TYPE"
    PAGE_TYPE = "PAGE_TYPE"


class AttributeInputType(models.TextChoices):
    DROPDOWN = "DROPDOWN"
    MULTISELECT = "MULTISELECT"
    FILE = "FILE"
    REFERENCE = "REFERENCE"
    SINGLE_REFERENCE = "SINGLE_REFERENCE"
    NUMERIC = "NUMERIC"
    RICH_TEXT = "RICH_TEXT"
    PLAIN_TEXT = "PLAIN_TEXT"
    SWATCH = "SWATCH"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    DATE_TIME = "DATE_TIME"


class AttributeEntityType(models.TextChoices):
    PAGE = "PAGE"
    PRODUCT = "PRODUCT"
    PRODUCT_VARIANT = "PRODUCT_VARIANT"
    CATEGORY = "CATEGORY"
    COLLECTION = "COLLECTION"


class Attribute(ModelWithMetadata):
    slug = models.SlugField(max_length=250, unique=True)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=50, choices=AttributeType.choices)
    input_type = models.CharField(
        max_length=50,
        choices=AttributeInputType.choices,
        default=AttributeInputType.DROPDOWN,
    )
    entity_type = models.CharField(
        max_length=50, choices=AttributeEntityType.choices, blank=True, null=True
    )
    unit = models.CharField(max_length=100, blank=True, null=True)
    value_required = models.BooleanField(default=False)
    is_variant_only = models.BooleanField(default=False)
    visible_in_storefront = models.BooleanField(default=True)
    filterable_in_storefront = models.BooleanField(default=True)
    filterable_in_dashboard = models.BooleanField(default=True)
    storefront_search_position = models.IntegerField(default=0)
    available_in_grid = models.BooleanField(default=True)
    external_reference = models.CharField(
        max_length=250, unique=True, null=True, blank=True
    )

    class Meta(ModelWithMetadata.Meta):
        ordering = ("storefront_search_position", "slug")

    def __str__(self) -> str:
        return self.name


class AttributeValue(SortableModel):
    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, related_name="values"
    )
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=255)
    value = models.CharField(max_length=255, blank=True, default="")
    file_url = models.URLField(null=True, blank=True)
    content_type = models.CharField(max_length=50, null=True, blank=True)
    rich_text = models.JSONField(null=True, blank=True)
    plain_text = models.TextField(null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)
    date_time = models.DateTimeField(null=True, blank=True)
    reference_product = models.ForeignKey(
        "product.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    reference_variant = models.ForeignKey(
        "product.ProductVariant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    reference_page = models.ForeignKey(
        "page.Page", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    external_reference = models.CharField(
        max_length=250, unique=True, null=True, blank=True
    )

    class Meta:
        ordering = ("sort_order", "pk")
        unique_together = (("slug", "attribute"),)

    def __str__(self) -> str:
        return self.name


class AttributeTranslation(TranslationModel):
    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(max_length=255)

    class Meta:
        unique_together = (("language_code", "attribute"),)


class AttributeValueTranslation(TranslationModel):
    attribute_value = models.ForeignKey(
        AttributeValue, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(max_length=250)
    rich_text = models.JSONField(null=True, blank=True)
    plain_text = models.TextField(null=True, blank=True)

    class Meta:
        unique_together = (("language_code", "attribute_value"),)


class AttributeProduct(SortableModel):
    """An attribute that products of a product type carry."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="+")
    product_type = models.ForeignKey(
        "product.ProductType",
        on_delete=models.CASCADE,
        related_name="attribute_products",
    )

    class Meta:
        unique_together = (("attribute", "product_type"),)
        ordering = ("sort_order", "pk")


class AttributeVariant(SortableModel):
    """An attribute that variants of a product type carry."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="+")
    product_type = models.ForeignKey(
        "product.ProductType",
        on_delete=models.CASCADE,
        related_name="attribute_variants",
    )
    variant_selection = models.BooleanField(default=False)

    class Meta:
        unique_together = (("attribute", "product_type"),)
        ordering = ("sort_order", "pk")


class AttributePage(SortableModel):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="+")
    page_type = models.ForeignKey(
        "page.PageType", on_delete=models.CASCADE, related_name="attribute_pages"
    )

    class Meta:
        unique_together = (("attribute", "page_type"),)
        ordering = ("sort_order", "pk")


class AssignedProductAttributeValue(SortableModel):
    value = models.ForeignKey(
        AttributeValue, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "product.Product", on_delete=models.CASCADE, related_name="attribute_values"
    )

    class Meta:
        unique_together = (("value", "product"),)
        ordering = ("sort_order", "pk")


class AssignedVariantAttributeValue(SortableModel):
    value = models.ForeignKey(
        AttributeValue, on_delete=models.CASCADE, related_name="+"
    )
    variant = models.ForeignKey(
        "product.ProductVariant",
        on_delete=models.CASCADE,
        related_name="attribute_values",
    )

    class Meta:
        unique_together = (("value", "variant"),)
        ordering = ("sort_order", "pk")


class AssignedPageAttributeValue(SortableModel):
    value = models.ForeignKey(
        AttributeValue, on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        "page.Page", on_delete=models.CASCADE, related_name="attribute_values"
    )

    class Meta:
        unique_together = (("value", "page"),)
        ordering = ("sort_order", "pk")
