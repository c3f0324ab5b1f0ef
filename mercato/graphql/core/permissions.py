"""Declared permissions: a resolver states what it needs; this module enforces it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.errors import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])


def actor_of(info: GraphQLResolveInfo) -> Actor:
    actor: Actor = info.context.actor
    return actor


def require_any(*permissions: Permission) -> Callable[[F], F]:
    """The resolver runs only for an actor holding one of ``permissions``."""

    def decorator(resolver: F) -> F:
        @functools.wraps(resolver)
        def wrapper(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
            if not actor_of(info).has_any_permission(*permissions):
                raise PermissionDenied([p.value for p in permissions])
            return resolver(root, info, **kwargs)

        wrapper.required_permissions = permissions  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
