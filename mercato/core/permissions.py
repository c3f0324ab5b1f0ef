"""Permissions (the reference ``PermissionEnum``) and the actor a request acts as."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Permission(enum.StrEnum):
    MANAGE_USERS = "MANAGE_USERS"
    MANAGE_STAFF = "MANAGE_STAFF"
    IMPERSONATE_USER = "IMPERSONATE_USER"
    MANAGE_APPS = "MANAGE_APPS"
    MANAGE_OBSERVABILITY = "MANAGE_OBSERVABILITY"
    MANAGE_CHECKOUTS = "MANAGE_CHECKOUTS"
    HANDLE_CHECKOUTS = "HANDLE_CHECKOUTS"
    HANDLE_TAXES = "HANDLE_TAXES"
    MANAGE_TAXES = "MANAGE_TAXES"
    MANAGE_CHANNELS = "MANAGE_CHANNELS"
    MANAGE_CUSTOMER_TYPES_AND_ATTRIBUTES = "MANAGE_CUSTOMER_TYPES_AND_ATTRIBUTES"
    MANAGE_DISCOUNTS = "MANAGE_DISCOUNTS"
    MANAGE_GIFT_CARD = "MANAGE_GIFT_CARD"
    MANAGE_MENUS = "MANAGE_MENUS"
    MANAGE_ORDERS = "MANAGE_ORDERS"
    MANAGE_ORDERS_IMPORT = "MANAGE_ORDERS_IMPORT"
    MANAGE_PAGES = "MANAGE_PAGES"
    MANAGE_PAGE_TYPES_AND_ATTRIBUTES = "MANAGE_PAGE_TYPES_AND_ATTRIBUTES"
    HANDLE_PAYMENTS = "HANDLE_PAYMENTS"
    MANAGE_PLUGINS = "MANAGE_PLUGINS"
    MANAGE_PRODUCTS = "MANAGE_PRODUCTS"
    MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES = "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES"
    MANAGE_SHIPPING = "MANAGE_SHIPPING"
    MANAGE_SETTINGS = "MANAGE_SETTINGS"
    MANAGE_TRANSLATIONS = "MANAGE_TRANSLATIONS"


@dataclass(frozen=True)
class Actor:
    """Who performs a read or a write: anonymous, a customer, staff or an app."""

    user_id: int | None = None
    app_id: int | None = None
    is_staff: bool = False
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls()

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.app_id is None

    def has_permissions(self, *required: Permission) -> bool:
        return all(permission in self.permissions for permission in required)

    def has_any_permission(self, *candidates: Permission) -> bool:
        return any(permission in self.permissions for permission in candidates)

    @property
    def sees_hidden_catalog(self) -> bool:
        """Staff and apps with product rights see hidden products and channels."""
        return self.has_any_permission(Permission.MANAGE_PRODUCTS)
