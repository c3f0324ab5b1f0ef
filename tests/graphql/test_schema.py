"""The printed schema is committed, and is a subset of Saleor 3.23's schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)

from mercato.graphql.schema import get_schema, printed_schema

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_CANDIDATES = [
    ROOT.parent / "shared" / "reference" / "saleor-3.23-api.graphql",
    ROOT / "tests" / "graphql" / "reference.graphql",
]

# mercato's own additions to the API; each must be listed here.
EXTENSIONS: dict[str, set[str]] = {
    # Minutes that adding a line holds its stock for the checkout (0: never);
    # Saleor keeps one shop-wide duration, mercato one per channel.
    "StockSettings": {"reservationMinutes"},
    "StockSettingsInput": {"reservationMinutes"},
}


def _reference() -> GraphQLSchema:
    for candidate in REFERENCE_CANDIDATES:
        if candidate.exists():
            return build_schema(candidate.read_text())
    pytest.fail(
        "The reference schema is missing: " + ", ".join(map(str, REFERENCE_CANDIDATES))
    )


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == printed_schema(), (
        "schema.graphql is stale: run `mercato manage print_schema > schema.graphql`"
    )


def _is_builtin(name: str) -> bool:
    return name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}


def _compare_fields(
    name: str, ours: GraphQLNamedType, theirs: GraphQLNamedType, problems: list[str]
) -> None:
    assert isinstance(ours, GraphQLObjectType | GraphQLInterfaceType)
    assert isinstance(theirs, GraphQLObjectType | GraphQLInterfaceType)
    for field_name, field in ours.fields.items():
        if field_name in EXTENSIONS.get(name, set()):
            continue
        reference = theirs.fields.get(field_name)
        if reference is None:
            problems.append(f"{name}.{field_name} is not in the reference")
            continue
        if str(field.type) != str(reference.type):
            problems.append(f"{name}.{field_name}: {field.type} != {reference.type}")
        for arg_name, arg in field.args.items():
            ref_arg = reference.args.get(arg_name)
            if ref_arg is None:
                problems.append(
                    f"{name}.{field_name}({arg_name}) is not in the reference"
                )
            elif str(arg.type) != str(ref_arg.type):
                problems.append(
                    f"{name}.{field_name}({arg_name}): {arg.type} != {ref_arg.type}"
                )
        for ref_arg_name, ref_arg in reference.args.items():
            if (
                ref_arg_name not in field.args
                and str(ref_arg.type).endswith("!")
                and ref_arg.default_value is None
            ):
                problems.append(f"{name}.{field_name} lacks required ({ref_arg_name})")
    for interface in ours.interfaces:
        if interface.name not in {i.name for i in theirs.interfaces}:
            problems.append(
                f"{name} implements {interface.name}, the reference does not"
            )


def _compare(
    name: str, ours: GraphQLNamedType, theirs: GraphQLNamedType, problems: list[str]
) -> None:
    if type(ours) is not type(theirs):
        problems.append(
            f"{name} is a {type(ours).__name__}, reference has {type(theirs).__name__}"
        )
        return
    if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType):
        _compare_fields(name, ours, theirs, problems)
    elif isinstance(ours, GraphQLInputObjectType):
        assert isinstance(theirs, GraphQLInputObjectType)
        for field_name, field in ours.fields.items():
            reference = theirs.fields.get(field_name)
            if field_name in EXTENSIONS.get(name, set()):
                continue
            if reference is None:
                problems.append(f"{name}.{field_name} is not in the reference")
            elif str(field.type) != str(reference.type):
                problems.append(
                    f"{name}.{field_name}: {field.type} != {reference.type}"
                )
        for field_name, reference in theirs.fields.items():
            if field_name not in ours.fields and str(reference.type).endswith("!"):
                problems.append(f"{name} lacks the required input field {field_name}")
    elif isinstance(ours, GraphQLEnumType):
        assert isinstance(theirs, GraphQLEnumType)
        extra = set(ours.values) - set(theirs.values)
        if extra:
            problems.append(f"{name} has values not in the reference: {sorted(extra)}")


def test_schema_is_a_subset_of_the_reference() -> None:
    reference = _reference()
    problems: list[str] = []
    for name, ours in get_schema().type_map.items():
        if _is_builtin(name) or (name in EXTENSIONS and not EXTENSIONS[name]):
            continue
        theirs = reference.type_map.get(name)
        if theirs is None:
            problems.append(f"type {name} is not in the reference")
            continue
        _compare(name, ours, theirs, problems)
    assert problems == []


def test_subset_check_catches_an_incompatible_field() -> None:
    """The comparison itself fails on a wrong type, so the test above can fail."""
    reference = _reference()
    wrong = build_schema(
        "type Query { channels: [Channel!] } type Channel { slug: Int! }"
    )
    problems: list[str] = []
    _compare(
        "Channel", wrong.type_map["Channel"], reference.type_map["Channel"], problems
    )
    assert problems == ["Channel.slug: Int! != String!"]
