"""Turning catalog mutation inputs into service arguments."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ariadne import ScalarType
from django.core.files.uploadedfile import UploadedFile
from graphql import GraphQLError

from mercato.core.errors import ValidationFailed
from mercato.graphql.core.ids import decode_id, decode_ids, from_global_id
from mercato.product.services.attribute_values import AttributeValueData

F = TypeVar("F", bound=Callable[..., Any])

upload_scalar = ScalarType("Upload")


@upload_scalar.value_parser
def parse_upload(value: Any) -> Any:
    if not isinstance(value, UploadedFile):
        raise GraphQLError("Upload must be a file sent in a multipart request.")
    return value


positive_decimal = ScalarType("PositiveDecimal")


@positive_decimal.serializer
def serialize_positive_decimal(value: Any) -> float:
    return float(value)


@positive_decimal.value_parser
def parse_positive_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GraphQLError(f"PositiveDecimal cannot represent {value!r}.")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise GraphQLError(f"PositiveDecimal cannot represent {value!r}.") from exc
    if not number.is_finite() or number < 0:
        raise GraphQLError(f"PositiveDecimal cannot represent {value!r}.")
    return number


def present(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The fields of an input that the caller sent, by name."""
    return {name: data[name] for name in names if name in data}


def seo_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "seo" not in data:
        return {}
    seo = data["seo"] or {}
    return {f"seo_{key}": seo[key] for key in ("title", "description") if key in seo}


def optional_id(value: str | None, type_name: str) -> int | None:
    return decode_id(value, type_name) if value else None


def id_list(values: list[str] | None, type_name: str) -> list[int]:
    return decode_ids(values or [], type_name)


def _choice(data: dict[str, Any]) -> tuple[int | None, str | None]:
    if data.get("id"):
        return decode_id(data["id"], "AttributeValue"), None
    return None, data.get("value")


def _reference(global_id: str) -> tuple[str, int]:
    type_name, pk = from_global_id(global_id)
    if not pk.isdigit() or not 0 < int(pk) < 2**63:
        raise GraphQLError(f"Invalid ID: {global_id}.")
    return type_name, int(pk)


def attribute_values(items: list[dict[str, Any]] | None) -> list[AttributeValueData]:
    """Map ``AttributeValueInput`` entries to the service's ``AttributeValueData``."""
    result = []
    for item in items or []:
        if not item.get("id"):
            raise ValidationFailed.one(
                "attributes", "REQUIRED", "Each attribute value needs the attribute id."
            )
        choices = [
            _choice(item[key]) for key in ("dropdown", "swatch") if item.get(key)
        ]
        choices.extend(_choice(entry) for entry in item.get("multiselect") or [])
        references = [item["reference"]] if item.get("reference") else []
        references.extend(item.get("references") or [])
        result.append(
            AttributeValueData(
                attribute_id=decode_id(item["id"], "Attribute"),
                choices=tuple(choices),
                plain_text=item.get("plain_text"),
                rich_text=item.get("rich_text"),
                numeric=item.get("numeric"),
                boolean=item.get("boolean"),
                date=item.get("date"),
                references=tuple(_reference(ref) for ref in references),
            )
        )
    return result


def with_defaults(**defaults: Any) -> Callable[[F], F]:
    """Fill non-null payload fields (``count``, ...) that an error payload lacks.

    Goes between ``require_any`` and ``mutation``.
    """

    def decorator(resolver: F) -> F:
        @functools.wraps(resolver)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            payload = resolver(*args, **kwargs)
            for key, value in defaults.items():
                payload.setdefault(key, copy.copy(value))
            return payload

        return wrapper  # type: ignore[return-value]

    return decorator


def metadata_fields(data: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` / ``privateMetadata`` inputs as (key, value) pairs, when sent."""
    return {
        key: [(item["key"], item["value"]) for item in data[key] or []]
        for key in ("metadata", "private_metadata")
        if key in data
    }
