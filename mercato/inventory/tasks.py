"""Inventory jobs: clearing reservations whose time is up."""

from __future__ import annotations

from procrastinate.contrib.django import app

from mercato.core.jobs import task
from mercato.inventory.allocation import delete_expired_reservations


@app.periodic(cron="*/10 * * * *", periodic_id="inventory.delete_expired_reservations")
@task(name="inventory.delete_expired_reservations")
def delete_expired_reservations_job(timestamp: int) -> None:
    """Every ten minutes: drop expired reservations (they no longer hold stock,
    this only keeps the table small)."""
    delete_expired_reservations()
