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
    OperationDefinitionNode,
    SelectionSetNode,
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
