"""The ``/graphql/`` endpoint: GraphiQL on GET, queries on POST."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import orjson
from ariadne.explorer import ExplorerGraphiQL
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    execute,
    parse,
    validate,
)

from mercato.account.auth import actor_from_access_token
from mercato.account.tokens import TokenError
from mercato.app.services import actor_for_app_token
from mercato.core.permissions import Actor
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.errors import format_error
from mercato.graphql.core.execution import SyncExecutionContext
from mercato.graphql.core.limits import (
    NUL_MESSAGE,
    check_document_limits,
    has_nul_literal,
    has_nul_value,
    query_cost,
)
from mercato.graphql.schema import get_schema

logger = logging.getLogger(__name__)

_EXPLORER_HTML = ExplorerGraphiQL(title="mercato").html(None)


def _json_response(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(payload), status=status, content_type="application/json"
    )


def _error_response(message: str, status: int = 400) -> HttpResponse:
    error = {"message": message, "extensions": {"exception": {"code": "GraphQLError"}}}
    return _json_response({"errors": [error]}, status)


@lru_cache(maxsize=2048)
def parse_and_validate(
    query: str,
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parse and validate ``query`` once; later requests with the same text reuse it."""
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLError as error:
        return None, (error,)
    errors = check_document_limits(
        document,
        max_depth=settings.GRAPHQL_MAX_DEPTH,
        max_aliases=settings.GRAPHQL_MAX_ALIASES,
    )
    if has_nul_literal(document):
        errors.append(GraphQLError(NUL_MESSAGE))
    if errors:
        return None, tuple(errors)
    validation_errors = validate(get_schema(), document)
    if validation_errors:
        return None, tuple(validation_errors)
    return document, ()


def _read_body(request: HttpRequest) -> dict[str, Any] | str:
    """The request's operation as a dict, or an error message."""
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        from mercato.graphql.core.uploads import read_multipart_operation

        return read_multipart_operation(request)
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        return "Unable to parse query."
    if not isinstance(body, dict):
        return "Batch queries are not supported; send one operation object."
    operation: dict[str, Any] = body
    return operation


def _execute(body: dict[str, Any], request: HttpRequest) -> HttpResponse:
    query = body.get("query")
    variables = body.get("variables") or {}
    operation_name = body.get("operationName")
    if not isinstance(query, str) or not query.strip():
        return _error_response("Must provide a query string.")
    if not isinstance(variables, dict):
        return _error_response("Variables must be a JSON object.")
    if operation_name is not None and not isinstance(operation_name, str):
        return _error_response("operationName must be a string.")
    if has_nul_value(variables):
        return _error_response(NUL_MESSAGE)
    document, errors = parse_and_validate(query)
    if document is None:
        return _json_response({"errors": [format_error(e) for e in errors]}, 400)
    limit = settings.GRAPHQL_QUERY_MAX_COMPLEXITY
    cost = query_cost(document, operation_name, variables, limit)
    if cost > limit:
        return _error_response(
            f"The query exceeds the maximum cost of {limit}. Actual cost is {cost}."
        )
    actor = _authenticate(request)
    if isinstance(actor, HttpResponse):
        return actor
    context = RequestContext(request=request, actor=actor)
    result = execute(
        get_schema(),
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
        execution_context_class=SyncExecutionContext,
    )
    assert isinstance(result, ExecutionResult)
    response = _result_response(result)
    for name, value in context.cookies.items():
        response.set_cookie(
            name,
            value,
            httponly=True,
            secure=request.is_secure(),
            samesite="Lax",
            max_age=settings.JWT_REFRESH_TTL_SECONDS,
        )
    return response


def _authenticate(request: HttpRequest) -> Actor | HttpResponse:
    """The actor of an ``Authorization: Bearer`` header (anonymous without one).

    A token that is present but unusable is an error, so that a client whose token
    expired learns it instead of silently reading as an anonymous shopper.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return Actor.anonymous()
    token = token.strip()
    if scheme.lower() not in {"bearer", "jwt"} or not token:
        return _token_error("Invalid authorization header.", "InvalidTokenError")
    if token.count(".") != 2:  # not a JWT: an app token
        app_actor = actor_for_app_token(token)
        if app_actor is None:
            return _token_error("Invalid app token.", "InvalidTokenError")
        return app_actor
    try:
        return actor_from_access_token(token)
    except TokenError as exc:
        code = (
            "ExpiredSignatureError"
            if exc.code == "JWT_SIGNATURE_EXPIRED"
            else ("InvalidTokenError")
        )
        return _token_error(exc.message, code)


def _token_error(message: str, code: str) -> HttpResponse:
    error = {"message": message, "extensions": {"exception": {"code": code}}}
    return _json_response({"errors": [error]}, 401)


def _result_response(result: ExecutionResult) -> HttpResponse:
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        for error in result.errors:
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError):
                logger.error("Unhandled error in resolver", exc_info=original)
        payload["errors"] = [format_error(e, settings.DEBUG) for e in result.errors]
        if result.data is None:
            payload = {"errors": payload["errors"]}
            return _json_response(payload, 400)
    return _json_response(payload)


@csrf_exempt
def graphql_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return HttpResponse(_EXPLORER_HTML, content_type="text/html")
    if request.method != "POST":
        response = _error_response("Only GET and POST requests are allowed.", 405)
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    body = _read_body(request)
    if isinstance(body, str):
        return _error_response(body)
    return _execute(body, request)
