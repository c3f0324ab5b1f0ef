from __future__ import annotations

from typing import Any

from ariadne import EnumType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from mercato.channel.models import Channel
from mercato.core.permissions import Permission
from mercato.graphql.core.connections import Connection, connection_from_queryset
from mercato.graphql.core.dataloaders import get_loader
from mercato.graphql.core.ids import decode_id, decode_ids, to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.permissions import require_any
from mercato.graphql.core.resolvers import country_display
from mercato.graphql.tax import loaders as L
from mercato.graphql.tax.mutations import bindables as mutation_bindables
from mercato.graphql.tax.mutations import country_rates
from mercato.product.models import Product, ProductType
from mercato.tax.models import (
    TaxCalculationStrategy,
    TaxClass,
    TaxClassCountryRate,
    TaxConfiguration,
)
from mercato.tax.queries import (
    get_tax_configuration,
    list_rate_countries,
    list_tax_classes,
    list_tax_configurations,
)

query = QueryType()
channel = ObjectType("Channel")
product = ObjectType("Product")
product_type = ObjectType("ProductType")
configuration = ObjectType("TaxConfiguration")
per_country = ObjectType("TaxConfigurationPerCountry")
tax_class = ObjectType("TaxClass")
class_rate = ObjectType("TaxClassCountryRate")
country_configuration = ObjectType("TaxCountryConfiguration")
strategy = EnumType("TaxCalculationStrategy", TaxCalculationStrategy)


@query.field("taxConfiguration")
@require_any(Permission.MANAGE_TAXES)
def resolve_tax_configuration(
    _: None, info: GraphQLResolveInfo, id: str
) -> TaxConfiguration | None:
    return TaxConfiguration.objects.filter(pk=decode_id(id, "TaxConfiguration")).first()


@query.field("taxConfigurations")
@require_any(Permission.MANAGE_TAXES)
def resolve_tax_configurations(
    _: None, info: GraphQLResolveInfo, filter: dict[str, Any] | None = None, **page: Any
) -> Connection:
    rows = list_tax_configurations()
    if filter and filter.get("ids"):
        rows = rows.filter(pk__in=decode_ids(filter["ids"], "TaxConfiguration"))
    return connection_from_queryset(
        rows, page, keys=[("pk", False)], name="taxConfigurations"
    )


@query.field("taxClass")
@require_any(Permission.MANAGE_TAXES)
def resolve_tax_class(_: None, info: GraphQLResolveInfo, id: str) -> TaxClass | None:
    return TaxClass.objects.filter(pk=decode_id(id, "TaxClass")).first()


@query.field("taxClasses")
@require_any(Permission.MANAGE_TAXES)
def resolve_tax_classes(
    _: None,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    sort_by: dict[str, str] | None = None,
    **page: Any,
) -> Connection:
    filter = filter or {}
    rows = list_tax_classes(
        ids=decode_ids(filter["ids"], "TaxClass") if filter.get("ids") else None,
        countries=filter.get("countries") or None,
    )
    descending = bool(sort_by and sort_by["direction"] == "DESC")
    return connection_from_queryset(
        rows,
        page,
        keys=[("name", descending), ("pk", descending)],
        name="taxClasses",
    )


@query.field("taxCountryConfiguration")
@require_any(Permission.MANAGE_TAXES)
def resolve_tax_country_configuration(
    _: None, info: GraphQLResolveInfo, country_code: str
) -> dict[str, Any]:
    return country_rates(country_code)


@query.field("taxCountryConfigurations")
@require_any(Permission.MANAGE_TAXES)
def resolve_tax_country_configurations(
    _: None, info: GraphQLResolveInfo
) -> list[dict[str, Any]]:
    return [country_rates(code) for code in list_rate_countries()]


@channel.field("taxConfiguration")
@require_any(Permission.MANAGE_TAXES)
def resolve_channel_tax_configuration(
    root: Channel, info: GraphQLResolveInfo
) -> TaxConfiguration:
    found = get_loader(info.context, L.TaxConfigurationByChannelLoader).load_for(
        root, lambda c: c.pk
    )
    return found if found is not None else get_tax_configuration(root)


@product.field("taxClass")
@require_any(Permission.MANAGE_PRODUCTS, Permission.MANAGE_TAXES)
def resolve_product_tax_class(root: Product, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.TaxClassByIdLoader).load_for(
        root, lambda p: p.tax_class_id
    )


@product_type.field("taxClass")
@require_any(
    Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,
    Permission.MANAGE_PRODUCTS,
    Permission.MANAGE_TAXES,
)
def resolve_product_type_tax_class(root: ProductType, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.TaxClassByIdLoader).load_for(
        root, lambda t: t.tax_class_id
    )


@configuration.field("id")
def resolve_configuration_id(root: TaxConfiguration, info: GraphQLResolveInfo) -> str:
    return to_global_id("TaxConfiguration", root.pk)


@configuration.field("channel")
def resolve_configuration_channel(
    root: TaxConfiguration, info: GraphQLResolveInfo
) -> Channel:
    return root.channel


@configuration.field("countries")
def resolve_configuration_countries(
    root: TaxConfiguration, info: GraphQLResolveInfo
) -> Any:
    return get_loader(info.context, L.ExceptionsByConfigurationLoader).load_for(
        root, lambda c: c.pk
    )


def _country(root: Any, info: GraphQLResolveInfo) -> dict[str, str]:
    code = root["country"] if isinstance(root, dict) else root.country
    return country_display(code)


@tax_class.field("id")
def resolve_tax_class_id(root: TaxClass, info: GraphQLResolveInfo) -> str:
    return to_global_id("TaxClass", root.pk)


@tax_class.field("countries")
def resolve_tax_class_countries(root: TaxClass, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.RatesByTaxClassLoader).load_for(
        root, lambda c: c.pk
    )


@class_rate.field("rate")
def resolve_rate(root: TaxClassCountryRate, info: GraphQLResolveInfo) -> float:
    return float(root.rate)


@class_rate.field("taxClass")
def resolve_rate_tax_class(root: TaxClassCountryRate, info: GraphQLResolveInfo) -> Any:
    return get_loader(info.context, L.TaxClassByIdLoader).load_for(
        root, lambda r: r.tax_class_id
    )


per_country.set_field("country", _country)
class_rate.set_field("country", _country)
country_configuration.set_field("country", _country)
bind_metadata(configuration, Permission.MANAGE_TAXES)
bind_metadata(tax_class, Permission.MANAGE_TAXES)

bindables = [
    query,
    channel,
    product,
    product_type,
    configuration,
    per_country,
    tax_class,
    class_rate,
    country_configuration,
    strategy,
    *mutation_bindables,
]
