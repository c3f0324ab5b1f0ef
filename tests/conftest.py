from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from graphql import ExecutionResult, execute

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate


class GraphQLClient:
    """Posts operations to /graphql/ the way a storefront does."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.last_status = 0

    def post(self, body: Any, **extra: Any) -> dict[str, Any]:
        payload = body if isinstance(body, bytes) else orjson.dumps(body)
        response = self.client.post(
            "/graphql/", payload, content_type="application/json", **extra
        )
        self.last_status = response.status_code
        self.last_response = response
        return orjson.loads(response.content)  # type: ignore[no-any-return]

    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        return self.post({"query": query, "variables": variables or {}}, **extra)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Cached counts and the like must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gql(client: Client) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def staff_gql() -> Any:
    """Runs an operation as staff holding MANAGE_PRODUCTS, bypassing HTTP auth
    (authentication arrives with accounts; this only sets the actor)."""

    def run(
        query: str,
        variables: dict[str, Any] | None = None,
        permissions: tuple[Permission, ...] = (Permission.MANAGE_PRODUCTS,),
    ) -> ExecutionResult:
        document, errors = parse_and_validate(query)
        assert document is not None, errors
        actor = Actor(user_id=1, is_staff=True, permissions=frozenset(permissions))
        result = execute(
            get_schema(),
            document,
            variable_values=variables or {},
            context_value=RequestContext(request=None, actor=actor),
        )
        assert isinstance(result, ExecutionResult)
        return result

    return run


@pytest.fixture
def count_queries() -> Any:
    return lambda: CaptureQueriesContext(connection)
