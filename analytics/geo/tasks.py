"""Celery tasks of the order map: thin wrappers around refresh_data, retried with backoff."""

from celery import shared_task

from analytics.geo.errors import SourceUnavailable
from analytics.geo.models import DataSource, RefreshRun


class _RunFailed(Exception):
    """The source was unavailable: retry later (the failed run is recorded already)."""


@shared_task(
    name="analytics.geo.refresh_source",
    autoretry_for=(_RunFailed,),
    retry_backoff=60,
    retry_backoff_max=900,
    max_retries=3,
)
def refresh_source(source_id: int, full: bool = False) -> int | None:
    from analytics.geo.refresh import refresh_data

    source = DataSource.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return None
    run = refresh_data(kind=source.kind, source=source, full=full)
    if run.status == RefreshRun.Status.FAILED and SourceUnavailable.__name__ in run.summary.get(
        "error_type", ""
    ):
        raise _RunFailed(run.error)
    return run.pk


@shared_task(name="analytics.geo.refresh_kind")
def refresh_kind(kind: str) -> list[int]:
    """Beat entry point: queue a refresh of every enabled source of one kind; their ids."""
    source_ids = list(
        DataSource.objects.filter(kind=kind, enabled=True).values_list("pk", flat=True)
    )
    for source_id in source_ids:
        refresh_source.delay(source_id)
    return source_ids


@shared_task(name="analytics.geo.create_order_partitions")
def create_order_partitions(ahead: int | None = None) -> list[str]:
    """Beat entry point (daily): the orders table's partitions for this month and the next ones.

    PostgreSQL only (a no-op elsewhere); the names of the partitions created.
    """
    from django.db import transaction

    from analytics.geo import partitions

    with transaction.atomic():
        return partitions.create_ahead(ahead=partitions.AHEAD_MONTHS if ahead is None else ahead)
