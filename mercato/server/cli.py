"""The ``mercato`` command line: serve, migrate, populatedb, db-url, manage."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


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
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate(verbosity=0)
    if args.demo:
        from mercato.demo import is_database_empty, populate_demo_data

        if is_database_empty():
            print("Seeding demo data...", flush=True)
            populate_demo_data(products=100, seed=0, progress=True)
    _close_database_pools()
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
    )
    try:
        server.serve()
    finally:
        from mercato.server.database import stop_embedded_postgres

        stop_embedded_postgres()
    return 0


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
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)

    populate = sub.add_parser("populatedb", help="create a deterministic demo catalog")
    populate.add_argument("--products", type=int, default=100)
    populate.add_argument("--seed", type=int, default=0)
    populate.set_defaults(func=cmd_populatedb)

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
