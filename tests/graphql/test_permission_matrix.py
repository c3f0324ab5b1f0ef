"""Who may run every mutation and read every guarded field.

``MUTATIONS`` and ``FIELDS`` are maintained by hand: a new mutation or guarded field
without an entry fails ``test_every_mutation_has_an_entry``, and each entry is checked
against what the resolver declares and against what happens when anonymous callers,
customers, staff and apps, with and without the permission, call it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from graphql import (
    ExecutionResult,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    execute,
    parse,
)
from graphql.pyutils import Undefined

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.execution import SyncExecutionContext
from mercato.graphql.schema import get_schema

P = Permission
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # any signed-in user or app
PER_OBJECT = "per-object"  # decided per object in the service (e.g. metadata)

MUTATIONS: dict[str, Any] = {}
FIELDS: dict[str, Any] = {}

from tests.graphql.permission_entries import FIELD_ENTRIES, MUTATION_ENTRIES  # noqa: E402

MUTATIONS.update(MUTATION_ENTRIES)
FIELDS.update(FIELD_ENTRIES)


def _declared(resolver: Any) -> frozenset[Permission] | None:
    permissions = getattr(resolver, "required_permissions", None)
    return frozenset(permissions) if permissions is not None else None


def test_every_mutation_has_an_entry() -> None:
    mutation_type = get_schema().mutation_type
    assert mutation_type is not None
    names = set(mutation_type.fields)
    assert sorted(names - set(MUTATIONS)) == [], "mutations without an entry"
    assert sorted(set(MUTATIONS) - names) == [], "entries for unknown mutations"
    for name, field in mutation_type.fields.items():
        expected = MUTATIONS[name]
        declared = _declared(field.resolve)
        if isinstance(expected, frozenset):
            assert declared == expected, name
        else:
            assert declared is None, (
                f"{name} declares {declared}, entry says {expected}"
            )


def _guarded_fields() -> dict[str, frozenset[Permission]]:
    guarded = {}
    for type_name, named in get_schema().type_map.items():
        if not isinstance(named, GraphQLObjectType) or type_name in {"Mutation"}:
            continue
        for field_name, field in named.fields.items():
            declared = _declared(field.resolve)
            if declared is not None:
                guarded[f"{type_name}.{field_name}"] = declared
    return guarded


def test_every_guarded_field_has_an_entry() -> None:
    guarded = _guarded_fields()
    assert sorted(set(guarded) - set(FIELDS)) == [], "guarded fields without an entry"
    assert sorted(set(FIELDS) - set(guarded)) == [], "entries for unguarded fields"
    for name, declared in guarded.items():
        assert FIELDS[name] == declared, name


# ---------------------------------------------------------------- behaviour

SCALAR_VALUES: dict[str, Any] = {
    "ID": "UHJvZHVjdDo5OTk5OTk5",  # Product:9999999
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "JSONString": "{}",
    "DateTime": "2024-01-01T00:00:00+00:00",
    "Date": "2024-01-01",
    "Decimal": "1",
    "PositiveDecimal": "1",
    "PositiveInt": 1,
    "UUID": str(uuid.UUID(int=0)),
    "Metadata": {},
    "GenericScalar": {},
    "WeightScalar": 1,
}


def _value(type_: Any) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: _value(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
            and field.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    if type_.name == "Upload":
        return SimpleUploadedFile(
            "a.png", b"not really a png", content_type="image/png"
        )
    return SCALAR_VALUES[type_.name]


def _run(name: str, actor: Actor) -> ExecutionResult:
    field = get_schema().mutation_type.fields[name]  # type: ignore[union-attr]
    required = {
        arg: spec
        for arg, spec in field.args.items()
        if isinstance(spec.type, GraphQLNonNull)
    }
    declarations = ", ".join(f"${arg}: {spec.type}" for arg, spec in required.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in required)
    document = parse(
        f"mutation{f'({declarations})' if declarations else ''} "
        f"{{ {name}{f'({arguments})' if arguments else ''} {{ __typename }} }}"
    )
    variables = {arg: _value(spec.type) for arg, spec in required.items()}
    result = execute(
        get_schema(),
        document,
        variable_values=variables,
        context_value=RequestContext(request=None, actor=actor),
        execution_context_class=SyncExecutionContext,
    )
    assert isinstance(result, ExecutionResult)
    return result


def _denied(result: ExecutionResult) -> bool:
    return any(
        getattr(error.original_error, "code", None) == "PermissionDenied"
        or error.message.startswith("You need one of")
        or error.message == "You do not have permission to perform this action."
        for error in result.errors or []
    )


def _actors(permissions: frozenset[Permission]) -> dict[str, tuple[Actor, bool]]:
    """Each kind of caller and whether it may run a mutation needing ``permissions``
    (any one of them)."""
    some = frozenset(list(permissions)[:1])
    return {
        "anonymous": (Actor.anonymous(), False),
        "customer": (Actor(user_id=1), False),
        "staff without": (Actor(user_id=1, is_staff=True), False),
        "staff with": (Actor(user_id=1, is_staff=True, permissions=some), True),
        "app without": (Actor(app_id=1), False),
        "app with": (Actor(app_id=1, permissions=some), True),
    }


GUARDED = sorted(
    name for name, entry in MUTATIONS.items() if isinstance(entry, frozenset)
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", GUARDED)
def test_guarded_mutation_admits_exactly_the_holders(name: str) -> None:
    for kind, (actor, allowed) in _actors(MUTATIONS[name]).items():
        result = _run(name, actor)
        assert _denied(result) is not allowed, (name, kind, result.errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(n for n, entry in MUTATIONS.items() if entry == PUBLIC)
)
def test_public_mutation_admits_anonymous_callers(name: str) -> None:
    assert not _denied(_run(name, Actor.anonymous()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(n for n, entry in MUTATIONS.items() if entry == SIGNED_IN)
)
def test_signed_in_mutation_refuses_anonymous_callers(name: str) -> None:
    assert _denied(_run(name, Actor.anonymous()))


class _Info:
    def __init__(self, actor: Actor) -> None:
        self.context = RequestContext(request=None, actor=actor)


def _field_denied(resolver: Any, actor: Actor) -> bool:
    """Whether the field's declared guard stops ``actor`` (before the field runs)."""
    try:
        resolver(None, _Info(actor))
    except PermissionDenied:
        return True
    except Exception:  # the field itself ran (and failed on the dummy parent)
        return False
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FIELDS))
def test_guarded_field_admits_exactly_the_holders(name: str) -> None:
    type_name, field_name = name.split(".")
    named = get_schema().type_map[type_name]
    assert isinstance(named, GraphQLObjectType)
    resolver = named.fields[field_name].resolve
    for kind, (actor, allowed) in _actors(FIELDS[name]).items():
        assert _field_denied(resolver, actor) is not allowed, (name, kind)
