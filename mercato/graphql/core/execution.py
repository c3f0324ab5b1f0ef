"""A synchronous execution context for graphql-core, trimmed for speed.

Every mercato resolver is synchronous, so the checks graphql-core makes for awaitable
results are dropped and argument values are computed once per field node and request
(a product list resolves the same node for every product).

Fields that only read an attribute (marked ``PLAIN_ATTR`` by the schema builder) are
read directly: leaves are serialized on the spot, and an object whose selected fields
are all plain (``pricing { priceRange { start { gross { amount currency } } } }``) is
completed in one tight recursion instead of a resolver call per field. Anything
unusual on that path (a null in a non-null field, a serialization error, a callable)
falls back to graphql-core's general path, which reports errors exactly as before.
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

PLAIN_ATTR = "mercato_plain_attr"

# A plan completes one object: (response key, attribute, leaf type or None, non-null,
# plan of the nested object or None).
Plan = list[tuple[str, str, Any, bool, Any]]


class _Fallback(Exception):
    """The direct path met something only the general path handles."""


def _never_awaitable(value: Any) -> bool:
    return False


def _read(source: Any, attr: str) -> Any:
    value = (
        source.get(attr) if isinstance(source, dict) else getattr(source, attr, None)
    )
    if callable(value):
        raise _Fallback
    return value


def _run_plan(plan: Plan, source: Any) -> dict[str, Any]:
    completed: dict[str, Any] = {}
    for key, attr, leaf, non_null, nested in plan:
        value = _read(source, attr)
        if value is None:
            if non_null:
                raise _Fallback
            completed[key] = None
        elif leaf is not None:
            try:
                serialized = leaf.serialize(value)
            except Exception as exc:
                raise _Fallback from exc
            if serialized is None:
                raise _Fallback
            completed[key] = serialized
        else:
            completed[key] = _run_plan(nested, value)
    return completed


class SyncExecutionContext(ExecutionContext):
    """Executes synchronous resolvers only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = _never_awaitable
        self._arguments: dict[int, dict[str, Any]] = {}
        self._plans: dict[tuple[str, tuple[int, ...]], Plan | None] = {}

    def _plan(
        self, object_type: GraphQLObjectType, field_nodes: list[FieldNode]
    ) -> Plan | None:
        """How to complete ``object_type`` directly, or None when it cannot be."""
        key = (object_type.name, tuple(id(node) for node in field_nodes))
        if key in self._plans:
            return self._plans[key]
        self._plans[key] = None  # cuts recursion through cyclic selections
        plan: Plan = []
        for response_key, nodes in self.collect_subfields(
            object_type, field_nodes
        ).items():
            field_def = object_type.fields.get(nodes[0].name.value)
            attr = (field_def.extensions or {}).get(PLAIN_ATTR) if field_def else None
            if field_def is None or attr is None:
                return None
            field_type = field_def.type
            non_null = isinstance(field_type, GraphQLNonNull)
            inner = field_type.of_type if non_null else field_type
            if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
                plan.append((response_key, attr, inner, non_null, None))
            elif isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
                nested = self._plan(inner, nodes)
                if nested is None:
                    return None
                plan.append((response_key, attr, None, non_null, nested))
            else:
                return None
        self._plans[key] = plan
        return plan

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        plan = self._plan(return_type, field_nodes)
        if plan is not None:
            try:
                return _run_plan(plan, result)
            except _Fallback:
                pass
        return super().complete_object_value(
            return_type, field_nodes, info, path, result
        )

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
        attr = (field_def.extensions or {}).get(PLAIN_ATTR)
        if attr is not None:
            value = _plain_leaf(return_type, source, attr)
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
            return self._complete_list(return_type, field_nodes, info, path, result)
        return super().complete_value(return_type, field_nodes, info, path, result)

    def _complete_list(
        self,
        return_type: GraphQLList[Any],
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> list[Any]:
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
                    self.complete_value(item_type, field_nodes, info, item_path, item)
                )
            except Exception as raw_error:
                error = located_error(raw_error, field_nodes, item_path.as_list())
                self.handle_field_error(error, item_type)
                append(None)
        return completed_items


def _plain_leaf(return_type: GraphQLOutputType, source: Any, attr: str) -> Any:
    """The serialized value of a plain scalar field, or ``Undefined`` to take the
    general path (not a leaf, a null in a non-null field, an error, a callable)."""
    nullable = not isinstance(return_type, GraphQLNonNull)
    leaf = return_type if nullable else return_type.of_type  # type: ignore[union-attr]
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return Undefined
    try:
        value = _read(source, attr)
    except _Fallback:
        return Undefined
    if value is None:
        return None if nullable else Undefined
    try:
        serialized = leaf.serialize(value)
    except Exception:
        return Undefined
    return Undefined if serialized is None else serialized
