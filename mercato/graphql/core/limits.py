"""Limits that reject expensive documents before they execute.

Depth and alias count depend on the document alone and are checked once per cached
document; cost depends on the variables (page sizes) and is checked per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)

Fragments = dict[str, FragmentDefinitionNode]


def _fragments(document: DocumentNode) -> Fragments:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: Fragments,
    seen: frozenset[str] = frozenset(),
) -> Iterable[FieldNode]:
    """Fields of a selection set, with fragments inlined (cycles cut)."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                yield from _fields(fragment.selection_set, fragments, seen | {name})


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: Fragments,
    limit: int,
    level: int = 0,
) -> int:
    if selection_set is None:
        return level
    if level > limit:
        return level
    deepest = level
    for field in _fields(selection_set, fragments):
        if field.name.value.startswith("__"):
            continue
        deepest = max(deepest, _depth(field.selection_set, fragments, limit, level + 1))
    return deepest


def check_document_limits(
    document: DocumentNode, *, max_depth: int, max_aliases: int
) -> list[GraphQLError]:
    fragments = _fragments(document)
    errors: list[GraphQLError] = []
    aliases = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            depth = _depth(definition.selection_set, fragments, max_depth)
            if depth > max_depth:
                name = definition.name.value if definition.name else "anonymous"
                errors.append(
                    GraphQLError(
                        f"'{name}' exceeds maximum operation depth of {max_depth}."
                    )
                )
    aliases = _count_aliases(document)
    if aliases > max_aliases:
        errors.append(
            GraphQLError(
                f"The query uses {aliases} aliases, more than the allowed "
                f"{max_aliases}."
            )
        )
    return errors


def _count_aliases(document: DocumentNode) -> int:
    count = 0
    stack: list[Any] = [
        d.selection_set for d in document.definitions if hasattr(d, "selection_set")
    ]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode) and selection.alias is not None:
                count += 1
            stack.append(getattr(selection, "selection_set", None))
    return count


def _page_size(field: FieldNode, variables: dict[str, Any]) -> int:
    for argument in field.arguments:
        if argument.name.value not in {"first", "last"}:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(int(value.value), 1)
        if isinstance(value, VariableNode):
            raw = variables.get(value.name.value)
            if isinstance(raw, int) and raw > 0:
                return raw
    return 1


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: Fragments,
    variables: dict[str, Any],
    limit: int,
) -> int:
    total = 0
    for field in _fields(selection_set, fragments):
        if field.name.value.startswith("__"):
            continue
        multiplier = _page_size(field, variables)
        total += multiplier * (
            1 + _cost(field.selection_set, fragments, variables, limit)
        )
        if total > limit:
            return total
    return total


def query_cost(
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
    limit: int,
) -> int:
    """The cost of the operation to run: each field 1, times the page sizes above it."""
    fragments = _fragments(document)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value if definition.name else None
        if operation_name is None or name == operation_name:
            return _cost(definition.selection_set, fragments, variables, limit)
    return 0


NUL_MESSAGE = "Strings may not contain the NUL character (\\u0000)."


def has_nul_literal(document: DocumentNode) -> bool:
    """Whether a string literal of the document holds a NUL character, which
    PostgreSQL cannot store or compare."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, StringValueNode):
            if "\x00" in node.value:
                return True
            continue
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))
    return False


def has_nul_value(value: Any) -> bool:
    """Whether a variable value (JSON) holds a string with a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul_value(k) or has_nul_value(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul_value(item) for item in value)
    return False
