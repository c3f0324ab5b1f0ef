from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.languages import country_name, language_name, to_enum_value
from mercato.core.money import Money, currency_precision
from mercato.graphql.core.meta_mutations import bindables as metadata_bindables
from mercato.graphql.core.scalars import scalars
from mercato.graphql.core.translate_mutations import bindables as translate_bindables

# `Money.amount` needs no resolver: GraphQL's Float serializes the Decimal itself.
money = ObjectType("Money")


@money.field("fractionDigits")
def resolve_fraction_digits(root: Money, info: GraphQLResolveInfo) -> int:
    return currency_precision(root.currency)


@money.field("fractionalAmount")
def resolve_fractional_amount(root: Money, info: GraphQLResolveInfo) -> int:
    return int(root.amount.scaleb(currency_precision(root.currency)))


def country_display(code: str) -> dict[str, str]:
    return {"code": code, "country": country_name(code)}


def language_display(stored_code: str) -> dict[str, str]:
    return {"code": to_enum_value(stored_code), "language": language_name(stored_code)}


bindables: list[Any] = [*scalars, money, *metadata_bindables, *translate_bindables]
