"""Background jobs, stored in PostgreSQL and enqueued in the caller's transaction.

Jobs run on Procrastinate. A domain declares its jobs in its ``tasks.py`` (found
automatically) with :func:`task`::

    from mercato.core.jobs import task

    @task(name="order.send_confirmation")
    def send_order_confirmation_job(*, order_id: int) -> None: ...

and a service defers one inside its transaction::

    send_order_confirmation_job.defer(order_id=order.pk)

Deferring writes the job's row on the service's own database connection, so the job
commits or rolls back with the change that caused it: no job for a change that never
happened, and no change whose job is lost. Arguments are stored as JSON: pass ids
and plain values, never model instances. Task names are stored with each job, so a
name outlives renames of the function or its module.

Workers (``mercato worker``, or the one ``mercato serve`` starts) fetch jobs with
their own connection pool and run each synchronous job in a thread of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from procrastinate import PsycopgConnector, RetryStrategy
from procrastinate.contrib.django import DjangoApp, connector_params
from procrastinate.contrib.django import app as django_app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.retry import RetryValue

if TYPE_CHECKING:
    from procrastinate import App
    from procrastinate.app import WorkerOptions
    from procrastinate.tasks import Task

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_QUEUE = "default"

#: Up to 5 retries, 4, 16, 64, 256 and 1024 seconds after the failures (about 23
#: minutes in all): long enough to ride out a mail server's or a provider's restart.
DEFAULT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=4)

# Events that end an attempt in error: a retry was scheduled, or the job gave up.
_ERROR_EVENTS = ("deferred_for_retry", "failed")


def task(
    *,
    name: str,
    queue: str = DEFAULT_QUEUE,
    retry: RetryValue = DEFAULT_RETRY,
    atomic: bool = True,
) -> Callable[[Callable[P, R]], Task[P, R, P]]:
    """Declare a job. ``name`` is stored with every deferred job; keep it stable.

    ``retry`` is a ``RetryStrategy`` (default: :data:`DEFAULT_RETRY`, exponential
    backoff) or ``False``. With ``atomic`` (the default) each run owns one
    transaction, so the rows it writes and the jobs it defers commit together or
    not at all; pass ``atomic=False`` for a job that only talks to the outside world
    (it must not hold a transaction open while it waits on the network).
    """

    def declare(func: Callable[P, R]) -> Task[P, R, P]:
        inner = transaction.atomic(func) if atomic else func

        @functools.wraps(func)
        def body(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return inner(*args, **kwargs)
            finally:
                # The worker runs sync jobs on threads of its own; a Django
                # connection opened there would stay open for good.
                if threading.current_thread() is not threading.main_thread():
                    connections.close_all()

        declared: Task[P, R, P] = django_app.task(name=name, queue=queue, retry=retry)(
            body
        )
        return declared

    return declare


@dataclass(frozen=True)
class JobInfo:
    """One job as ``mercato jobs`` shows it."""

    id: int
    task_name: str
    queue: str
    status: str
    attempts: int
    scheduled_at: datetime | None
    last_error_at: datetime | None
    args: dict[str, Any]


class JobNotRetryable(Exception):
    """The job does not exist or has not failed."""


def count_jobs_by_status() -> dict[str, int]:
    """How many jobs are in each status (statuses without jobs are left out)."""
    rows = ProcrastinateJob.objects.values("status").annotate(count=Count("id"))
    return {row["status"]: row["count"] for row in rows.order_by("status")}


def list_jobs(
    *, status: str | None = "failed", task_name: str | None = None, limit: int = 50
) -> list[JobInfo]:
    """The most recent jobs, newest first, optionally of one status and task."""
    jobs = ProcrastinateJob.objects.all()
    if status is not None:
        jobs = jobs.filter(status=status)
    if task_name is not None:
        jobs = jobs.filter(task_name=task_name)
    rows = (
        jobs.annotate(
            last_error_at=Max(
                "procrastinateevent__at",
                filter=Q(procrastinateevent__type__in=_ERROR_EVENTS),
            )
        )
        .order_by("-id")
        .values(
            "id",
            "task_name",
            "queue_name",
            "status",
            "attempts",
            "scheduled_at",
            "last_error_at",
            "args",
        )[:limit]
    )
    return [
        JobInfo(
            id=row["id"],
            task_name=row["task_name"],
            queue=row["queue_name"],
            status=row["status"],
            attempts=row["attempts"],
            scheduled_at=row["scheduled_at"],
            last_error_at=row["last_error_at"],
            args=row["args"],
        )
        for row in rows
    ]


def retry_failed_job(job_id: int) -> None:
    """Put a failed job back in its queue, to run once more as soon as a worker is
    free (its retry policy applies again only while attempts remain)."""
    with transaction.atomic():
        status = (
            ProcrastinateJob.objects.select_for_update()
            .filter(id=job_id)
            .values_list("status", flat=True)
            .first()
        )
        if status is None:
            raise JobNotRetryable(f"There is no job {job_id}.")
        if status != "failed":
            raise JobNotRetryable(
                f"Job {job_id} is {status}; only failed jobs can be retried."
            )
        django_app.job_manager.retry_job_by_id(job_id=job_id, retry_at=timezone.now())


def run_worker(
    *,
    concurrency: int = 1,
    queues: Sequence[str] | None = None,
    wait: bool = True,
    handle_signals: bool = True,
) -> None:
    """Run jobs until SIGINT or SIGTERM (or, with ``wait=False``, until none is due).

    Each signal asks the worker to stop: it takes no new job and waits up to
    ``WORKER_SHUTDOWN_TIMEOUT`` seconds for the running ones. Signal handlers can
    only be installed from the main thread; pass ``handle_signals=False`` elsewhere.
    """
    options: WorkerOptions = {
        "concurrency": concurrency,
        "wait": wait,
        "install_signal_handlers": False,
        "shutdown_graceful_timeout": float(settings.WORKER_SHUTDOWN_TIMEOUT),
        "listen_notify": wait,
        # A finished job's arguments may hold secrets (the token in a password
        # reset link) and the table would only grow: succeeded jobs are deleted,
        # failed ones stay until retried.
        "delete_jobs": "successful",
    }
    if queues:
        options["queues"] = list(queues)
    app = _worker_app(pool_size=concurrency + 2)
    asyncio.run(_run(app, options, handle_signals=handle_signals))


def _worker_app(*, pool_size: int) -> App:
    """An app with the same jobs as the Django one, on a pool of its own.

    Deferring goes on through the Django app, whose connector writes on the
    current thread's Django connection: a job that defers another does so inside
    its own transaction even while it runs in a worker.
    """
    django_app.perform_import_paths()  # type: ignore[no-untyped-call]
    connector = PsycopgConnector(
        kwargs=connector_params(DEFAULT_DB_ALIAS), min_size=1, max_size=pool_size
    )
    app = DjangoApp(connector=connector)
    app.tasks.update(django_app.tasks)
    app.periodic_registry = django_app.periodic_registry
    return app


async def _run(app: App, options: WorkerOptions, *, handle_signals: bool) -> None:
    async with app.open_async():
        worker = asyncio.ensure_future(app.run_worker_async(**options))
        stopping = False

        def stop() -> None:
            # A second signal (a terminal's Ctrl-C and then the parent's SIGTERM)
            # must not interrupt the graceful shutdown that the first one started.
            nonlocal stopping
            if not stopping:
                stopping = True
                worker.cancel()

        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
        for signum in signals:
            loop.add_signal_handler(signum, stop)
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        finally:
            for signum in signals:
                loop.remove_signal_handler(signum)
            # Periodic jobs are deferred through the Django app, on the thread
            # asgiref keeps for sync code: close the connection it opened there.
            await sync_to_async(connections.close_all)()
