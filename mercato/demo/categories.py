"""The demo category tree, created level by level so ``tree_path`` can be filled."""

from __future__ import annotations

from mercato.demo import editorjs
from mercato.demo.context import (
    BASE_TIME,
    TRANSLATION_LANGUAGE,
    DemoContext,
    make_slug,
    to_metadata,
)
from mercato.demo.data.categories import CATEGORY_TREE
from mercato.demo.specs import CategorySpec
from mercato.product.models import Category, CategoryTranslation

BACKGROUND_FOLDER = "category-backgrounds"


def create_categories(ctx: DemoContext) -> None:
    """Create every category with its level, ancestor path, description and translation.

    ``tree_path`` lists the ancestors' primary keys, root first, without the category
    itself; each level is inserted after its parents so their keys are known.
    """
    rng = ctx.sub_rng("categories")
    time_ms = int(BASE_TIME.timestamp() * 1000)
    level: list[tuple[CategorySpec, Category | None]] = [
        (spec, None) for spec in CATEGORY_TREE
    ]
    translations: list[CategoryTranslation] = []
    while level:
        rows: list[Category] = []
        for spec, parent in level:
            ids = editorjs.block_ids(rng, 1)
            english = [editorjs.paragraph(spec.description[0])]
            slug = make_slug(spec.name[0])
            row = Category(
                name=spec.name[0],
                slug=slug,
                description=editorjs.document(english, ids=ids, time_ms=time_ms),
                description_plaintext=editorjs.plaintext(english),
                parent=parent,
                level=0 if parent is None else parent.level + 1,
                tree_path=[] if parent is None else [*parent.tree_path, parent.pk],
                seo_title=spec.name[0],
                seo_description=editorjs.truncate(spec.description[0], 300),
                metadata=to_metadata(spec.metadata),
            )
            if spec.background:
                row.background_image = ctx.images.background(
                    folder=BACKGROUND_FOLDER, slug=slug, name=spec.name[0][:1]
                )
                row.background_image_alt = spec.name[0]
            rows.append(row)
            polish = [editorjs.paragraph(spec.description[1])]
            translations.append(
                CategoryTranslation(
                    category=row,
                    language_code=TRANSLATION_LANGUAGE,
                    name=spec.name[1],
                    description=editorjs.document(polish, ids=ids, time_ms=time_ms),
                    seo_title=spec.name[1],
                    seo_description=editorjs.truncate(spec.description[1], 300),
                )
            )
        Category.objects.bulk_create(rows)
        ctx.categories.update((row.slug, row) for row in rows)
        level = [
            (child, row)
            for (spec, _parent), row in zip(level, rows, strict=True)
            for child in spec.children
        ]
    CategoryTranslation.objects.bulk_create(translations)
