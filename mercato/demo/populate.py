"""Fill an empty database with a deterministic demo store.

The same ``seed`` and ``products`` always produce the same rows (primary keys aside,
when the database is not fresh) and the same image files: every random choice comes
from a generator seeded with ``seed`` and every timestamp from ``context.BASE_TIME``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import connection, transaction

from mercato.channel.models import Channel
from mercato.demo.attributes import create_attributes, create_product_types
from mercato.demo.categories import create_categories
from mercato.demo.channels import create_channels, create_warehouses
from mercato.demo.collections import create_collections
from mercato.demo.content import create_menus, create_pages
from mercato.demo.context import BASE_TIME, DemoContext
from mercato.demo.data.product_types import PRODUCT_TYPES
from mercato.demo.delivery import create_delivery, create_taxes
from mercato.demo.images import ImageBank
from mercato.demo.products import create_products, finish_products
from mercato.demo.progress import ProgressBar
from mercato.demo.promotions import apply_promotions, create_promotions
from mercato.product.models import Category
from mercato.product.search import update_products_search_index

# Serialises concurrent seeders (several ``serve --demo`` processes starting together).
_ADVISORY_LOCK_KEY = 0x6D657263  # "merc"

Step = Callable[[DemoContext], None]


class DemoDataError(RuntimeError):
    """The demo data cannot be written (the database is not empty)."""


def is_database_empty() -> bool:
    return not Channel.objects.exists()


def _analyze(ctx: DemoContext) -> None:
    """Refresh the planner statistics of every table the demo data filled.

    The rows are not committed yet, so autovacuum has not seen them (and it may be off);
    without statistics the set-based UPDATEs that follow pick nested-loop plans that
    run ten times slower.
    """
    labels = ("account", "channel", "inventory", "attribute", "product", "page", "menu")
    tables = [
        model._meta.db_table
        for label in labels
        for model in apps.get_app_config(label).get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables)
        )


def _update_search_index(ctx: DemoContext) -> None:
    update_products_search_index([summary.pk for summary in ctx.products])


def _finish(ctx: DemoContext) -> None:
    finish_products()
    Category.objects.update(updated_at=BASE_TIME)


_BEFORE_PRODUCTS: tuple[tuple[str, Step], ...] = (
    ("channels", create_channels),
    ("warehouses", create_warehouses),
    ("taxes", create_taxes),
    ("shipping", create_delivery),
    ("attributes", create_attributes),
    ("product types", create_product_types),
    ("categories", create_categories),
)
_AFTER_PRODUCTS: tuple[tuple[str, Step], ...] = (
    ("collections", create_collections),
    ("promotions", create_promotions),
    ("pages", create_pages),
    ("menus", create_menus),
    ("statistics", _analyze),
    ("discounted prices", apply_promotions),
    ("search index", _update_search_index),
    ("finishing", _finish),
)


def populate_demo_data(
    *, products: int = 100, seed: int = 0, progress: bool = False
) -> None:
    """Create channels, warehouses, a catalog of ``products`` products, collections,
    catalogue promotions (with the discounted prices they give), pages, menus and
    Polish translations, all in one transaction.

    Raises ``DemoDataError`` when the database already has a channel: the demo data is
    only ever written into an empty store. With ``progress`` a bar is drawn on stderr.
    """
    if products < 0:
        raise ValueError("products must be zero or more")
    steps = len(_BEFORE_PRODUCTS) + len(_AFTER_PRODUCTS)
    bar = ProgressBar(products + steps, enabled=progress)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        if not is_database_empty():
            raise DemoDataError(
                "The database already has channels; demo data is only written into an "
                "empty database. Use a fresh database to populate it."
            )
        images = ImageBank(
            seed=seed, products=products, product_types=len(PRODUCT_TYPES)
        )
        ctx = DemoContext(seed=seed, progress=bar, images=images)
        _run(ctx, _BEFORE_PRODUCTS)
        bar.set_label("products")
        create_products(ctx, products)
        _run(ctx, _AFTER_PRODUCTS)
    bar.finish(f"{products} products, seed {seed}")


def _run(ctx: DemoContext, steps: tuple[tuple[str, Step], ...]) -> None:
    for label, step in steps:
        ctx.progress.set_label(label)
        step(ctx)
        ctx.progress.advance(1)
