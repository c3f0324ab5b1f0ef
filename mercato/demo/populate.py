from __future__ import annotations


def is_database_empty() -> bool:
    from mercato.channel.models import Channel

    return not Channel.objects.exists()


def populate_demo_data(*, products: int = 100, seed: int = 0, progress: bool = False) -> None:
    raise NotImplementedError
