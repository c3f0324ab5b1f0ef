"""``<type>Translate`` mutations: one generic resolver per translatable type.

Every one needs MANAGE_TRANSLATIONS. The page and menu item mutations use
``translate_resolver`` from their own domain folders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.attribute.models import (
    Attribute,
    AttributeTranslation,
    AttributeValue,
    AttributeValueTranslation,
)
from mercato.core.languages import to_stored_code
from mercato.core.permissions import Permission
from mercato.core.translations import Translatable, translate
from mercato.graphql.core.ids import decode_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.product.models import (
    Category,
    CategoryTranslation,
    Collection,
    CollectionTranslation,
    Product,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
)


def translate_resolver(
    target: Translatable,
    id_type: str,
    payload_key: str,
    result: Callable[[Any], Any] = lambda owner: owner,
) -> Callable[..., dict[str, Any]]:
    """A resolver of ``(id, input, languageCode)`` returning ``{payload_key: ...}``."""

    @require_any(Permission.MANAGE_TRANSLATIONS)
    @mutation("translation_errors")
    def resolve(
        _: None,
        info: GraphQLResolveInfo,
        id: str,
        input: dict[str, Any],
        language_code: str,
    ) -> dict[str, Any]:
        owner = translate(
            actor=actor_of(info),
            target=target,
            owner_pk=decode_id(id, id_type),
            language_code=to_stored_code(language_code),
            values=input,
        )
        return {payload_key: result(owner)}

    return resolve


mutations = MutationType()

for _field, _target, _type, _key in (
    (
        "productTranslate",
        Translatable(Product, ProductTranslation, "product"),
        "Product",
        "product",
    ),
    (
        "productVariantTranslate",
        Translatable(ProductVariant, ProductVariantTranslation, "product_variant"),
        "ProductVariant",
        "product_variant",
    ),
    (
        "categoryTranslate",
        Translatable(Category, CategoryTranslation, "category"),
        "Category",
        "category",
    ),
    (
        "collectionTranslate",
        Translatable(Collection, CollectionTranslation, "collection"),
        "Collection",
        "collection",
    ),
    (
        "attributeTranslate",
        Translatable(Attribute, AttributeTranslation, "attribute"),
        "Attribute",
        "attribute",
    ),
    (
        "attributeValueTranslate",
        Translatable(AttributeValue, AttributeValueTranslation, "attribute_value"),
        "AttributeValue",
        "attribute_value",
    ),
):
    mutations.set_field(_field, translate_resolver(_target, _type, _key))

bindables = [mutations]
