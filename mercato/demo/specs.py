"""Plain data shapes that describe the demo catalog before it becomes rows."""

from __future__ import annotations

from dataclasses import dataclass

# Every human-readable demo text comes as (English, Polish).
Bi = tuple[str, str]
Meta = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ValueSpec:
    name: Bi
    value: str = ""  # a hex colour for SWATCH values


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute: choice types list their values, the others say how to draw one.

    ``numeric`` is (minimum, maximum, decimals); ``texts`` is the pool PLAIN_TEXT and
    RICH_TEXT values are drawn from. ``unit`` is a ``MeasurementUnitsEnum`` name in
    lower case ("g", "liter", "cm"), the form the API layer upper-cases.
    """

    slug: str
    name: Bi
    input_type: str
    values: tuple[ValueSpec, ...] = ()
    unit: str | None = None
    entity_type: str | None = None
    numeric: tuple[float, float, int] | None = None
    texts: tuple[Bi, ...] = ()
    value_required: bool = False
    visible_in_storefront: bool = True
    filterable: bool = True
    metadata: Meta = ()


@dataclass(frozen=True)
class ProductTypeSpec:
    """A product type and the recipe for naming, pricing and describing its products.

    Product names are ``f"{brand} {qualifier} {noun}"`` in English and
    ``f"{noun} {qualifier} {brand}"`` in Polish, so Polish qualifiers are written to
    follow the noun. Book-like types (``titles=True``) draw titles from the book
    vocabulary instead.
    """

    slug: str
    name: Bi
    sku_prefix: str
    share: int
    categories: tuple[str, ...]
    nouns: tuple[Bi, ...]
    qualifiers: tuple[Bi, ...]
    sentences: tuple[Bi, ...]
    product_attributes: tuple[str, ...]
    variant_axes: tuple[str, ...] = ()
    variant_extras: tuple[str, ...] = ()
    # (attribute slug, English value names) narrowing a shared attribute for this type
    allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    brand_pool: str = "apparel"
    price: tuple[int, int] = (10, 50)
    price_step: int = 0
    weight: tuple[float, float] = (0.1, 1.0)
    is_shipping_required: bool = True
    titles: bool = False

    @property
    def has_variants(self) -> bool:
        return bool(self.variant_axes)


@dataclass(frozen=True)
class CategorySpec:
    name: Bi
    description: Bi
    children: tuple[CategorySpec, ...] = ()
    background: bool = False
    metadata: Meta = ()


@dataclass(frozen=True)
class WarehouseSpec:
    slug: str
    name: str
    email: str
    channels: tuple[str, ...]
    street: str
    city: str
    postal_code: str
    country: str
    country_area: str = ""
    phone: str = ""
    is_private: bool = True
    click_and_collect: str = "disabled"
    metadata: Meta = ()


@dataclass(frozen=True)
class CollectionSpec:
    slug: str
    name: Bi
    description: Bi
    size: int
    product_types: tuple[str, ...] = ()  # empty: any product type
    order: str = "random"  # "random", "newest" or "rating"
    background: bool = False
    metadata: Meta = ()


@dataclass(frozen=True)
class PageSpec:
    slug: str
    page_type: str
    title: Bi
    # (block kind, text) with kind "header" or "paragraph"
    blocks: tuple[tuple[str, Bi], ...]
    # (attribute slug, value slug); an empty value slug draws a value for the page
    attributes: tuple[tuple[str, str], ...] = ()
    metadata: Meta = ()


@dataclass(frozen=True)
class MenuItemSpec:
    name: Bi
    category: str | None = None
    collection: str | None = None
    page: str | None = None
    url: str | None = None
    children: tuple[MenuItemSpec, ...] = ()
    metadata: Meta = ()
