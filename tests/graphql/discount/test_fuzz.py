"""Generated discount operations, valid or with one mistake, never fail inside."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from mercato.graphql.core.ids import to_global_id
from mercato.graphql.schema import get_schema
from tests.factories.account import PASSWORD, make_user
from tests.factories.catalog import build_catalog
from tests.factories.discount import PromotionFactory, make_rule, make_voucher
from tests.graphql.test_fuzz import ALLOWED_CODES, SCALARS

pytestmark = pytest.mark.django_db

DISCOUNT_MUTATIONS = sorted(
    name
    for name in get_schema().mutation_type.fields  # type: ignore[union-attr]
    if name.startswith(("promotion", "voucher"))
)
DISCOUNT_QUERIES = ["promotion", "promotions", "voucher", "vouchers"]


@pytest.fixture
def discount_client(client: Client) -> tuple[Client, dict[str, Any]]:
    catalog = build_catalog(2)
    promotion = PromotionFactory()
    make_rule(promotion, [catalog.channel])
    code = make_voucher(catalog.channel, "FUZZ")
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
    token = orjson.loads(response.content)["data"]["tokenCreate"]["token"]
    ids = [
        to_global_id("Promotion", promotion.pk),
        to_global_id("PromotionRule", promotion.rules.get().pk),
        to_global_id("Voucher", code.voucher_id),
        to_global_id("Channel", catalog.channel.pk),
        to_global_id("Product", catalog.products[0].pk),
        to_global_id("ProductVariant", catalog.variants[0].pk),
        "garbage",
    ]
    return client, {"token": token, "ids": ids}


def _scalars(ids: list[str]) -> dict[str, Any]:
    return {
        **SCALARS,
        "JSON": st.just(nodes.Object([])),
        "ID": st.sampled_from(ids).map(nodes.String),
    }


def _check(client: Client, token: str, query: str) -> None:
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


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_discount_mutations(
    discount_client: tuple[Client, dict[str, Any]], data: Any
) -> None:
    client, ctx = discount_client
    mode = data.draw(st.sampled_from([Mode.POSITIVE, Mode.NEGATIVE]))
    query = data.draw(
        mutations(
            get_schema(),
            fields=DISCOUNT_MUTATIONS,
            custom_scalars=_scalars(ctx["ids"]),
            mode=mode,
        )
    )
    _check(client, ctx["token"], query)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_discount_queries(
    discount_client: tuple[Client, dict[str, Any]], data: Any
) -> None:
    client, ctx = discount_client
    mode = data.draw(st.sampled_from([Mode.POSITIVE, Mode.NEGATIVE]))
    query = data.draw(
        queries(
            get_schema(),
            fields=DISCOUNT_QUERIES,
            custom_scalars=_scalars(ctx["ids"]),
            mode=mode,
        )
    )
    _check(client, ctx["token"], query)
