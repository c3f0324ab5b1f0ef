"""The storefront's account mutations: registration, passwords, email, profile,
address book and deletion. Each decodes its input and calls one service of
``mercato.account.storefront``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.account import storefront
from mercato.account.addresses import AddressType
from mercato.account.models import User
from mercato.core.languages import to_stored_code
from mercato.core.permissions import Permission
from mercato.graphql.account.auth import REFRESH_COOKIE, _client_ip, _current_user
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import decode_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of

F = TypeVar("F", bound=Callable[..., Any])

mutations = ObjectType("Mutation")


def signed_in(resolver: F) -> F:
    """The resolver runs only for a signed-in user, passed to it as ``user``;
    anyone else gets ``PermissionDenied``."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        user = _current_user(info)
        if user is None:
            raise PermissionDenied()
        return resolver(root, info, user=user, **kwargs)

    return wrapper  # type: ignore[return-value]


def signed_in_or_for_customer(resolver: F) -> F:
    """Like ``signed_in``, but a ``customerId`` argument makes the resolver act on
    that customer instead: the caller, staff or an app, must then hold MANAGE_USERS.

    Goes inside ``mutation`` so an unknown customer is a payload error.
    """

    @functools.wraps(resolver)
    def wrapper(
        root: Any,
        info: GraphQLResolveInfo,
        customer_id: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if customer_id is None:
            return signed_in(resolver)(root, info, **kwargs)
        actor = actor_of(info)
        if not actor.has_permissions(Permission.MANAGE_USERS):
            raise PermissionDenied([Permission.MANAGE_USERS.value])
        customer = storefront.get_customer_for_actor(
            actor=actor, customer_id=decode_id(customer_id, "User")
        )
        return resolver(root, info, user=customer, **kwargs)

    return wrapper  # type: ignore[return-value]


def _metadata(items: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    return [(item["key"], item["value"]) for item in items or []]


def _language(value: str | None) -> str | None:
    return to_stored_code(value) if value else None


# ---------------------------------------------------------------- anonymous


@mutations.field("accountRegister")
@mutation("account_errors")
def resolve_account_register(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    user = storefront.register_account(
        data=storefront.Registration(
            email=input["email"],
            password=input["password"],
            first_name=input.get("first_name"),
            last_name=input.get("last_name"),
            language_code=_language(input.get("language_code")),
            redirect_url=input.get("redirect_url"),
            channel=input.get("channel"),
            metadata=_metadata(input.get("metadata")),
        )
    )
    return {"user": user, "requires_confirmation": not user.is_confirmed}


@mutations.field("confirmAccount")
@mutation("account_errors")
def resolve_confirm_account(
    _: None,
    info: GraphQLResolveInfo,
    email: str,
    token: str,
    password: str | None = None,
) -> dict[str, Any]:
    user = storefront.confirm_account(email=email, token=token, password=password)
    return {"user": user}


@mutations.field("requestPasswordReset")
@mutation("account_errors")
def resolve_request_password_reset(
    _: None,
    info: GraphQLResolveInfo,
    email: str,
    redirect_url: str,
    channel: str | None = None,
) -> dict[str, Any]:
    storefront.request_password_reset(
        email=email, redirect_url=redirect_url, channel=channel
    )
    return {}


@mutations.field("setPassword")
@mutation("account_errors")
def resolve_set_password(
    _: None, info: GraphQLResolveInfo, email: str, password: str, token: str
) -> dict[str, Any]:
    user, issued = storefront.reset_password(
        email=email, token=token, password=password, ip=_client_ip(info)
    )
    if issued is None:
        return {"user": user}
    info.context.cookies[REFRESH_COOKIE] = issued.refresh
    return {
        "token": issued.access,
        "refresh_token": issued.refresh,
        "csrf_token": issued.csrf,
        "user": issued.user,
    }


# ---------------------------------------------------------------- signed in


@mutations.field("passwordChange")
@signed_in
@mutation("account_errors")
def resolve_password_change(
    _: None,
    info: GraphQLResolveInfo,
    user: User,
    new_password: str,
    old_password: str | None = None,
) -> dict[str, Any]:
    changed = storefront.change_password(
        user=user, old_password=old_password, new_password=new_password
    )
    return {"user": changed}


@mutations.field("accountUpdate")
@mutation("account_errors")
@signed_in_or_for_customer
def resolve_account_update(
    _: None, info: GraphQLResolveInfo, user: User, input: dict[str, Any]
) -> dict[str, Any]:
    changes = storefront.ProfileChanges(
        first_name=input.get("first_name"),
        last_name=input.get("last_name"),
        language_code=_language(input.get("language_code")),
        default_billing_address=input.get("default_billing_address"),
        default_shipping_address=input.get("default_shipping_address"),
        metadata=_metadata(input.get("metadata")),
    )
    return {"user": storefront.update_profile(user=user, changes=changes)}


@mutations.field("accountAddressCreate")
@mutation("account_errors")
@signed_in_or_for_customer
def resolve_account_address_create(
    _: None,
    info: GraphQLResolveInfo,
    user: User,
    input: dict[str, Any],
    type: str | None = None,
) -> dict[str, Any]:
    owner, address = storefront.create_address(
        user=user, data=input, address_type=AddressType(type) if type else None
    )
    return {"user": owner, "address": address}


@mutations.field("accountAddressUpdate")
@signed_in
@mutation("account_errors")
def resolve_account_address_update(
    _: None, info: GraphQLResolveInfo, user: User, id: str, input: dict[str, Any]
) -> dict[str, Any]:
    owner, address = storefront.update_address(
        user=user, address_id=decode_id(id, "Address"), data=input
    )
    return {"user": owner, "address": address}


@mutations.field("accountAddressDelete")
@signed_in
@mutation("account_errors")
def resolve_account_address_delete(
    _: None, info: GraphQLResolveInfo, user: User, id: str
) -> dict[str, Any]:
    owner, address = storefront.delete_address(
        user=user, address_id=decode_id(id, "Address")
    )
    return {"user": owner, "address": address}


@mutations.field("accountSetDefaultAddress")
@signed_in
@mutation("account_errors")
def resolve_account_set_default_address(
    _: None, info: GraphQLResolveInfo, user: User, id: str, type: str
) -> dict[str, Any]:
    owner = storefront.set_default_address(
        user=user, address_id=decode_id(id, "Address"), address_type=AddressType(type)
    )
    return {"user": owner}


@mutations.field("accountRequestDeletion")
@signed_in
@mutation("account_errors")
def resolve_account_request_deletion(
    _: None,
    info: GraphQLResolveInfo,
    user: User,
    redirect_url: str,
    channel: str | None = None,
) -> dict[str, Any]:
    storefront.request_account_deletion(
        user=user, redirect_url=redirect_url, channel=channel
    )
    return {}


@mutations.field("accountDelete")
@signed_in
@mutation("account_errors")
def resolve_account_delete(
    _: None, info: GraphQLResolveInfo, user: User, token: str
) -> dict[str, Any]:
    return {"user": storefront.delete_account(user=user, token=token)}


@mutations.field("requestEmailChange")
@signed_in
@mutation("account_errors")
def resolve_request_email_change(
    _: None,
    info: GraphQLResolveInfo,
    user: User,
    new_email: str,
    password: str,
    redirect_url: str,
    channel: str | None = None,
) -> dict[str, Any]:
    requested = storefront.request_email_change(
        user=user,
        new_email=new_email,
        password=password,
        redirect_url=redirect_url,
        channel=channel,
    )
    return {"user": requested}


@mutations.field("confirmEmailChange")
@signed_in
@mutation("account_errors")
def resolve_confirm_email_change(
    _: None,
    info: GraphQLResolveInfo,
    user: User,
    token: str,
    channel: str | None = None,
) -> dict[str, Any]:
    changed = storefront.confirm_email_change(user=user, token=token, channel=channel)
    return {"user": changed}


bindables: list[Any] = [mutations]
