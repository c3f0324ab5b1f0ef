from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from mercato.core.permissions import Permission
from mercato.page.models import Page, PageTranslation
from tests.factories.catalog import ChannelFactory
from tests.factories.content import (
    FUTURE,
    PageFactory,
    PageTypeFactory,
    assign,
    editorjs,
    page_attribute,
)

pytestmark = pytest.mark.django_db

MANAGE_PAGES = (Permission.MANAGE_PAGES,)

PAGE = """
query Page($id: ID, $slug: String, $lang: LanguageCodeEnum) {
  page(id: $id, slug: $slug, slugLanguageCode: $lang) {
    id title slug content seoTitle seoDescription isPublished publishedAt
    publicationDate created
    pageType { id name slug }
    metadata { key value }
  }
}
"""

PAGES = """
query Pages($first: Int, $last: Int, $after: String, $before: String,
            $sortBy: PageSortingInput, $filter: PageFilterInput,
            $where: PageWhereInput, $search: String) {
  pages(first: $first, last: $last, after: $after, before: $before, sortBy: $sortBy,
        filter: $filter, where: $where, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug title } }
  }
}
"""


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def slugs(result: dict[str, Any]) -> list[str]:
    assert "errors" not in result, result
    return [edge["node"]["slug"] for edge in result["data"]["pages"]["edges"]]


def test_page_by_slug(gql: Any) -> None:
    page_type = PageTypeFactory(name="Policy", slug="policy")
    page = PageFactory(
        page_type=page_type,
        title="Returns",
        slug="returns",
        seo_title="Returns policy",
        metadata={"layout": "wide"},
    )
    result = gql(PAGE, {"slug": "returns"})
    assert "errors" not in result, result
    found = result["data"]["page"]
    assert found["id"] == global_id("Page", page.pk)
    assert found["title"] == "Returns"
    assert orjson.loads(found["content"]) == editorjs("About Returns")
    assert found["seoTitle"] == "Returns policy"
    assert found["isPublished"] is True
    assert found["publishedAt"].startswith("2024-01-01")
    assert found["publicationDate"] == "2024-01-01"
    assert found["pageType"] == {
        "id": global_id("PageType", page_type.pk),
        "name": "Policy",
        "slug": "policy",
    }
    assert found["metadata"] == [{"key": "layout", "value": "wide"}]
    assert gql(PAGE, {"id": found["id"]})["data"]["page"]["slug"] == "returns"
    assert gql(PAGE, {"slug": "missing"}) == {"data": {"page": None}}


def test_pages_are_paginated_by_cursor(gql: Any) -> None:
    for index in range(5):
        PageFactory(slug=f"page-{index}", title=f"Page {index}")
    first = gql(PAGES, {"first": 2})
    assert slugs(first) == ["page-0", "page-1"]
    connection = first["data"]["pages"]
    assert connection["totalCount"] == 5
    assert connection["pageInfo"]["hasNextPage"] is True
    after = connection["pageInfo"]["endCursor"]
    second = gql(PAGES, {"first": 2, "after": after})
    assert slugs(second) == ["page-2", "page-3"]
    assert second["data"]["pages"]["pageInfo"]["hasPreviousPage"] is True
    last = gql(PAGES, {"last": 2})
    assert slugs(last) == ["page-3", "page-4"]
    before = gql(
        PAGES, {"last": 2, "before": last["data"]["pages"]["edges"][0]["cursor"]}
    )
    assert slugs(before) == ["page-1", "page-2"]


def test_page_size_is_required_and_bounded(gql: Any) -> None:
    PageFactory()
    assert "first" in gql(PAGES, {})["errors"][0]["message"]
    assert "limit of 100" in gql(PAGES, {"first": 101})["errors"][0]["message"]


def test_pages_sorted_by_title_and_publication(gql: Any) -> None:
    PageFactory(slug="b", title="Zebra", published_at=None)
    PageFactory(slug="a", title="Apple")
    PageFactory(slug="c", title="Mango")
    by_title = gql(
        PAGES, {"first": 10, "sortBy": {"field": "TITLE", "direction": "DESC"}}
    )
    assert slugs(by_title) == ["b", "c", "a"]
    by_date = {"field": "PUBLISHED_AT", "direction": "ASC"}
    page_one = gql(PAGES, {"first": 1, "sortBy": by_date})
    assert slugs(page_one) == ["b"]
    cursor = page_one["data"]["pages"]["pageInfo"]["endCursor"]
    assert slugs(gql(PAGES, {"first": 5, "sortBy": by_date, "after": cursor})) == [
        "a",
        "c",
    ]


def test_pages_filtered_by_type_slug_and_where(gql: Any) -> None:
    blog = PageTypeFactory(slug="blog")
    PageFactory(slug="post-1", page_type=blog)
    PageFactory(slug="post-2", page_type=blog)
    PageFactory(slug="terms")
    blog_id = global_id("PageType", blog.pk)
    by_type = gql(PAGES, {"first": 10, "filter": {"pageTypes": [blog_id]}})
    assert slugs(by_type) == ["post-1", "post-2"]
    by_slugs = gql(PAGES, {"first": 10, "filter": {"slugs": ["terms", "nope"]}})
    assert slugs(by_slugs) == ["terms"]
    where = {"pageType": {"eq": blog_id}, "slug": {"oneOf": ["post-2", "terms"]}}
    assert slugs(gql(PAGES, {"first": 10, "where": where})) == ["post-2"]
    either = {"OR": [{"slug": {"eq": "terms"}}, {"slug": {"eq": "post-1"}}]}
    assert slugs(gql(PAGES, {"first": 10, "where": either})) == ["post-1", "terms"]


def test_pages_search_title_and_content(gql: Any) -> None:
    PageFactory(
        slug="shipping", title="Shipping", content=editorjs("We ship worldwide")
    )
    PageFactory(slug="worldwide", title="Worldwide stores")
    PageFactory(slug="terms", title="Terms")
    result = gql(
        PAGES,
        {
            "first": 10,
            "search": "worldwide",
            "sortBy": {"field": "RANK", "direction": "DESC"},
        },
    )
    # A title match ranks above a match in the content only.
    assert slugs(result) == ["worldwide", "shipping"]
    legacy = gql(PAGES, {"first": 10, "filter": {"search": "term"}})
    assert slugs(legacy) == ["terms"]
    # The JSON keys of the document ("blocks", "paragraph") are not searched.
    assert slugs(gql(PAGES, {"first": 10, "search": "paragraph"})) == []


def test_rank_needs_a_search(gql: Any) -> None:
    result = gql(PAGES, {"first": 5, "sortBy": {"field": "RANK", "direction": "ASC"}})
    assert result["errors"][0]["message"] == (
        "Sorting by RANK is available only when searching."
    )


def test_unpublished_pages_are_hidden_from_shoppers(gql: Any, staff_gql: Any) -> None:
    PageFactory(slug="live")
    PageFactory(slug="draft", is_published=False)
    PageFactory(slug="scheduled", published_at=FUTURE)
    assert slugs(gql(PAGES, {"first": 10})) == ["live"]
    assert gql(PAGE, {"slug": "draft"})["data"]["page"] is None
    assert gql(PAGE, {"slug": "scheduled"})["data"]["page"] is None

    staff = staff_gql(PAGES, {"first": 10}, permissions=MANAGE_PAGES)
    assert staff.errors is None
    assert [e["node"]["slug"] for e in staff.data["pages"]["edges"]] == [
        "draft",
        "live",
        "scheduled",
    ]
    draft = staff_gql(PAGE, {"slug": "draft"}, permissions=MANAGE_PAGES)
    assert draft.data["page"]["isPublished"] is False
    # Product rights do not reveal drafts.
    other = staff_gql(PAGE, {"slug": "draft"})
    assert other.data["page"] is None


def test_page_attributes(gql: Any, staff_gql: Any) -> None:
    page_type = PageTypeFactory(slug="author")
    _, (red, _blue) = page_attribute(page_type, "favourite-colour", ["red", "blue"])
    _, (internal,) = page_attribute(
        page_type, "editor-note", ["check"], visible_in_storefront=False
    )
    _, _ = page_attribute(page_type, "topic", ["news"])
    page = PageFactory(slug="jane", page_type=page_type)
    assign(page, red, internal)
    query = """{ page(slug: "jane") {
        attributes { attribute { slug inputType } values { slug name inputType } }
        colour: attribute(slug: "favourite-colour") { values { slug } }
        note: attribute(slug: "editor-note") { values { slug } }
        pageType { attributes { slug } }
    } }"""
    result = gql(query)
    assert "errors" not in result, result
    found = result["data"]["page"]
    assert found["attributes"] == [
        {
            "attribute": {"slug": "favourite-colour", "inputType": "DROPDOWN"},
            "values": [{"slug": "red", "name": "Red", "inputType": "DROPDOWN"}],
        },
        {"attribute": {"slug": "topic", "inputType": "DROPDOWN"}, "values": []},
    ]
    assert found["colour"] == {"values": [{"slug": "red"}]}
    assert found["note"] is None
    assert found["pageType"]["attributes"] == [
        {"slug": "favourite-colour"},
        {"slug": "topic"},
    ]
    staff = staff_gql(query, permissions=MANAGE_PAGES)
    assert staff.errors is None
    assert staff.data["page"]["note"] == {"values": [{"slug": "check"}]}
    assert len(staff.data["page"]["pageType"]["attributes"]) == 3


def test_page_list_query_count_does_not_grow(gql: Any, count_queries: Any) -> None:
    query = """{ pages(first: 20) { edges { node {
        slug pageType { slug attributes { slug } }
        attributes { attribute { slug } values { slug inputType } }
        translation(languageCode: PL) { title }
    } } } }"""

    def make(count: int) -> None:
        page_type = PageTypeFactory()
        _, values = page_attribute(page_type, f"attr-{count}", ["one", "two"])
        for _ in range(count):
            assign(PageFactory(page_type=page_type), *values)

    make(2)
    with count_queries() as small:
        assert "errors" not in gql(query)
    make(10)
    with count_queries() as large:
        result = gql(query)
    assert "errors" not in result
    assert len(result["data"]["pages"]["edges"]) == 12
    assert len(large) == len(small)


def test_page_translation(gql: Any) -> None:
    page = PageFactory(slug="about", title="About")
    PageTranslation.objects.create(
        page=page,
        language_code="pl",
        title="O nas",
        slug="o-nas",
        seo_title="O firmie",
        content=editorjs("Kim jesteśmy"),
    )
    query = """query($slug: String, $lang: LanguageCodeEnum) {
      page(slug: $slug, slugLanguageCode: $lang) {
        slug
        pl: translation(languageCode: PL) {
          id title slug seoTitle content language { code language }
        }
        de: translation(languageCode: DE) { title }
      }
    }"""
    result = gql(query, {"slug": "about"})
    assert "errors" not in result, result
    translated = result["data"]["page"]
    pl = translated["pl"]
    assert pl["title"] == "O nas"
    assert pl["slug"] == "o-nas"
    assert pl["seoTitle"] == "O firmie"
    assert orjson.loads(pl["content"]) == editorjs("Kim jesteśmy")
    assert pl["language"] == {"code": "PL", "language": "Polish"}
    assert pl["id"] == global_id("PageTranslation", page.translations.get().pk)
    assert translated["de"] is None
    by_translated_slug = gql(query, {"slug": "o-nas", "lang": "PL"})
    assert by_translated_slug["data"]["page"]["slug"] == "about"
    assert gql(query, {"slug": "o-nas"})["data"]["page"] is None


@pytest.mark.parametrize(
    "bad_id",
    [
        "garbage",
        base64.b64encode(b"Product:1").decode(),
        base64.b64encode(b"Page:abc").decode(),
        base64.b64encode(b"Page:99999999999999999999").decode(),
    ],
)
def test_invalid_or_foreign_page_id(gql: Any, bad_id: str) -> None:
    PageFactory()
    result = gql(PAGE, {"id": bad_id})
    assert gql.last_status == 200
    assert result["data"]["page"] is None
    error = result["errors"][0]
    assert error["message"].startswith(f"Invalid ID: {bad_id}.")
    assert error["extensions"]["exception"]["code"] == "GraphQLError"


def test_foreign_id_names_the_expected_type(gql: Any) -> None:
    product_id = base64.b64encode(b"Product:1").decode()
    result = gql(PAGE, {"id": product_id})
    assert result["errors"][0]["message"] == (
        f"Invalid ID: {product_id}. Expected: Page, received: Product."
    )
    type_result = gql("query($id: ID!) { pageType(id: $id) { slug } }", {"id": "x"})
    assert type_result["errors"][0]["message"].startswith("Invalid ID: x.")


def test_page_needs_exactly_one_key(gql: Any) -> None:
    page = PageFactory(slug="one")
    both = gql(PAGE, {"id": global_id("Page", page.pk), "slug": "one"})
    assert both["errors"][0]["message"] == "Provide exactly one of 'id' or 'slug'."
    assert gql(PAGE, {})["errors"][0]["message"].startswith("Provide exactly one")


def test_unknown_channel_is_a_clean_error(gql: Any) -> None:
    PageFactory(slug="one")
    result = gql('{ page(slug: "one", channel: "nowhere") { slug } }')
    assert result["errors"][0]["message"] == (
        "Channel with 'nowhere' slug does not exist."
    )
    ChannelFactory(slug="known")
    known = gql('{ page(slug: "one", channel: "known") { slug } }')
    assert known == {"data": {"page": {"slug": "one"}}}


def test_private_metadata_and_has_pages_need_permissions(
    gql: Any, staff_gql: Any
) -> None:
    PageFactory(slug="one", private_metadata={"owner": "legal"})
    query = '{ page(slug: "one") { privateMetadata { key value } } }'
    denied = gql(query)
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    allowed = staff_gql(query, permissions=MANAGE_PAGES)
    assert allowed.data["page"]["privateMetadata"] == [
        {"key": "owner", "value": "legal"}
    ]
    has_pages = '{ page(slug: "one") { pageType { hasPages } } }'
    denied = gql(has_pages)
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    allowed = staff_gql(has_pages, permissions=MANAGE_PAGES)
    assert allowed.data["page"]["pageType"] == {"hasPages": True}


def test_page_types(gql: Any, staff_gql: Any) -> None:
    faq = PageTypeFactory(name="FAQ", slug="faq")
    PageTypeFactory(name="Blog post", slug="blog")
    PageTypeFactory(name="Author", slug="zz-author")
    page_attribute(faq, "question-topic", ["delivery"])
    query = """query($sortBy: PageTypeSortingInput, $filter: PageTypeFilterInput) {
      pageTypes(first: 10, sortBy: $sortBy, filter: $filter) {
        totalCount edges { node { slug name } }
      }
    }"""

    def type_slugs(variables: dict[str, Any]) -> list[str]:
        result = gql(query, variables)
        assert "errors" not in result, result
        return [e["node"]["slug"] for e in result["data"]["pageTypes"]["edges"]]

    assert type_slugs({}) == ["blog", "faq", "zz-author"]
    by_name = {"field": "NAME", "direction": "ASC"}
    assert type_slugs({"sortBy": by_name}) == ["zz-author", "blog", "faq"]
    assert type_slugs({"filter": {"search": "post"}}) == ["blog"]
    assert type_slugs({"filter": {"slugs": ["faq"]}}) == ["faq"]

    detail = """query($id: ID!) { pageType(id: $id) {
        name attributes { slug }
        availableAttributes(first: 10) { edges { node { slug } } }
    } }"""
    spare = page_attribute(PageTypeFactory(), "spare", [])[0]
    staff = staff_gql(
        detail,
        {"id": global_id("PageType", faq.pk)},
        permissions=(Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES,),
    )
    assert staff.errors is None
    assert staff.data["pageType"]["attributes"] == [{"slug": "question-topic"}]
    assert staff.data["pageType"]["availableAttributes"]["edges"] == [
        {"node": {"slug": spare.slug}}
    ]
    assert Page.objects.count() == 0
