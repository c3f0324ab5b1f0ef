"""A staff member builds a product through the API; shoppers see it once published."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from mercato.attribute.models import Attribute, AttributeVariant
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from mercato.inventory.models import ChannelWarehouse
from tests.factories.account import PASSWORD, make_user
from tests.factories.catalog import (
    CategoryFactory,
    ChannelFactory,
    ProductTypeFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


class Staff:
    """A signed-in staff member talking to /graphql/ over HTTP."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def __call__(self, query: str, variables: dict[str, Any], name: str) -> Any:
        response = self.client.post(
            "/graphql/",
            orjson.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            **self.auth,
        )
        body = orjson.loads(response.content)
        assert "errors" not in body, body
        payload = body["data"][name]
        assert payload["errors"] == [], payload
        return payload

    def upload(
        self, query: str, variables: dict[str, Any], path: str, file: Any
    ) -> Any:
        response = self.client.post(
            "/graphql/",
            {
                "operations": orjson.dumps(
                    {"query": query, "variables": variables}
                ).decode(),
                "map": orjson.dumps({"0": [path]}).decode(),
                "0": file,
            },
            **self.auth,
        )
        return orjson.loads(response.content)


def sign_in(client: Client, email: str) -> str:
    response = client.post(
        "/graphql/",
        orjson.dumps(
            {
                "query": "mutation($e: String!, $p: String!) { tokenCreate(email: $e, "
                "password: $p) { token errors { code } } }",
                "variables": {"e": email, "p": PASSWORD},
            }
        ),
        content_type="application/json",
    )
    token: str = orjson.loads(response.content)["data"]["tokenCreate"]["token"]
    assert token
    return token


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 220)).save(buffer, format="PNG")
    return SimpleUploadedFile("runner.png", buffer.getvalue(), content_type="image/png")


SHOPPER_QUERY = """
query($channel: String!) {
  product(slug: "trail-runner", channel: $channel) {
    name
    category { slug }
    thumbnail { url }
    media { alt }
    pricing { priceRange { start { gross { amount currency } } stop { gross { amount }
        } } }
    variants {
      sku name quantityAvailable pricing { price { gross { amount currency } } }
    }
  }
}
"""


def test_staff_builds_a_product_that_shoppers_see_once_published(
    client: Client, gql: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    usd = ChannelFactory(slug="usd", currency_code="USD")
    pln = ChannelFactory(slug="pln", currency_code="PLN", default_country="PL")
    warehouse = WarehouseFactory()
    for channel in (usd, pln):
        ChannelWarehouse.objects.create(channel=channel, warehouse=warehouse)
    product_type = ProductTypeFactory(name="Shoe")
    size = Attribute.objects.create(
        slug="size", name="Size", type="PRODUCT_TYPE", input_type="DROPDOWN"
    )
    AttributeVariant.objects.create(
        attribute=size, product_type=product_type, variant_selection=True
    )
    category = CategoryFactory(slug="shoes")
    make_user(
        "staff@example.com", is_staff=True, permissions=(Permission.MANAGE_PRODUCTS,)
    )
    staff = Staff(client, sign_in(client, "staff@example.com"))

    product = staff(
        """mutation($input: ProductCreateInput!) {
             productCreate(input: $input) { product { id } errors { field code } } }""",
        {
            "input": {
                "productType": gid(product_type),
                "category": gid(category),
                "name": "Trail Runner",
            }
        },
        "productCreate",
    )["product"]["id"]
    skus = []
    for number, (price_usd, price_pln) in (
        ("41", ("99.90", "399")),
        ("42", ("109.90", "449")),
    ):
        variant = staff(
            """mutation($input: ProductVariantCreateInput!) {
                 productVariantCreate(input: $input) {
                   productVariant { id sku } errors { field code } } }""",
            {
                "input": {
                    "product": product,
                    "sku": f"TRAIL-{number}",
                    "attributes": [{"id": gid(size), "dropdown": {"value": number}}],
                    "stocks": [{"warehouse": gid(warehouse), "quantity": 5}],
                }
            },
            "productVariantCreate",
        )["productVariant"]
        skus.append(variant["sku"])
        if number == "41":
            staff(
                """mutation($id: ID!, $input: ProductChannelListingUpdateInput!) {
                     productChannelListingUpdate(id: $id, input: $input) {
                       errors { field code } } }""",
                {
                    "id": product,
                    "input": {
                        "updateChannels": [
                            {
                                "channelId": gid(channel),
                                "isPublished": False,
                                "visibleInListings": True,
                                "isAvailableForPurchase": True,
                            }
                            for channel in (usd, pln)
                        ]
                    },
                },
                "productChannelListingUpdate",
            )
        staff(
            """mutation($id: ID!, $input: [ProductVariantChannelListingAddInput!]!) {
                 productVariantChannelListingUpdate(id: $id, input: $input) {
                   errors { field code } } }""",
            {
                "id": variant["id"],
                "input": [
                    {"channelId": gid(usd), "price": price_usd},
                    {"channelId": gid(pln), "price": price_pln},
                ],
            },
            "productVariantChannelListingUpdate",
        )
    uploaded = staff.upload(
        """mutation($product: ID!, $image: Upload!) {
             productMediaCreate(input: {product: $product, image: $image, alt:
                 "Side"}) {
               media { id url } errors { field code } } }""",
        {"product": product, "image": None},
        "variables.image",
        png(),
    )
    assert uploaded["data"]["productMediaCreate"]["errors"] == [], uploaded
    assert uploaded["data"]["productMediaCreate"]["media"]["url"]

    hidden = gql(SHOPPER_QUERY, {"channel": "usd"})
    assert hidden == {"data": {"product": None}}

    staff(
        """mutation($id: ID!, $input: ProductChannelListingUpdateInput!) {
             productChannelListingUpdate(id: $id, input: $input) { errors { field code
                 } } }""",
        {
            "id": product,
            "input": {
                "updateChannels": [
                    {"channelId": gid(channel), "isPublished": True}
                    for channel in (usd, pln)
                ]
            },
        },
        "productChannelListingUpdate",
    )
    seen = gql(SHOPPER_QUERY, {"channel": "usd"})["data"]["product"]
    assert seen["name"] == "Trail Runner"
    assert seen["category"] == {"slug": "shoes"}
    assert seen["media"] == [{"alt": "Side"}]
    assert seen["thumbnail"]["url"]
    assert seen["pricing"]["priceRange"] == {
        "start": {"gross": {"amount": 99.9, "currency": "USD"}},
        "stop": {"gross": {"amount": 109.9}},
    }
    assert [v["sku"] for v in seen["variants"]] == skus
    assert [v["name"] for v in seen["variants"]] == ["41", "42"]
    assert [v["quantityAvailable"] for v in seen["variants"]] == [5, 5]
    in_pln = gql(SHOPPER_QUERY, {"channel": "pln"})["data"]["product"]
    assert [v["pricing"]["price"]["gross"] for v in in_pln["variants"]] == [
        {"amount": 399.0, "currency": "PLN"},
        {"amount": 449.0, "currency": "PLN"},
    ]
    listed = gql(
        '{ products(first: 5, channel: "usd", search: "trail") '
        "{ edges { node { name } } } }"
    )
    assert listed["data"]["products"]["edges"] == [{"node": {"name": "Trail Runner"}}]
