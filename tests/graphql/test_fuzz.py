"""Generated queries, valid or with one mistake, never break the API."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes, queries

from mercato.graphql.schema import get_schema
from tests.factories.catalog import build_catalog

pytestmark = pytest.mark.django_db

SCALARS = {
    "JSONString": st.sampled_from(['{"a": 1}', "[]", "nope"]).map(nodes.String),
    "DateTime": st.sampled_from(["2024-01-01T00:00:00+00:00", "yesterday"]).map(
        nodes.String
    ),
    "Date": st.sampled_from(["2024-01-01", "31/12/2024"]).map(nodes.String),
    "Decimal": st.sampled_from(["10.5", "-1", "1e400", "abc"]).map(nodes.String),
    "PositiveInt": st.integers(-2, 200).map(nodes.Int),
    "UUID": st.sampled_from(["00000000-0000-0000-0000-000000000000", "x"]).map(
        nodes.String
    ),
    "Metadata": st.just(nodes.Object([])),
}

ALLOWED_CODES = {"GraphQLError", "PermissionDenied"}


def _check(client: Client, query: str) -> None:
    response = client.post(
        "/graphql/", orjson.dumps({"query": query}), content_type="application/json"
    )
    assert response.status_code in (200, 400), query
    body = orjson.loads(response.content)
    for error in body.get("errors", []):
        code = error.get("extensions", {}).get("exception", {}).get("code")
        assert code in ALLOWED_CODES, (query, error)


@pytest.fixture
def catalog_client(client: Client) -> Client:
    build_catalog(2)
    return client


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_queries_never_fail_inside(catalog_client: Client, data: Any) -> None:
    mode = data.draw(st.sampled_from([Mode.POSITIVE, Mode.NEGATIVE]))
    query = data.draw(queries(get_schema(), custom_scalars=SCALARS, mode=mode))
    _check(catalog_client, query)
