"""Celery tasks of the warehouse: the nightly check of stock balances against the ledger."""

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from warehouse.services import stock_verify


@shared_task(
    name="warehouse.verify_stock",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def verify_stock_task() -> dict[str, Any]:
    """Recompute balances from the ledger and record the result (read-only, so safe to rerun)."""
    verification = stock_verify(triggered_by="schedule")
    return {
        "verification_id": verification.pk,
        "levels_checked": verification.levels_checked,
        "mismatch_count": verification.mismatch_count,
    }
