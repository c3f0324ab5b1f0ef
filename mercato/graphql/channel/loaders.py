from __future__ import annotations

from mercato.channel.models import Channel
from mercato.graphql.core.dataloaders import Loader, attach_batch


class ChannelByIdLoader(Loader[int, Channel]):
    def batch_load(self, keys: list[int]) -> dict[int, Channel]:
        return {
            c.pk: c for c in attach_batch(list(Channel.objects.filter(pk__in=keys)))
        }
