"""``pages(where: {metadata: ...})``: storefronts pick content blocks by a tag."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.attribute.models import AttributeValue, AttributeValueTranslation
from tests.factories.content import PageFactory, PageTypeFactory, assign, page_attribute

pytestmark = pytest.mark.django_db

PAGES = """
query($where: PageWhereInput) {
  pages(first: 20, where: $where, sortBy: {field: SLUG, direction: ASC}) {
    edges { node { slug } }
  }
}
"""


@pytest.fixture
def tagged() -> None:
    PageFactory(slug="free-returns", metadata={"block": "badge", "icon": "box"})
    PageFactory(slug="fast-shipping", metadata={"block": "badge", "icon": "truck"})
    PageFactory(slug="hero", metadata={"block": "banner"})
    PageFactory(slug="about", metadata={})


def _slugs(gql: Any, where: dict[str, Any]) -> list[str]:
    result = gql(PAGES, {"where": where})
    assert "errors" not in result, result
    return [edge["node"]["slug"] for edge in result["data"]["pages"]["edges"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"key": "block", "value": {"eq": "badge"}}, ["fast-shipping", "free-returns"]),
        ({"key": "block", "value": {"oneOf": ["banner", "nothing"]}}, ["hero"]),
        ({"key": "icon"}, ["fast-shipping", "free-returns"]),
        ({"key": "block", "value": {"eq": "missing"}}, []),
    ],
)
def test_pages_filtered_by_metadata(
    gql: Any, tagged: None, where: dict[str, Any], expected: list[str]
) -> None:
    assert _slugs(gql, {"metadata": where}) == expected


def test_metadata_filter_combines_with_other_conditions(gql: Any, tagged: None) -> None:
    where = {
        "AND": [
            {"metadata": {"key": "block", "value": {"eq": "badge"}}},
            {"slug": {"oneOf": ["free-returns", "hero"]}},
        ]
    }
    assert _slugs(gql, where) == ["free-returns"]


BLOCKS = """
query($slugs: [String!]!) {
  pages(
    first: 10, where: {slug: {oneOf: $slugs}}, sortBy: {field: SLUG, direction: ASC}
  ) {
    edges {
      node {
        slug
        assignedAttributes {
          __typename
          attribute { slug }
          ... on AssignedPlainTextAttribute {
            text: value
            pl: translation(languageCode: PL)
          }
          ... on AssignedBooleanAttribute { flag: value }
          ... on AssignedSingleChoiceAttribute { choice: value { name slug } }
          ... on AssignedSinglePageReferenceAttribute { linked: value { slug } }
          ... on AssignedSingleCollectionReferenceAttribute {
            collection: value { slug }
          }
        }
        headline: assignedAttribute(slug: "headline") {
          ... on AssignedPlainTextAttribute { value }
        }
      }
    }
  }
}
"""


def _content_blocks(count: int) -> list[str]:
    block = PageTypeFactory(slug="block")
    headline, _ = page_attribute(block, "headline", [], input_type="PLAIN_TEXT")
    banner, _ = page_attribute(block, "banner", [], input_type="BOOLEAN")
    _, (light, dark) = page_attribute(block, "theme", ["light", "dark"])
    link, _ = page_attribute(
        block, "link", [], input_type="SINGLE_REFERENCE", entity_type="PAGE"
    )
    page_attribute(
        block, "featured", [], input_type="SINGLE_REFERENCE", entity_type="COLLECTION"
    )
    target = PageFactory(slug="target")
    draft = PageFactory(slug="draft", is_published=False)
    slugs = []
    for index in range(count):
        page = PageFactory(page_type=block, slug=f"block-{index}")
        text = AttributeValue.objects.create(
            attribute=headline,
            name=f"Headline {index}",
            slug=f"headline-{index}",
            plain_text=f"Hello {index}",
        )
        AttributeValueTranslation.objects.create(
            attribute_value=text, language_code="pl", name="", plain_text="Cześć"
        )
        flag = AttributeValue.objects.create(
            attribute=banner, name="Yes", slug=f"banner-{index}", boolean=index == 0
        )
        reference = AttributeValue.objects.create(
            attribute=link,
            name="Link",
            slug=f"link-{index}",
            reference_page=target if index == 0 else draft,
        )
        assign(page, text, flag, light if index == 0 else dark, reference)
        slugs.append(page.slug)
    return slugs


def test_assigned_attributes_are_typed_by_input_type(gql: Any) -> None:
    slugs = _content_blocks(2)
    nodes = [e["node"] for e in gql(BLOCKS, {"slugs": slugs})["data"]["pages"]["edges"]]
    first, second = nodes
    assert first["assignedAttributes"] == [
        {
            "__typename": "AssignedPlainTextAttribute",
            "attribute": {"slug": "headline"},
            "text": "Hello 0",
            "pl": "Cześć",
        },
        {
            "__typename": "AssignedBooleanAttribute",
            "attribute": {"slug": "banner"},
            "flag": True,
        },
        {
            "__typename": "AssignedSingleChoiceAttribute",
            "attribute": {"slug": "theme"},
            "choice": {"name": "Light", "slug": "light"},
        },
        {
            "__typename": "AssignedSinglePageReferenceAttribute",
            "attribute": {"slug": "link"},
            "linked": {"slug": "target"},
        },
        {
            # Collection references are not stored: the attribute shows, empty.
            "__typename": "AssignedSingleCollectionReferenceAttribute",
            "attribute": {"slug": "featured"},
            "collection": None,
        },
    ]
    assert first["headline"] == {"value": "Hello 0"}
    by_slug = {a["attribute"]["slug"]: a for a in second["assignedAttributes"]}
    assert by_slug["banner"]["flag"] is False
    assert by_slug["theme"]["choice"]["slug"] == "dark"
    # The second block links to an unpublished page, which visitors may not see.
    assert by_slug["link"]["linked"] is None


def test_assigned_attributes_do_not_grow_queries_with_pages(
    gql: Any, count_queries: Any
) -> None:
    slugs = _content_blocks(5)
    with count_queries() as small:
        one = gql(BLOCKS, {"slugs": slugs[:1]})
    with count_queries() as big:
        five = gql(BLOCKS, {"slugs": slugs})
    assert len(one["data"]["pages"]["edges"]) == 1
    assert len(five["data"]["pages"]["edges"]) == 5
    assert len(big.captured_queries) == len(small.captured_queries)
