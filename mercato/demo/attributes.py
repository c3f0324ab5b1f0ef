"""Demo attributes, their values and translations, and the product types using them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from mercato.attribute.models import (
    Attribute,
    AttributeProduct,
    AttributeTranslation,
    AttributeValue,
    AttributeValueTranslation,
    AttributeVariant,
)
from mercato.demo import editorjs
from mercato.demo.context import (
    BASE_TIME,
    TRANSLATION_LANGUAGE,
    DemoContext,
    make_slug,
    to_metadata,
)
from mercato.demo.data.attributes import PAGE_ATTRIBUTES, PRODUCT_ATTRIBUTES
from mercato.demo.data.product_types import PRODUCT_TYPES
from mercato.demo.specs import AttributeSpec, Bi
from mercato.product.models import ProductType, ProductTypeKind

CHOICE_TYPES = frozenset({"DROPDOWN", "MULTISELECT", "SWATCH"})
BOOLEAN_WORDS = {True: ("Yes", "Tak"), False: ("No", "Nie")}
VALUE_NAME_LIMIT = 200


@dataclass(frozen=True)
class GeneratedValue:
    """A value owned by one product or page (numbers, dates, texts, references)."""

    attribute: str
    number: str | None = None
    day: date | None = None
    text: Bi | None = None
    reference: int | None = None  # the referenced product's primary key


def format_number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def random_generated_value(
    spec: AttributeSpec, rng: random.Random, *, max_days_ago: int = 900
) -> GeneratedValue:
    """Draw a number, date or text for ``spec`` (not for choices or references)."""
    if spec.input_type == "NUMERIC" and spec.numeric is not None:
        low, high, decimals = spec.numeric
        return GeneratedValue(
            spec.slug, number=format_number(rng.uniform(low, high), int(decimals))
        )
    if spec.input_type in {"DATE", "DATE_TIME"}:
        day = BASE_TIME.date().toordinal() - rng.randint(30, max_days_ago)
        return GeneratedValue(spec.slug, day=date.fromordinal(day))
    return GeneratedValue(spec.slug, text=rng.choice(spec.texts))


def create_attributes(ctx: DemoContext) -> None:
    """Create product and page attributes with their shared values and translations."""
    specs = [(spec, "PRODUCT_TYPE") for spec in PRODUCT_ATTRIBUTES]
    specs += [(spec, "PAGE_TYPE") for spec in PAGE_ATTRIBUTES]
    attributes = Attribute.objects.bulk_create(
        Attribute(
            slug=spec.slug,
            name=spec.name[0],
            type=kind,
            input_type=spec.input_type,
            entity_type=spec.entity_type,
            unit=spec.unit,
            value_required=spec.value_required,
            visible_in_storefront=spec.visible_in_storefront,
            filterable_in_storefront=spec.filterable,
            filterable_in_dashboard=spec.filterable,
            available_in_grid=spec.filterable,
            storefront_search_position=position,
            metadata=to_metadata(spec.metadata),
        )
        for position, (spec, kind) in enumerate(specs)
    )
    ctx.attribute_specs = {spec.slug: spec for spec, _kind in specs}
    ctx.attributes = {attribute.slug: attribute for attribute in attributes}
    AttributeTranslation.objects.bulk_create(
        AttributeTranslation(
            attribute=ctx.attributes[spec.slug],
            language_code=TRANSLATION_LANGUAGE,
            name=spec.name[1],
        )
        for spec, _kind in specs
    )
    _create_shared_values(ctx, [spec for spec, _kind in specs])


def _create_shared_values(ctx: DemoContext, specs: list[AttributeSpec]) -> None:
    rows: list[tuple[str, str, AttributeValue, str]] = []
    for spec in specs:
        attribute = ctx.attributes[spec.slug]
        if spec.input_type in CHOICE_TYPES:
            for position, value in enumerate(spec.values):
                slug = make_slug(value.name[0])
                row = AttributeValue(
                    attribute=attribute,
                    name=value.name[0],
                    slug=slug,
                    value=value.value,
                    sort_order=position,
                )
                rows.append((spec.slug, slug, row, value.name[1]))
        elif spec.input_type == "BOOLEAN":
            for position, flag in enumerate((True, False)):
                english, polish = BOOLEAN_WORDS[flag]
                row = AttributeValue(
                    attribute=attribute,
                    name=f"{spec.name[0]}: {english}",
                    slug=f"{attribute.pk}_{str(flag).lower()}",
                    boolean=flag,
                    sort_order=position,
                )
                rows.append(
                    (spec.slug, str(flag).lower(), row, f"{spec.name[1]}: {polish}")
                )
    AttributeValue.objects.bulk_create([row for _a, _s, row, _pl in rows])
    ctx.values = {(attr, slug): row for attr, slug, row, _pl in rows}
    AttributeValueTranslation.objects.bulk_create(
        AttributeValueTranslation(
            attribute_value=row, language_code=TRANSLATION_LANGUAGE, name=polish
        )
        for _a, _s, row, polish in rows
        if polish != row.name
    )


def build_generated_values(
    ctx: DemoContext,
    items: list[tuple[int, GeneratedValue, str]],
    *,
    rng: random.Random,
) -> tuple[list[AttributeValue], list[AttributeValueTranslation]]:
    """Unsaved values and translations for ``(owner_pk, value, reference_name)`` items.

    Slugs follow Saleor: ``<owner pk>_<attribute pk>``, or for references
    ``<owner pk>_<referenced pk>``. Save the translations after the values.
    """
    values: list[AttributeValue] = []
    translations: list[AttributeValueTranslation] = []
    time_ms = int(BASE_TIME.timestamp() * 1000)
    for owner_pk, generated, reference_name in items:
        attribute = ctx.attributes[generated.attribute]
        row = AttributeValue(attribute=attribute, slug=f"{owner_pk}_{attribute.pk}")
        if generated.reference is not None:
            row.slug = f"{owner_pk}_{generated.reference}"
            row.name = reference_name
            row.reference_product_id = generated.reference
        elif generated.number is not None:
            row.name = generated.number
        elif generated.day is not None:
            row.name = generated.day.isoformat()
            row.date_time = datetime.combine(generated.day, time.min, tzinfo=UTC)
        elif generated.text is not None:
            translation = _fill_text(
                row, attribute.input_type, generated.text, rng, time_ms
            )
            translations.append(translation)
        values.append(row)
    return values, translations


def _fill_text(
    row: AttributeValue, input_type: str, text: Bi, rng: random.Random, time_ms: int
) -> AttributeValueTranslation:
    english, polish = text
    translation = AttributeValueTranslation(
        attribute_value=row,
        language_code=TRANSLATION_LANGUAGE,
        name=editorjs.truncate(
            editorjs.plaintext([editorjs.paragraph(polish)]), VALUE_NAME_LIMIT
        ),
    )
    row.name = editorjs.truncate(
        editorjs.plaintext([editorjs.paragraph(english)]), VALUE_NAME_LIMIT
    )
    if input_type == "RICH_TEXT":
        ids = editorjs.block_ids(rng, 1)
        row.rich_text = editorjs.document(
            [editorjs.paragraph(english)], ids=ids, time_ms=time_ms
        )
        translation.rich_text = editorjs.document(
            [editorjs.paragraph(polish)], ids=ids, time_ms=time_ms
        )
    else:
        row.plain_text = english
        translation.plain_text = polish
    return translation


def create_product_types(ctx: DemoContext) -> None:
    """Create the product types and assign their product and variant attributes."""
    types = ProductType.objects.bulk_create(
        ProductType(
            slug=spec.slug,
            name=spec.name[0],
            kind=ProductTypeKind.NORMAL,
            has_variants=spec.has_variants,
            is_shipping_required=spec.is_shipping_required,
            weight=round(spec.weight[1], 2) if spec.is_shipping_required else None,
            metadata={"sku_prefix": spec.sku_prefix},
        )
        for spec in PRODUCT_TYPES
    )
    ctx.product_types = {product_type.slug: product_type for product_type in types}
    product_links: list[AttributeProduct] = []
    variant_links: list[AttributeVariant] = []
    for spec in PRODUCT_TYPES:
        product_type = ctx.product_types[spec.slug]
        product_links.extend(
            AttributeProduct(
                attribute=ctx.attributes[slug],
                product_type=product_type,
                sort_order=order,
            )
            for order, slug in enumerate(spec.product_attributes)
        )
        variant_slugs = [(slug, True) for slug in spec.variant_axes]
        variant_slugs += [(slug, False) for slug in spec.variant_extras]
        variant_links.extend(
            AttributeVariant(
                attribute=ctx.attributes[slug],
                product_type=product_type,
                variant_selection=selection,
                sort_order=order,
            )
            for order, (slug, selection) in enumerate(variant_slugs)
        )
    AttributeProduct.objects.bulk_create(product_links)
    AttributeVariant.objects.bulk_create(variant_links)
