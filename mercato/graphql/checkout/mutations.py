"""Checkout mutations: decode the input, call one service, map the result.

The storefront mutations are open to anyone holding the checkout's ID, which is a
bearer secret, as in Saleor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mercato.account.addresses import AddressType
from mercato.account.models import User
from mercato.checkout import services
from mercato.checkout.services import (
    AddressChecks,
    DeliveryChoice,
    LineInput,
    NotCheckoutOwner,
    PromoCodeRef,
)
from mercato.core.errors import FieldError, ValidationFailed
from mercato.core.languages import to_stored_code
from mercato.graphql.account.storefront import signed_in
from mercato.graphql.checkout.queries import checkout_token
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import decode_id, from_global_id, to_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of

mutations = MutationType()
F = TypeVar("F", bound=Callable[..., Any])


def _global_ids(error: FieldError) -> FieldError:
    extra = dict(error.extra)
    for key, type_name in (("variants", "ProductVariant"), ("lines", "CheckoutLine")):
        if key in extra:
            extra[key] = [to_global_id(type_name, pk) for pk in extra[key]]
    return FieldError(error.field, error.code, error.message, extra)


def checkout_errors(resolver: F) -> F:
    """Payload errors as ``CheckoutError``: variant and line pks as global IDs;
    a checkout someone else owns is a permission error."""

    @functools.wraps(resolver)
    def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(root, info, **kwargs)
        except ValidationFailed as failed:
            raise ValidationFailed(_global_ids(e) for e in failed.errors) from None
        except NotCheckoutOwner:
            raise PermissionDenied() from None

    return wrapper  # type: ignore[return-value]


def _token(kwargs: dict[str, Any]) -> Any:
    return checkout_token(
        kwargs.get("id"), kwargs.get("token"), kwargs.get("checkout_id")
    )


def _line_inputs(lines: list[dict[str, Any]]) -> list[LineInput]:
    return [
        LineInput(
            variant_id=decode_id(line["variant_id"], "ProductVariant"),
            quantity=line["quantity"],
        )
        for line in lines
    ]


def _address_checks(rules: dict[str, Any] | None) -> AddressChecks | None:
    """``CheckoutAddressValidationRules`` as the services take it; an unset or
    null flag keeps its check."""
    if not rules:
        return None
    return AddressChecks(
        check_required=rules.get("check_required_fields") is not False,
        check_format=rules.get("check_fields_format") is not False,
        normalize=rules.get("enable_fields_normalization") is not False,
    )


def _optional_id(value: str | None, type_name: str) -> int | None:
    return decode_id(value, type_name) if value else None


def _update_inputs(lines: list[dict[str, Any]]) -> list[LineInput]:
    return [
        LineInput(
            variant_id=_optional_id(line.get("variant_id"), "ProductVariant"),
            line_id=_optional_id(line.get("line_id"), "CheckoutLine"),
            quantity=1 if line.get("quantity") is None else int(line["quantity"]),
        )
        for line in lines
    ]


@mutations.field("checkoutCreate")
@mutation("checkout_errors")
@checkout_errors
def resolve_checkout_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    language = input.get("language_code")
    rules = input.get("validation_rules") or {}
    checkout = services.create_checkout(
        actor=actor_of(info),
        channel_slug=input.get("channel"),
        lines=_line_inputs(input.get("lines") or []),
        email=input.get("email"),
        shipping_address=input.get("shipping_address"),
        billing_address=input.get("billing_address"),
        language_code=to_stored_code(language) if language else None,
        shipping_checks=_address_checks(rules.get("shipping_address")),
        billing_checks=_address_checks(rules.get("billing_address")),
    )
    return {"checkout": checkout, "created": True}


@mutations.field("checkoutLinesAdd")
@mutation("checkout_errors")
@checkout_errors
def resolve_lines_add(
    _: None, info: GraphQLResolveInfo, lines: list[dict[str, Any]], **kwargs: Any
) -> dict[str, Any]:
    checkout = services.add_checkout_lines(
        token=_token(kwargs), lines=_line_inputs(lines)
    )
    return {"checkout": checkout}


@mutations.field("checkoutLinesUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_lines_update(
    _: None, info: GraphQLResolveInfo, lines: list[dict[str, Any]], **kwargs: Any
) -> dict[str, Any]:
    checkout = services.update_checkout_lines(
        token=_token(kwargs), lines=_update_inputs(lines)
    )
    return {"checkout": checkout}


@mutations.field("checkoutLinesDelete")
@mutation()
@checkout_errors
def resolve_lines_delete(
    _: None, info: GraphQLResolveInfo, lines_ids: list[str], **kwargs: Any
) -> dict[str, Any]:
    checkout = services.delete_checkout_lines(
        token=_token(kwargs),
        line_ids=[decode_id(line_id, "CheckoutLine") for line_id in lines_ids],
    )
    return {"checkout": checkout}


@mutations.field("checkoutLineDelete")
@mutation("checkout_errors")
@checkout_errors
def resolve_line_delete(
    _: None, info: GraphQLResolveInfo, line_id: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    if line_id is None:
        raise ValidationFailed.one("lineId", "REQUIRED", "Give the line to remove.")
    checkout = services.delete_checkout_lines(
        token=_token(kwargs), line_ids=[decode_id(line_id, "CheckoutLine")]
    )
    return {"checkout": checkout}


@mutations.field("checkoutEmailUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_email_update(
    _: None, info: GraphQLResolveInfo, email: str, **kwargs: Any
) -> dict[str, Any]:
    checkout = services.update_checkout_email(token=_token(kwargs), email=email)
    return {"checkout": checkout}


@mutations.field("checkoutCustomerAttach")
@signed_in
@mutation("checkout_errors")
@checkout_errors
def resolve_customer_attach(
    _: None, info: GraphQLResolveInfo, user: User, **kwargs: Any
) -> dict[str, Any]:
    checkout = services.attach_checkout_customer(user=user, token=_token(kwargs))
    return {"checkout": checkout}


@mutations.field("checkoutCustomerDetach")
@mutation("checkout_errors")
@checkout_errors
def resolve_customer_detach(
    _: None, info: GraphQLResolveInfo, **kwargs: Any
) -> dict[str, Any]:
    checkout = services.detach_checkout_customer(
        actor=actor_of(info), token=_token(kwargs)
    )
    return {"checkout": checkout}


@mutations.field("checkoutShippingAddressUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_shipping_address_update(
    _: None,
    info: GraphQLResolveInfo,
    shipping_address: dict[str, Any],
    save_address: bool = True,
    validation_rules: dict[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    checkout = services.update_checkout_address(
        token=_token(kwargs),
        address_type=AddressType.SHIPPING,
        data=shipping_address,
        save_address=save_address,
        checks=_address_checks(validation_rules),
    )
    return {"checkout": checkout}


@mutations.field("checkoutBillingAddressUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_billing_address_update(
    _: None,
    info: GraphQLResolveInfo,
    billing_address: dict[str, Any],
    save_address: bool = True,
    validation_rules: dict[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    checkout = services.update_checkout_address(
        token=_token(kwargs),
        address_type=AddressType.BILLING,
        data=billing_address,
        save_address=save_address,
        checks=_address_checks(validation_rules),
    )
    return {"checkout": checkout}


@mutations.field("checkoutLanguageCodeUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_language_update(
    _: None, info: GraphQLResolveInfo, language_code: str, **kwargs: Any
) -> dict[str, Any]:
    checkout = services.update_checkout_language(
        token=_token(kwargs), language_code=to_stored_code(language_code)
    )
    return {"checkout": checkout}


def _delivery_choice(delivery_method_id: str | None) -> DeliveryChoice:
    if not delivery_method_id:
        return DeliveryChoice()
    type_name, _ = from_global_id(delivery_method_id)
    if type_name == "Warehouse":
        return DeliveryChoice(
            collection_point_id=decode_id(delivery_method_id, "Warehouse")
        )
    if type_name == "ShippingMethod":
        return DeliveryChoice(
            shipping_method_id=decode_id(delivery_method_id, "ShippingMethod")
        )
    raise ValidationFailed.one(
        "deliveryMethodId",
        "INVALID",
        "The ID names neither a Warehouse nor a ShippingMethod.",
    )


@mutations.field("checkoutDeliveryMethodUpdate")
@mutation()
@checkout_errors
def resolve_delivery_method_update(
    _: None,
    info: GraphQLResolveInfo,
    delivery_method_id: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    checkout = services.update_checkout_delivery_method(
        token=_token(kwargs), choice=_delivery_choice(delivery_method_id)
    )
    return {"checkout": checkout}


@mutations.field("checkoutShippingMethodUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_shipping_method_update(
    _: None,
    info: GraphQLResolveInfo,
    shipping_method_id: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    method_id = (
        decode_id(shipping_method_id, "ShippingMethod") if shipping_method_id else None
    )
    checkout = services.update_checkout_delivery_method(
        token=_token(kwargs),
        choice=DeliveryChoice(shipping_method_id=method_id, legacy=True),
    )
    return {"checkout": checkout}


@mutations.field("checkoutAddPromoCode")
@mutation("checkout_errors")
@checkout_errors
def resolve_add_promo_code(
    _: None, info: GraphQLResolveInfo, promo_code: str, **kwargs: Any
) -> dict[str, Any]:
    checkout = services.add_checkout_promo_code(
        token=_token(kwargs), promo_code=promo_code
    )
    return {"checkout": checkout}


def _promo_ref(promo_code: str | None, promo_code_id: str | None) -> PromoCodeRef:
    if not promo_code_id:
        return PromoCodeRef(code=promo_code)
    type_name, _ = from_global_id(promo_code_id)
    if type_name == "GiftCard":
        return PromoCodeRef(gift_card_id=decode_id(promo_code_id, "GiftCard"))
    if type_name == "Voucher":
        return PromoCodeRef(voucher_id=decode_id(promo_code_id, "Voucher"))
    raise ValidationFailed.one(
        "promoCodeId", "INVALID", "The ID names neither a GiftCard nor a Voucher."
    )


@mutations.field("checkoutRemovePromoCode")
@mutation("checkout_errors")
@checkout_errors
def resolve_remove_promo_code(
    _: None,
    info: GraphQLResolveInfo,
    promo_code: str | None = None,
    promo_code_id: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    checkout = services.remove_checkout_promo_code(
        token=_token(kwargs), ref=_promo_ref(promo_code, promo_code_id)
    )
    return {"checkout": checkout}


@mutations.field("checkoutCustomerNoteUpdate")
@mutation("checkout_errors")
@checkout_errors
def resolve_customer_note_update(
    _: None, info: GraphQLResolveInfo, customer_note: str, id: str
) -> dict[str, Any]:
    checkout = services.update_checkout_customer_note(
        token=_token({"id": id}), note=customer_note
    )
    return {"checkout": checkout}


bindables = [mutations]
