"""Discount jobs: catalogue promotions take effect when their dates come."""

from __future__ import annotations

from procrastinate.contrib.django import app

from mercato.core.jobs import task
from mercato.discount.prices import has_due_promotions, recalculate_discounted_prices


@app.periodic(cron="* * * * *", periodic_id="discount.apply_promotion_dates")
@task(name="discount.apply_promotion_dates")
def apply_promotion_dates_job(timestamp: int) -> None:
    """Every minute: recalculate catalogue prices if a promotion started or ended."""
    if has_due_promotions():
        recalculate_discounted_prices()
