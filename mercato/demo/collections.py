"""Demo collections: their products, channel listings and translations."""

from __future__ import annotations

from mercato.demo import editorjs
from mercato.demo.context import (
    BASE_TIME,
    TRANSLATION_LANGUAGE,
    DemoContext,
    ProductSummary,
    to_metadata,
)
from mercato.demo.data.content import COLLECTIONS
from mercato.demo.specs import CollectionSpec
from mercato.product.models import (
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    CollectionTranslation,
)

BACKGROUND_FOLDER = "collection-backgrounds"


def _members(ctx: DemoContext, spec: CollectionSpec) -> list[ProductSummary]:
    eligible = [
        summary
        for summary in ctx.products
        if not spec.product_types or summary.product_type in spec.product_types
    ]
    size = min(spec.size, len(eligible))
    if spec.order == "newest":
        return sorted(eligible, key=lambda s: (s.created_at, s.index), reverse=True)[
            :size
        ]
    if spec.order == "rating":
        return sorted(eligible, key=lambda s: (-(s.rating or 0.0), s.index))[:size]
    return ctx.sub_rng("collection", spec.slug).sample(eligible, size)


def create_collections(ctx: DemoContext) -> None:
    """Create the collections, published in every channel, with their products."""
    rng = ctx.sub_rng("collections")
    time_ms = int(BASE_TIME.timestamp() * 1000)
    rows: list[Collection] = []
    translations: list[CollectionTranslation] = []
    for spec in COLLECTIONS:
        ids = editorjs.block_ids(rng, 1)
        row = Collection(
            slug=spec.slug,
            name=spec.name[0],
            description=editorjs.document(
                [editorjs.paragraph(spec.description[0])], ids=ids, time_ms=time_ms
            ),
            seo_title=spec.name[0],
            seo_description=spec.description[0],
            metadata=to_metadata(spec.metadata),
        )
        if spec.background:
            row.background_image = ctx.images.background(
                folder=BACKGROUND_FOLDER, slug=spec.slug, name=spec.name[0][:1]
            )
            row.background_image_alt = spec.name[0]
        rows.append(row)
        translations.append(
            CollectionTranslation(
                collection=row,
                language_code=TRANSLATION_LANGUAGE,
                name=spec.name[1],
                description=editorjs.document(
                    [editorjs.paragraph(spec.description[1])], ids=ids, time_ms=time_ms
                ),
                seo_title=spec.name[1],
                seo_description=spec.description[1],
            )
        )
    Collection.objects.bulk_create(rows)
    CollectionTranslation.objects.bulk_create(translations)
    ctx.collections = {row.slug: row for row in rows}
    CollectionChannelListing.objects.bulk_create(
        CollectionChannelListing(
            collection=row,
            channel=channel,
            is_published=True,
            published_at=ctx.days_ago(60),
        )
        for row in rows
        for channel in ctx.channels.values()
    )
    CollectionProduct.objects.bulk_create(
        CollectionProduct(collection=row, product_id=member.pk, sort_order=position)
        for spec, row in zip(COLLECTIONS, rows, strict=True)
        for position, member in enumerate(_members(ctx, spec))
    )
