"""The product search index: a lower-cased document and a weighted tsvector per product.

The document holds the name, SKUs, attribute values and description, so a trigram index
finds any substring or prefix; the tsvector ranks whole words (name above SKUs and
attributes above description).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

_UPDATE = """
WITH parts AS (
    SELECT p.id,
           coalesce(p.name, '') AS name,
           coalesce(p.description_plaintext, '') AS description,
           coalesce((SELECT string_agg(coalesce(v.sku, '') || ' ' || v.name, ' ')
                     FROM product_productvariant v
                     WHERE v.product_id = p.id), '') AS skus,
           coalesce((SELECT string_agg(av.name, ' ')
                     FROM attribute_assignedproductattributevalue a
                     JOIN attribute_attributevalue av ON av.id = a.value_id
                     WHERE a.product_id = p.id), '')
           || ' ' ||
           coalesce((SELECT string_agg(av.name, ' ')
                     FROM attribute_assignedvariantattributevalue a
                     JOIN attribute_attributevalue av ON av.id = a.value_id
                     JOIN product_productvariant v ON v.id = a.variant_id
                     WHERE v.product_id = p.id), '') AS attributes
    FROM product_product p
    WHERE p.id = ANY(%s)
)
UPDATE product_product AS p
SET search_document = lower(parts.name || ' ' || parts.skus || ' ' || parts.attributes
                            || ' ' || parts.description),
    search_vector = setweight(to_tsvector('simple', parts.name), 'A')
                 || setweight(to_tsvector('simple',
                                          parts.skus || ' ' || parts.attributes), 'B')
                 || setweight(to_tsvector('simple', parts.description), 'C')
FROM parts
WHERE p.id = parts.id
"""


def update_products_search_index(product_ids: Sequence[int]) -> None:
    """Rebuild the search document and vector of the given products (one statement)."""
    if not product_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE, [list(product_ids)])
