"""OEE reads: period aggregates as ratios of sums in SQL, line cards, the loss Pareto.

Aggregates (a line over a week, the plant over a day) sum seconds and counts in SQL and take the
ratios of the sums (``analytics.oee.compute.ratios_from_sums``), so performance is weighted by
ideal time. Flagged days are left out of every aggregate and counted instead; a single line's
single day is shown with its figures as reported, flagged.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from analytics.oee.choices import LossCategory, OeeFlag
from analytics.oee.compute import OeeSums, ratios_from_sums, teep
from analytics.oee.models import (
    DowntimeEvent,
    ForecastModel,
    OeeDaily,
    Prediction,
    ProductionLine,
)
from config.errors import DomainError

PERIOD = {"week": TruncWeek("date"), "month": TruncMonth("date")}
MAX_RANGE_DAYS = 3 * 366
WORLD_CLASS_OEE = Decimal("0.85")


def oee_period(
    *, date_from: date | None, date_to: date | None, default_days: int = 30
) -> tuple[date, date]:
    """The range a page or an API call asks for: defaults to the last ``default_days`` days up to
    today; refused (naming `from`) when it runs backwards or spans more than three years."""
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to - timedelta(days=default_days - 1)
    if date_from > date_to:
        raise DomainError({"from": ["`from` must not be after `to`."]})
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise DomainError({"from": [f"The range may span at most {MAX_RANGE_DAYS} days."]})
    return date_from, date_to


def _sums(row: dict[str, Any]) -> OeeSums:
    return OeeSums(
        planned_seconds=Decimal(row["planned"] or 0),
        run_seconds=Decimal(row["run"] or 0),
        ideal_seconds=Decimal(str(row["ideal"] or 0)),
        total_count=Decimal(row["total"] or 0),
        good_count=Decimal(row["good"] or 0),
    )


SUMS = {
    "planned": Sum("planned_seconds", filter=Q(is_flagged=False)),
    "run": Sum("run_seconds", filter=Q(is_flagged=False)),
    "ideal": Sum("ideal_seconds", filter=Q(is_flagged=False)),
    "total": Sum("total_count", filter=Q(is_flagged=False)),
    "good": Sum("good_count", filter=Q(is_flagged=False)),
    "days": Count("id", filter=Q(is_flagged=False)),
    "flagged_days": Count("id", filter=Q(is_flagged=True)),
}


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _ratios(sums: OeeSums, days: int) -> dict[str, float | None]:
    """Ratios of the sums; with no unflagged day there is nothing to show (None, not 0 %)."""
    if not days:
        return dict.fromkeys(("availability", "performance", "quality", "oee"))
    ratios = ratios_from_sums(sums)
    return {
        "availability": _as_float(ratios.availability),
        "performance": _as_float(ratios.performance),
        "quality": _as_float(ratios.quality),
        "oee": _as_float(ratios.oee),
    }


def _days(*, line: ProductionLine | None, date_from: date, date_to: date) -> Any:
    days = OeeDaily.objects.filter(date__gte=date_from, date__lte=date_to)
    return days.filter(line=line) if line is not None else days


def oee_series(
    *,
    line: ProductionLine | None = None,
    date_from: date,
    date_to: date,
    granularity: str = "day",
) -> list[dict[str, Any]]:
    """One row per period: ratios of sums over the unflagged days of the line (or the plant),
    the summed seconds, and the flags of the days left out. Two queries."""
    days = _days(line=line, date_from=date_from, date_to=date_to)
    period = PERIOD.get(granularity)
    grouped = days.annotate(period=period if period is not None else F("date"))
    rows = grouped.values("period").annotate(**SUMS).order_by("period")
    flagged: dict[date, list[OeeDaily]] = {}
    for day in days.filter(is_flagged=True).order_by("date"):
        start = day.date if period is None else _period_start(day.date, granularity)
        flagged.setdefault(start, []).append(day)
    results = []
    for row in rows:
        start = row["period"].date() if hasattr(row["period"], "date") else row["period"]
        left_out = flagged.get(start, [])
        sums = _sums(row)
        entry = {
            "line": line.code if line is not None else None,
            "period_start": start,
            **_ratios(sums, row["days"]),
            "planned_seconds": int(sums.planned_seconds),
            "run_seconds": int(sums.run_seconds),
            "days": row["days"],
            "flagged_days": row["flagged_days"],
            "flags": sorted({flag for day in left_out for flag in day.flags}),
        }
        if line is not None and period is None and left_out and not row["days"]:
            # A line's flagged day is shown as reported, never as 0 % and never capped.
            day = left_out[0]
            entry.update(
                availability=_as_float(day.availability),
                performance=_as_float(day.performance),
                quality=_as_float(day.quality),
                oee=_as_float(day.oee),
                planned_seconds=day.planned_seconds,
                run_seconds=day.run_seconds,
            )
        results.append(entry)
    return results


def _period_start(day: date, granularity: str) -> date:
    if granularity == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    return day.replace(day=1)


def line_cards(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """One card per active line over the range, plus the plant: A, P, Q, OEE (ratios of sums
    over unflagged days), the target, the world-class mark, and the flagged-day count."""
    rows = {
        row["line_id"]: row
        for row in OeeDaily.objects.filter(date__gte=date_from, date__lte=date_to)
        .values("line_id")
        .annotate(**SUMS)
    }
    cards = []
    calendar_seconds = Decimal(((date_to - date_from).days + 1) * 86400)
    for line in ProductionLine.objects.filter(is_active=True).order_by("code"):
        row = rows.get(line.pk)
        sums = _sums(row) if row else OeeSums(*(Decimal(0),) * 5)
        ratios = _ratios(sums, row["days"] if row else 0)
        total_effective = teep(
            None if ratios["oee"] is None else Decimal(str(ratios["oee"])),
            planned_seconds=sums.planned_seconds,
            calendar_seconds=calendar_seconds,
        )
        cards.append(
            {
                "line": line,
                **ratios,
                "teep": _as_float(total_effective),
                "target": float(line.oee_target),
                "world_class": float(WORLD_CLASS_OEE),
                "days": row["days"] if row else 0,
                "flagged_days": row["flagged_days"] if row else 0,
            }
        )
    return cards


def plant_summary(*, date_from: date, date_to: date) -> dict[str, Any]:
    """The plant over the range: ratio of the sums of every line's unflagged days."""
    row = _days(line=None, date_from=date_from, date_to=date_to).aggregate(**SUMS)
    return {
        **_ratios(_sums(row), row["days"]),
        "days": row["days"],
        "flagged_days": row["flagged_days"],
    }


def loss_pareto(
    *, line: ProductionLine | None = None, date_from: date, date_to: date
) -> dict[str, Any]:
    """Minutes lost per loss category and per reason, largest first (a Pareto), with the
    cumulative share; planned downtime is listed apart (it is outside planned busy time)."""
    events = DowntimeEvent.objects.filter(day__gte=date_from, day__lte=date_to)
    if line is not None:
        events = events.filter(line=line)
    rows = list(
        events.values("category", "reason").annotate(seconds=Sum("seconds"), events=Count("id"))
    )
    categories: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = categories.setdefault(
            row["category"],
            {"category": row["category"], "minutes": 0.0, "events": 0, "reasons": []},
        )
        minutes = row["seconds"] / 60
        entry["minutes"] += minutes
        entry["events"] += row["events"]
        entry["reasons"].append(
            {"reason": row["reason"], "minutes": round(minutes, 1), "events": row["events"]}
        )
    labels = dict(LossCategory.choices)
    planned = categories.pop(LossCategory.PLANNED, None)
    losses = sorted(categories.values(), key=lambda entry: -entry["minutes"])
    total = sum(entry["minutes"] for entry in losses)
    running = 0.0
    for entry in losses:
        running += entry["minutes"]
        entry["label"] = labels[entry["category"]]
        entry["minutes"] = round(entry["minutes"], 1)
        entry["cumulative_share"] = round(running / total, 4) if total else 0.0
        entry["reasons"].sort(key=lambda reason: -reason["minutes"])
    return {
        "line": line.code if line is not None else None,
        "from": date_from,
        "to": date_to,
        "total_minutes": round(total, 1),
        "categories": losses,
        "planned_minutes": round(planned["minutes"], 1) if planned else 0.0,
    }


def flag_labels() -> dict[str, str]:
    return dict(OeeFlag.choices)


def current_model(*, line: ProductionLine) -> ForecastModel | None:
    return ForecastModel.objects.filter(line=line, is_current=True).order_by("-fitted_at").first()


def _model_summary(model: ForecastModel) -> dict[str, Any]:
    return {
        "method": model.method,
        "note": model.note,
        "fitted_at": model.fitted_at,
        "train_from": model.train_from,
        "train_to": model.train_to,
        "training_days": model.training_days,
        "left_out_days": model.left_out_days,
        "backtest": model.backtest,
    }


def line_forecast(*, line: ProductionLine, horizon: int = 30) -> dict[str, Any] | None:
    """The current model's stored predictions for the next ``horizon`` production days."""
    model = current_model(line=line)
    if model is None:
        return None
    predictions = model.predictions.order_by("target_date")[:horizon]
    return {
        "line": line.code,
        "model": _model_summary(model),
        "results": [
            {
                "date": p.target_date,
                "value": p.value,
                "lower80": p.lower80,
                "upper80": p.upper80,
                "lower95": p.lower95,
                "upper95": p.upper95,
            }
            for p in predictions
        ],
    }


def live_accuracy(*, line: ProductionLine, days: int = 30) -> dict[str, Any]:
    """Accuracy over the last ``days`` predicted days whose actual has arrived (for each day, the
    latest prediction made before it), next to what the current model's backtest promised."""
    rows = (
        Prediction.objects.filter(line=line, actual__isnull=False, made_on__lt=F("target_date"))
        .order_by("-target_date", "-made_on")
        .values_list("target_date", "value", "actual", "lower80", "upper80", "lower95", "upper95")
    )
    latest: dict[date, tuple] = {}
    for row in rows.iterator():
        if row[0] not in latest:
            latest[row[0]] = row
            if len(latest) == days:
                break
    picked = list(latest.values())
    count = len(picked)
    model = current_model(line=line)
    promised = {}
    if model is not None:
        scores = model.backtest.get(model.method, {})
        promised = {h: scores[h]["mae"] for h in ("1", "7", "14") if h in scores}
    return {
        "line": line.code,
        "method": model.method if model else None,
        "note": model.note if model else "",
        "days": count,
        "mae": round(sum(abs(r[2] - r[1]) for r in picked) / count, 6) if count else None,
        "inside80": round(sum(r[3] <= r[2] <= r[4] for r in picked) / count, 4) if count else None,
        "inside95": round(sum(r[5] <= r[2] <= r[6] for r in picked) / count, 4) if count else None,
        "backtest_mae": promised,
    }
