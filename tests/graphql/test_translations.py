from __future__ import annotations

from typing import Any

import orjson
import pytest

from mercato.attribute.models import AttributeTranslation, AttributeValueTranslation
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.product.models import (
    CategoryTranslation,
    CollectionTranslation,
    ProductTranslation,
    ProductVariantTranslation,
)
from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db

TRANSLATE = (Permission.MANAGE_TRANSLATIONS,)
DOC = {"blocks": [{"type": "paragraph", "data": {"text": "Cześć"}}]}

PRODUCT = """
mutation($id: ID!, $input: TranslationInput!) {
  productTranslate(id: $id, input: $input, languageCode: PL) {
    product { id translation(languageCode: PL) {
      name slug seoTitle description language { code } } }
    errors { field code }
    translationErrors { field code }
  }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def test_translate_product_creates_then_updates(staff_gql: Any) -> None:
    product = build_catalog(1).products[0]
    variables = {
        "id": gid(product),
        "input": {
            "name": "Koszula",
            "slug": "koszula",
            "description": orjson.dumps(DOC).decode(),
        },
    }
    result = staff_gql(PRODUCT, variables, permissions=TRANSLATE)
    assert result.errors is None
    payload = result.data["productTranslate"]
    assert payload["errors"] == [] and payload["translationErrors"] == []
    translation = payload["product"]["translation"]
    assert translation["name"] == "Koszula"
    assert translation["language"] == {"code": "PL"}
    assert orjson.loads(translation["description"]) == DOC
    again = staff_gql(
        PRODUCT,
        {"id": gid(product), "input": {"seoTitle": "Tytuł"}},
        permissions=TRANSLATE,
    )
    assert (
        again.data["productTranslate"]["product"]["translation"]["seoTitle"] == "Tytuł"
    )
    row = ProductTranslation.objects.get()
    assert (row.language_code, row.name, row.seo_title) == ("pl", "Koszula", "Tytuł")


def test_translate_product_bad_input(staff_gql: Any) -> None:
    catalog = build_catalog(2)
    first, second = catalog.products
    ProductTranslation.objects.create(product=second, language_code="pl", slug="zajety")
    cases = [
        ({"slug": "zajety"}, "slug", "UNIQUE"),
        ({"slug": "Not a slug"}, "slug", "INVALID"),
        ({"name": "x" * 251}, "name", "INVALID"),
        ({"seoTitle": "x" * 71}, "seoTitle", "INVALID"),
    ]
    for values, field, code in cases:
        result = staff_gql(
            PRODUCT, {"id": gid(first), "input": values}, permissions=TRANSLATE
        )
        payload = result.data["productTranslate"]
        assert payload["product"] is None
        assert payload["errors"] == [{"field": field, "code": code}]
    assert ProductTranslation.objects.count() == 1
    missing = staff_gql(
        PRODUCT,
        {"id": to_global_id("Product", 999999), "input": {"name": "x"}},
        permissions=TRANSLATE,
    )
    assert missing.data["productTranslate"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND"}
    ]
    foreign = staff_gql(
        PRODUCT, {"id": gid(catalog.root), "input": {}}, permissions=TRANSLATE
    )
    assert foreign.errors and "Invalid ID" in foreign.errors[0].message


@pytest.mark.parametrize(
    ("mutation", "input_type", "payload_key", "owner", "model", "values"),
    [
        (
            "productVariantTranslate",
            "NameTranslationInput",
            "productVariant",
            lambda c: c.variants[0],
            ProductVariantTranslation,
            {"name": "Mała"},
        ),
        (
            "categoryTranslate",
            "TranslationInput",
            "category",
            lambda c: c.root,
            CategoryTranslation,
            {"name": "Odzież", "slug": "odziez"},
        ),
        (
            "collectionTranslate",
            "TranslationInput",
            "collection",
            lambda c: c.collection,
            CollectionTranslation,
            {"name": "Polecane"},
        ),
        (
            "attributeTranslate",
            "NameTranslationInput",
            "attribute",
            lambda c: c.color,
            AttributeTranslation,
            {"name": "Kolor"},
        ),
        (
            "attributeValueTranslate",
            "AttributeValueTranslationInput",
            "attributeValue",
            lambda c: c.color.values.get(slug="red"),
            AttributeValueTranslation,
            {"name": "Czerwony", "plainText": "czerwony"},
        ),
    ],
)
def test_translate_other_types(
    staff_gql: Any,
    gql: Any,
    mutation: str,
    input_type: str,
    payload_key: str,
    owner: Any,
    model: Any,
    values: dict[str, str],
) -> None:
    target = owner(build_catalog(1))
    query = f"""
    mutation($id: ID!, $input: {input_type}!) {{
      {mutation}(id: $id, input: $input, languageCode: PT_BR) {{
        {payload_key} {{ id translation(languageCode: PT_BR) {{ name }} }}
        errors {{ field code }}
      }}
    }}
    """
    variables = {"id": gid(target), "input": values}
    denied = staff_gql(query, variables, permissions=(Permission.MANAGE_PRODUCTS,))
    assert isinstance(denied.errors[0].original_error, PermissionDenied)
    anonymous = gql(query, variables)
    assert (
        anonymous["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    )
    assert not model.objects.exists()
    result = staff_gql(query, variables, permissions=TRANSLATE)
    assert result.errors is None
    payload = result.data[mutation]
    assert payload["errors"] == []
    assert payload[payload_key] == {
        "id": gid(target),
        "translation": {"name": values["name"]},
    }
    row = model.objects.get()
    assert row.language_code == "pt-br"


def test_nul_characters_are_invalid_input(staff_gql: Any) -> None:
    product = build_catalog(1).products[0]
    doc = orjson.dumps({"blocks": [{"data": {"text": "a\x00"}}]}).decode()
    result = staff_gql(
        PRODUCT,
        {"id": gid(product), "input": {"name": "a\x00", "description": doc}},
        permissions=TRANSLATE,
    )
    assert result.errors is None
    assert result.data["productTranslate"]["errors"] == [
        {"field": "name", "code": "INVALID"},
        {"field": "description", "code": "INVALID"},
    ]
    assert not ProductTranslation.objects.exists()
