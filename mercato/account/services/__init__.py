"""Writes of permission groups, staff members and customers.

Every service owns its transaction and validates everything before it writes; a
mistake is a ``ValidationFailed`` with Saleor's error codes (``AccountErrorCode`` for
staff and customers, ``PermissionGroupErrorCode`` for groups). Errors about listed
objects carry their primary keys in ``extra`` (``users``, ``groups``, ``channels``);
the API layer turns them into global IDs. IDs that name nothing raise
``ObjectsNotFound``.
"""

from mercato.account.services.common import ObjectsNotFound
from mercato.account.services.customers import (
    create_customer,
    delete_customer,
    update_customer,
)
from mercato.account.services.groups import (
    GroupChanges,
    create_permission_group,
    delete_permission_group,
    lock_permission_group,
    update_permission_group,
)
from mercato.account.services.staff import (
    create_staff_member,
    delete_staff_member,
    update_staff_member,
)
from mercato.account.services.superuser import create_superuser
from mercato.account.services.users import UserChanges

__all__ = [
    "GroupChanges",
    "ObjectsNotFound",
    "UserChanges",
    "create_customer",
    "create_permission_group",
    "create_staff_member",
    "create_superuser",
    "delete_customer",
    "delete_permission_group",
    "delete_staff_member",
    "lock_permission_group",
    "update_customer",
    "update_permission_group",
    "update_staff_member",
]
