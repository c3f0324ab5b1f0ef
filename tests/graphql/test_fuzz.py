"""Generated queries, valid or with one mistake, never break the API."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from mercato.graphql.schema import get_schema
from tests.factories.account import PASSWORD, make_user
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
    "PositiveDecimal": st.sampled_from(["10.5", "0", "-3", "x"]).map(nodes.String),
    "Upload": st.just(nodes.String("not a file")),
    "GenericScalar": st.just(nodes.Object([])),
    "WeightScalar": st.sampled_from([1, 0]).map(nodes.Int),
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


@pytest.fixture
def superuser_client(client: Client) -> tuple[Client, str]:
    build_catalog(2)
    make_user("root@example.com", is_staff=True, is_superuser=True)
    response = client.post(
        "/graphql/",
        orjson.dumps(
            {
                "query": 'mutation { tokenCreate(email: "root@example.com", '
                f'password: "{PASSWORD}") {{ token }} }}'
            }
        ),
        content_type="application/json",
    )
    return client, orjson.loads(response.content)["data"]["tokenCreate"]["token"]


# All but the one that would revoke the token the examples share.
FUZZED_MUTATIONS = sorted(
    set(get_schema().mutation_type.fields) - {"tokensDeactivateAll"}  # type: ignore[union-attr]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_mutations_never_fail_inside(
    superuser_client: tuple[Client, str], data: Any
) -> None:
    """Every mutation, run by a superuser (so permissions never stop it early), with
    generated arguments: bad input is a payload error or a GraphQL error, never an
    internal one."""
    client, token = superuser_client
    mode = data.draw(st.sampled_from([Mode.POSITIVE, Mode.NEGATIVE]))
    query = data.draw(
        mutations(
            get_schema(), fields=FUZZED_MUTATIONS, custom_scalars=SCALARS, mode=mode
        )
    )
    response = client.post(
        "/graphql/",
        orjson.dumps({"query": query}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 400), query
    for error in orjson.loads(response.content).get("errors", []):
        code = error.get("extensions", {}).get("exception", {}).get("code")
        assert code in ALLOWED_CODES, (query, error)
