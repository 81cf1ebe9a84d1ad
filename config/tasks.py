"""Enqueue background jobs so that a broker outage is a readable refusal, never a 500.

Views, admin actions and commands call ``enqueue(task, ...)`` instead of ``task.delay(...)``.
When the broker (Redis) cannot be reached the job is refused at once with
``BackgroundJobUnavailable`` — a ValidationError the API turns into a 503 with its message —
while everything that does not need a background job (posting documents, pages, the API) keeps
working. With CELERY_TASK_ALWAYS_EAGER the task runs in-process as before.
"""

import logging
from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError
from kombu.exceptions import OperationalError as KombuOperationalError

from config.errors import UnavailableError

logger = logging.getLogger("partline.tasks")

# Errors that mean "the broker is not there"; anything else is a bug and should surface.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, ConnectionError, OSError)


class BackgroundJobUnavailable(UnavailableError):
    """The job queue cannot take the job now; nothing was started and nothing was changed."""

    http_status = 503


def _label(task: Task) -> str:
    doc = (task.__doc__ or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else task.name


def enqueue(task: Task, *args: Any, **kwargs: Any) -> Any:
    """Send ``task`` to the broker (or run it eagerly); refuse readably if the broker is down."""
    try:
        # retry=False: fail at once instead of blocking the request while kombu retries.
        return task.apply_async(args=args, kwargs=kwargs, retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("Could not enqueue %s: %s: %s", task.name, type(exc).__name__, exc)
        raise BackgroundJobUnavailable(
            f"Cannot start “{_label(task)}” now: the background job queue is unreachable. "
            "Nothing was started or changed; try again in a few minutes, or tell the operators "
            "(see /health/detailed)."
        ) from exc


@shared_task(
    bind=True,
    name="partline.run_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def run_report_task(self: Task, job_id: int) -> dict[str, Any]:
    """Build a report file in the background."""
    from config.reports import report_job_run

    job = report_job_run(job_id=job_id)
    return {"job": job.pk, "status": job.status}
