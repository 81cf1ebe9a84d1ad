"""Celery tasks of analytics: the nightly OEE recompute and forecast refresh (thin wrappers)."""

from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError
from django.utils import timezone

from analytics.oee.services import forecast_refresh_all, oee_daily_recompute_range

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(bind=True, name="analytics.compute_oee", **RETRY)
def compute_oee_task(self: Task, days: int = 7) -> dict[str, Any]:
    """Recompute daily OEE for the last days (late data is recomputed when entered; this
    catches anything written around the services). Idempotent."""
    today = timezone.localdate()
    touched = oee_daily_recompute_range(date_from=today - timedelta(days=days), date_to=today)
    return {"touched": touched}


@shared_task(bind=True, name="analytics.forecast_oee", **RETRY)
def forecast_oee_task(self: Task, horizon: int = 30) -> dict[str, str]:
    """Refit OEE forecasts for every active line, as one job with progress."""

    def progress(done: int, total: int, code: str) -> None:
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total, "line": code})

    return forecast_refresh_all(horizon=horizon, progress=progress)
