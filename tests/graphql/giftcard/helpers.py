from __future__ import annotations

from typing import Any

from graphql import ExecutionResult, execute

from mercato.core.permissions import Actor, Permission
from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.execution import SyncExecutionContext
from mercato.graphql.schema import get_schema
from mercato.graphql.view import parse_and_validate

GIFT_CARDS = (Permission.MANAGE_GIFT_CARD,)


def run_as(
    actor: Actor, query: str, variables: dict[str, Any] | None = None
) -> ExecutionResult:
    """Run an operation as ``actor`` (a real user or app when the test needs one)."""
    document, errors = parse_and_validate(query)
    assert document is not None, errors
    result = execute(
        get_schema(),
        document,
        variable_values=variables or {},
        context_value=RequestContext(request=None, actor=actor),
        execution_context_class=SyncExecutionContext,
    )
    assert isinstance(result, ExecutionResult)
    return result


def staff(user_id: int, *permissions: Permission) -> Actor:
    return Actor(
        user_id=user_id, is_staff=True, permissions=frozenset(permissions or GIFT_CARDS)
    )


def denied(result: ExecutionResult) -> bool:
    return bool(result.errors) and all(
        error.message.startswith("You need one of") for error in result.errors or []
    )
