"""Attribute and attribute value mutations."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLError, GraphQLResolveInfo

from mercato.attribute import services
from mercato.attribute.models import Attribute, AttributeValue
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import decode_id, decode_ids
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.product.mutation_inputs import with_defaults

mutations = ObjectType("Mutation")
MANAGE_TYPES = Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES
_VALUE_FIELDS = ("name", "value", "file_url", "content_type", "external_reference")


def _pk(
    type_name: str,
    *,
    id: str | None,
    external_reference: str | None,
) -> int:
    """The attribute or value named by exactly one of an ID or external reference."""
    if bool(id) == bool(external_reference):
        raise GraphQLError("Give exactly one of: id, externalReference.")
    if id:
        return decode_id(id, type_name)
    assert external_reference is not None
    find = (
        services.find_attribute_id
        if type_name == "Attribute"
        else services.find_value_id
    )
    pk = find(external_reference=external_reference)
    if pk is None:
        raise GraphQLError(f"Couldn't resolve to a node: {external_reference}")
    return pk


def _value_data(data: dict[str, Any]) -> services.ValueData:
    return services.ValueData(**{k: data[k] for k in _VALUE_FIELDS if k in data})


def _attribute_data(data: dict[str, Any]) -> services.AttributeData:
    simple = ("name", "slug", "type", "input_type", "entity_type", "unit")
    return services.AttributeData(
        **{key: data[key] for key in (*simple, "external_reference") if key in data},
        flags={key: data[key] for key in services.FLAGS if key in data},
        add_values=[
            _value_data(value)
            for value in (data.get("values") or data.get("add_values") or [])
        ],
        remove_value_ids=decode_ids(data.get("remove_values") or [], "AttributeValue"),
    )


@mutations.field("attributeCreate")
@require_any(MANAGE_TYPES)
@mutation("attribute_errors")
def resolve_attribute_create(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    attribute = services.create_attribute(
        actor=actor_of(info), data=_attribute_data(input)
    )
    return {"attribute": attribute}


@mutations.field("attributeUpdate")
@require_any(MANAGE_TYPES)
@mutation("attribute_errors")
def resolve_attribute_update(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    attribute = services.update_attribute(
        actor=actor_of(info),
        attribute_id=_pk("Attribute", id=id, external_reference=external_reference),
        data=_attribute_data(input),
    )
    return {"attribute": attribute}


@mutations.field("attributeDelete")
@require_any(MANAGE_TYPES)
@mutation("attribute_errors")
def resolve_attribute_delete(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    attribute = services.delete_attribute(
        actor=actor_of(info),
        attribute_id=_pk("Attribute", id=id, external_reference=external_reference),
    )
    return {"attribute": attribute}


@mutations.field("attributeBulkDelete")
@require_any(MANAGE_TYPES)
@with_defaults(count=0)
@mutation("attribute_errors")
def resolve_attribute_bulk_delete(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> dict[str, Any]:
    count = services.delete_attributes(
        actor=actor_of(info), attribute_ids=decode_ids(ids, "Attribute")
    )
    return {"count": count}


def _value_payload(value: AttributeValue) -> dict[str, Any]:
    return {
        "attribute_value": value,
        "attribute": Attribute.objects.filter(pk=value.attribute_id).first(),
    }


@mutations.field("attributeValueCreate")
@require_any(MANAGE_TYPES)
@mutation("attribute_errors")
def resolve_attribute_value_create(
    _: None, info: GraphQLResolveInfo, attribute: str, input: dict[str, Any]
) -> dict[str, Any]:
    value = services.create_attribute_value(
        actor=actor_of(info),
        attribute_id=decode_id(attribute, "Attribute"),
        data=_value_data(input),
    )
    return _value_payload(value)


@mutations.field("attributeValueUpdate")
@require_any(MANAGE_TYPES)
@mutation("attribute_errors")
def resolve_attribute_value_update(
    _: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    value = services.update_attribute_value(
        actor=actor_of(info),
        value_id=_pk("AttributeValue", id=id, external_reference=external_reference),
        data=_value_data(input),
    )
    return _value_payload(value)


@mutations.field("attributeValueDelete")
@require_any(MANAGE_TYPES)
@mutation("attribute_errors")
def resolve_attribute_value_delete(
    _: None,
    info: GraphQLResolveInfo,
    id: str | None = None,
    external_reference: str | None = None,
) -> dict[str, Any]:
    value = services.delete_attribute_value(
        actor=actor_of(info),
        value_id=_pk("AttributeValue", id=id, external_reference=external_reference),
    )
    return _value_payload(value)


bindables = [mutations]
