"""The check of every stock balance against the ledger, recorded once per run."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from warehouse.models import StockVerification
from warehouse.selectors import stock_ledger_mismatches


def stock_verify(*, triggered_by: str = "schedule", job_id: str | None = None) -> StockVerification:
    """Recompute every balance from the ledger and record the result (which /metrics exports).

    With a ``job_id`` (the Celery task id) the result is written once per job: a task that is
    redelivered after its worker died having already written returns the stored result.
    """
    if job_id:
        existing = StockVerification.objects.filter(job_id=job_id).first()
        if existing is not None:
            return existing
    started_at = timezone.now()
    checked, mismatches = stock_ledger_mismatches()
    try:
        with transaction.atomic():
            return StockVerification.objects.create(
                started_at=started_at,
                finished_at=timezone.now(),
                levels_checked=checked,
                mismatch_count=len(mismatches),
                mismatches=mismatches[:500],
                triggered_by=triggered_by,
                job_id=job_id or None,
            )
    except IntegrityError:
        # Two deliveries of one job raced; the other wrote first.
        return StockVerification.objects.get(job_id=job_id)
