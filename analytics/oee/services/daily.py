"""Daily OEE: the stored figures of each line's day, recomputed from runs and downtime, or loaded
from an imported plant report (flagged where it cannot be true)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, F, Q, Sum

from analytics.oee.choices import DaySource, LossCategory
from analytics.oee.compute import OeeSums, day_flags, ratios_from_sums
from analytics.oee.models import (
    DowntimeEvent,
    OeeDaily,
    ProductionLine,
    ProductionRun,
)

RATIO_PLACES = Decimal("0.000001")


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
    touched = {line_id for line_id, _ in sums} | {line_id for line_id, _ in existing}
    if touched:
        predictions_fill_actuals(line_ids=touched)
    return len(to_create) + len(to_update) + len(to_delete)


UPDATED_FIELDS = [*OeeDaily.FIGURE_FIELDS, "flags", "is_flagged", "reported"]


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
    predictions_fill_actuals(line_ids=[line.pk for line in lines.values()])
    return summary


def predictions_fill_actuals(*, line_ids: Iterable[int] | None = None) -> int:
    """Give every stored prediction whose day has arrived its actual OEE and error (two UPDATEs).

    A flagged day has no actual (it is left out of accuracy as it is of training); a day
    recomputed later is refilled, so the error always matches the stored day.
    """
    from django.db.models import OuterRef, Subquery

    from analytics.oee.models import Prediction

    predictions = Prediction.objects.all()
    if line_ids is not None:
        predictions = predictions.filter(line_id__in=list(line_ids))
    actual = OeeDaily.objects.filter(
        line_id=OuterRef("line_id"), date=OuterRef("target_date"), is_flagged=False
    ).values("oee")[:1]
    touched = predictions.update(actual=Subquery(actual))
    predictions.filter(actual__isnull=False).update(error=F("actual") - F("value"))
    predictions.filter(actual__isnull=True).update(error=None)
    return touched
