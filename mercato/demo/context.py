"""State shared by the steps that populate the demo database."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.text import slugify

from mercato.demo.progress import ProgressBar

if TYPE_CHECKING:
    from mercato.attribute.models import Attribute, AttributeValue
    from mercato.channel.models import Channel
    from mercato.demo.images import ImageBank
    from mercato.demo.specs import AttributeSpec
    from mercato.inventory.models import Warehouse
    from mercato.page.models import Page
    from mercato.product.models import Category, Collection, ProductType

# Every timestamp of the demo data is derived from this instant, never from the clock,
# so two runs with the same seed write identical rows.
BASE_TIME = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)

# Translations are stored under the lowercase language code, the form Saleor keeps in
# its database; the API's LanguageCodeEnum value ``PL`` maps to ``"pl"``.
TRANSLATION_LANGUAGE = "pl"


def make_slug(text: str) -> str:
    return slugify(text.replace("&", " "))


def to_metadata(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(pairs)


@dataclass(frozen=True)
class ProductSummary:
    """What later steps (collections, references) need to know about a product."""

    index: int
    pk: int
    name: str
    product_type: str
    created_at: datetime
    rating: float | None


@dataclass
class DemoContext:
    seed: int
    progress: ProgressBar
    images: ImageBank
    channels: dict[str, Channel] = field(default_factory=dict)
    warehouses: dict[str, Warehouse] = field(default_factory=dict)
    attribute_specs: dict[str, AttributeSpec] = field(default_factory=dict)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    # (attribute slug, value slug) -> a value shared by every object that uses it
    values: dict[tuple[str, str], AttributeValue] = field(default_factory=dict)
    product_types: dict[str, ProductType] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    products: list[ProductSummary] = field(default_factory=list)
    collections: dict[str, Collection] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def sub_rng(self, *parts: object) -> random.Random:
        """A generator of its own for one named part of the data (string seeds hash the
        same in every process), so adding products does not reshuffle the others."""
        return random.Random(":".join([str(self.seed), *map(str, parts)]))

    def days_ago(self, days: float) -> datetime:
        return BASE_TIME - timedelta(days=days)
