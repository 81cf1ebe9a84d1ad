"""Records of what happened on a line: runs and downtime events, one at a time or in bulk.

Every write recomputes the affected ``OeeDaily`` rows in the same transaction, so late data (a
run entered for a past day) is reflected at once. Downtime events of one line must not overlap:
SQLite has no exclusion constraint, so ``downtime_record`` locks the line row
(``select_for_update``; SQLite serialises writers anyway) and then looks for an overlap.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.oee.choices import REASON_CATEGORY
from analytics.oee.compute import shift_record_problems
from analytics.oee.models import (
    DowntimeEvent,
    LineProduct,
    ProductionLine,
    ProductionRun,
)
from analytics.oee.services.daily import oee_daily_recompute
from config.errors import ConflictError, DomainError


class OeeRecordError(DomainError):
    """A shift record or downtime event that cannot be true; the message names the field."""


class DowntimeOverlapError(ConflictError):
    """A downtime event overlapping another on the same line; the message names both."""


class BulkRejected(DomainError):
    """A bulk ingestion refused whole: ``items`` maps each refused item's index to its errors."""

    def __init__(self, item_errors: Mapping[int, Any], total: int) -> None:
        super().__init__(
            f"{len(item_errors)} of {total} items refused; nothing was recorded. "
            "Correct the items listed by index and send the whole list again."
        )
        self.item_errors = {str(index): errors for index, errors in sorted(item_errors.items())}

    def extra_body(self) -> dict[str, Any]:
        return {"items": self.item_errors}


def _day_of(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _lock_line(line: ProductionLine) -> ProductionLine:
    return ProductionLine.objects.select_for_update().get(pk=line.pk)


def _error_messages(exc: DomainError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


# --- runs -------------------------------------------------------------------------------------


def _run_create(
    *,
    line: ProductionLine,
    part: Any,
    shift_start: datetime,
    shift_end: datetime,
    planned_seconds: int,
    run_seconds: int,
    total_count: int,
    good_count: int,
    reject_count: int = 0,
    rework_count: int = 0,
) -> ProductionRun:
    product = LineProduct.objects.filter(line=line, part=part).first()
    if product is None:
        raise OeeRecordError({"part": [f"Line {line.code} does not build {part}."]})
    if shift_end <= shift_start:
        raise OeeRecordError({"shift_end": ["The shift must end after it starts."]})
    problems = shift_record_problems(
        planned_seconds=planned_seconds,
        run_seconds=run_seconds,
        ideal_cycle_seconds=product.ideal_cycle_seconds,
        produced=total_count,
        good=good_count,
    )
    shift_seconds = (shift_end - shift_start).total_seconds()
    if "planned_seconds" not in problems and planned_seconds > shift_seconds:
        problems["planned_seconds"] = (
            f"Planned busy time: {planned_seconds} s is longer than the shift "
            f"({int(shift_seconds)} s)."
        )
    for name, value in (("reject_count", reject_count), ("rework_count", rework_count)):
        if value < 0:
            problems[name] = f"{name.replace('_', ' ').capitalize()}: {value} is negative."
    if problems:
        raise OeeRecordError({name: [message] for name, message in problems.items()})
    if ProductionRun.objects.filter(line=line, product=product, shift_start=shift_start).exists():
        raise OeeRecordError(
            {"shift_start": [f"{line.code} already has a run of {part} starting {shift_start}."]}
        )
    return ProductionRun.objects.create(
        line=line,
        product=product,
        shift_start=shift_start,
        shift_end=shift_end,
        day=_day_of(shift_start),
        planned_seconds=planned_seconds,
        run_seconds=run_seconds,
        ideal_cycle_seconds=product.ideal_cycle_seconds,
        total_count=total_count,
        good_count=good_count,
        reject_count=reject_count,
        rework_count=rework_count,
    )


@transaction.atomic
def run_record(*, line: ProductionLine, part: Any, **figures: Any) -> ProductionRun:
    """Record one shift of ``part`` on ``line`` and recompute that day; refuse the impossible.

    ``figures``: shift_start, shift_end, planned_seconds, run_seconds, total_count, good_count,
    and optionally reject_count, rework_count.
    """
    run = _run_create(line=line, part=part, **figures)
    oee_daily_recompute(line=run.line, dates=[run.day])
    return run


# --- downtime ---------------------------------------------------------------------------------


def _downtime_create(
    *, line: ProductionLine, start: datetime, end: datetime, reason: str, note: str = ""
) -> DowntimeEvent:
    if end <= start:
        raise OeeRecordError({"end": ["A downtime event must end after it starts."]})
    if reason not in REASON_CATEGORY:
        raise OeeRecordError({"reason": [f"'{reason}' is not a known downtime reason."]})
    _lock_line(line)
    clash = (
        DowntimeEvent.objects.filter(line=line, start__lt=end, end__gt=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise DowntimeOverlapError(
            f"Downtime on {line.code} from {start:%Y-%m-%d %H:%M} to {end:%H:%M} ({reason}) "
            f"overlaps event #{clash.pk} from {clash.start:%Y-%m-%d %H:%M} to "
            f"{clash.end:%H:%M} ({clash.reason})."
        )
    return DowntimeEvent.objects.create(
        line=line,
        start=start,
        end=end,
        day=_day_of(start),
        seconds=int((end - start).total_seconds()),
        reason=reason,
        category=REASON_CATEGORY[reason],
        note=note,
    )


@transaction.atomic
def downtime_record(
    *, line: ProductionLine, start: datetime, end: datetime, reason: str, note: str = ""
) -> DowntimeEvent:
    """Record a downtime event and recompute its day; an overlap on the line is refused."""
    event = _downtime_create(line=line, start=start, end=end, reason=reason, note=note)
    oee_daily_recompute(line=line, dates=[event.day])
    return event


# --- bulk ingestion ---------------------------------------------------------------------------


def _bulk(items: list[Mapping[str, Any]], create: Any) -> list[Any]:
    """Create every item or none: errors are collected per index, then everything rolls back."""
    if not items:
        raise OeeRecordError("Send a list with at least one item.")
    created, errors = [], {}
    with transaction.atomic():
        for index, item in enumerate(items):
            try:
                with transaction.atomic():
                    created.append(create(**item))
            except DomainError as refused:
                errors[index] = _error_messages(refused)
        if errors:
            raise BulkRejected(errors, total=len(items))
        days: dict[int, set[date]] = {}
        for obj in created:
            days.setdefault(obj.line_id, set()).add(obj.day)
        for line_id, dates in days.items():
            oee_daily_recompute(line=ProductionLine(pk=line_id), dates=sorted(dates))
    return created


def runs_bulk_record(*, items: list[Mapping[str, Any]]) -> list[ProductionRun]:
    """Record many runs all-or-nothing (machine integrations); errors by item index."""
    return _bulk(items, _run_create)


def downtime_bulk_record(*, items: list[Mapping[str, Any]]) -> list[DowntimeEvent]:
    """Record many downtime events all-or-nothing; overlaps with stored or sent events refused."""
    return _bulk(items, _downtime_create)


@transaction.atomic
def run_delete(*, run: ProductionRun) -> None:
    """Remove a run and recompute its day."""
    line, day = run.line, run.day
    run.delete()
    oee_daily_recompute(line=line, dates=[day])


@transaction.atomic
def downtime_delete(*, event: DowntimeEvent) -> None:
    """Remove a downtime event and recompute its day."""
    line, day = event.line, event.day
    event.delete()
    oee_daily_recompute(line=line, dates=[day])
