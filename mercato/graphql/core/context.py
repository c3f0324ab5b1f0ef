"""What every resolver gets as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from mercato.core.permissions import Actor


@dataclass(eq=False)
class RequestContext:
    request: HttpRequest | None
    actor: Actor = field(default_factory=Actor.anonymous)
    loaders: dict[Any, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    # Cookies to set on the response (name -> value), e.g. the refresh token.
    cookies: dict[str, str] = field(default_factory=dict)
