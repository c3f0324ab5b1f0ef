"""Builds the executable schema from each domain's SDL file and bindables."""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

from ariadne import make_executable_schema
from graphql import GraphQLSchema, print_schema

DOMAINS = (
    "core",
    "account",
    "channel",
    "attribute",
    "product",
    "inventory",
    "page",
    "menu",
)

HERE = Path(__file__).parent


def _type_defs() -> list[str]:
    return [(HERE / domain / "schema.graphql").read_text() for domain in DOMAINS]


def _bindables() -> list[Any]:
    bindables: list[Any] = []
    for domain in DOMAINS:
        module = importlib.import_module(f"mercato.graphql.{domain}.resolvers")
        bindables.extend(module.bindables)
    return bindables


@cache
def get_schema() -> GraphQLSchema:
    return make_executable_schema(_type_defs(), *_bindables(), convert_names_case=True)


def printed_schema() -> str:
    return print_schema(get_schema()) + "\n"
