"""Celery tasks of the warehouse: the nightly check of stock balances against the ledger."""

from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError

from warehouse.services import stock_verify


@shared_task(
    bind=True,
    name="warehouse.verify_stock",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def verify_stock_task(self: Task, triggered_by: str = "schedule") -> dict[str, Any]:
    """Recompute balances from the ledger and record the result, once per task id: a
    redelivered task (its worker died before acknowledging) returns the stored result."""
    verification = stock_verify(triggered_by=triggered_by, job_id=self.request.id)
    return {
        "verification_id": verification.pk,
        "levels_checked": verification.levels_checked,
        "mismatch_count": verification.mismatch_count,
    }
