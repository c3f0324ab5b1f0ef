"""Demo pages (with their types and attributes) and the navbar and footer menus."""

from __future__ import annotations

from mercato.attribute.models import (
    AssignedPageAttributeValue,
    AttributePage,
    AttributeValue,
    AttributeValueTranslation,
)
from mercato.demo import editorjs
from mercato.demo.attributes import (
    GeneratedValue,
    build_generated_values,
    random_generated_value,
)
from mercato.demo.context import (
    BASE_TIME,
    TRANSLATION_LANGUAGE,
    DemoContext,
    make_slug,
    to_metadata,
)
from mercato.demo.data.categories import CATEGORY_TREE
from mercato.demo.data.content import (
    COLLECTIONS,
    FOOTER,
    NAVBAR_COLLECTIONS,
    PAGE_TYPES,
    PAGES,
)
from mercato.demo.specs import MenuItemSpec
from mercato.menu.models import Menu, MenuItem, MenuItemTranslation
from mercato.page.models import Page, PageTranslation, PageType

_BLOCK_BUILDERS = {"header": editorjs.header, "paragraph": editorjs.paragraph}


def create_pages(ctx: DemoContext) -> None:
    """Create page types with their attributes, then published, translated pages."""
    page_types = PageType.objects.bulk_create(
        PageType(slug=slug, name=name[0]) for slug, name, _attributes in PAGE_TYPES
    )
    by_slug = {page_type.slug: page_type for page_type in page_types}
    AttributePage.objects.bulk_create(
        AttributePage(
            attribute=ctx.attributes[attribute],
            page_type=by_slug[slug],
            sort_order=order,
        )
        for slug, _name, attributes in PAGE_TYPES
        for order, attribute in enumerate(attributes)
    )
    rng = ctx.sub_rng("pages")
    time_ms = int(BASE_TIME.timestamp() * 1000)
    pages: list[Page] = []
    translations: list[PageTranslation] = []
    for position, spec in enumerate(PAGES):
        ids = editorjs.block_ids(rng, len(spec.blocks))
        english = [_BLOCK_BUILDERS[kind](text[0]) for kind, text in spec.blocks]
        polish = [_BLOCK_BUILDERS[kind](text[1]) for kind, text in spec.blocks]
        page = Page(
            page_type=by_slug[spec.page_type],
            slug=spec.slug,
            title=spec.title[0],
            content=editorjs.document(english, ids=ids, time_ms=time_ms),
            is_published=True,
            published_at=ctx.days_ago(400 - position),
            created_at=ctx.days_ago(410 - position),
            seo_title=spec.title[0],
            seo_description=editorjs.truncate(editorjs.plaintext(english), 300),
            metadata=to_metadata(spec.metadata),
        )
        pages.append(page)
        translations.append(
            PageTranslation(
                page=page,
                language_code=TRANSLATION_LANGUAGE,
                title=spec.title[1],
                content=editorjs.document(polish, ids=ids, time_ms=time_ms),
                seo_title=spec.title[1],
            )
        )
    Page.objects.bulk_create(pages)
    PageTranslation.objects.bulk_create(translations)
    ctx.pages = {page.slug: page for page in pages}
    _assign_page_attributes(ctx, pages)


def _assign_page_attributes(ctx: DemoContext, pages: list[Page]) -> None:
    rng = ctx.sub_rng("page-values")
    assigned: list[AssignedPageAttributeValue] = []
    owned: list[tuple[int, GeneratedValue, str]] = []
    for spec, page in zip(PAGES, pages, strict=True):
        for position, (slug, raw) in enumerate(spec.attributes):
            shared = ctx.values.get((slug, raw))
            if shared is not None:
                assigned.append(
                    AssignedPageAttributeValue(
                        value=shared, page=page, sort_order=position
                    )
                )
            else:
                generated = random_generated_value(ctx.attribute_specs[slug], rng)
                owned.append((page.pk, generated, ""))
    values, translations = build_generated_values(ctx, owned, rng=rng)
    AttributeValue.objects.bulk_create(values)
    AttributeValueTranslation.objects.bulk_create(translations)
    offset = len(assigned)
    assigned.extend(
        AssignedPageAttributeValue(value=value, page_id=owner_pk, sort_order=offset + n)
        for n, (value, (owner_pk, _generated, _name)) in enumerate(
            zip(values, owned, strict=True)
        )
    )
    AssignedPageAttributeValue.objects.bulk_create(assigned)


def _navbar() -> tuple[MenuItemSpec, ...]:
    return tuple(
        MenuItemSpec(
            root.name,
            category=make_slug(root.name[0]),
            children=tuple(
                MenuItemSpec(child.name, category=make_slug(child.name[0]))
                for child in root.children
            ),
        )
        for root in CATEGORY_TREE
    )


def create_menus(ctx: DemoContext) -> None:
    """Create ``navbar`` (categories, collections) and ``footer`` (pages, links)."""
    collection_items = tuple(
        MenuItemSpec(spec.name, collection=spec.slug)
        for spec in COLLECTIONS
        if spec.slug in NAVBAR_COLLECTIONS
    )
    menus = Menu.objects.bulk_create(
        [
            Menu(slug="navbar", name="navbar", metadata={"placement": "header"}),
            Menu(slug="footer", name="footer", metadata={"placement": "footer"}),
        ]
    )
    trees = {"navbar": _navbar() + collection_items, "footer": FOOTER}
    for menu in menus:
        _create_menu_items(ctx, menu, trees[menu.slug])


def _create_menu_items(
    ctx: DemoContext, menu: Menu, specs: tuple[MenuItemSpec, ...]
) -> None:
    level: list[tuple[MenuItemSpec, MenuItem | None, int]] = [
        (spec, None, position) for position, spec in enumerate(specs)
    ]
    translations: list[MenuItemTranslation] = []
    while level:
        rows = [
            MenuItem(
                menu=menu,
                name=spec.name[0],
                parent=parent,
                level=0 if parent is None else parent.level + 1,
                sort_order=position,
                url=spec.url,
                category=ctx.categories[spec.category] if spec.category else None,
                collection=ctx.collections[spec.collection]
                if spec.collection
                else None,
                page=ctx.pages[spec.page] if spec.page else None,
                metadata=to_metadata(spec.metadata),
            )
            for spec, parent, position in level
        ]
        MenuItem.objects.bulk_create(rows)
        translations.extend(
            MenuItemTranslation(
                menu_item=row, language_code=TRANSLATION_LANGUAGE, name=spec.name[1]
            )
            for (spec, _parent, _position), row in zip(level, rows, strict=True)
        )
        level = [
            (child, row, position)
            for (spec, _parent, _position), row in zip(level, rows, strict=True)
            for position, child in enumerate(spec.children)
        ]
    MenuItemTranslation.objects.bulk_create(translations)
