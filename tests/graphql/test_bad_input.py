"""Whatever a client sends, the answer is a clear GraphQL error, never an HTTP 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db


def message(result: dict[str, Any]) -> str:
    return result["errors"][0]["message"]  # type: ignore[no-any-return]


def test_malformed_json(gql: Any) -> None:
    result = gql.post(b"{not json")
    assert gql.last_status == 400
    assert message(result) == "Unable to parse query."


@pytest.mark.parametrize("body", [b"[]", b"42", b'"query"', b"null"])
def test_body_that_is_not_an_object(gql: Any, body: bytes) -> None:
    result = gql.post(body)
    assert gql.last_status == 400
    assert result["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": ""},
        {"query": 5},
        {"query": "{ channels { slug } }", "variables": [1]},
        {"query": "{ channels { slug } }", "operationName": 3},
    ],
)
def test_missing_or_mistyped_members(gql: Any, body: dict[str, Any]) -> None:
    result = gql.post(body)
    assert gql.last_status == 400
    assert result["errors"]


def test_syntax_error(gql: Any) -> None:
    result = gql("{ products(first: 1 { edges }")
    assert gql.last_status == 400
    assert message(result).startswith("Syntax Error")


def test_unknown_field(gql: Any) -> None:
    result = gql("{ channels { slug nope } }")
    assert gql.last_status == 400
    assert "Cannot query field 'nope' on type 'Channel'." in message(result)


def test_wrong_variable_type(gql: Any) -> None:
    result = gql(
        'query($n: Int) { products(first: $n, channel: "x") { totalCount } }',
        {"n": "twenty"},
    )
    assert gql.last_status == 400
    assert "Int cannot represent non-integer value" in message(result)


@pytest.mark.parametrize(
    "bad_id",
    [
        "garbage",
        base64.b64encode(b"Category:1").decode(),
        base64.b64encode(b"Product:abc").decode(),
        base64.b64encode(b"Product:99999999999999999999").decode(),
        "",
        "=====",
    ],
)
def test_invalid_or_foreign_global_id(gql: Any, bad_id: str) -> None:
    build_catalog(1)
    result = gql(
        'query($id: ID) { product(id: $id, channel: "default-channel") { id } }',
        {"id": bad_id},
    )
    assert gql.last_status == 200
    assert message(result).startswith("Invalid ID")
    assert result["data"]["product"] is None


def test_page_size_over_the_limit(gql: Any) -> None:
    build_catalog(1)
    result = gql('{ products(first: 1000, channel: "default-channel") { totalCount } }')
    assert message(result) == (
        "Requesting 1000 records on the `products` connection "
        "exceeds the `first` limit of 100 records."
    )


def test_missing_page_size(gql: Any) -> None:
    build_catalog(1)
    result = gql('{ products(channel: "default-channel") { edges { cursor } } }')
    assert "You must provide a `first` or `last` value" in message(result)


def test_total_count_needs_no_page_size(gql: Any) -> None:
    """As in Saleor, only edges need ``first`` or ``last``: counting does not."""
    build_catalog(1)
    result = gql('{ products(channel: "default-channel") { totalCount } }')
    assert "errors" not in result
    assert result["data"]["products"]["totalCount"] == 1


def test_negative_page_size(gql: Any) -> None:
    build_catalog(1)
    result = gql('{ products(first: -1, channel: "default-channel") { totalCount } }')
    assert "must be a positive integer" in message(result)


def test_invalid_cursor(gql: Any) -> None:
    build_catalog(1)
    result = gql(
        '{ products(first: 1, after: "bm9wZQ==", channel: "default-channel") '
        "{ totalCount } }"
    )
    assert message(result) == "Received cursor (bm9wZQ==) is invalid."


def test_channel_required_when_several_exist(gql: Any) -> None:
    build_catalog(1)
    result = gql("{ products(first: 1) { totalCount } }")
    assert (
        message(result) == "More than one channel exists. Specify which channel to use."
    )


def test_thousands_of_aliases_are_rejected_before_execution(
    gql: Any, count_queries: Any
) -> None:
    query = "{ " + " ".join(f"a{i}: channels {{ slug }}" for i in range(2000)) + " }"
    with count_queries() as queries:
        result = gql(query)
    assert gql.last_status == 400
    assert "aliases" in message(result) or "tokens" in message(result)
    assert len(queries) == 0


def test_deep_nesting_is_rejected(gql: Any) -> None:
    inner = "id"
    for _ in range(30):
        inner = f"parent {{ {inner} }}"
    result = gql('{ category(slug: "x") { ' + inner + " } }")
    assert gql.last_status == 400
    assert "exceeds maximum operation depth" in message(result)


def test_too_many_tokens(gql: Any) -> None:
    query = "{ channels { " + " ".join(["slug"] * 20000) + " } }"
    result = gql(query)
    assert gql.last_status == 400
    assert "tokens" in message(result)


def test_query_cost_limit(gql: Any) -> None:
    query = """{ categories(first: 100) { edges { node {
        products(first: 100, channel: "default-channel") { edges { node {
          variants { id name sku } } } } } } } }"""
    result = gql(query)
    assert gql.last_status == 400
    assert "exceeds the maximum cost" in message(result)


def test_unsupported_http_method(client: Any) -> None:
    response = client.put("/graphql/", b"{}", content_type="application/json")
    assert response.status_code == 405


def test_graphiql_is_served_to_browsers(client: Any) -> None:
    response = client.get("/graphql/")
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


def test_health(client: Any) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_nul_character_in_a_literal_is_rejected(gql: Any) -> None:
    result = gql('{ attribute(slug: "a\\u0000b") { slug } }')
    assert gql.last_status == 400
    assert "NUL" in message(result)


def test_nul_character_in_a_variable_is_rejected(gql: Any) -> None:
    result = gql("query($s: String) { attribute(slug: $s) { slug } }", {"s": "a\x00b"})
    assert gql.last_status == 400
    assert "NUL" in message(result)
