from __future__ import annotations

from typing import Any

import orjson
import pytest

from mercato.attribute.models import Attribute, AttributePage
from mercato.core.permissions import Permission
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.page.models import Page, PageTranslation, PageType
from tests.factories.content import (
    PageFactory,
    PageTypeFactory,
    editorjs,
    page_attribute,
)

pytestmark = pytest.mark.django_db

PAGES = (Permission.MANAGE_PAGES,)
TYPES = (Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES,)

CREATE = """
mutation($input: PageCreateInput!) {
  pageCreate(input: $input) {
    page { id title slug isPublished publishedAt content seoTitle
           pageType { slug } }
    errors { field code }
    pageErrors { field code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: PageInput!) {
  pageUpdate(id: $id, input: $input) {
    page { title slug isPublished seoDescription } errors { field code }
  }
}
"""
DELETE = """
mutation($id: ID!) { pageDelete(id: $id) { page { id title } errors { field code } } }
"""
BULK_DELETE = """
mutation($ids: [ID!]!) { pageBulkDelete(ids: $ids) { count errors { field code } } }
"""
TRANSLATE = """
mutation($id: ID!, $input: PageTranslationInput!) {
  pageTranslate(id: $id, input: $input, languageCode: DE) {
    page { id pageId title translation(languageCode: DE) { title slug } }
    errors { field code }
  }
}
"""
TYPE_CREATE = """
mutation($input: PageTypeCreateInput!) {
  pageTypeCreate(input: $input) {
    pageType { id name slug attributes { slug } } errors { field code }
  }
}
"""
TYPE_UPDATE = """
mutation($id: ID, $input: PageTypeUpdateInput!) {
  pageTypeUpdate(id: $id, input: $input) {
    pageType { name slug attributes { slug } } errors { field code }
  }
}
"""
TYPE_DELETE = """
mutation($id: ID!) {
  pageTypeDelete(id: $id) { pageType { id name } errors { field code } }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def codes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def assert_denied(staff_gql: Any, gql: Any, query: str, variables: Any) -> None:
    denied = staff_gql(query, variables, permissions=(Permission.MANAGE_PRODUCTS,))
    assert isinstance(denied.errors[0].original_error, PermissionDenied)
    anonymous = gql(query, variables)
    assert anonymous["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )


def test_create_page(staff_gql: Any) -> None:
    page_type = PageTypeFactory(slug="info")
    content = editorjs("Hello")
    result = staff_gql(
        CREATE,
        {
            "input": {
                "title": "About Us",
                "pageType": gid(page_type),
                "content": orjson.dumps(content).decode(),
                "isPublished": True,
                "seo": {"title": "About"},
            }
        },
        permissions=PAGES,
    )
    assert result.errors is None
    payload = result.data["pageCreate"]
    assert payload["errors"] == [] and payload["pageErrors"] == []
    page = payload["page"]
    assert (page["title"], page["slug"], page["isPublished"]) == (
        "About Us",
        "about-us",
        True,
    )
    assert page["publishedAt"] is not None
    assert page["pageType"] == {"slug": "info"}
    assert page["seoTitle"] == "About"
    stored = Page.objects.get()
    assert stored.content == content and stored.published_at is not None


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"slug": "taken"}, [("slug", "UNIQUE")]),
        ({"title": None}, [("title", "REQUIRED")]),
        ({"title": "x" * 251}, [("title", "INVALID")]),
        ({"seo": {"title": "x" * 71}}, [("seoTitle", "INVALID")]),
        ({"content": "[1]"}, [("content", "INVALID")]),
        ({"pageType": to_global_id("PageType", 99999)}, [("pageType", "NOT_FOUND")]),
    ],
)
def test_create_page_bad_input(
    staff_gql: Any, overrides: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    existing = PageFactory(slug="taken")
    variables = {
        "input": {"title": "New", "pageType": gid(existing.page_type), **overrides}
    }
    payload = staff_gql(CREATE, variables, permissions=PAGES).data["pageCreate"]
    assert payload["page"] is None
    assert codes(payload) == expected
    assert Page.objects.count() == 1


def test_update_page(staff_gql: Any) -> None:
    page = PageFactory(is_published=False, published_at=None)
    result = staff_gql(
        UPDATE,
        {
            "id": gid(page),
            "input": {
                "title": "Renamed",
                "slug": "renamed",
                "isPublished": True,
                "seo": {"description": "Words"},
            },
        },
        permissions=PAGES,
    )
    assert result.data["pageUpdate"] == {
        "page": {
            "title": "Renamed",
            "slug": "renamed",
            "isPublished": True,
            "seoDescription": "Words",
        },
        "errors": [],
    }
    page.refresh_from_db()
    assert page.published_at is not None


def test_update_page_bad_input_changes_nothing(staff_gql: Any) -> None:
    PageFactory(slug="other")
    page = PageFactory(slug="mine", title="Mine")
    result = staff_gql(
        UPDATE,
        {"id": gid(page), "input": {"slug": "other", "title": "New"}},
        permissions=PAGES,
    )
    assert codes(result.data["pageUpdate"]) == [("slug", "UNIQUE")]
    page.refresh_from_db()
    assert (page.slug, page.title) == ("mine", "Mine")
    foreign = staff_gql(
        UPDATE, {"id": gid(page.page_type), "input": {}}, permissions=PAGES
    )
    assert foreign.errors and "Invalid ID" in foreign.errors[0].message


def test_delete_pages(staff_gql: Any) -> None:
    one, two, three = PageFactory(title="One"), PageFactory(), PageFactory()
    result = staff_gql(DELETE, {"id": gid(one)}, permissions=PAGES)
    assert result.data["pageDelete"] == {
        "page": {"id": gid(one), "title": "One"},
        "errors": [],
    }
    missing = to_global_id("Page", 999999)
    partial = staff_gql(BULK_DELETE, {"ids": [gid(two), missing]}, permissions=PAGES)
    assert partial.data["pageBulkDelete"] == {
        "count": 0,
        "errors": [{"field": "ids", "code": "NOT_FOUND"}],
    }
    assert Page.objects.count() == 2
    bulk = staff_gql(BULK_DELETE, {"ids": [gid(two), gid(three)]}, permissions=PAGES)
    assert bulk.data["pageBulkDelete"] == {"count": 2, "errors": []}
    assert not Page.objects.exists()


def test_page_mutations_need_manage_pages(staff_gql: Any, gql: Any) -> None:
    page = PageFactory(title="Kept")
    for query, variables in [
        (CREATE, {"input": {"title": "x", "pageType": gid(page.page_type)}}),
        (UPDATE, {"id": gid(page), "input": {"title": "x"}}),
        (DELETE, {"id": gid(page)}),
        (BULK_DELETE, {"ids": [gid(page)]}),
    ]:
        assert_denied(staff_gql, gql, query, variables)
    assert Page.objects.get().title == "Kept"


def test_translate_page(staff_gql: Any, gql: Any) -> None:
    page = PageFactory(title="About")
    variables = {"id": gid(page), "input": {"title": "Über uns", "slug": "ueber-uns"}}
    assert_denied(staff_gql, gql, TRANSLATE, variables)
    result = staff_gql(
        TRANSLATE, variables, permissions=(Permission.MANAGE_TRANSLATIONS,)
    )
    assert result.errors is None
    assert result.data["pageTranslate"] == {
        "page": {
            "id": to_global_id("PageTranslatableContent", page.pk),
            "pageId": gid(page),
            "title": "About",
            "translation": {"title": "Über uns", "slug": "ueber-uns"},
        },
        "errors": [],
    }
    assert PageTranslation.objects.get().language_code == "de"


def test_create_page_type_with_attributes(staff_gql: Any) -> None:
    first = Attribute.objects.create(slug="author", name="Author", type="PAGE_TYPE")
    second = Attribute.objects.create(slug="tag", name="Tag", type="PAGE_TYPE")
    result = staff_gql(
        TYPE_CREATE,
        {"input": {"name": "Blog Post", "addAttributes": [gid(second), gid(first)]}},
        permissions=TYPES,
    )
    assert result.errors is None
    payload = result.data["pageTypeCreate"]
    assert payload["errors"] == []
    assert payload["pageType"]["slug"] == "blog-post"
    assert payload["pageType"]["attributes"] == [{"slug": "tag"}, {"slug": "author"}]


def test_create_page_type_bad_input(staff_gql: Any) -> None:
    PageTypeFactory(slug="taken")
    product_attribute = Attribute.objects.create(
        slug="color", name="Color", type="PRODUCT_TYPE"
    )
    result = staff_gql(
        TYPE_CREATE,
        {
            "input": {
                "name": "x" * 251,
                "slug": "taken",
                "addAttributes": [
                    gid(product_attribute),
                    to_global_id("Attribute", 99999),
                ],
            }
        },
        permissions=TYPES,
    )
    assert sorted(codes(result.data["pageTypeCreate"])) == [
        ("addAttributes", "INVALID"),
        ("addAttributes", "NOT_FOUND"),
        ("name", "INVALID"),
        ("slug", "UNIQUE"),
    ]
    assert PageType.objects.count() == 1


def test_update_page_type(staff_gql: Any) -> None:
    page_type = PageTypeFactory(name="Old")
    kept, _ = page_attribute(page_type, "kept", [])
    dropped, _ = page_attribute(page_type, "dropped", [])
    added = Attribute.objects.create(slug="added", name="Added", type="PAGE_TYPE")
    result = staff_gql(
        TYPE_UPDATE,
        {
            "id": gid(page_type),
            "input": {
                "name": "New",
                "addAttributes": [gid(added)],
                "removeAttributes": [gid(dropped)],
            },
        },
        permissions=TYPES,
    )
    assert result.data["pageTypeUpdate"]["errors"] == []
    assert result.data["pageTypeUpdate"]["pageType"]["attributes"] == [
        {"slug": "kept"},
        {"slug": "added"},
    ]
    again = staff_gql(
        TYPE_UPDATE,
        {
            "id": gid(page_type),
            "input": {"name": "Newer", "addAttributes": [gid(kept)]},
        },
        permissions=TYPES,
    )
    assert codes(again.data["pageTypeUpdate"]) == [
        ("addAttributes", "ATTRIBUTE_ALREADY_ASSIGNED")
    ]
    page_type.refresh_from_db()
    assert page_type.name == "New"
    assert AttributePage.objects.filter(page_type=page_type).count() == 2


def test_delete_page_type_deletes_its_pages(staff_gql: Any) -> None:
    page = PageFactory()
    page_type = page.page_type
    result = staff_gql(TYPE_DELETE, {"id": gid(page_type)}, permissions=TYPES)
    assert result.data["pageTypeDelete"] == {
        "pageType": {"id": gid(page_type), "name": page_type.name},
        "errors": [],
    }
    assert not PageType.objects.exists() and not Page.objects.exists()


def test_page_type_mutations_need_permission(staff_gql: Any, gql: Any) -> None:
    page_type = PageTypeFactory(name="Kept")
    for query, variables in [
        (TYPE_CREATE, {"input": {"name": "x"}}),
        (TYPE_UPDATE, {"id": gid(page_type), "input": {"name": "x"}}),
        (TYPE_DELETE, {"id": gid(page_type)}),
    ]:
        assert_denied(staff_gql, gql, query, variables)
        pages_only = staff_gql(query, variables, permissions=PAGES)
        assert isinstance(pages_only.errors[0].original_error, PermissionDenied)
    assert PageType.objects.get().name == "Kept"


ASSIGN = """
mutation($type: ID!, $ids: [ID!]!) {
  pageAttributeAssign(pageTypeId: $type, attributeIds: $ids) {
    pageType { attributes { slug } } errors { field code }
  }
}
"""
UNASSIGN = """
mutation($type: ID!, $ids: [ID!]!) {
  pageAttributeUnassign(pageTypeId: $type, attributeIds: $ids) {
    pageType { attributes { slug } } errors { field code }
  }
}
"""


def test_assign_and_unassign_page_attributes(staff_gql: Any, gql: Any) -> None:
    page_type = PageTypeFactory()
    first, _ = page_attribute(page_type, "first", [])
    second = Attribute.objects.create(slug="second", name="Second", type="PAGE_TYPE")
    variables = {"type": gid(page_type), "ids": [gid(second)]}
    assert_denied(staff_gql, gql, ASSIGN, variables)
    assert_denied(staff_gql, gql, UNASSIGN, variables)
    assigned = staff_gql(ASSIGN, variables, permissions=TYPES)
    assert assigned.data["pageAttributeAssign"] == {
        "pageType": {"attributes": [{"slug": "first"}, {"slug": "second"}]},
        "errors": [],
    }
    twice = staff_gql(ASSIGN, variables, permissions=TYPES)
    assert codes(twice.data["pageAttributeAssign"]) == [
        ("attributeIds", "ATTRIBUTE_ALREADY_ASSIGNED")
    ]
    unassigned = staff_gql(
        UNASSIGN, {"type": gid(page_type), "ids": [gid(first)]}, permissions=TYPES
    )
    assert unassigned.data["pageAttributeUnassign"] == {
        "pageType": {"attributes": [{"slug": "second"}]},
        "errors": [],
    }
    missing = staff_gql(
        UNASSIGN,
        {"type": to_global_id("PageType", 99999), "ids": [gid(first)]},
        permissions=TYPES,
    )
    assert codes(missing.data["pageAttributeUnassign"]) == [("pageTypeId", "NOT_FOUND")]


def test_nul_characters_are_invalid_input(staff_gql: Any) -> None:
    page = PageFactory()
    content = orjson.dumps(editorjs("a\x00b")).decode()
    result = staff_gql(
        UPDATE,
        {"id": gid(page), "input": {"title": "\x00", "content": content}},
        permissions=PAGES,
    )
    assert result.errors is None
    assert codes(result.data["pageUpdate"]) == [
        ("title", "INVALID"),
        ("content", "INVALID"),
    ]
