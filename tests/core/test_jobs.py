"""Jobs are enqueued in the caller's transaction, retried with backoff, and listed and
retried by `mercato jobs`."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Job

from mercato.core.jobs import DEFAULT_RETRY, list_jobs, run_worker, task
from mercato.server.cli import main

BIN = Path(sys.executable).parent

pytestmark = pytest.mark.usefixtures("empty_jobs")


class Boom(Exception):
    pass


@task(name="tests.record")
def record_job(*, value: str) -> str:
    return value


@task(
    name="tests.always_fails", retry=RetryStrategy(max_attempts=2, exponential_wait=30)
)
def always_fails_job(*, reason: str) -> None:
    raise Boom(reason)


@task(name="tests.defer_then_fail", retry=False)
def defer_then_fail_job() -> None:
    record_job.defer(value="written by a job that failed")
    raise Boom("after deferring")


def run_due_jobs() -> None:
    run_worker(concurrency=1, wait=False, handle_signals=False)


def job_row(job_id: int) -> ProcrastinateJob:
    return ProcrastinateJob.objects.get(id=job_id)


def make_due(job_id: int) -> None:
    """Skip the backoff wait (the models are read-only, hence SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s",
            [job_id],
        )


def test_deferring_in_a_rolled_back_transaction_enqueues_nothing() -> None:
    with pytest.raises(Boom), transaction.atomic():
        record_job.defer(value="never")
        raise Boom("the change failed")
    assert not ProcrastinateJob.objects.exists()


def test_deferring_in_a_committed_transaction_enqueues_the_job() -> None:
    with transaction.atomic():
        job_id = record_job.defer(value="kept")
        # Not visible to a worker before the commit: another connection sees nothing.
        assert _count_from_another_connection() == 0
    assert _count_from_another_connection() == 1
    job = job_row(job_id)
    assert (job.task_name, job.status, job.args) == (
        "tests.record",
        "todo",
        {"value": "kept"},
    )
    run_due_jobs()
    # Done: succeeded jobs are deleted (their arguments may hold secrets).
    assert not ProcrastinateJob.objects.filter(id=job_id).exists()


def _count_from_another_connection() -> int:
    import psycopg
    from procrastinate.contrib.django import connector_params

    with psycopg.connect(**connector_params()) as other:
        row = other.execute("SELECT count(*) FROM procrastinate_jobs").fetchone()
    assert row is not None
    return int(row[0])


def test_a_job_runs_in_its_own_transaction() -> None:
    """What a failing job deferred is rolled back with it."""
    defer_then_fail_job.defer()
    run_due_jobs()
    assert list(ProcrastinateJob.objects.values_list("task_name", "status")) == [
        ("tests.defer_then_fail", "failed")
    ]


def test_default_retry_backs_off_exponentially() -> None:
    job = Job(id=1, queue="default", lock=None, queueing_lock=None, task_name="t")
    waits = []
    for attempts in range(6):
        decision = DEFAULT_RETRY.get_retry_decision(
            exception=Boom(), job=job.evolve(attempts=attempts)
        )
        waits.append(
            None
            if decision is None or decision.retry_at is None
            else round((decision.retry_at - timezone.now()).total_seconds())
        )
    assert waits == [4, 16, 64, 256, 1024, None]


def test_failing_job_is_retried_with_backoff_then_listed_and_retried(
    capsys: pytest.CaptureFixture[str],
) -> None:
    job_id = always_fails_job.defer(reason="provider down")

    run_due_jobs()
    first = job_row(job_id)
    assert (first.status, first.attempts) == ("todo", 1)
    assert _seconds_until(first.scheduled_at) == pytest.approx(30, abs=5)

    make_due(job_id)
    run_due_jobs()
    second = job_row(job_id)
    assert (second.status, second.attempts) == ("todo", 2)
    assert _seconds_until(second.scheduled_at) == pytest.approx(900, abs=5)

    make_due(job_id)
    run_due_jobs()
    assert (job_row(job_id).status, job_row(job_id).attempts) == ("failed", 3)

    [listed] = list_jobs()
    assert (listed.id, listed.task_name, listed.attempts) == (
        job_id,
        "tests.always_fails",
        3,
    )
    assert listed.last_error_at is not None
    assert timezone.now() - listed.last_error_at < timedelta(minutes=1)

    assert main(["jobs"]) == 0
    out = capsys.readouterr().out
    assert "failed: 1" in out
    [line] = [line for line in out.splitlines() if line.startswith(str(job_id))]
    assert line.split()[:4] == [str(job_id), "tests.always_fails", "failed", "3"]
    assert listed.last_error_at.strftime("%Y-%m-%d %H:%M") in line

    assert main(["jobs", "--retry", str(job_id)]) == 0
    assert job_row(job_id).status == "todo"
    assert main(["jobs", "--retry", str(job_id)]) == 1
    assert "only failed jobs can be retried" in capsys.readouterr().err
    assert main(["jobs", "--retry", "999999"]) == 1


def _seconds_until(moment: Any) -> float:
    assert moment is not None
    return float((moment - timezone.now()).total_seconds())


def test_jobs_lists_by_status_and_task(capsys: pytest.CaptureFixture[str]) -> None:
    record_job.defer(value="a")
    always_fails_job.defer(reason="b")
    assert main(["jobs", "--status", "todo", "--task", "tests.record"]) == 0
    out = capsys.readouterr().out
    assert "todo: 2" in out
    assert "tests.record" in out
    assert "tests.always_fails" not in out
    assert [job.task_name for job in list_jobs(status=None)] == [
        "tests.always_fails",
        "tests.record",
    ]


@pytest.mark.parametrize("command", ["worker", "jobs"])
def test_help(command: str) -> None:
    result = subprocess.run(
        [str(BIN / "mercato"), command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"usage: mercato {command}" in result.stdout
