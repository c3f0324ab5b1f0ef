"""The ``mercato`` command line: serve, worker, jobs, migrate, populatedb,
createsuperuser, db-url, manage."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

WORKER_STOP_SECONDS = 5


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mercato.server.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 1) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _close_database_pools() -> None:
    """Close every pooled connection before the server forks its workers.

    A worker that inherited the parent's open connections would share their sockets
    with its siblings.
    """
    from django.db import connections

    for connection in connections.all():
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    from mercato.server.config import mercato_home
    from mercato.server.database import resolve_database_url

    print(resolve_database_url(mercato_home()))
    return 0


def cmd_populatedb(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate(verbosity=0)
    from mercato.demo import populate_demo_data
    from mercato.demo.populate import DemoDataError

    try:
        populate_demo_data(products=args.products, seed=args.seed, progress=True)
    except DemoDataError as exc:
        print(f"mercato populatedb: {exc}", file=sys.stderr)
        return 1
    if args.createsuperuser:
        _create_demo_superuser()
    return 0


DEMO_SUPERUSER = ("admin@example.com", "admin")


def _create_demo_superuser() -> None:
    from mercato.account.services import create_superuser

    email, password = DEMO_SUPERUSER
    existing: list[object] = []
    create_superuser(
        email=email, password=password, validate=False, on_exists=existing.append
    )
    if existing:
        print(f"Superuser {email} already exists; left unchanged.")
        return
    print(
        f"WARNING: created the superuser {email} with the password '{password}'.\n"
        "This account is for demos only: never keep it on a server that others "
        "can reach.",
        file=sys.stderr,
    )


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate(verbosity=0)
    from mercato.account.services import create_superuser
    from mercato.core.errors import ValidationFailed

    interactive = not args.no_input
    if not interactive and not (args.email and args.password):
        print(
            "mercato createsuperuser: --no-input needs --email and --password",
            file=sys.stderr,
        )
        return 2
    email, password = args.email, args.password
    while True:
        if interactive:
            email, password = _ask_credentials(email, password)
        try:
            user = create_superuser(
                email=email or "",
                password=password or "",
                validate=not args.skip_validation,
            )
        except ValidationFailed as failed:
            for error in failed.errors:
                print(f"Error ({error.field}): {error.message}", file=sys.stderr)
            if not interactive:
                return 1
            fields = {error.field for error in failed.errors}
            email = None if "email" in fields else email
            password = None if "password" in fields else password
            continue
        print(f"Superuser {user.email} created.")
        return 0


def _ask_credentials(email: str | None, password: str | None) -> tuple[str, str]:
    import getpass

    while not email:
        email = input("Email: ").strip()
    while not password:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            print("The passwords do not match.", file=sys.stderr)
            password = None
    return email, password


def cmd_serve(args: argparse.Namespace) -> int:
    if args.demo:  # demo mode: settings turn on the dummy payment gateway
        os.environ.setdefault("MERCATO_DEMO", "1")
    _setup_django()
    _migrate(verbosity=0)
    if args.demo:
        from mercato.demo import is_database_empty, populate_demo_data

        if is_database_empty():
            print("Seeding demo data...", flush=True)
            populate_demo_data(products=100, seed=0, progress=True)
    _close_database_pools()
    worker = None if args.no_worker else _start_worker_process()
    from granian import Granian
    from granian.constants import Interfaces

    print(f"mercato GraphQL API: http://{args.host}:{args.port}/graphql/", flush=True)
    server = Granian(
        "mercato.server.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        log_access=False,
        # A worker that got the terminal's Ctrl-C itself may miss the parent's stop
        # request; after this many seconds the parent kills it instead of waiting.
        workers_kill_timeout=WORKER_STOP_SECONDS,
    )
    try:
        server.serve()
    finally:
        if worker is not None:
            _stop_worker_process(worker)
        from mercato.server.database import stop_embedded_postgres

        stop_embedded_postgres()
    return 0


def _start_worker_process() -> subprocess.Popen[bytes]:
    """``mercato worker`` as a child process, started after the database pools are
    closed: it opens its own, and shares no socket with the server's workers.

    It inherits the environment, so it uses the same database, the embedded one
    included. A terminal's Ctrl-C reaches it directly; otherwise the server stops
    it on its way out.
    """
    return subprocess.Popen([sys.executable, "-m", "mercato.server.cli", "worker"])


def _stop_worker_process(worker: subprocess.Popen[bytes]) -> None:
    from django.conf import settings

    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=float(settings.WORKER_SHUTDOWN_TIMEOUT) + 5)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings

    from mercato.core.jobs import run_worker

    concurrency = args.concurrency or int(settings.WORKER_CONCURRENCY)
    if concurrency < 1:
        print("mercato worker: --concurrency must be at least 1", file=sys.stderr)
        return 2
    if not args.once:
        print(f"mercato worker: running jobs, {concurrency} at a time", flush=True)
    run_worker(concurrency=concurrency, queues=args.queue, wait=not args.once)
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    _setup_django()
    from mercato.core.jobs import (
        JobNotRetryable,
        count_jobs_by_status,
        list_jobs,
        retry_failed_job,
    )

    if args.retry is not None:
        try:
            retry_failed_job(args.retry)
        except JobNotRetryable as exc:
            print(f"mercato jobs: {exc}", file=sys.stderr)
            return 1
        print(f"Job {args.retry} is queued again.")
        return 0
    counts = count_jobs_by_status()
    print(", ".join(f"{status}: {n}" for status, n in counts.items()) or "No jobs.")
    status = None if args.status == "all" else args.status
    jobs = list_jobs(status=status, task_name=args.task, limit=args.limit)
    if jobs:
        print()
        _print_table(
            ["id", "task", "status", "attempts", "last error", "scheduled"],
            [
                [
                    job.id,
                    job.task_name,
                    job.status,
                    job.attempts,
                    _when(job.last_error_at),
                    _when(job.scheduled_at),
                ]
                for job in jobs
            ],
        )
    return 0


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z") if moment is not None else "-"


def _print_table(header: list[str], rows: list[list[Any]]) -> None:
    cells = [header, *([str(value) for value in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mercato manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mercato",
        description="A headless commerce server that speaks Saleor's API.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate and serve the GraphQL API over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument("--threads", type=int, default=1, help="threads per worker")
    serve.add_argument(
        "--demo", action="store_true", help="seed demo data when the database is empty"
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run a background job worker beside the server",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background jobs until stopped")
    worker.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="jobs run at the same time (default: WORKER_CONCURRENCY, 2)",
    )
    worker.add_argument(
        "--queue",
        action="append",
        metavar="NAME",
        help="only take jobs from this queue (repeatable; default: every queue)",
    )
    worker.add_argument(
        "--once", action="store_true", help="run the jobs that are due, then exit"
    )
    worker.set_defaults(func=cmd_worker)

    jobs = sub.add_parser(
        "jobs", help="list background jobs (failed ones by default) or retry one"
    )
    jobs.add_argument(
        "--status",
        default="failed",
        choices=["todo", "doing", "succeeded", "failed", "cancelled", "aborted", "all"],
        help="which jobs to list (default: failed)",
    )
    jobs.add_argument("--task", metavar="NAME", help="only jobs of this task")
    jobs.add_argument("--limit", type=int, default=50, help="at most this many")
    jobs.add_argument(
        "--retry", type=int, metavar="ID", help="queue a failed job to run again"
    )
    jobs.set_defaults(func=cmd_jobs)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)

    populate = sub.add_parser("populatedb", help="create a deterministic demo catalog")
    populate.add_argument("--products", type=int, default=100)
    populate.add_argument("--seed", type=int, default=0)
    populate.add_argument(
        "--createsuperuser",
        action="store_true",
        help="also create the superuser admin@example.com / admin (demos only)",
    )
    populate.set_defaults(func=cmd_populatedb)

    superuser = sub.add_parser(
        "createsuperuser", help="create a staff user holding every permission"
    )
    superuser.add_argument("--email")
    superuser.add_argument("--password")
    superuser.add_argument(
        "--no-input",
        action="store_true",
        help="ask nothing; --email and --password are then required",
    )
    superuser.add_argument(
        "--skip-validation",
        action="store_true",
        help="accept a password Django's password validators refuse",
    )
    superuser.set_defaults(func=cmd_createsuperuser)

    db_url = sub.add_parser(
        "db-url",
        help="print the database URL (starts the embedded PostgreSQL if needed)",
    )
    db_url.set_defaults(func=cmd_db_url)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
