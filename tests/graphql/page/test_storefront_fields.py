"""``pages(where: {metadata: ...})``: storefronts pick content blocks by a tag."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.content import PageFactory

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
