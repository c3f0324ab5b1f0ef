from __future__ import annotations

import datetime
from typing import Any

import pytest

from mercato.core.permissions import Permission
from mercato.discount.models import Voucher, VoucherChannelListing, VoucherCode
from mercato.graphql.core.ids import to_global_id
from tests.factories.catalog import ChannelFactory, ProductFactory, build_catalog
from tests.factories.discount import make_voucher

pytestmark = pytest.mark.django_db
MANAGE = (Permission.MANAGE_DISCOUNTS,)

VOUCHER_FIELDS = """
  id name code used type discountValueType usageLimit applyOncePerOrder
  countries { code }
  codes(first: 10) { totalCount edges { node { code used isActive } } }
  products(first: 10) { edges { node { name } } }
  channelListings { channel { slug } discountValue currency minSpent { amount } }
"""

VOUCHER_CREATE = f"""
mutation($input: VoucherInput!) {{
  voucherCreate(input: $input) {{
    errors {{ field code message voucherCodes }}
    discountErrors {{ code }}
    voucher {{ {VOUCHER_FIELDS} }}
  }}
}}
"""

LISTING_UPDATE = """
mutation($id: ID!, $input: VoucherChannelListingInput!) {
  voucherChannelListingUpdate(id: $id, input: $input) {
    errors { field code channels }
    voucher { channelListings { channel { slug } discountValue minSpent { amount } } }
  }
}
"""


def gid(obj: Any) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def test_voucher_create_with_codes_and_products(staff_gql: Any) -> None:
    product = ProductFactory(name="Shirt")
    result = staff_gql(
        VOUCHER_CREATE,
        {
            "input": {
                "name": "Shirts",
                "type": "SPECIFIC_PRODUCT",
                "discountValueType": "PERCENTAGE",
                "addCodes": ["SHIRT10"],
                "products": [gid(product)],
                "usageLimit": 5,
                "countries": ["pl"],
            }
        },
        permissions=MANAGE,
    )
    assert result.errors is None, result.errors
    payload = result.data["voucherCreate"]
    assert payload["errors"] == payload["discountErrors"] == []
    voucher = payload["voucher"]
    assert voucher["code"] == "SHIRT10"
    assert voucher["type"] == "SPECIFIC_PRODUCT"
    assert voucher["discountValueType"] == "PERCENTAGE"
    assert voucher["used"] == 0
    assert voucher["countries"] == [{"code": "PL"}]
    assert voucher["products"]["edges"] == [{"node": {"name": "Shirt"}}]
    assert voucher["codes"]["totalCount"] == 1


def test_voucher_create_generates_a_code(staff_gql: Any) -> None:
    result = staff_gql(VOUCHER_CREATE, {"input": {"name": "Auto"}}, permissions=MANAGE)
    code = result.data["voucherCreate"]["voucher"]["code"]
    assert code and VoucherCode.objects.filter(code=code).exists()


def test_voucher_create_errors_change_nothing(staff_gql: Any) -> None:
    make_voucher(ChannelFactory(), "TAKEN")
    result = staff_gql(
        VOUCHER_CREATE,
        {
            "input": {
                "addCodes": ["TAKEN", "NEW", "NEW"],
                "usageLimit": -1,
                "countries": ["XX"],
                "startDate": "2025-02-01T00:00:00+00:00",
                "endDate": "2025-01-01T00:00:00+00:00",
            }
        },
        permissions=MANAGE,
    )
    payload = result.data["voucherCreate"]
    assert payload["voucher"] is None
    errors = {(e["field"], e["code"]): e for e in payload["errors"]}
    assert errors["addCodes", "ALREADY_EXISTS"]["voucherCodes"] == ["TAKEN"]
    assert errors["addCodes", "DUPLICATED_INPUT_ITEM"]["voucherCodes"] == ["NEW"]
    assert ("usageLimit", "INVALID") in errors
    assert ("countries", "INVALID") in errors
    assert ("endDate", "INVALID") in errors
    assert Voucher.objects.count() == 1


def test_voucher_update_adds_codes_and_keeps_other_fields(staff_gql: Any) -> None:
    voucher = make_voucher(ChannelFactory(), "FIRST", usage_limit=3).voucher
    result = staff_gql(
        """
        mutation($id: ID!, $input: VoucherInput!) {
          voucherUpdate(id: $id, input: $input) {
            errors { code }
            voucher { name usageLimit code codes(first: 5) { totalCount } }
          }
        }
        """,
        {"id": gid(voucher), "input": {"name": "Renamed", "addCodes": ["SECOND"]}},
        permissions=MANAGE,
    )
    data = result.data["voucherUpdate"]
    assert data["errors"] == []
    assert data["voucher"]["name"] == "Renamed"
    assert data["voucher"]["usageLimit"] == 3
    assert data["voucher"]["code"] is None  # two codes now
    assert data["voucher"]["codes"]["totalCount"] == 2


def test_channel_listing_update(staff_gql: Any) -> None:
    usd = ChannelFactory(slug="usd", currency_code="USD")
    jpy = ChannelFactory(slug="jpy", currency_code="JPY")
    voucher = make_voucher(usd, "LISTED").voucher
    result = staff_gql(
        LISTING_UPDATE,
        {
            "id": gid(voucher),
            "input": {
                "addChannels": [
                    {
                        "channelId": gid(jpy),
                        "discountValue": 500,
                        "minAmountSpent": 3000,
                    }
                ],
                "removeChannels": [gid(usd)],
            },
        },
        permissions=MANAGE,
    )
    data = result.data["voucherChannelListingUpdate"]
    assert data["errors"] == []
    assert data["voucher"]["channelListings"] == [
        {
            "channel": {"slug": "jpy"},
            "discountValue": 500.0,
            "minSpent": {"amount": 3000.0},
        }
    ]
    bad = staff_gql(
        LISTING_UPDATE,
        {
            "id": gid(voucher),
            "input": {"addChannels": [{"channelId": gid(jpy), "discountValue": 1.5}]},
        },
        permissions=MANAGE,
    )
    errors = bad.data["voucherChannelListingUpdate"]["errors"]
    assert errors == [
        {"field": "discountValue", "code": "INVALID", "channels": [gid(jpy)]}
    ]
    listing = VoucherChannelListing.objects.get(voucher=voucher)
    assert listing.discount_value == 500


def test_voucher_query_shows_channel_values(staff_gql: Any) -> None:
    channel = ChannelFactory(slug="usd")
    voucher = make_voucher(channel, "V", value="7.5", min_spent="20").voucher
    result = staff_gql(
        """
        query($id: ID!) {
          voucher(id: $id, channel: "usd") {
            discountValue currency minSpent { amount currency }
          }
        }
        """,
        {"id": gid(voucher)},
        permissions=MANAGE,
    )
    assert result.data["voucher"] == {
        "discountValue": 7.5,
        "currency": "USD",
        "minSpent": {"amount": 20.0, "currency": "USD"},
    }


def test_code_bulk_delete(staff_gql: Any) -> None:
    code = make_voucher(ChannelFactory(), "GONE")
    query = """
    mutation($ids: [ID!]!) {
      voucherCodeBulkDelete(ids: $ids) { count errors { path code voucherCodes } }
    }
    """
    missing = to_global_id("VoucherCode", code.pk + 1000)
    bad = staff_gql(query, {"ids": [gid(code), missing]}, permissions=MANAGE)
    assert bad.data["voucherCodeBulkDelete"]["count"] == 0
    assert bad.data["voucherCodeBulkDelete"]["errors"][0]["code"] == "NOT_FOUND"
    assert VoucherCode.objects.filter(pk=code.pk).exists()
    good = staff_gql(query, {"ids": [gid(code)]}, permissions=MANAGE)
    assert good.data["voucherCodeBulkDelete"] == {"count": 1, "errors": []}
    assert not VoucherCode.objects.exists()


def test_catalogues_add_and_remove(staff_gql: Any) -> None:
    voucher = make_voucher(ChannelFactory(), "CAT").voucher
    product = ProductFactory()
    query = """
    mutation($id: ID!, $input: CatalogueInput!) {
      voucherCataloguesAdd(id: $id, input: $input) {
        errors { code }
        voucher { products(first: 5) { totalCount } }
      }
    }
    """
    added = staff_gql(
        query,
        {"id": gid(voucher), "input": {"products": [gid(product)]}},
        permissions=MANAGE,
    )
    assert added.data["voucherCataloguesAdd"]["voucher"]["products"]["totalCount"] == 1
    staff_gql(
        """
        mutation($id: ID!, $input: CatalogueInput!) {
          voucherCataloguesRemove(id: $id, input: $input) { errors { code } }
        }
        """,
        {"id": gid(voucher), "input": {"products": [gid(product)]}},
        permissions=MANAGE,
    )
    assert not voucher.products.exists()


def test_vouchers_filter_sort_and_query_count(
    staff_gql: Any, count_queries: Any
) -> None:
    channel = ChannelFactory(slug="usd")
    make_voucher(channel, "AAA", value="5", name="Cheap")
    make_voucher(channel, "BBB", value="50", name="Dear")
    make_voucher(channel, "CCC", value="20", name="Middle", type="SHIPPING")
    query = """
    query($filter: VoucherFilterInput, $sort: VoucherSortingInput, $first: Int) {
      vouchers(filter: $filter, sortBy: $sort, first: $first, channel: "usd") {
        totalCount
        edges {
          node {
            name code used discountValue channelListings { channel { slug } }
            codes(first: 2) { totalCount edges { node { code } } }
          }
        }
      }
    }
    """
    by_value = staff_gql(
        query,
        {"sort": {"field": "VALUE", "direction": "DESC"}, "first": 10},
        permissions=MANAGE,
    )
    names = [e["node"]["name"] for e in by_value.data["vouchers"]["edges"]]
    assert names == ["Dear", "Middle", "Cheap"]
    searched = staff_gql(
        query, {"filter": {"search": "bbb"}, "first": 10}, permissions=MANAGE
    )
    assert [e["node"]["code"] for e in searched.data["vouchers"]["edges"]] == ["BBB"]
    shipping = staff_gql(
        query,
        {"filter": {"discountType": ["SHIPPING"]}, "first": 10},
        permissions=MANAGE,
    )
    assert shipping.data["vouchers"]["totalCount"] == 1
    with count_queries() as small:
        staff_gql(query, {"first": 1}, permissions=MANAGE)
    with count_queries() as big:
        staff_gql(query, {"first": 3}, permissions=MANAGE)
    assert len(big.captured_queries) == len(small.captured_queries)


def test_voucher_mutations_need_manage_discounts(gql: Any) -> None:
    result = gql('mutation { voucherCreate(input: {name: "x"}) { voucher { id } } }')
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert not Voucher.objects.exists()


def test_voucher_status_filter(staff_gql: Any) -> None:
    channel = ChannelFactory()
    make_voucher(channel, "NOW", name="Running")
    make_voucher(
        channel,
        "OLD",
        name="Expired",
        end_date=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
    )
    make_voucher(
        channel,
        "SOON",
        name="Scheduled",
        start_date=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
    )
    query = """
    query($status: [DiscountStatusEnum!]) {
      vouchers(filter: {status: $status}, first: 10) { edges { node { name } } }
    }
    """
    for status, name in (
        ("ACTIVE", "Running"),
        ("EXPIRED", "Expired"),
        ("SCHEDULED", "Scheduled"),
    ):
        result = staff_gql(query, {"status": [status]}, permissions=MANAGE)
        assert result.data["vouchers"]["edges"] == [{"node": {"name": name}}]


def test_voucher_metadata(staff_gql: Any) -> None:
    voucher = make_voucher(ChannelFactory(), "META").voucher
    result = staff_gql(
        """
        mutation($id: ID!) {
          updatePrivateMetadata(id: $id, input: [{key: "k", value: "v"}]) {
            errors { code }
            item { ... on Voucher { privateMetafield(key: "k") } }
          }
        }
        """,
        {"id": gid(voucher)},
        permissions=MANAGE,
    )
    data = result.data["updatePrivateMetadata"]
    assert data == {"errors": [], "item": {"privateMetafield": "v"}}
    voucher.refresh_from_db()
    assert voucher.private_metadata == {"k": "v"}


def test_voucher_bulk_delete(staff_gql: Any) -> None:
    channel = ChannelFactory()
    first = make_voucher(channel, "ONE").voucher
    second = make_voucher(channel, "TWO").voucher
    result = staff_gql(
        """
        mutation($ids: [ID!]!) {
          voucherBulkDelete(ids: $ids) { count errors { code } }
        }
        """,
        {"ids": [gid(first), gid(second)]},
        permissions=MANAGE,
    )
    assert result.data["voucherBulkDelete"] == {"count": 2, "errors": []}
    assert not VoucherCode.objects.exists()


def test_vouchers_catalogues_query_count_does_not_grow(
    staff_gql: Any, count_queries: Any
) -> None:
    catalog = build_catalog(3)
    query = """
    query($first: Int) {
      vouchers(first: $first, channel: "default-channel") { edges { node {
        name
        products(first: 5) { totalCount edges { node { id name } } }
        categories(first: 5) { edges { node { id } } }
        collections(first: 5) { edges { node { id } } }
        variants(first: 1) { pageInfo { hasNextPage } edges { node { id } } }
      } } }
    }
    """
    expected: dict[str, dict[str, Any]] = {}

    def make(index: int) -> None:
        voucher = make_voucher(
            catalog.channel, f"CODE{index}", name=f"V{index}"
        ).voucher
        products = catalog.products[: 1 + index % 3]
        variants = catalog.variants[index % 6 :][:2]
        category = catalog.root if index % 2 else catalog.child
        voucher.products.set(products)
        voucher.variants.set(variants)
        voucher.categories.set([category])
        if index % 2:
            voucher.collections.set([catalog.collection])
        expected[voucher.name] = {
            "products": sorted(gid(p) for p in products),
            "categories": [gid(category)],
            "collections": [gid(catalog.collection)] if index % 2 else [],
            "variants": [gid(min(variants, key=lambda v: v.pk))],
            "more": len(variants) > 1,
        }

    def check(first: int) -> Any:
        with count_queries() as counted:
            result = staff_gql(query, {"first": first}, permissions=MANAGE)
        assert result.errors is None, result.errors
        edges = result.data["vouchers"]["edges"]
        assert len(edges) == len(expected)
        for edge in edges:
            node, wanted = edge["node"], expected[edge["node"]["name"]]
            products = node["products"]
            assert [e["node"]["id"] for e in products["edges"]] == wanted["products"]
            assert products["totalCount"] == len(wanted["products"])
            for name in ("categories", "collections", "variants"):
                ids = [e["node"]["id"] for e in node[name]["edges"]]
                assert ids == wanted[name], name
            assert node["variants"]["pageInfo"]["hasNextPage"] == wanted["more"]
        return counted

    for index in range(2):
        make(index)
    check(10)  # warms the channel cache
    small = check(10)
    for index in range(2, 6):
        make(index)
    big = check(10)
    assert len(big.captured_queries) == len(small.captured_queries)

    # A cursor of the batched first page continues on the per-voucher read.
    voucher = Voucher.objects.get(name="V0")
    first_page = staff_gql(
        "query($id: ID!) { voucher(id: $id) { variants(first: 1) { pageInfo "
        "{ endCursor } } } }",
        {"id": gid(voucher)},
        permissions=MANAGE,
    )
    cursor = first_page.data["voucher"]["variants"]["pageInfo"]["endCursor"]
    rest = staff_gql(
        "query($id: ID!, $after: String) { voucher(id: $id) { "
        "variants(first: 5, after: $after) { edges { node { id } } } } }",
        {"id": gid(voucher), "after": cursor},
        permissions=MANAGE,
    )
    variants = sorted(voucher.variants.all(), key=lambda v: v.pk)
    assert [e["node"]["id"] for e in rest.data["voucher"]["variants"]["edges"]] == [
        gid(variants[1])
    ]
