"""Relay connections over querysets, paginated by keyset (cursor), not offset.

A cursor is base64 JSON of the sort-key values of its row, so paging deep into a large
catalog costs the same as the first page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson
from django.db.models import F, Q, QuerySet
from graphql import GraphQLError

from mercato.graphql.core.dataloaders import attach_batch, batch_of

MAX_PAGE_SIZE = 100

SortKeys = Sequence[tuple[str, bool]]
"""Sort keys: (field or annotation name, descending). The last key must be unique."""


@dataclass(frozen=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True)
class Edge:
    node: Any
    cursor: str


def _json_default(value: Any) -> str:
    return str(value)


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.b64encode(orjson.dumps(list(values), default=_json_default)).decode()


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        values = orjson.loads(base64.b64decode(cursor, validate=True))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as exc:
        raise GraphQLError(f"Received cursor ({cursor}) is invalid.") from exc
    if not isinstance(values, list) or len(values) != size:
        raise GraphQLError(f"Received cursor ({cursor}) is invalid.")
    return values


def validate_page_args(
    first: int | None, last: int | None, name: str, required: bool = True
) -> None:
    if first is not None and last is not None:
        raise GraphQLError(
            f"Argument `last` cannot be combined with `first` on `{name}`."
        )
    if required and first is None and last is None:
        raise GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the "
            f"`{name}` connection."
        )
    for arg, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 1:
            raise GraphQLError(
                f"Argument `{arg}` must be a positive integer on `{name}`."
            )
        if value > MAX_PAGE_SIZE:
            raise GraphQLError(
                f"Requesting {value} records on the `{name}` connection exceeds the "
                f"`{arg}` limit of {MAX_PAGE_SIZE} records."
            )


def _after_filter(keys: SortKeys, values: list[Any], forward: bool) -> Q:
    """Rows strictly after ``values`` in the order given by ``keys``."""
    condition = Q()
    equal_so_far = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        goes_up = forward != descending
        step = Q(**{f"{name}__gt" if goes_up else f"{name}__lt": value})
        condition |= equal_so_far & step
        equal_so_far &= Q(**{name: value})
    return condition


class Connection:
    """A page of nodes; ``totalCount`` is computed only if asked for."""

    def __init__(
        self,
        nodes: list[Any],
        *,
        keys: SortKeys,
        has_next_page: bool,
        has_previous_page: bool,
        count: Callable[[], int],
        channel: Any = None,
    ) -> None:
        self.keys = list(keys)
        self.nodes = attach_batch(nodes, channel)
        self.edges = [Edge(node, self._cursor(node)) for node in self.nodes]
        self.page_info = PageInfo(
            has_next_page=has_next_page,
            has_previous_page=has_previous_page,
            start_cursor=self.edges[0].cursor if self.edges else None,
            end_cursor=self.edges[-1].cursor if self.edges else None,
        )
        self._count = count

    def _cursor(self, node: Any) -> str:
        return encode_cursor([getattr(node, name) for name, _ in self.keys])

    @cached_property
    def total_count(self) -> int:
        return self._count()


def ordering_for(keys: SortKeys, forward: bool = True) -> list[Any]:
    return [
        F(name).desc() if descending == forward else F(name).asc()
        for name, descending in keys
    ]


def paginate(
    queryset: QuerySet[Any],
    *,
    keys: SortKeys,
    first: int | None,
    last: int | None,
    after: str | None,
    before: str | None,
    channel: Any = None,
    count_key: str | None = None,
) -> Connection:
    """One page of ``queryset`` in the order of ``keys`` (keyset pagination).

    With ``count_key``, ``totalCount`` may come from the cache (see ``cached_count``).
    """
    forward = last is None
    size = first if forward else last
    assert size is not None
    cursor = after if forward else before
    page_qs = queryset.order_by(*ordering_for(keys, forward))
    if cursor:
        page_qs = page_qs.filter(
            _after_filter(keys, decode_cursor(cursor, len(keys)), forward)
        )
    rows = list(page_qs[: size + 1])

    def count() -> int:
        return int(queryset.order_by().count())

    has_more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    return Connection(
        rows,
        keys=keys,
        has_next_page=has_more if forward else bool(before),
        has_previous_page=bool(after) if forward else has_more,
        count=count if count_key is None else cached_count(count_key, count),
        channel=channel,
    )


class CountOnlyConnection(Connection):
    """A connection asked for without ``first`` or ``last``: only its ``totalCount``
    can be read (as in Saleor, ``{ products { totalCount } }`` needs no page size);
    reading its edges or page info is the missing-page-size error."""

    def __init__(self, name: str, count: Callable[[], int]) -> None:
        self._name = name
        self._count = count

    def _no_page(self) -> GraphQLError:
        return GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the "
            f"`{self._name}` connection."
        )

    @property
    def edges(self) -> list[Edge]:  # type: ignore[override]
        raise self._no_page()

    @property
    def page_info(self) -> PageInfo:  # type: ignore[override]
        raise self._no_page()

    @property
    def nodes(self) -> list[Any]:  # type: ignore[override]
        raise self._no_page()


def connection_from_queryset(
    queryset: QuerySet[Any],
    args: dict[str, Any],
    *,
    keys: SortKeys,
    name: str,
    channel: Any = None,
    count_key: str | None = None,
) -> Connection:
    """One page of ``queryset``; without ``first`` and ``last``, a connection that
    offers only ``totalCount``."""
    first, last = args.get("first"), args.get("last")
    validate_page_args(first, last, name, required=False)
    if first is None and last is None:

        def count() -> int:
            return int(queryset.order_by().count())

        return CountOnlyConnection(
            name, count if count_key is None else cached_count(count_key, count)
        )
    return paginate(
        queryset,
        keys=keys,
        first=first,
        last=last,
        after=args.get("after"),
        before=args.get("before"),
        channel=channel,
        count_key=count_key,
    )


def batched_child_connections(
    queryset: QuerySet[Any],
    *,
    parent_field: str,
    parent_ids: list[int],
    keys: SortKeys,
    first: int,
    channel: Any = None,
) -> dict[int, Connection]:
    """The first page of children for many parents at once (one query, plus one for
    every ``totalCount`` asked, whatever the number of parents)."""
    from django.db.models import Count, Window
    from django.db.models.functions import RowNumber

    rows = list(
        queryset.filter(**{f"{parent_field}__in": parent_ids})
        .annotate(
            _row=Window(
                RowNumber(), partition_by=[F(parent_field)], order_by=ordering_for(keys)
            )
        )
        .filter(_row__lte=first + 1)
        .order_by(parent_field, "_row")
    )
    grouped: dict[int, list[Any]] = {pk: [] for pk in parent_ids}
    for row in rows:
        grouped[getattr(row, f"{parent_field}_id")].append(row)
    counts: dict[int, int] = {}

    def count_for(pk: int) -> Callable[[], int]:
        def count() -> int:
            if not counts:
                totals = (
                    queryset.filter(**{f"{parent_field}__in": parent_ids})
                    .order_by()
                    .values(parent_field)
                    .annotate(n=Count("pk"))
                )
                counts.update({t[parent_field]: t["n"] for t in totals})
                counts.setdefault(-1, 0)  # marks the counts as loaded
            return counts.get(pk, 0)

        return count

    all_nodes: list[Any] = []
    result = {}
    for pk, children in grouped.items():
        result[pk] = Connection(
            children[:first],
            keys=keys,
            has_next_page=len(children) > first,
            has_previous_page=False,
            count=count_for(pk),
            channel=channel,
        )
        all_nodes.extend(result[pk].nodes)
    attach_batch(all_nodes, channel)
    return result


def is_first_page(page: dict[str, Any]) -> bool:
    """Whether ``page`` asks for a plain ``first: N`` page (no cursor, no ``last``):
    the one shape nested connections batch across sibling parents."""
    return bool(page.get("first")) and not any(
        page.get(k) for k in ("after", "before", "last")
    )


def first_page_of_batch(
    context: Any,
    root: Any,
    key: Any,
    load: Callable[[list[Any]], dict[Any, Connection]],
) -> Connection:
    """``root``'s page from ``load(pks of root and its siblings)``, called once per
    sibling batch and ``key`` (which must name the field and its arguments)."""
    batch = batch_of(root)
    cache_key = (key, id(batch))
    if cache_key not in context.cache:
        context.cache[cache_key] = load([item.pk for item in batch.items])
    return context.cache[cache_key][root.pk]  # type: ignore[no-any-return]


def cached_count(key: str, count: Callable[[], int]) -> Callable[[], int]:
    """``count``, remembered for ``GRAPHQL_COUNT_CACHE_SECONDS`` under ``key``.

    Counting every visible product costs a few milliseconds per request on a large
    catalog, more than the rest of a product page; shoppers' ``totalCount`` may lag
    behind a change by that many seconds. Staff reads are never cached.
    """
    from django.conf import settings
    from django.core.cache import cache

    from mercato.core.cachekeys import hashed_key

    ttl: int = settings.GRAPHQL_COUNT_CACHE_SECONDS
    if ttl <= 0:
        return count

    def cached() -> int:
        full_key = hashed_key("count", key)
        value = cache.get(full_key)
        if value is None:
            value = count()
            cache.set(full_key, value, ttl)
        return int(value)

    return cached
