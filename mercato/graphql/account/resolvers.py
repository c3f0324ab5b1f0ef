from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from django.db.models import Q
from graphql import GraphQLResolveInfo

from mercato.account.models import Address, User
from mercato.graphql.account.address_rules import bindables as address_bindables
from mercato.graphql.account.auth import bindables as auth_bindables
from mercato.graphql.account.staff import bindables as staff_bindables
from mercato.graphql.account.storefront import bindables as storefront_bindables
from mercato.graphql.core.dataloaders import Loader, get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.resolvers import country_display

address = ObjectType("Address")
user = ObjectType("User")


@address.field("id")
def resolve_id(root: Address, info: GraphQLResolveInfo) -> str:
    return to_global_id("Address", root.pk)


@address.field("country")
def resolve_country(root: Address, info: GraphQLResolveInfo) -> dict[str, str]:
    return country_display(root.country)


class DefaultAddressRolesLoader(Loader[int, frozenset[str]]):
    """For each address id, which defaults (``shipping``, ``billing``) it is for."""

    def default(self) -> frozenset[str]:
        return frozenset()

    def batch_load(self, keys: list[int]) -> dict[int, frozenset[str]]:
        roles: dict[int, set[str]] = {}
        rows = User.objects.filter(
            Q(default_shipping_address_id__in=keys)
            | Q(default_billing_address_id__in=keys)
        ).values_list("default_shipping_address_id", "default_billing_address_id")
        wanted = set(keys)
        for shipping_id, billing_id in rows:
            if shipping_id in wanted:
                roles.setdefault(shipping_id, set()).add("shipping")
            if billing_id in wanted:
                roles.setdefault(billing_id, set()).add("billing")
        return {key: frozenset(value) for key, value in roles.items()}


def _default_roles(root: Address, info: GraphQLResolveInfo) -> frozenset[str]:
    loader = get_loader(info.context, DefaultAddressRolesLoader)
    return loader.load_for(root, lambda a: a.pk) or frozenset()


@address.field("isDefaultShippingAddress")
def resolve_is_default_shipping(root: Address, info: GraphQLResolveInfo) -> bool:
    return "shipping" in _default_roles(root, info)


@address.field("isDefaultBillingAddress")
def resolve_is_default_billing(root: Address, info: GraphQLResolveInfo) -> bool:
    return "billing" in _default_roles(root, info)


@user.field("avatar")
def resolve_avatar(root: User, info: GraphQLResolveInfo, **_: Any) -> None:
    """Users carry no picture, so there is nothing to show."""
    return None


bindables = [address, user, *auth_bindables]
bindables.extend(address_bindables)
bindables.extend(staff_bindables)
bindables.extend(storefront_bindables)
