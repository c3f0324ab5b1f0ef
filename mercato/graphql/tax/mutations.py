"""Tax mutations: a declared permission and one service call each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ariadne import MutationType, ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.ids import decode_id, to_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.tax import services
from mercato.tax.queries import list_country_rates

mutations = MutationType()

CONFIGURATION_FIELDS = (
    "charge_taxes",
    "tax_calculation_strategy",
    "display_gross_prices",
    "prices_entered_with_tax",
    "tax_app_id",
)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def country_rates(country_code: str) -> dict[str, Any]:
    """A ``TaxCountryConfiguration``: a country and its rates."""
    return {
        "country": country_code,
        "tax_class_country_rates": list_country_rates(country_code),
    }


@mutations.field("taxConfigurationUpdate")
@require_any(Permission.MANAGE_TAXES)
@mutation()
def resolve_tax_configuration_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    values = {name: input[name] for name in CONFIGURATION_FIELDS if name in input}
    for name in ("charge_taxes", "display_gross_prices", "prices_entered_with_tax"):
        if name in values and values[name] is None:
            del values[name]
    exceptions = [
        services.CountryException(
            country=item["country_code"],
            charge_taxes=item["charge_taxes"],
            display_gross_prices=item["display_gross_prices"],
            tax_calculation_strategy=item.get("tax_calculation_strategy"),
            tax_app_id=item.get("tax_app_id"),
        )
        for item in input.get("update_countries_configuration") or []
    ]
    configuration = services.update_tax_configuration(
        actor=actor_of(info),
        configuration_id=decode_id(id, "TaxConfiguration"),
        values=values,
        update_countries=exceptions,
        remove_countries=input.get("remove_countries_configuration") or [],
    )
    return {"tax_configuration": configuration}


@mutations.field("taxClassCreate")
@require_any(Permission.MANAGE_TAXES)
@mutation()
def resolve_tax_class_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    rates = [
        (item["country_code"], Decimal(str(item["rate"])))
        for item in input.get("create_country_rates") or []
    ]
    tax_class = services.create_tax_class(
        actor=actor_of(info), name=input["name"], rates=rates
    )
    return {"tax_class": tax_class}


@mutations.field("taxClassUpdate")
@require_any(Permission.MANAGE_TAXES)
@mutation()
def resolve_tax_class_update(
    _: None, info: GraphQLResolveInfo, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    tax_class = services.update_tax_class(
        actor=actor_of(info),
        tax_class_id=decode_id(id, "TaxClass"),
        name=input.get("name"),
        update_rates=[
            (item["country_code"], _decimal(item.get("rate")))
            for item in input.get("update_country_rates") or []
        ],
        remove_countries=input.get("remove_country_rates") or [],
    )
    return {"tax_class": tax_class}


@mutations.field("taxClassDelete")
@require_any(Permission.MANAGE_TAXES)
@mutation()
def resolve_tax_class_delete(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    tax_class = services.delete_tax_class(
        actor=actor_of(info), tax_class_id=decode_id(id, "TaxClass")
    )
    return {"tax_class": tax_class}


@mutations.field("taxCountryConfigurationUpdate")
@require_any(Permission.MANAGE_TAXES)
@mutation()
def resolve_tax_country_configuration_update(
    _: None,
    info: GraphQLResolveInfo,
    country_code: str,
    update_tax_class_rates: list[dict[str, Any]],
) -> dict[str, Any]:
    rates = [
        (
            decode_id(item["tax_class_id"], "TaxClass")
            if item.get("tax_class_id")
            else None,
            _decimal(item.get("rate")),
        )
        for item in update_tax_class_rates
    ]
    country = services.update_country_rates(
        actor=actor_of(info), country=country_code, rates=rates
    )
    return {"tax_country_configuration": country_rates(country)}


@mutations.field("taxCountryConfigurationDelete")
@require_any(Permission.MANAGE_TAXES)
@mutation()
def resolve_tax_country_configuration_delete(
    _: None, info: GraphQLResolveInfo, country_code: str
) -> dict[str, Any]:
    country = services.delete_country_rates(actor=actor_of(info), country=country_code)
    return {"tax_country_configuration": country_rates(country)}


def _country_codes(root: dict[str, Any], info: GraphQLResolveInfo) -> list[str]:
    return list(root.get("country_codes") or [])


def _tax_class_ids(root: dict[str, Any], info: GraphQLResolveInfo) -> list[str]:
    return [to_global_id("TaxClass", pk) for pk in root.get("tax_class_ids") or []]


error_types = []
for name in (
    "TaxConfigurationUpdateError",
    "TaxClassCreateError",
    "TaxClassUpdateError",
):
    error_type = ObjectType(name)
    error_type.set_field("countryCodes", _country_codes)
    error_types.append(error_type)
rate_error = ObjectType("TaxCountryConfigurationUpdateError")
rate_error.set_field("taxClassIds", _tax_class_ids)

bindables = [mutations, rate_error, *error_types]
