"""Reads of channels."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from mercato.channel.models import Channel
from mercato.core.permissions import Actor


class ChannelNotFound(Exception):
    def __init__(self, slug: str) -> None:
        super().__init__(f"Channel with '{slug}' slug does not exist.")
        self.slug = slug


class ChannelRequired(Exception):
    def __init__(self) -> None:
        super().__init__("More than one channel exists. Specify which channel to use.")


CHANNELS_CACHE_KEY = "mercato:channels"


def list_channels() -> list[Channel]:
    """Every channel, by slug; read through the cache for ``CHANNEL_CACHE_SECONDS``.

    Every storefront request names its channel, and channels change rarely, so a
    change (such as deactivating a channel) reaches readers within those seconds.
    """
    channels: list[Channel] | None = cache.get(CHANNELS_CACHE_KEY)
    if channels is None:
        channels = list(Channel.objects.order_by("slug"))
        cache.set(CHANNELS_CACHE_KEY, channels, settings.CHANNEL_CACHE_SECONDS)
    return channels


def forget_channels() -> None:
    """Drop the cached channel list; call after any write to channels."""
    cache.delete(CHANNELS_CACHE_KEY)


def get_channel_for_actor(slug: str | None, actor: Actor) -> Channel | None:
    """The channel named by ``slug`` (or the only one), as ``actor`` may read it.

    Anonymous callers and customers may not read inactive channels. Staff who see the
    hidden catalog get ``None`` when they name no channel: they read every channel.
    """
    if slug is None:
        if actor.sees_hidden_catalog:
            return None
        active = [c for c in list_channels() if c.is_active]
        if len(active) != 1:
            raise ChannelRequired()
        return active[0]
    channel = next((c for c in list_channels() if c.slug == slug), None)
    if channel is None or (not channel.is_active and not actor.sees_hidden_catalog):
        raise ChannelNotFound(slug)
    return channel
