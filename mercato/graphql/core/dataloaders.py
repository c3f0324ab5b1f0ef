"""Request-scoped batch loading.

graphql-core runs a synchronous query depth first, so a classic promise-based dataloader
would need an event loop to batch. Instead every object returned from a list carries a
reference to its ``Batch`` (its siblings). When a relation is first asked for on one
object, the loader fetches it for every sibling at once and caches the result for the
rest of the request. The number of SQL queries therefore depends on the shape of the
query, never on the page size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BATCH_ATTR = "_mercato_batch"


@dataclass(eq=False)
class Batch:
    """Objects loaded together, and the channel they were loaded for (if any)."""

    items: list[Any] = field(default_factory=list)
    channel: Any = None


def attach_batch(items: Sequence[Any], channel: Any = None) -> list[Any]:
    """Mark ``items`` as siblings; return them as a list."""
    batch = Batch(list(items), channel)
    for item in batch.items:
        object.__setattr__(item, BATCH_ATTR, batch)
    return batch.items


def batch_of(item: Any) -> Batch:
    batch = getattr(item, BATCH_ATTR, None)
    if batch is None:
        batch = Batch([item])
        object.__setattr__(item, BATCH_ATTR, batch)
    return batch


def channel_of(item: Any) -> Any:
    return batch_of(item).channel


class Loader(Generic[K, V]):
    """Loads values by key, in batches, caching them for the request.

    Subclasses implement ``batch_load`` returning a mapping for the keys found; keys
    that are missing resolve to ``default()``.
    """

    def __init__(self, context: Any, channel: Any = None) -> None:
        self.context = context
        self.channel = channel
        self.cache: dict[K, V] = {}

    def default(self) -> Any:
        return None

    def batch_load(self, keys: list[K]) -> dict[K, V]:
        raise NotImplementedError

    def load_many_keys(self, keys: Iterable[K]) -> None:
        missing = [key for key in dict.fromkeys(keys) if key not in self.cache]
        if not missing:
            return
        found = self.batch_load(missing)
        for key in missing:
            self.cache[key] = found[key] if key in found else self.default()

    def load(self, key: K, siblings: Iterable[K] = ()) -> V:
        """Return the value for ``key``, fetching ``siblings`` in the same query."""
        if key not in self.cache:
            self.load_many_keys([key, *siblings])
        return self.cache[key]

    def load_for(self, item: Any, key_of: Callable[[Any], K | None]) -> V | None:
        """Return the value for ``key_of(item)``, batching over the item's siblings."""
        key = key_of(item)
        if key is None:
            return None
        if key not in self.cache:
            sibling_keys = (key_of(sibling) for sibling in batch_of(item).items)
            self.load_many_keys([key, *(k for k in sibling_keys if k is not None)])
        return self.cache[key]


L = TypeVar("L", bound=Loader[Any, Any])


def get_loader(context: Any, loader_class: type[L], channel: Any = None) -> L:
    """Return the request's instance of ``loader_class`` (one per channel)."""
    key = (loader_class, getattr(channel, "pk", channel))
    loaders: dict[Any, Any] = context.loaders
    loader = loaders.get(key)
    if loader is None:
        loader = loaders[key] = loader_class(context, channel)
    return loader


class RelatedListLoader(Loader[int, list[Any]]):
    """Rows of ``model`` grouped by the owner they point to, in ``ordering``.

    Subclasses name the model, the foreign key to the owner (``owner``) and,
    optionally, a related object to return instead of the row itself (``pick``),
    which is then fetched in the same query.
    """

    model: Any
    owner: str
    pick: str | None = None
    ordering: tuple[str, ...] = ("pk",)

    def default(self) -> list[Any]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[Any]]:
        rows = self.model._default_manager.filter(**{f"{self.owner}_id__in": keys})
        if self.pick:
            rows = rows.select_related(self.pick)
        grouped: dict[int, list[Any]] = {}
        for row in rows.order_by(*self.ordering):
            item = getattr(row, self.pick) if self.pick else row
            grouped.setdefault(getattr(row, f"{self.owner}_id"), []).append(item)
        attach_batch(
            [item for items in grouped.values() for item in items], self.channel
        )
        return grouped
