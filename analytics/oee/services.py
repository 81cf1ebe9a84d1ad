"""OEE writes: runs, downtime events, bulk ingestion, daily OEE recompute and plant-report import.

Every write that changes a line's figures recomputes the affected ``OeeDaily`` rows in the same
transaction, so late data (a run entered for a past day) is reflected at once. Downtime events
of one line must not overlap: SQLite has no exclusion constraint, so ``downtime_record`` locks the
line row (``select_for_update``; SQLite serialises writers anyway) and then looks for an overlap.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, F, Q, Sum
from django.utils import timezone

from analytics.oee.choices import REASON_CATEGORY, DaySource, LossCategory
from analytics.oee.compute import OeeSums, day_flags, ratios_from_sums, shift_record_problems
from analytics.oee.models import (
    DowntimeEvent,
    LineProduct,
    OeeDaily,
    ProductionLine,
    ProductionRun,
)
from config.errors import ConflictError, DomainError

RATIO_PLACES = Decimal("0.000001")


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


# --- daily OEE --------------------------------------------------------------------------------


def _quantized(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(RATIO_PLACES)


def oee_day_values(sums: OeeSums) -> dict[str, Any]:
    """The stored figures of one day: sums, ratios as reported (uncapped) and flags."""
    ratios = ratios_from_sums(sums)
    flags = day_flags(sums)
    return {
        "planned_seconds": int(sums.planned_seconds),
        "run_seconds": int(sums.run_seconds),
        "ideal_seconds": Decimal(sums.ideal_seconds).quantize(Decimal("0.001")),
        "total_count": int(sums.total_count),
        "good_count": int(sums.good_count),
        "availability": _quantized(ratios.availability),
        "performance": _quantized(ratios.performance),
        "quality": _quantized(ratios.quality),
        "oee": _quantized(ratios.oee),
        "flags": flags,
        "is_flagged": bool(flags),
    }


def _run_sums(runs: Any) -> Any:
    return runs.values("line_id", "day").annotate(
        planned=Sum("planned_seconds"),
        run=Sum("run_seconds"),
        ideal=Sum(
            F("ideal_cycle_seconds") * F("total_count"),
            output_field=DecimalField(max_digits=20, decimal_places=3),
        ),
        total=Sum("total_count"),
        good=Sum("good_count"),
    )


def _recompute(run_filter: Q, downtime_filter: Q, day_filter: Q) -> int:
    sums = {
        (row["line_id"], row["day"]): row
        for row in _run_sums(ProductionRun.objects.filter(run_filter))
    }
    downtime = {
        (row["line_id"], row["day"]): row["seconds"]
        for row in DowntimeEvent.objects.filter(downtime_filter)
        .exclude(category=LossCategory.PLANNED)
        .values("line_id", "day")
        .annotate(seconds=Sum("seconds"))
    }
    existing = {(row.line_id, row.date): row for row in OeeDaily.objects.filter(day_filter)}
    to_create, to_update, to_delete = [], [], []
    for key in set(sums) | set(downtime) | set(existing):
        row = existing.get(key)
        if key not in sums:
            if row is None:
                continue
            if row.source == DaySource.IMPORT:
                # An imported report stands until runs arrive for its day.
                row.downtime_seconds = downtime.get(key, 0)
                to_update.append(row)
                continue
            if key not in downtime:
                to_delete.append(row.pk)
                continue
        found = sums.get(key, {})
        values = oee_day_values(
            OeeSums(
                planned_seconds=Decimal(found.get("planned") or 0),
                run_seconds=Decimal(found.get("run") or 0),
                ideal_seconds=Decimal(str(found.get("ideal") or 0)),
                total_count=Decimal(found.get("total") or 0),
                good_count=Decimal(found.get("good") or 0),
            )
        )
        values.update(source=DaySource.RUNS, downtime_seconds=downtime.get(key, 0), reported={})
        if row is None:
            to_create.append(OeeDaily(line_id=key[0], date=key[1], **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    OeeDaily.objects.filter(pk__in=to_delete).delete()
    OeeDaily.objects.bulk_create(to_create, batch_size=1000)
    OeeDaily.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=1000)
    return len(to_create) + len(to_update) + len(to_delete)


UPDATED_FIELDS = [
    "source",
    "planned_seconds",
    "run_seconds",
    "ideal_seconds",
    "total_count",
    "good_count",
    "downtime_seconds",
    "availability",
    "performance",
    "quality",
    "oee",
    "flags",
    "is_flagged",
    "reported",
]


@transaction.atomic
def oee_daily_recompute(*, line: ProductionLine, dates: Iterable[date]) -> int:
    """Bring the line's OeeDaily rows for ``dates`` in line with its runs and downtime."""
    dates = sorted(set(dates))
    return _recompute(
        Q(line_id=line.pk, day__in=dates),
        Q(line_id=line.pk, day__in=dates),
        Q(line_id=line.pk, date__in=dates),
    )


@transaction.atomic
def oee_daily_recompute_range(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    line: ProductionLine | None = None,
) -> int:
    """Recompute every OeeDaily row in a date range (all lines, or one); returns rows touched."""
    run_filter, day_filter = Q(), Q()
    if line is not None:
        run_filter &= Q(line_id=line.pk)
        day_filter &= Q(line_id=line.pk)
    if date_from is not None:
        run_filter &= Q(day__gte=date_from)
        day_filter &= Q(date__gte=date_from)
    if date_to is not None:
        run_filter &= Q(day__lte=date_to)
        day_filter &= Q(date__lte=date_to)
    return _recompute(run_filter, run_filter, day_filter)


# --- import of plant reports ------------------------------------------------------------------


@dataclass
class ImportSummary:
    loaded: int = 0
    unchanged: int = 0
    updated: int = 0
    lines_created: list[str] = field(default_factory=list)
    flagged: dict[str, int] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)


@transaction.atomic
def oee_daily_import(*, rows: list[Mapping[str, Any]]) -> ImportSummary:
    """Store well-formed plant-report rows as OeeDaily (source import), flagged where impossible.

    Each row: line (code), date, planned_seconds, run_seconds, total_count, good_count,
    ideal_cycle_seconds, reported ({name: ratio} the report stated), row_number. Re-importing
    the same rows changes nothing; a row whose stated ratios differ from the recomputed ones by
    more than 0.001 is listed in ``disagreements``.
    """
    summary = ImportSummary()
    codes = sorted({row["line"] for row in rows})
    lines = {line.code: line for line in ProductionLine.objects.filter(code__in=codes)}
    for code in codes:
        if code not in lines:
            lines[code] = ProductionLine.objects.create(code=code, name=code)
            summary.lines_created.append(code)
    existing = {
        (row.line_id, row.date): row
        for row in OeeDaily.objects.filter(
            line__in=lines.values(), date__in={row["date"] for row in rows}
        )
    }
    to_create, to_update = [], []
    for row in rows:
        line = lines[row["line"]]
        values = oee_day_values(
            OeeSums(
                planned_seconds=Decimal(row["planned_seconds"]),
                run_seconds=Decimal(row["run_seconds"]),
                ideal_seconds=Decimal(row["ideal_cycle_seconds"]) * Decimal(row["total_count"]),
                total_count=Decimal(row["total_count"]),
                good_count=Decimal(row["good_count"]),
            )
        )
        values.update(source=DaySource.IMPORT, reported=row.get("reported") or {})
        for flag in values["flags"]:
            summary.flagged[flag] = summary.flagged.get(flag, 0) + 1
        for name, stated in values["reported"].items():
            computed = values[name]
            if computed is None or abs(Decimal(stated) - computed) > Decimal("0.001"):
                summary.disagreements.append(
                    f"Row {row['row_number']}: {name} stated {stated}, computed "
                    f"{'none' if computed is None else round(computed, 4)}."
                )
        current = existing.get((line.pk, row["date"]))
        if current is None:
            to_create.append(OeeDaily(line=line, date=row["date"], **values))
            summary.loaded += 1
        elif all(getattr(current, name) == value for name, value in values.items()):
            summary.unchanged += 1
        else:
            for name, value in values.items():
                setattr(current, name, value)
            to_update.append(current)
            summary.updated += 1
    OeeDaily.objects.bulk_create(to_create, batch_size=1000)
    OeeDaily.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=1000)
    return summary


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
