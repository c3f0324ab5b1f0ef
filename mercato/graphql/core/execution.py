"""A synchronous execution context for graphql-core, trimmed for speed.

Every mercato resolver is synchronous, so the checks graphql-core makes for awaitable
results are dropped, argument values are computed once per field node and request
(a product list resolves the same node for every product), and value completion
tests the common cases first. Semantics (errors, null propagation) are unchanged.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from graphql.error import located_error
from graphql.execution.execute import ExecutionContext, get_field_def
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined


def _never_awaitable(value: Any) -> bool:
    return False


def _plain_leaf(return_type: GraphQLOutputType, source: Any, name: str) -> Any:
    """The serialized value of a scalar field read straight off ``source``.

    ``Undefined`` means "take the general path": the field is not a leaf, the value is
    missing from a non-null field, or serializing it failed (the general path reports
    those errors with their location).
    """
    nullable = not isinstance(return_type, GraphQLNonNull)
    leaf = return_type if nullable else return_type.of_type  # type: ignore[union-attr]
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return Undefined
    value = (
        source.get(name) if isinstance(source, dict) else getattr(source, name, None)
    )
    if value is None:
        return None if nullable else Undefined
    if callable(value):
        return Undefined
    try:
        serialized = leaf.serialize(value)
    except Exception:
        return Undefined
    return Undefined if serialized is None else serialized


class SyncExecutionContext(ExecutionContext):
    """Executes synchronous resolvers only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = _never_awaitable
        self._arguments: dict[int, dict[str, Any]] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        field_node = field_nodes[0]
        field_def = get_field_def(self.schema, parent_type, field_node)
        if not field_def:
            return Undefined
        return_type = field_def.type
        if field_def.resolve is None and not field_def.args:
            value = _plain_leaf(return_type, source, field_node.name.value)
            if value is not Undefined:
                return value
        resolve_fn = field_def.resolve or self.field_resolver
        info = self.build_resolve_info(field_def, field_nodes, parent_type, path)
        try:
            args = self._arguments.get(id(field_node))
            if args is None:
                args = get_argument_values(field_def, field_node, self.variable_values)
                self._arguments[id(field_node)] = args
            result = resolve_fn(source, info, **args)
            return self.complete_value(return_type, field_nodes, info, path, result)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, return_type)
            return None

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        if isinstance(result, Exception):
            raise result
        if isinstance(return_type, GraphQLNonNull):
            completed = self.complete_value(
                return_type.of_type, field_nodes, info, path, result
            )
            if completed is None:
                raise TypeError(
                    "Cannot return null for non-nullable field"
                    f" {info.parent_type.name}.{info.field_name}."
                )
            return completed
        if result is None or result is Undefined:
            return None
        if isinstance(return_type, GraphQLScalarType | GraphQLEnumType):
            serialized = return_type.serialize(result)
            if serialized is Undefined or serialized is None:
                raise TypeError(
                    f"Expected `{return_type}.serialize({result!r})`"
                    " to return non-nullable value, returned: None"
                )
            return serialized
        if isinstance(return_type, GraphQLObjectType):
            return self.complete_object_value(
                return_type, field_nodes, info, path, result
            )
        if isinstance(return_type, GraphQLList):
            if isinstance(result, str) or not hasattr(result, "__iter__"):
                raise GraphQLError(
                    "Expected Iterable, but did not find one for field"
                    f" '{info.parent_type.name}.{info.field_name}'."
                )
            item_type = return_type.of_type
            completed_items: list[Any] = []
            append = completed_items.append
            for index, item in enumerate(result):
                item_path = path.add_key(index, None)
                try:
                    append(
                        self.complete_value(
                            item_type, field_nodes, info, item_path, item
                        )
                    )
                except Exception as raw_error:
                    error = located_error(raw_error, field_nodes, item_path.as_list())
                    self.handle_field_error(error, item_type)
                    append(None)
            return completed_items
        return super().complete_value(return_type, field_nodes, info, path, result)
