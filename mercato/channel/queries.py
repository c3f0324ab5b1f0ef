"""Reads of channels."""

from __future__ import annotations

from mercato.channel.models import Channel
from mercato.core.permissions import Actor


class ChannelNotFound(Exception):
    def __init__(self, slug: str) -> None:
        super().__init__(f"Channel with '{slug}' slug does not exist.")
        self.slug = slug


class ChannelRequired(Exception):
    def __init__(self) -> None:
        super().__init__("More than one channel exists. Specify which channel to use.")


def list_channels() -> list[Channel]:
    return list(Channel.objects.order_by("slug"))


def get_channel_for_actor(slug: str | None, actor: Actor) -> Channel | None:
    """The channel named by ``slug`` (or the only one), as ``actor`` may read it.

    Anonymous callers and customers may not read inactive channels. Staff who see the
    hidden catalog get ``None`` when they name no channel: they read every channel.
    """
    if slug is None:
        if actor.sees_hidden_catalog:
            return None
        channels = list(Channel.objects.filter(is_active=True)[:2])
        if len(channels) != 1:
            raise ChannelRequired()
        return channels[0]
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None or (not channel.is_active and not actor.sees_hidden_catalog):
        raise ChannelNotFound(slug)
    return channel
