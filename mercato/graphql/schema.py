"""Builds the executable schema from each domain's SDL file and bindables."""

from __future__ import annotations

import importlib
import inspect
from functools import cache
from pathlib import Path
from typing import Any

from ariadne import make_executable_schema
from graphql import GraphQLObjectType, GraphQLSchema, print_schema

from mercato.graphql.core.execution import PLAIN_ATTR

DOMAINS = (
    "core",
    "account",
    "app",
    "channel",
    "attribute",
    "product",
    "inventory",
    "page",
    "menu",
    "shipping",
    "tax",
    "checkout",
    "discount",
    "giftcard",
    "payment",
    "order",
    "shop",
)

HERE = Path(__file__).parent


def _type_defs() -> list[str]:
    """Each domain's ``schema.graphql``, then its other ``*.graphql`` files."""
    type_defs = []
    for domain in DOMAINS:
        folder = HERE / domain
        type_defs.append((folder / "schema.graphql").read_text())
        type_defs.extend(
            path.read_text()
            for path in sorted(folder.glob("*.graphql"))
            if path.name != "schema.graphql"
        )
    return type_defs


def _bindables() -> list[Any]:
    bindables: list[Any] = []
    for domain in DOMAINS:
        module = importlib.import_module(f"mercato.graphql.{domain}.resolvers")
        bindables.extend(module.bindables)
    return bindables


@cache
def get_schema() -> GraphQLSchema:
    schema = make_executable_schema(
        _type_defs(), *_bindables(), convert_names_case=True
    )
    mark_plain_fields(schema)
    return schema


def _alias_of(resolver: Any) -> str | None:
    """The attribute an Ariadne name-conversion resolver reads, if it is one."""
    if not getattr(resolver, "_ariadne_alias_resolver", False):
        return None
    attr = inspect.getclosurevars(resolver).nonlocals.get("attr_name")
    return attr if isinstance(attr, str) and "." not in attr else None


def mark_plain_fields(schema: GraphQLSchema) -> None:
    """Record, on every field that just reads an attribute, which attribute it reads.

    ``SyncExecutionContext`` reads such fields directly instead of calling a resolver.
    """
    for named_type in schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType):
            continue
        for name, field in named_type.fields.items():
            attr = name if field.resolve is None else _alias_of(field.resolve)
            if attr is not None and not field.args:
                field.extensions = {**(field.extensions or {}), PLAIN_ATTR: attr}


def printed_schema() -> str:
    return print_schema(get_schema()) + "\n"
