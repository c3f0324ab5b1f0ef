"""Write planned demo products, with everything hanging off them, in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Subquery

from mercato.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    AttributeValue,
    AttributeValueTranslation,
)
from mercato.demo import editorjs
from mercato.demo.attributes import GeneratedValue, build_generated_values
from mercato.demo.context import TRANSLATION_LANGUAGE, DemoContext, ProductSummary
from mercato.demo.product_plan import (
    CatalogPlanner,
    ProductPlan,
    channel_cost,
    channel_price,
)
from mercato.inventory.models import Stock
from mercato.product.models import (
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductMediaType,
    ProductTranslation,
    ProductVariant,
    ProductVariantChannelListing,
    ProductVariantTranslation,
)

CHUNK_SIZE = 1000
BATCH_SIZE = 2000
SEO_TITLE_LIMIT = 70
SEO_DESCRIPTION_LIMIT = 300


@dataclass
class _Chunk:
    """The rows of one chunk of products, paired with their plans."""

    plans: list[ProductPlan]
    products: list[Product]
    variants: list[tuple[ProductPlan, int, ProductVariant]]


def create_products(ctx: DemoContext, count: int) -> None:
    """Plan and insert ``count`` products, ``CHUNK_SIZE`` at a time."""
    planner = CatalogPlanner(ctx.seed)
    for start in range(0, count, CHUNK_SIZE):
        plans = [
            planner.plan(index)
            for index in range(start, min(count, start + CHUNK_SIZE))
        ]
        chunk = _insert_products(ctx, plans)
        _insert_variants(ctx, chunk)
        _insert_listings(ctx, chunk)
        _insert_product_attributes(ctx, chunk)
        _insert_media(ctx, chunk)
        _insert_translations(chunk)
        ctx.progress.advance(len(plans), label=f"products {start + len(plans)}/{count}")


def finish_products() -> None:
    """Point each product at its first variant; pin ``updated_at`` to ``created_at``.

    ``updated_at`` is an ``auto_now`` field, so the insert stamped it with the clock;
    the demo data must not depend on when it was generated.
    """
    first_variant = (
        ProductVariant.objects.filter(product=OuterRef("pk"))
        .order_by("sort_order", "pk")
        .values("pk")[:1]
    )
    Product.objects.update(
        default_variant=Subquery(first_variant), updated_at=F("created_at")
    )
    ProductVariant.objects.update(updated_at=F("created_at"))


def _insert_products(ctx: DemoContext, plans: list[ProductPlan]) -> _Chunk:
    rows: list[Product] = []
    for plan in plans:
        blocks = [editorjs.paragraph(text[0]) for text in plan.paragraphs]
        plaintext = editorjs.plaintext(blocks)
        rows.append(
            Product(
                product_type=ctx.product_types[plan.spec.slug],
                category=ctx.categories[plan.category],
                name=plan.name[0],
                slug=plan.slug,
                description=editorjs.document(
                    blocks, ids=plan.block_ids, time_ms=_time_ms(plan)
                ),
                description_plaintext=plaintext,
                seo_title=editorjs.truncate(plan.name[0], SEO_TITLE_LIMIT),
                seo_description=editorjs.truncate(plaintext, SEO_DESCRIPTION_LIMIT),
                created_at=plan.created_at,
                weight=plan.weight,
                rating=plan.rating,
                metadata=plan.metadata,
                private_metadata=plan.private_metadata,
                external_reference=plan.external_reference,
            )
        )
    Product.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    ctx.products.extend(
        ProductSummary(
            index=plan.index,
            pk=row.pk,
            name=row.name,
            product_type=plan.spec.slug,
            created_at=plan.created_at,
            rating=plan.rating,
        )
        for plan, row in zip(plans, rows, strict=True)
    )
    return _Chunk(plans=plans, products=rows, variants=[])


def _time_ms(plan: ProductPlan) -> int:
    return int(plan.created_at.timestamp() * 1000)


def _insert_variants(ctx: DemoContext, chunk: _Chunk) -> None:
    for plan, product in zip(chunk.plans, chunk.products, strict=True):
        for position, variant in enumerate(plan.variants):
            row = ProductVariant(
                product=product,
                sku=variant.sku,
                name=variant.name[0],
                sort_order=position,
                track_inventory=variant.track_inventory,
                quantity_limit_per_customer=variant.quantity_limit,
                created_at=plan.created_at,
                metadata=variant.metadata,
            )
            chunk.variants.append((plan, position, row))
    ProductVariant.objects.bulk_create(
        [row for _plan, _position, row in chunk.variants], batch_size=BATCH_SIZE
    )
    stocks = [
        Stock(warehouse=ctx.warehouses[slug], product_variant=row, quantity=quantity)
        for plan, position, row in chunk.variants
        for slug, quantity in plan.variants[position].stocks
    ]
    Stock.objects.bulk_create(stocks, batch_size=BATCH_SIZE)
    assigned: list[AssignedVariantAttributeValue] = []
    for plan, position, row in chunk.variants:
        assigned.extend(
            AssignedVariantAttributeValue(
                value=ctx.values[choice], variant=row, sort_order=0
            )
            for choice in plan.variants[position].choices
        )
    AssignedVariantAttributeValue.objects.bulk_create(assigned, batch_size=BATCH_SIZE)


def _insert_listings(ctx: DemoContext, chunk: _Chunk) -> None:
    # Discounted prices start as the prices; the promotions step (demo.promotions)
    # recalculates those its promotions cover.
    variant_listings: list[ProductVariantChannelListing] = []
    for plan, position, row in chunk.variants:
        variant = plan.variants[position]
        variant_listings.extend(
            ProductVariantChannelListing(
                variant=row,
                channel=channel,
                currency=channel.currency_code,
                price_amount=channel_price(variant.price, channel.currency_code),
                discounted_price_amount=channel_price(
                    variant.price, channel.currency_code
                ),
                cost_price_amount=channel_cost(variant.cost, channel.currency_code),
            )
            for channel in ctx.channels.values()
        )
    ProductVariantChannelListing.objects.bulk_create(
        variant_listings, batch_size=BATCH_SIZE
    )
    product_listings: list[ProductChannelListing] = []
    for plan, product in zip(chunk.plans, chunk.products, strict=True):
        cheapest = min(variant.price for variant in plan.variants)
        for slug, channel in ctx.channels.items():
            listing = plan.listings[slug]
            product_listings.append(
                ProductChannelListing(
                    product=product,
                    channel=channel,
                    currency=channel.currency_code,
                    is_published=listing.is_published,
                    published_at=listing.published_at,
                    visible_in_listings=listing.visible_in_listings,
                    available_for_purchase_at=listing.available_for_purchase_at,
                    discounted_price_amount=channel_price(
                        cheapest, channel.currency_code
                    ),
                )
            )
    ProductChannelListing.objects.bulk_create(product_listings, batch_size=BATCH_SIZE)


def _insert_product_attributes(ctx: DemoContext, chunk: _Chunk) -> None:
    names = {summary.pk: summary.name for summary in ctx.products}
    owned: list[tuple[int, GeneratedValue, str]] = []
    assigned: list[AssignedProductAttributeValue] = []
    for plan, product in zip(chunk.plans, chunk.products, strict=True):
        for position, choice in enumerate(plan.choices):
            assigned.append(
                AssignedProductAttributeValue(
                    value=ctx.values[choice], product=product, sort_order=position
                )
            )
        owned.extend((product.pk, value, "") for value in plan.generated)
        for index in plan.references:
            target = ctx.products[index].pk
            reference = GeneratedValue("pairs-well-with", reference=target)
            owned.append((product.pk, reference, names[target]))
    rng = ctx.sub_rng("product-values", chunk.plans[0].index)
    values, translations = build_generated_values(ctx, owned, rng=rng)
    AttributeValue.objects.bulk_create(values, batch_size=BATCH_SIZE)
    AttributeValueTranslation.objects.bulk_create(translations, batch_size=BATCH_SIZE)
    offset = len(assigned)
    assigned.extend(
        AssignedProductAttributeValue(
            value=value, product_id=owner_pk, sort_order=offset + position
        )
        for position, (value, (owner_pk, _generated, _name)) in enumerate(
            zip(values, owned, strict=True)
        )
    )
    AssignedProductAttributeValue.objects.bulk_create(assigned, batch_size=BATCH_SIZE)


def _insert_media(ctx: DemoContext, chunk: _Chunk) -> None:
    media: list[ProductMedia] = []
    for plan, product in zip(chunk.plans, chunk.products, strict=True):
        for position, pick in enumerate(plan.media_picks):
            image = ctx.images.product_image(
                slug=plan.slug,
                name=plan.name[0],
                product_type=plan.spec.slug,
                position=position,
                pick=pick,
            )
            media.append(
                ProductMedia(
                    product=product,
                    image=image,
                    alt=plan.name[0],
                    type=ProductMediaType.IMAGE,
                    sort_order=position,
                )
            )
    ProductMedia.objects.bulk_create(media, batch_size=BATCH_SIZE)


def _insert_translations(chunk: _Chunk) -> None:
    products: list[ProductTranslation] = []
    for plan, product in zip(chunk.plans, chunk.products, strict=True):
        blocks = [editorjs.paragraph(text[1]) for text in plan.paragraphs]
        description: dict[str, Any] = editorjs.document(
            blocks, ids=plan.block_ids, time_ms=_time_ms(plan)
        )
        products.append(
            ProductTranslation(
                product=product,
                language_code=TRANSLATION_LANGUAGE,
                name=plan.name[1],
                description=description,
                seo_title=editorjs.truncate(plan.name[1], SEO_TITLE_LIMIT),
                seo_description=editorjs.truncate(
                    editorjs.plaintext(blocks), SEO_DESCRIPTION_LIMIT
                ),
            )
        )
    ProductTranslation.objects.bulk_create(products, batch_size=BATCH_SIZE)
    ProductVariantTranslation.objects.bulk_create(
        (
            ProductVariantTranslation(
                product_variant=row,
                language_code=TRANSLATION_LANGUAGE,
                name=plan.variants[position].name[1],
            )
            for plan, position, row in chunk.variants
            if plan.variants[position].name[0]
        ),
        batch_size=BATCH_SIZE,
    )
