from __future__ import annotations

import datetime
import uuid
from typing import Any

import orjson
from ariadne import ScalarType
from graphql import GraphQLError

json_string = ScalarType("JSONString")


@json_string.serializer
def serialize_json_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


@json_string.value_parser
def parse_json_string(value: Any) -> Any:
    if not isinstance(value, str):
        raise GraphQLError("JSONString must be a string holding JSON.")
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise GraphQLError("JSONString holds invalid JSON.") from exc


datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def serialize_datetime(value: datetime.datetime) -> str:
    return value.isoformat()


@datetime_scalar.value_parser
def parse_datetime(value: Any) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise GraphQLError(f"Invalid DateTime: {value!r}.") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


date_scalar = ScalarType("Date")


@date_scalar.serializer
def serialize_date(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


@date_scalar.value_parser
def parse_date(value: Any) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise GraphQLError(f"Invalid Date: {value!r}.") from exc


metadata_scalar = ScalarType("Metadata")


@metadata_scalar.value_parser
def parse_metadata(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise GraphQLError("Metadata must be an object of string keys and values.")
    return value


positive_int = ScalarType("PositiveInt")


@positive_int.value_parser
def parse_positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise GraphQLError(f"PositiveInt cannot represent {value!r}.")
    return value


uuid_scalar = ScalarType("UUID")


@uuid_scalar.serializer
def serialize_uuid(value: Any) -> str:
    return str(value)


@uuid_scalar.value_parser
def parse_uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise GraphQLError(f"Invalid UUID: {value!r}.") from exc


scalars = [
    json_string,
    datetime_scalar,
    date_scalar,
    metadata_scalar,
    positive_int,
    uuid_scalar,
]
