"""Forecast writes: pick a method per line by backtest, store it and its predictions.

Training uses the line's unflagged days with a computed OEE, on production days only (the
calendar's weekdays less its holidays; a line without a calendar runs on the weekdays it has
reported), over the last year. Flagged days are left out and counted on the model.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.oee import forecasting
from analytics.oee.models import ForecastModel, OeeDaily, Prediction, ProductionLine
from analytics.oee.services.daily import predictions_fill_actuals
from config.errors import DomainError
from config.models import ReportJob
from config.reports import report_job_start

TRAINING_DAYS = 365
MAX_HORIZON = 30
# Who may refit forecasts (planners and managers): the page's button and the API check this.
REFIT_PERMISSION = "analytics.add_forecastmodel"


class ForecastUnavailable(DomainError):
    """A line cannot be forecast (too little history); the message says what is missing."""


def production_calendar(line: ProductionLine) -> tuple[set[int], set[date]]:
    """The weekdays the line runs and its holidays."""
    if line.calendar_id:
        weekdays = set(line.calendar.windows.values_list("weekday", flat=True))
        holidays = set(line.calendar.holidays.values_list("date", flat=True))
        if weekdays:
            return weekdays, holidays
    reported = OeeDaily.objects.filter(line=line, planned_seconds__gt=0).values_list(
        "date", flat=True
    )
    return {day.weekday() for day in reported}, set()


def training_series(
    line: ProductionLine, *, until: date
) -> tuple[list[date], list[float], int, set[int], set[date]]:
    """(dates, values, left-out days, weekdays, holidays) of the line's training data."""
    weekdays, holidays = production_calendar(line)
    rows = OeeDaily.objects.filter(
        line=line, date__lte=until, date__gt=until - timedelta(days=TRAINING_DAYS)
    ).order_by("date")
    dates, values, left_out = [], [], 0
    for day, oee, flagged in rows.values_list("date", "oee", "is_flagged"):
        if day.weekday() not in weekdays or day in holidays:
            continue
        if flagged or oee is None:
            left_out += 1
            continue
        dates.append(day)
        values.append(float(oee))
    return dates, values, left_out, weekdays, holidays


@transaction.atomic
def forecast_refresh(
    *,
    line: ProductionLine,
    horizon: int = MAX_HORIZON,
    today: date | None = None,
    methods: Iterable[str] | None = None,
) -> ForecastModel:
    """Backtest the candidates on the line's history, store the chosen model (and its rivals'
    scores) and its predictions for the next ``horizon`` production days."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ForecastUnavailable({"horizon": [f"The horizon must be 1 to {MAX_HORIZON} days."]})
    today = today or timezone.localdate()
    dates, values, left_out, weekdays, holidays = training_series(line, until=today)
    season = forecasting.season_length(dates) if dates else 1
    try:
        choice = forecasting.choose(values, season, methods or forecasting.METHODS)
    except forecasting.NotEnoughHistory as short:
        raise ForecastUnavailable(f"Cannot forecast {line.code}: {short}") from None
    ForecastModel.objects.filter(line=line, is_current=True).update(is_current=False)
    model = ForecastModel.objects.create(
        line=line,
        method=choice.method,
        parameters={"season": season, "weekdays": sorted(weekdays)},
        train_from=dates[0],
        train_to=dates[-1],
        training_days=len(values),
        left_out_days=left_out,
        backtest={
            name: {"failed": result.failed, **{str(h): s for h, s in result.scores.items()}}
            for name, result in choice.backtests.items()
        },
        note=choice.note,
        is_current=True,
    )
    targets = forecasting.next_production_days(dates[-1], horizon, weekdays, holidays)
    rows = forecasting.forecast_with_intervals(values, season, choice, len(targets))
    Prediction.objects.bulk_create(
        Prediction(
            line=line,
            model=model,
            made_on=dates[-1],
            target_date=target,
            horizon=step,
            **row,
        )
        for step, (target, row) in enumerate(zip(targets, rows, strict=True), start=1)
    )
    predictions_fill_actuals(line_ids=[line.pk])
    return model


def forecast_refresh_all(
    *,
    horizon: int = MAX_HORIZON,
    lines: Iterable[ProductionLine] | None = None,
    today: date | None = None,
    progress: Callable[[int, int, str], Any] | None = None,
) -> dict[str, str]:
    """Refresh every active line (one job); a line that cannot be forecast is reported, not
    fatal. ``progress(done, total, line_code)`` is called after each line."""
    chosen = list(lines if lines is not None else ProductionLine.objects.filter(is_active=True))
    outcome: dict[str, str] = {}
    for done, line in enumerate(chosen, start=1):
        try:
            outcome[line.code] = forecast_refresh(line=line, horizon=horizon, today=today).method
        except ForecastUnavailable as refused:
            outcome[line.code] = "skipped: " + " ".join(refused.messages)
        if progress is not None:
            progress(done, len(chosen), line.code)
    return outcome


def forecast_refit_start(
    *, user: Any, line: ProductionLine | None = None, horizon: int = MAX_HORIZON
) -> ReportJob:
    """Start the refit of every active line (or ``line``) as one background ReportJob whose
    progress advances per line fitted; the page and the API both start it here."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ForecastUnavailable({"horizon": [f"The horizon must be 1 to {MAX_HORIZON} days."]})
    return report_job_start(
        kind="oee_refit",
        parameters={"line": line.code if line else None, "horizon": horizon},
        file_format=ReportJob.Format.CSV,
        user=user,
    )
