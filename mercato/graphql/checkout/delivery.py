"""Delivery on checkouts: shipping methods as offered, deliveries, collection points
and the problems a checkout or line can have."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ariadne import MutationType, ObjectType, UnionType
from graphql import GraphQLResolveInfo

from mercato.checkout.delivery import DeliveryOption
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.checkout.queries import (
    DeliveryMethodInvalid,
    LineInsufficientStock,
    LineVariantNotAvailable,
    get_checkout,
)
from mercato.core.errors import FieldError
from mercato.core.money import Money
from mercato.core.permissions import Permission
from mercato.graphql.checkout.loaders import (
    CheckoutDeliveryLoader,
    DeliveryOptionsLoader,
)
from mercato.graphql.checkout.queries import checkout_token
from mercato.graphql.core.dataloaders import channel_of, get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.mutations import error_payload, mutation
from mercato.graphql.product.loaders import VariantByIdLoader
from mercato.inventory.models import Warehouse
from mercato.product.models import ProductVariant

shipping_method_type = ObjectType("ShippingMethod")
delivery_type = ObjectType("Delivery")
insufficient_stock_type = ObjectType("CheckoutLineProblemInsufficientStock")
not_available_type = ObjectType("CheckoutLineProblemVariantNotAvailable")
invalid_delivery_type = ObjectType("CheckoutProblemDeliveryMethodInvalid")
delivery_method_union = UnionType("DeliveryMethod")
problem_union = UnionType("CheckoutProblem")
line_problem_union = UnionType("CheckoutLineProblem")
mutations = MutationType()

bind_metadata(shipping_method_type, Permission.MANAGE_SHIPPING, lambda o: o.method)


@dataclass(frozen=True)
class DeliveryView:
    """A ``Delivery`` of a checkout: a shipping option, or the collection point."""

    checkout: Checkout
    option: DeliveryOption | None
    warehouse_id: int | None = None


def delivery_view(checkout: Checkout, option: DeliveryOption | None) -> DeliveryView:
    return DeliveryView(checkout, option, checkout.collection_point_id)


@shipping_method_type.field("id")
def resolve_method_id(root: DeliveryOption, info: GraphQLResolveInfo) -> str:
    return to_global_id("ShippingMethod", root.method.pk)


@shipping_method_type.field("name")
def resolve_method_name(root: DeliveryOption, info: GraphQLResolveInfo) -> str:
    return root.method.name


@shipping_method_type.field("description")
def resolve_method_description(root: DeliveryOption, info: GraphQLResolveInfo) -> Any:
    return root.method.description


@shipping_method_type.field("type")
def resolve_method_type(root: DeliveryOption, info: GraphQLResolveInfo) -> str:
    return root.method.type.upper()


@shipping_method_type.field("minimumDeliveryDays")
def resolve_minimum_days(root: DeliveryOption, info: GraphQLResolveInfo) -> int | None:
    return root.method.minimum_delivery_days


@shipping_method_type.field("maximumDeliveryDays")
def resolve_maximum_days(root: DeliveryOption, info: GraphQLResolveInfo) -> int | None:
    return root.method.maximum_delivery_days


def _weight(value: float | None) -> dict[str, Any] | None:
    return None if value is None else {"unit": "KG", "value": value}


@shipping_method_type.field("minimumOrderWeight")
def resolve_minimum_weight(root: DeliveryOption, info: GraphQLResolveInfo) -> Any:
    return _weight(root.method.minimum_order_weight)


@shipping_method_type.field("maximumOrderWeight")
def resolve_maximum_weight(root: DeliveryOption, info: GraphQLResolveInfo) -> Any:
    return _weight(root.method.maximum_order_weight)


@shipping_method_type.field("price")
def resolve_method_price(root: DeliveryOption, info: GraphQLResolveInfo) -> Money:
    return root.price


@delivery_type.field("id")
def resolve_delivery_id(root: DeliveryView, info: GraphQLResolveInfo) -> str:
    if root.option is not None:
        key = f"{root.checkout.pk}:{root.option.method.pk}"
    else:
        key = f"{root.checkout.pk}:warehouse-{root.warehouse_id}"
    return to_global_id("Delivery", key)


@delivery_type.field("shippingMethod")
def resolve_delivery_method(
    root: DeliveryView, info: GraphQLResolveInfo
) -> DeliveryOption | None:
    return root.option


@delivery_method_union.type_resolver
def resolve_delivery_method_type(obj: Any, *_: Any) -> str:
    return "Warehouse" if isinstance(obj, Warehouse) else "ShippingMethod"


_PROBLEM_TYPES = {
    LineInsufficientStock: "CheckoutLineProblemInsufficientStock",
    LineVariantNotAvailable: "CheckoutLineProblemVariantNotAvailable",
    DeliveryMethodInvalid: "CheckoutProblemDeliveryMethodInvalid",
}


def _problem_type(obj: Any, *_: Any) -> str | None:
    return _PROBLEM_TYPES.get(type(obj))


problem_union.set_type_resolver(_problem_type)
line_problem_union.set_type_resolver(_problem_type)


@insufficient_stock_type.field("line")
@not_available_type.field("line")
def resolve_problem_line(root: Any, info: GraphQLResolveInfo) -> CheckoutLine:
    line: CheckoutLine = root.line
    return line


@insufficient_stock_type.field("availableQuantity")
def resolve_available_quantity(
    root: LineInsufficientStock, info: GraphQLResolveInfo
) -> int:
    return root.available_quantity


@insufficient_stock_type.field("variant")
def resolve_problem_variant(
    root: LineInsufficientStock, info: GraphQLResolveInfo
) -> ProductVariant | None:
    loader = get_loader(info.context, VariantByIdLoader, channel_of(root.line))
    return loader.load_for(root.line, lambda line: line.variant_id)


@invalid_delivery_type.field("delivery")
def resolve_invalid_delivery(
    root: DeliveryMethodInvalid, info: GraphQLResolveInfo
) -> DeliveryView:
    loader = get_loader(info.context, CheckoutDeliveryLoader)
    option = loader.load_for(root.checkout, lambda c: c)
    return delivery_view(root.checkout, option)


@mutations.field("deliveryOptionsCalculate")
@mutation()
def resolve_delivery_options_calculate(
    _: None, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    checkout = get_checkout(checkout_token(id))
    if checkout is None:
        missing = FieldError("id", "NOT_FOUND", "The checkout does not exist.")
        return {"deliveries": [], "errors": [error_payload(missing)]}
    options = get_loader(info.context, DeliveryOptionsLoader).load_for(
        checkout, lambda c: c
    )
    return {"deliveries": [DeliveryView(checkout, o) for o in options or []]}


bindables = [
    shipping_method_type,
    delivery_type,
    insufficient_stock_type,
    not_available_type,
    invalid_delivery_type,
    delivery_method_union,
    problem_union,
    line_problem_union,
    mutations,
]
