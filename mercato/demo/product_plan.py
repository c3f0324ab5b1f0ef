"""Decide, without touching the database, what each demo product looks like.

Each product draws from a random generator seeded with the demo seed and its position,
so product N is the same whatever the catalog size (only references and collections
look at the rest of the catalog).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from mercato.demo import editorjs
from mercato.demo.attributes import CHOICE_TYPES, GeneratedValue, random_generated_value
from mercato.demo.context import BASE_TIME, make_slug
from mercato.demo.data.attributes import PRODUCT_ATTRIBUTES
from mercato.demo.data.content import CHANNELS, PLN_PER_USD, WAREHOUSES
from mercato.demo.data.product_types import (
    BRAND_WORDS,
    GENERIC_SENTENCES,
    PRODUCT_TYPES,
    TITLE_ADJECTIVES,
    TITLE_NOUNS,
    TITLE_PLACES,
)
from mercato.demo.specs import AttributeSpec, Bi, ProductTypeSpec

ATTRIBUTES: dict[str, AttributeSpec] = {spec.slug: spec for spec in PRODUCT_ATTRIBUTES}
CENT = Decimal("0.01")
MAX_VARIANTS = 4
SERIES = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass
class VariantPlan:
    sku: str
    name: Bi
    choices: list[tuple[str, str]]  # (attribute slug, value slug)
    price: Decimal  # in USD; other channels convert it
    cost: Decimal
    stocks: list[tuple[str, int]]  # (warehouse slug, quantity)
    track_inventory: bool = True
    quantity_limit: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class ListingPlan:
    is_published: bool
    published_at: datetime | None
    visible_in_listings: bool
    available_for_purchase_at: datetime | None


@dataclass
class ProductPlan:
    index: int
    spec: ProductTypeSpec
    name: Bi
    slug: str
    category: str
    paragraphs: list[Bi]
    block_ids: list[str]
    created_at: datetime
    rating: float | None
    weight: float | None
    choices: list[tuple[str, str]]
    generated: list[GeneratedValue]
    references: list[int]  # indices of earlier products
    variants: list[VariantPlan]
    listings: dict[str, ListingPlan]
    media_picks: list[int]
    metadata: dict[str, str]
    private_metadata: dict[str, str]
    external_reference: str | None


def channel_price(usd: Decimal, currency: str) -> Decimal:
    """A shelf price in ``currency``: złoty prices are rounded to end in .99."""
    if currency == "USD":
        return usd
    whole = (usd * PLN_PER_USD).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return whole - CENT


def channel_cost(usd: Decimal, currency: str) -> Decimal:
    if currency == "USD":
        return usd
    return (usd * PLN_PER_USD).quantize(CENT, rounding=ROUND_HALF_UP)


class CatalogPlanner:
    """Plans products in order, keeping names and slugs unique across the catalog."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._names: set[str] = set()
        self._slugs: set[str] = set()
        self._by_type: dict[str, list[int]] = {}
        first_round = list(PRODUCT_TYPES)
        random.Random(f"{seed}:type-order").shuffle(first_round)
        self._first_round = first_round

    def plan(self, index: int) -> ProductPlan:
        rng = random.Random(f"{self.seed}:product:{index}")
        spec = self._product_type(index, rng)
        name = self._unique_name(spec, rng)
        slug = self._unique_slug(make_slug(name[0]))
        created_at = BASE_TIME - timedelta(seconds=rng.randint(86_400, 720 * 86_400))
        choices, generated = _attribute_values(spec, rng)
        references = self._references(spec, rng)
        paragraphs = _paragraphs(spec, name, rng)
        plan = ProductPlan(
            index=index,
            spec=spec,
            name=name,
            slug=slug,
            category=rng.choice(spec.categories),
            paragraphs=paragraphs,
            block_ids=editorjs.block_ids(rng, len(paragraphs)),
            created_at=created_at,
            rating=round(rng.uniform(2.8, 5.0), 1) if rng.random() < 0.75 else None,
            weight=_weight(spec, rng),
            choices=choices,
            generated=generated,
            references=references,
            variants=_variants(spec, index, rng),
            listings={slug: _listing(created_at, rng) for slug, *_rest in CHANNELS},
            media_picks=[rng.randrange(1000) for _ in range(rng.choice((1, 1, 2)))],
            metadata=_metadata(rng),
            private_metadata=_private_metadata(rng),
            external_reference=f"ERP-{index + 1:06d}" if rng.random() < 0.25 else None,
        )
        self._by_type.setdefault(spec.slug, []).append(index)
        return plan

    def _product_type(self, index: int, rng: random.Random) -> ProductTypeSpec:
        if index < len(self._first_round):
            return self._first_round[index]
        return rng.choices(
            PRODUCT_TYPES, weights=[spec.share for spec in PRODUCT_TYPES]
        )[0]

    def _unique_name(self, spec: ProductTypeSpec, rng: random.Random) -> Bi:
        english, polish = _book_title(rng) if spec.titles else _branded_name(spec, rng)
        if english not in self._names:
            self._names.add(english)
            return english, polish
        for mark in SERIES:
            candidate = f"{english} {mark}"
            if candidate not in self._names:
                self._names.add(candidate)
                return candidate, f"{polish} {mark}"
        return self._unique_name(spec, rng)

    def _unique_slug(self, slug: str) -> str:
        candidate, number = slug, 1
        while candidate in self._slugs:
            number += 1
            candidate = f"{slug}-{number}"
        self._slugs.add(candidate)
        return candidate

    def _references(self, spec: ProductTypeSpec, rng: random.Random) -> list[int]:
        if "pairs-well-with" not in spec.product_attributes:
            return []
        earlier = self._by_type.get(spec.slug, [])
        if not earlier:
            return []
        recent = earlier[-50:]
        return sorted(rng.sample(recent, min(len(recent), rng.randint(1, 2))))


def _branded_name(spec: ProductTypeSpec, rng: random.Random) -> Bi:
    first_words, second_words = BRAND_WORDS[spec.brand_pool]
    brand = f"{rng.choice(first_words)} {rng.choice(second_words)}"
    qualifier = rng.choice(spec.qualifiers)
    noun = rng.choice(spec.nouns)
    return f"{brand} {qualifier[0]} {noun[0]}", f"{noun[1]} {qualifier[1]} {brand}"


def _book_title(rng: random.Random) -> Bi:
    adjective, noun = rng.choice(TITLE_ADJECTIVES), rng.choice(TITLE_NOUNS)
    other, place = rng.choice(TITLE_NOUNS), rng.choice(TITLE_PLACES)
    title = rng.choice(
        (
            f"The {adjective} {noun}",
            f"The {noun} of {place}",
            f"A {adjective} {noun} in {place}",
            f"The {noun}'s {other}",
        )
    )
    return title, title


def _paragraphs(spec: ProductTypeSpec, name: Bi, rng: random.Random) -> list[Bi]:
    opening = rng.sample(spec.sentences, 2)
    return [
        (
            " ".join(sentence[0] for sentence in opening).format(name=name[0]),
            " ".join(sentence[1] for sentence in opening).format(name=name[1]),
        ),
        rng.choice(GENERIC_SENTENCES),
    ]


def _weight(spec: ProductTypeSpec, rng: random.Random) -> float | None:
    if not spec.is_shipping_required:
        return None
    return round(rng.uniform(*spec.weight), 2)


def _attribute_values(
    spec: ProductTypeSpec, rng: random.Random
) -> tuple[list[tuple[str, str]], list[GeneratedValue]]:
    choices: list[tuple[str, str]] = []
    generated: list[GeneratedValue] = []
    allowed = dict(spec.allowed)
    for slug in spec.product_attributes:
        attribute = ATTRIBUTES[slug]
        if attribute.input_type in CHOICE_TYPES:
            names = allowed.get(slug) or [value.name[0] for value in attribute.values]
            count = rng.randint(1, 3) if attribute.input_type == "MULTISELECT" else 1
            picked = sorted(rng.sample(range(len(names)), min(count, len(names))))
            choices.extend((slug, make_slug(names[i])) for i in picked)
        elif attribute.input_type == "BOOLEAN":
            choices.append((slug, "true" if rng.random() < 0.6 else "false"))
        elif attribute.input_type != "REFERENCE":
            generated.append(random_generated_value(attribute, rng))
    return choices, generated


def _variant_combinations(
    spec: ProductTypeSpec, rng: random.Random
) -> list[tuple[int, ...]]:
    sizes = [len(ATTRIBUTES[slug].values) for slug in spec.variant_axes]
    count = rng.randint(1, MAX_VARIANTS)
    if len(sizes) == 1:
        count = min(count, sizes[0])
        start = rng.randint(0, sizes[0] - count)
        return [(position,) for position in range(start, start + count)]
    combinations = list(itertools.product(*(range(size) for size in sizes)))
    return sorted(rng.sample(combinations, min(count, len(combinations))))


def _variants(
    spec: ProductTypeSpec, index: int, rng: random.Random
) -> list[VariantPlan]:
    base = Decimal(rng.randint(*spec.price)) - CENT
    sku_stem = f"{spec.sku_prefix}-{index + 1:05d}"
    if not spec.has_variants:
        return [_variant(spec, f"{sku_stem}-1", ("", ""), [], base, rng)]
    variants: list[VariantPlan] = []
    for number, combination in enumerate(_variant_combinations(spec, rng), start=1):
        values = [
            ATTRIBUTES[slug].values[position]
            for slug, position in zip(spec.variant_axes, combination, strict=True)
        ]
        name = (
            " / ".join(v.name[0] for v in values),
            " / ".join(v.name[1] for v in values),
        )
        choices = [
            (slug, make_slug(value.name[0]))
            for slug, value in zip(spec.variant_axes, values, strict=True)
        ]
        for extra in spec.variant_extras:
            value = rng.choice(ATTRIBUTES[extra].values)
            choices.append((extra, make_slug(value.name[0])))
        price = base + spec.price_step * combination[0]
        variants.append(
            _variant(spec, f"{sku_stem}-{number}", name, choices, price, rng)
        )
    return variants


def _variant(
    spec: ProductTypeSpec,
    sku: str,
    name: Bi,
    choices: list[tuple[str, str]],
    price: Decimal,
    rng: random.Random,
) -> VariantPlan:
    margin = Decimal(str(round(rng.uniform(0.42, 0.68), 3)))
    sold_out = rng.random() < 0.04
    stocks = [(WAREHOUSES[0].slug, 0 if sold_out else rng.randint(5, 250))]
    stocks += [
        (warehouse.slug, 0 if sold_out else rng.randint(0, 120))
        for warehouse in WAREHOUSES[1:]
        if rng.random() < 0.6
    ]
    metadata = {"barcode": _ean13(rng)} if rng.random() < 0.2 else {}
    return VariantPlan(
        sku=sku,
        name=name,
        choices=choices,
        price=price,
        cost=(price * margin).quantize(CENT, rounding=ROUND_HALF_UP),
        stocks=stocks,
        track_inventory=spec.is_shipping_required,
        quantity_limit=rng.choice((2, 5, 10)) if rng.random() < 0.05 else None,
        metadata=metadata,
    )


def _ean13(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(12)]
    checksum = (
        10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10
    ) % 10
    return "".join(map(str, digits)) + str(checksum)


def _listing(created_at: datetime, rng: random.Random) -> ListingPlan:
    roll = rng.random()
    published_at = min(created_at + timedelta(hours=rng.randint(1, 72)), BASE_TIME)
    if roll < 0.04:
        return ListingPlan(False, None, False, None)
    return ListingPlan(
        is_published=True,
        published_at=published_at,
        visible_in_listings=roll >= 0.08,
        available_for_purchase_at=None if roll < 0.11 else published_at,
    )


def _metadata(rng: random.Random) -> dict[str, str]:
    if rng.random() >= 0.3:
        return {}
    return {
        "origin_country": rng.choice(("PL", "PT", "US", "DE", "JP", "CO")),
        "care_level": rng.choice(("easy", "moderate")),
    }


def _private_metadata(rng: random.Random) -> dict[str, str]:
    if rng.random() >= 0.2:
        return {}
    return {
        "supplier_code": f"SUP-{rng.randint(100, 999)}",
        "reorder_point": str(rng.randint(10, 60)),
    }
