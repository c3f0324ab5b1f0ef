from __future__ import annotations

from django.contrib.auth.hashers import make_password

from mercato.account.models import PermissionGroup, User
from mercato.core.permissions import Permission

PASSWORD = "correct horse battery"


def make_user(
    email: str = "shopper@example.com",
    *,
    password: str = PASSWORD,
    is_staff: bool = False,
    permissions: tuple[Permission, ...] = (),
    **fields: object,
) -> User:
    user = User.objects.create(
        email=email, password=make_password(password), is_staff=is_staff, **fields
    )
    if permissions:
        group = PermissionGroup.objects.create(
            name=f"group of {email}", permissions=[p.value for p in permissions]
        )
        group.users.add(user)
    return user
