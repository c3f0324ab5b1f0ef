from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

# Procrastinate's models are unmanaged, so the test database's flush between
# transactional tests leaves its tables alone: empty them around each test here.
_JOB_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
    "procrastinate_workers"
)


def _empty_job_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {_JOB_TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture
def empty_jobs(transactional_db: None) -> Iterator[None]:
    _empty_job_tables()
    yield
    _empty_job_tables()
