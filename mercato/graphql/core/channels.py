"""Resolving the ``channel`` argument of channel-scoped reads."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from mercato.channel.queries import (
    ChannelNotFound,
    ChannelRequired,
    get_channel_for_actor,
    list_channels,
)
from mercato.graphql.core.permissions import actor_of


def channel_from_arg(info: GraphQLResolveInfo, slug: str | None) -> Any:
    """The channel a read is scoped to; cached per request and slug."""
    cache: dict[str, Any] = info.context.cache
    key = f"channel:{slug}"
    if key not in cache:
        try:
            cache[key] = get_channel_for_actor(slug, actor_of(info))
        except (ChannelNotFound, ChannelRequired) as exc:
            raise GraphQLError(str(exc)) from exc
    return cache[key]


def staff_channel_from_arg(slug: str | None) -> Any:
    """The channel a staff read names (inactive ones too), or None for all."""
    if slug is None:
        return None
    channel = next((c for c in list_channels() if c.slug == slug), None)
    if channel is None:
        raise GraphQLError(f"Channel with '{slug}' slug does not exist.")
    return channel
