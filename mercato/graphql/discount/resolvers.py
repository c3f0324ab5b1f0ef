"""Promotions and vouchers for staff (MANAGE_DISCOUNTS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import ObjectType, QueryType, ScalarType
from graphql import GraphQLResolveInfo

from mercato.core.money import Money
from mercato.core.permissions import Permission
from mercato.discount.models import (
    Promotion,
    PromotionRule,
    Voucher,
    VoucherChannelListing,
    VoucherCode,
)
from mercato.discount.queries import list_promotions, list_vouchers
from mercato.graphql.channel.loaders import ChannelByIdLoader
from mercato.graphql.core.channels import staff_channel_from_arg
from mercato.graphql.core.connections import (
    Connection,
    batched_child_connections,
    connection_from_queryset,
    first_page_of_batch,
    is_first_page,
    validate_page_args,
)
from mercato.graphql.core.dataloaders import (
    attach_batch,
    channel_of,
    get_loader,
)
from mercato.graphql.core.ids import decode_id, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import require_any
from mercato.graphql.core.resolvers import country_display
from mercato.graphql.discount.inputs import (
    PREDICATE_TYPES,
    promotion_where,
    voucher_filter,
)
from mercato.graphql.discount.loaders import (
    ChannelsByRuleLoader,
    CodeStatsByVoucherLoader,
    GiftIdsByRuleLoader,
    ListingsByVoucherLoader,
    RulesByPromotionLoader,
)
from mercato.graphql.discount.mutations import mutations
from mercato.product.models import Category, Collection, Product, ProductVariant

query = QueryType()
json_scalar = ScalarType("JSON")
promotion_type = ObjectType("Promotion")
rule_type = ObjectType("PromotionRule")
voucher_type = ObjectType("Voucher")
code_type = ObjectType("VoucherCode")
voucher_listing_type = ObjectType("VoucherChannelListing")

MAX_GIFTS = 500
PROMOTION_SORT = {
    "NAME": "name",
    "START_DATE": "start_date",
    "END_DATE": "end_date",
    "CREATED_AT": "created_at",
}
VOUCHER_SORT = {
    "CODE": "name",
    "NAME": "name",
    "START_DATE": "start_date",
    "END_DATE": "end_date",
    "VALUE": "channel_value",
    "TYPE": "type",
    "USAGE_LIMIT": "usage_limit",
    "MINIMUM_SPENT_AMOUNT": "channel_min_spent",
}


@json_scalar.serializer
def serialize_json(value: Any) -> Any:
    return value


@json_scalar.value_parser
def parse_json(value: Any) -> Any:
    return value


def _sort_keys(
    sort_by: dict[str, Any] | None, fields: dict[str, str], default: str
) -> list[tuple[str, bool]]:
    if not sort_by:
        return [(default, False), ("pk", False)]
    descending = sort_by.get("direction") == "DESC"
    return [(fields[sort_by["field"]], descending), ("pk", descending)]


# ------------------------------------------------------------------ queries


@query.field("promotion")
@require_any(Permission.MANAGE_DISCOUNTS)
def resolve_promotion(_: None, info: GraphQLResolveInfo, id: str) -> Promotion | None:
    return Promotion.objects.filter(pk=decode_id(id, "Promotion")).first()


@query.field("promotions")
@require_any(Permission.MANAGE_DISCOUNTS)
def resolve_promotions(
    _: None,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort_by: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    promotions = list_promotions(promotion_where(where) if where else None)
    keys = _sort_keys(sort_by, PROMOTION_SORT, "name")
    return connection_from_queryset(promotions, page, keys=keys, name="promotions")


@query.field("voucher")
@require_any(Permission.MANAGE_DISCOUNTS)
def resolve_voucher(
    _: None, info: GraphQLResolveInfo, id: str, channel: str | None = None
) -> Voucher | None:
    scope = staff_channel_from_arg(channel)
    voucher = Voucher.objects.filter(pk=decode_id(id, "Voucher")).first()
    if voucher is not None:
        attach_batch([voucher], scope)
    return voucher


@query.field("vouchers")
@require_any(Permission.MANAGE_DISCOUNTS)
def resolve_vouchers(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    channel: str | None = None,
    query: str | None = None,
    sort_by: dict[str, Any] | None = None,
    **page: Any,
) -> Connection:
    scope = staff_channel_from_arg(channel or (sort_by or {}).get("channel"))
    where = voucher_filter(filter or {}, query)
    vouchers = list_vouchers(where, channel_id=scope.pk if scope else None)
    keys = _sort_keys(sort_by, VOUCHER_SORT, "name")
    return connection_from_queryset(
        vouchers, page, keys=keys, name="vouchers", channel=scope
    )


# ------------------------------------------------------------------ promotions


@promotion_type.field("id")
def resolve_promotion_id(root: Promotion, info: GraphQLResolveInfo) -> str:
    return to_global_id("Promotion", root.pk)


@promotion_type.field("rules")
def resolve_rules(root: Promotion, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, RulesByPromotionLoader).load_for(
        root, lambda promotion: promotion.pk
    )


@rule_type.field("id")
def resolve_rule_id(root: PromotionRule, info: GraphQLResolveInfo) -> str:
    return to_global_id("PromotionRule", root.pk)


@rule_type.field("promotion")
def resolve_rule_promotion(root: PromotionRule, info: GraphQLResolveInfo) -> Any:
    return root.promotion


@rule_type.field("predicateType")
def resolve_predicate_type(root: PromotionRule, info: GraphQLResolveInfo) -> str:
    return root.promotion.type


@rule_type.field("channels")
def resolve_rule_channels(root: PromotionRule, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, ChannelsByRuleLoader).load_for(
        root, lambda rule: rule.pk
    )


@rule_type.field("giftIds")
def resolve_gift_ids(root: PromotionRule, info: GraphQLResolveInfo) -> list[str]:
    ids = get_loader(info.context, GiftIdsByRuleLoader).load_for(
        root, lambda rule: rule.pk
    )
    return [to_global_id("ProductVariant", pk) for pk in ids or []]


@rule_type.field("giftsLimit")
def resolve_gifts_limit(root: PromotionRule, info: GraphQLResolveInfo) -> int:
    return MAX_GIFTS


def _global_predicate(predicate: Any) -> Any:
    """A stored catalogue predicate with its primary keys as global IDs."""
    if not isinstance(predicate, dict):
        return predicate
    shown: dict[str, Any] = {}
    for key, value in predicate.items():
        if key in PREDICATE_TYPES and isinstance(value, dict):
            shown[key] = _global_where(value, PREDICATE_TYPES[key])
        elif key in ("AND", "OR"):
            shown[key] = [_global_predicate(sub) for sub in value or []]
        else:
            shown[key] = value
    return shown


def _global_where(where: dict[str, Any], type_name: str) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, value in where.items():
        if key == "ids":
            shown[key] = [to_global_id(type_name, pk) for pk in value]
        elif key in ("AND", "OR"):
            shown[key] = [_global_where(sub, type_name) for sub in value or []]
        else:
            shown[key] = value
    return shown


@rule_type.field("cataloguePredicate")
def resolve_catalogue_predicate(root: PromotionRule, info: GraphQLResolveInfo) -> Any:
    return _global_predicate(root.catalogue_predicate)


# ------------------------------------------------------------------ vouchers


@voucher_type.field("id")
def resolve_voucher_id(root: Voucher, info: GraphQLResolveInfo) -> str:
    return to_global_id("Voucher", root.pk)


def _stats(root: Voucher, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, CodeStatsByVoucherLoader).load_for(
        root, lambda voucher: voucher.pk
    )


@voucher_type.field("used")
def resolve_used(root: Voucher, info: GraphQLResolveInfo) -> int:
    return int(_stats(root, info).used)


@voucher_type.field("code")
def resolve_code(root: Voucher, info: GraphQLResolveInfo) -> str | None:
    stats = _stats(root, info)
    return stats.first_code if stats.count == 1 else None


CODE_KEYS = [("created_at", True), ("pk", True)]


@voucher_type.field("codes")
def resolve_codes(root: Voucher, info: GraphQLResolveInfo, **page: Any) -> Connection:
    """The first page of every listed voucher's codes comes from one query."""
    validate_page_args(page.get("first"), page.get("last"), "codes", required=False)
    if not is_first_page(page):
        return connection_from_queryset(
            VoucherCode.objects.filter(voucher=root), page, keys=CODE_KEYS, name="codes"
        )
    return first_page_of_batch(
        info.context,
        root,
        ("voucher_codes", page["first"]),
        lambda ids: batched_child_connections(
            VoucherCode.objects.all(),
            parent_field="voucher",
            parent_ids=ids,
            keys=CODE_KEYS,
            first=page["first"],
        ),
    )


CATALOGUE_KEYS = [("pk", False)]


def _catalogue(
    model: Any, root: Voucher, info: GraphQLResolveInfo, page: dict[str, Any], name: str
) -> Connection:
    """A voucher's products, variants, categories or collections; the first page of
    every listed voucher comes from one query, other pages are read per voucher."""
    validate_page_args(page.get("first"), page.get("last"), name, required=False)
    if not is_first_page(page):
        related = getattr(Voucher, name).through.objects.filter(voucher_id=root.pk)
        column = f"{model.__name__.lower()}_id"
        return connection_from_queryset(
            model.objects.filter(pk__in=related.values(column)),
            page,
            keys=CATALOGUE_KEYS,
            name=name,
            channel=channel_of(root),
        )
    return first_page_of_batch(
        info.context,
        root,
        ("voucher_" + name, page["first"]),
        lambda ids: _batched_catalogue(
            model, name, ids, page["first"], channel_of(root)
        ),
    )


def _count_of(page: Connection) -> Callable[[], int]:
    return lambda: page.total_count


def _batched_catalogue(
    model: Any, name: str, voucher_ids: list[int], first: int, channel: Any
) -> dict[int, Connection]:
    """First pages of one catalogue of many vouchers, read through the link table.

    A link row's ``<model>_id`` is its target's ``pk``, so cursors match those of
    the per-voucher read."""
    target = model.__name__.lower()
    links = batched_child_connections(
        getattr(Voucher, name).through.objects.select_related(target),
        parent_field="voucher",
        parent_ids=voucher_ids,
        keys=[(f"{target}_id", False)],
        first=first,
    )
    result = {
        pk: Connection(
            [getattr(link, target) for link in page.nodes],
            keys=CATALOGUE_KEYS,
            has_next_page=page.page_info.has_next_page,
            has_previous_page=False,
            count=_count_of(page),
            channel=channel,
        )
        for pk, page in links.items()
    }
    # One batch across vouchers, so the targets' own fields load together.
    attach_batch([node for page in result.values() for node in page.nodes], channel)
    return result


@voucher_type.field("products")
def resolve_products(root: Voucher, info: GraphQLResolveInfo, **page: Any) -> Any:
    return _catalogue(Product, root, info, page, "products")


@voucher_type.field("variants")
def resolve_variants(root: Voucher, info: GraphQLResolveInfo, **page: Any) -> Any:
    return _catalogue(ProductVariant, root, info, page, "variants")


@voucher_type.field("categories")
def resolve_categories(root: Voucher, info: GraphQLResolveInfo, **page: Any) -> Any:
    return _catalogue(Category, root, info, page, "categories")


@voucher_type.field("collections")
def resolve_collections(root: Voucher, info: GraphQLResolveInfo, **page: Any) -> Any:
    return _catalogue(Collection, root, info, page, "collections")


@voucher_type.field("countries")
def resolve_countries(root: Voucher, info: GraphQLResolveInfo) -> list[dict[str, str]]:
    return [country_display(code) for code in root.countries]


@voucher_type.field("channelListings")
def resolve_voucher_listings(root: Voucher, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, ListingsByVoucherLoader).load_for(
        root, lambda voucher: voucher.pk
    )


def _listing_in_scope(
    root: Voucher, info: GraphQLResolveInfo
) -> VoucherChannelListing | None:
    channel = channel_of(root)
    if channel is None:
        return None
    listings = resolve_voucher_listings(root, info) or []
    return next((x for x in listings if x.channel_id == channel.pk), None)


@voucher_type.field("discountValue")
def resolve_discount_value(root: Voucher, info: GraphQLResolveInfo) -> float | None:
    listing = _listing_in_scope(root, info)
    return None if listing is None else float(listing.discount_value)


@voucher_type.field("currency")
def resolve_currency(root: Voucher, info: GraphQLResolveInfo) -> str | None:
    listing = _listing_in_scope(root, info)
    return None if listing is None else listing.currency


@voucher_type.field("minSpent")
def resolve_min_spent(root: Voucher, info: GraphQLResolveInfo) -> Money | None:
    listing = _listing_in_scope(root, info)
    return None if listing is None else resolve_listing_min_spent(listing, info)


@code_type.field("id")
def resolve_code_id(root: VoucherCode, info: GraphQLResolveInfo) -> str:
    return to_global_id("VoucherCode", root.pk)


@voucher_listing_type.field("id")
def resolve_listing_id(root: VoucherChannelListing, info: GraphQLResolveInfo) -> str:
    return to_global_id("VoucherChannelListing", root.pk)


@voucher_listing_type.field("channel")
def resolve_listing_channel(
    root: VoucherChannelListing, info: GraphQLResolveInfo
) -> Any:
    return get_loader(info.context, ChannelByIdLoader).load_for(
        root, lambda listing: listing.channel_id
    )


@voucher_listing_type.field("discountValue")
def resolve_listing_value(
    root: VoucherChannelListing, info: GraphQLResolveInfo
) -> float:
    return float(root.discount_value)


@voucher_listing_type.field("minSpent")
def resolve_listing_min_spent(
    root: VoucherChannelListing, info: GraphQLResolveInfo
) -> Money | None:
    amount = root.min_spent_amount
    return None if amount is None else Money(amount, root.currency)


bind_metadata(promotion_type, Permission.MANAGE_DISCOUNTS)
bind_metadata(voucher_type, Permission.MANAGE_DISCOUNTS)

bindables = [
    query,
    mutations,
    json_scalar,
    promotion_type,
    rule_type,
    voucher_type,
    code_type,
    voucher_listing_type,
]
