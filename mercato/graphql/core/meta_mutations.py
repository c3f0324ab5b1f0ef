"""``updateMetadata`` and friends, for every type that carries metadata.

The permission depends on the type of the object the ID names, so these mutations
check it themselves from ``METADATA_TYPES``: the one table of which types they
accept and which permission each needs (the one that guards its private metadata).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from ariadne import InterfaceType, MutationType
from django.db.models import UUIDField
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.attribute.models import Attribute
from mercato.channel.models import Channel
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.core import metadata as services
from mercato.core.errors import ValidationFailed
from mercato.core.models import ModelWithMetadata
from mercato.core.permissions import Permission
from mercato.discount.models import Promotion, Voucher
from mercato.giftcard.models import GiftCard
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import decode_id, from_global_id
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of
from mercato.inventory.models import Warehouse
from mercato.menu.models import Menu, MenuItem
from mercato.order.models import Fulfillment, Order, OrderLine
from mercato.page.models import Page, PageType
from mercato.payment.models import TransactionItem
from mercato.product.models import (
    Category,
    Collection,
    Product,
    ProductMedia,
    ProductType,
    ProductVariant,
)
from mercato.shipping.models import ShippingMethod, ShippingZone
from mercato.site.models import SiteSettings
from mercato.tax.models import TaxClass, TaxConfiguration


class MetadataTarget(NamedTuple):
    model: type[ModelWithMetadata]
    permission: Permission
    # Public metadata anyone holding the object's ID may write (checkouts, whose
    # ID is the shopper's bearer secret); private metadata still needs ``permission``.
    public_open: bool = False
    # The UUID field the global ID holds when it is not the primary key (a
    # transaction's ID holds its token).
    id_field: str | None = None


METADATA_TYPES: dict[str, MetadataTarget] = {
    "Attribute": MetadataTarget(
        Attribute, Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES
    ),
    "Category": MetadataTarget(Category, Permission.MANAGE_PRODUCTS),
    "Checkout": MetadataTarget(Checkout, Permission.MANAGE_CHECKOUTS, public_open=True),
    "CheckoutLine": MetadataTarget(
        CheckoutLine, Permission.MANAGE_CHECKOUTS, public_open=True
    ),
    "Channel": MetadataTarget(Channel, Permission.MANAGE_CHANNELS),
    "Collection": MetadataTarget(Collection, Permission.MANAGE_PRODUCTS),
    "GiftCard": MetadataTarget(GiftCard, Permission.MANAGE_GIFT_CARD),
    "Menu": MetadataTarget(Menu, Permission.MANAGE_MENUS),
    "MenuItem": MetadataTarget(MenuItem, Permission.MANAGE_MENUS),
    "Order": MetadataTarget(Order, Permission.MANAGE_ORDERS),
    "OrderLine": MetadataTarget(OrderLine, Permission.MANAGE_ORDERS),
    "Fulfillment": MetadataTarget(Fulfillment, Permission.MANAGE_ORDERS),
    "Page": MetadataTarget(Page, Permission.MANAGE_PAGES),
    "PageType": MetadataTarget(PageType, Permission.MANAGE_PAGE_TYPES_AND_ATTRIBUTES),
    "Product": MetadataTarget(Product, Permission.MANAGE_PRODUCTS),
    "ProductMedia": MetadataTarget(ProductMedia, Permission.MANAGE_PRODUCTS),
    "Promotion": MetadataTarget(Promotion, Permission.MANAGE_DISCOUNTS),
    "ProductType": MetadataTarget(
        ProductType, Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES
    ),
    "ProductVariant": MetadataTarget(ProductVariant, Permission.MANAGE_PRODUCTS),
    "ShippingMethodType": MetadataTarget(ShippingMethod, Permission.MANAGE_SHIPPING),
    "ShippingZone": MetadataTarget(ShippingZone, Permission.MANAGE_SHIPPING),
    "Shop": MetadataTarget(SiteSettings, Permission.MANAGE_SETTINGS),
    "TaxClass": MetadataTarget(TaxClass, Permission.MANAGE_TAXES),
    "TaxConfiguration": MetadataTarget(TaxConfiguration, Permission.MANAGE_TAXES),
    "TransactionItem": MetadataTarget(
        TransactionItem, Permission.HANDLE_PAYMENTS, id_field="token"
    ),
    "Voucher": MetadataTarget(Voucher, Permission.MANAGE_DISCOUNTS),
    "Warehouse": MetadataTarget(Warehouse, Permission.MANAGE_PRODUCTS),
}

_TYPE_OF_MODEL = {target.model: name for name, target in METADATA_TYPES.items()}

mutations = MutationType()
object_with_metadata = InterfaceType("ObjectWithMetadata")


@object_with_metadata.type_resolver
def resolve_object_with_metadata_type(obj: Any, *_: Any) -> str:
    """The GraphQL type of a model instance: its model's name unless mapped."""
    return _TYPE_OF_MODEL.get(type(obj), type(obj).__name__)


def _target(
    info: GraphQLResolveInfo, global_id: str, private: bool
) -> tuple[MetadataTarget, Any]:
    """The model and pk ``global_id`` names, once the actor's permission is checked."""
    type_name, raw_pk = from_global_id(global_id)
    target = METADATA_TYPES.get(type_name)
    if target is None:
        raise GraphQLError(
            f"Invalid ID: {global_id}. Objects of that type carry no metadata."
        )
    open_to_all = target.public_open and not private
    if not open_to_all and not actor_of(info).has_any_permission(target.permission):
        raise PermissionDenied([target.permission.value])
    if target.id_field is not None or isinstance(target.model._meta.pk, UUIDField):
        try:
            key = uuid.UUID(raw_pk)
        except ValueError as exc:
            raise GraphQLError(f"Invalid ID: {global_id}.") from exc
        if target.id_field is None:
            return target, key
        rows = target.model._default_manager.filter(**{target.id_field: key})
        pk = rows.values_list("pk", flat=True).first()
        if pk is None:
            raise ValidationFailed.one("id", "NOT_FOUND", "The object does not exist.")
        return target, pk
    return target, decode_id(global_id, type_name)


def _items(entries: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(entry["key"], entry["value"]) for entry in entries]


def _updater(private: bool) -> Callable[..., dict[str, Any]]:
    @mutation("metadata_errors")
    def resolve(
        _: None, info: GraphQLResolveInfo, id: str, input: list[dict[str, str]]
    ) -> dict[str, Any]:
        target, pk = _target(info, id, private)
        item = services.update_metadata(
            actor=actor_of(info),
            model=target.model,
            pk=pk,
            items=_items(input),
            private=private,
        )
        return {"item": item}

    resolve.permissions_by_type = METADATA_TYPES  # type: ignore[attr-defined]
    return resolve


def _deleter(private: bool) -> Callable[..., dict[str, Any]]:
    @mutation("metadata_errors")
    def resolve(
        _: None, info: GraphQLResolveInfo, id: str, keys: list[str]
    ) -> dict[str, Any]:
        target, pk = _target(info, id, private)
        item = services.delete_metadata(
            actor=actor_of(info), model=target.model, pk=pk, keys=keys, private=private
        )
        return {"item": item}

    resolve.permissions_by_type = METADATA_TYPES  # type: ignore[attr-defined]
    return resolve


mutations.set_field("updateMetadata", _updater(private=False))
mutations.set_field("updatePrivateMetadata", _updater(private=True))
mutations.set_field("deleteMetadata", _deleter(private=False))
mutations.set_field("deletePrivateMetadata", _deleter(private=True))

bindables = [mutations, object_with_metadata]
