"""Report jobs: start a heavy export in the background, run it with progress, serve its file.

An app registers a report in REPORTS: a dotted path to ``build(*, parameters, file_format,
progress) -> (file name, bytes)``, a pure-ish function that reads through selectors and calls
``progress(done, total)`` as it goes (``progress(done, total, "lines fitted")`` names what is
counted when it is not rows). ``report_job_start`` records the job and enqueues it
(refused readably when the queue is down, leaving no job behind); ``report_job_run`` is what the
Celery task does: it runs a queued or interrupted job, never a finished one, and stores either
the file or the error.
"""

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from config.errors import DomainError
from config.models import ReportJob

REPORTS: dict[str, str] = {
    "oee_daily": "analytics.oee.reports.oee_daily_report",
    # Not an export but the same kind of heavy job: fit every line's forecast (or one line's),
    # progress per line fitted; its file is the outcome per line.
    "oee_refit": "analytics.oee.reports.forecast_refit_report",
    # The order map's heavy questions (a long heatmap that reads every order, a city-wide grid):
    # the synchronous endpoint's answer as JSON, or one CSV row per cell.
    "geo_heatmap": "analytics.geo.reports.heatmap_report",
    "geo_coverage": "analytics.geo.reports.coverage_report",
}
# Besides the job's owner, who may follow and download any job (superusers hold every perm).
VIEW_ANY_JOB_PERMISSION = "partline.view_reportjob"


def report_job_start(
    *, kind: str, parameters: dict[str, Any], file_format: str, user: Any
) -> ReportJob:
    """Record a job and send it to the workers; the job row exists before the task can run."""
    from config.tasks import enqueue, run_report_task

    if kind not in REPORTS:
        raise DomainError({"kind": [f"Unknown report '{kind}'."]})
    if file_format not in ReportJob.Format.values:
        known = ", ".join(ReportJob.Format.values)
        raise DomainError({"file_format": [f"Unknown format '{file_format}': one of {known}."]})
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            parameters=parameters,
            file_format=file_format,
            created_by=user if getattr(user, "pk", None) else None,
        )
    try:
        result = enqueue(run_report_task, job.pk)
    except DomainError:
        job.delete()  # nothing was started: leave no queued job that never runs
        raise
    ReportJob.objects.filter(pk=job.pk).update(task_id=result.id or "")
    job.refresh_from_db()
    return job


def _progress_writer(job_id: int) -> Callable[..., None]:
    last = {"percent": -1}

    def progress(done: int, total: int, counted: str = "rows") -> None:
        percent = min(99, int(done * 100 / total)) if total else 99
        if percent != last["percent"]:
            last["percent"] = percent
            ReportJob.objects.filter(pk=job_id).update(
                progress=percent, message=f"{done:,} of {total:,} {counted}"[:200]
            )

    return progress


def report_job_run(*, job_id: int) -> ReportJob:
    """Run the job unless it has finished already (a redelivered task changes nothing)."""
    job = ReportJob.objects.get(pk=job_id)
    if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
        return job
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    try:
        build = import_string(REPORTS[job.kind])
        name, content = build(
            parameters=job.parameters,
            file_format=job.file_format,
            progress=_progress_writer(job_id),
        )
    except DatabaseError:
        raise  # the database hiccuped: the task retries with backoff
    except Exception as exc:  # the job shows why it failed; the task does not retry a bug
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        return ReportJob.objects.get(pk=job_id)
    job.refresh_from_db()
    job.result.save(name, ContentFile(content), save=False)
    job.status, job.progress, job.finished_at = ReportJob.Status.DONE, 100, timezone.now()
    job.message = f"{name} ready"
    job.save(update_fields=["result", "status", "progress", "finished_at", "message"])
    return job


def report_job_for(*, job_id: int, user: Any) -> ReportJob | None:
    """The job if this user started it or may view any job (superusers may); None otherwise,
    for the page and the API alike (a job of someone else is answered as not found)."""
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None or not (
        user.is_superuser
        or (job.created_by_id is not None and job.created_by_id == user.pk)
        or user.has_perm(VIEW_ANY_JOB_PERMISSION)
    ):
        return None
    return job


def report_job_state(job: ReportJob, *, download_url: str) -> dict[str, Any]:
    """What the progress bar (and an API client polling the job) needs."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "download": download_url if job.status == ReportJob.Status.DONE else None,
    }
