"""Global object IDs: base64 of ``"TypeName:pk"``, as Saleor and Relay use them."""

from __future__ import annotations

import base64
import binascii

from graphql import GraphQLError


def to_global_id(type_name: str, pk: object) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    """Split a global ID into (type name, pk); raise a GraphQLError on garbage."""
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
        type_name, _, pk = decoded.partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise GraphQLError(f"Invalid ID: {global_id}. Expected: Node.") from exc
    if not type_name or not pk:
        raise GraphQLError(f"Invalid ID: {global_id}. Expected: Node.")
    return type_name, pk


def decode_id(global_id: str, expected_type: str) -> int:
    """Return the integer pk of ``global_id``, which must name ``expected_type``."""
    type_name, pk = from_global_id(global_id)
    if type_name != expected_type:
        raise GraphQLError(
            f"Invalid ID: {global_id}. Expected: {expected_type}, "
            f"received: {type_name}."
        )
    try:
        value = int(pk)
    except ValueError as exc:
        raise GraphQLError(
            f"Invalid ID: {global_id}. Expected: {expected_type}."
        ) from exc
    if not 0 < value < 2**63:
        raise GraphQLError(f"Invalid ID: {global_id}. Expected: {expected_type}.")
    return value


def decode_ids(global_ids: list[str], expected_type: str) -> list[int]:
    return [decode_id(global_id, expected_type) for global_id in global_ids]
