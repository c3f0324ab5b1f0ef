"""``checkoutComplete``: open to anyone holding the checkout's ID (a bearer
secret), as in Saleor."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.errors import ValidationFailed
from mercato.graphql.checkout.mutations import checkout_errors
from mercato.graphql.checkout.queries import checkout_token
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of
from mercato.order.checkout_complete import complete_checkout

mutations = MutationType()
payload_type = ObjectType("CheckoutComplete")

INVALID = "INVALID"


def _payment_data(raw: Any) -> dict[str, Any] | None:
    """Legacy gateways' data: a JSON object (JSONString arrives parsed)."""
    if raw is None or isinstance(raw, dict):
        return raw
    raise ValidationFailed.one(
        "paymentData", INVALID, "Payment data must be a JSON object."
    )


def _metadata(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {item["key"]: item["value"] for item in items or []}


@mutations.field("checkoutComplete")
@mutation("checkout_errors")
@checkout_errors
def resolve_checkout_complete(
    _: None, info: GraphQLResolveInfo, **kwargs: Any
) -> dict[str, Any]:
    token = checkout_token(
        kwargs.get("id"), kwargs.get("token"), kwargs.get("checkout_id")
    )
    order = complete_checkout(
        checkout_token=token,
        actor=actor_of(info),
        payment_data=_payment_data(kwargs.get("payment_data")),
        metadata=_metadata(kwargs.get("metadata")),
        redirect_url=kwargs.get("redirect_url"),
    )
    return {"order": order}


@payload_type.field("confirmationNeeded")
def resolve_confirmation_needed(root: Any, info: GraphQLResolveInfo) -> bool:
    # Payments are confirmed through transactions before completing.
    return False


bindables = [mutations, payload_type]
