"""``addressValidationRules``: a country's address rules for forms to follow."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.account.addresses import AddressRules, get_address_rules
from mercato.core.errors import ValidationFailed

query = QueryType()
address_validation_data = ObjectType("AddressValidationData")


@query.field("addressValidationRules")
def resolve_address_validation_rules(
    _: None,
    info: GraphQLResolveInfo,
    country_code: str,
    country_area: str | None = None,
    city: str | None = None,
    city_area: str | None = None,
) -> AddressRules:
    try:
        return get_address_rules(
            country_code, country_area=country_area, city=city, city_area=city_area
        )
    except ValidationFailed as failed:
        raise GraphQLError(failed.errors[0].message) from None


@address_validation_data.field("postalCodeMatchers")
def resolve_postal_code_matchers(
    root: AddressRules, info: GraphQLResolveInfo
) -> list[str]:
    return [matcher.pattern for matcher in root.postal_code_matchers]


bindables: list[Any] = [query, address_validation_data]
