"""Resolvers of ``ObjectWithMetadata`` fields, bound to every type that has them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from mercato.core.permissions import Permission
from mercato.graphql.core.permissions import require_any


def _items(data: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in data.items()]


def _pick(data: dict[str, str], keys: list[str] | None) -> dict[str, str]:
    if keys is None:
        return dict(data)
    return {key: data[key] for key in keys if key in data}


def bind_metadata(
    object_type: ObjectType,
    private_permission: Permission,
    node_of: Callable[[Any], Any] = lambda root: root,
) -> None:
    """Public metadata for anyone; private metadata for ``private_permission``."""

    def public(root: Any) -> dict[str, str]:
        return node_of(root).metadata or {}

    def private(root: Any) -> dict[str, str]:
        return node_of(root).private_metadata or {}

    guard = require_any(private_permission)

    def metadata(root: Any, info: GraphQLResolveInfo) -> list[dict[str, str]]:
        return _items(public(root))

    def metafield(root: Any, info: GraphQLResolveInfo, key: str) -> str | None:
        return public(root).get(key)

    def metafields(
        root: Any, info: GraphQLResolveInfo, keys: list[str] | None = None
    ) -> dict[str, str]:
        return _pick(public(root), keys)

    @guard
    def private_metadata(root: Any, info: GraphQLResolveInfo) -> list[dict[str, str]]:
        return _items(private(root))

    @guard
    def private_metafield(root: Any, info: GraphQLResolveInfo, key: str) -> str | None:
        return private(root).get(key)

    @guard
    def private_metafields(
        root: Any, info: GraphQLResolveInfo, keys: list[str] | None = None
    ) -> dict[str, str]:
        return _pick(private(root), keys)

    object_type.set_field("metadata", metadata)
    object_type.set_field("metafield", metafield)
    object_type.set_field("metafields", metafields)
    object_type.set_field("privateMetadata", private_metadata)
    object_type.set_field("privateMetafield", private_metafield)
    object_type.set_field("privateMetafields", private_metafields)
