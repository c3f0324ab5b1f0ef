from __future__ import annotations

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.account.models import Address
from mercato.graphql.account.address_rules import bindables as address_bindables
from mercato.graphql.account.auth import bindables as auth_bindables
from mercato.graphql.account.staff import bindables as staff_bindables
from mercato.graphql.account.storefront import bindables as storefront_bindables
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.resolvers import country_display

address = ObjectType("Address")


@address.field("id")
def resolve_id(root: Address, info: GraphQLResolveInfo) -> str:
    return to_global_id("Address", root.pk)


@address.field("country")
def resolve_country(root: Address, info: GraphQLResolveInfo) -> dict[str, str]:
    return country_display(root.country)


bindables = [address, *auth_bindables]
bindables.extend(address_bindables)
bindables.extend(staff_bindables)
bindables.extend(storefront_bindables)
