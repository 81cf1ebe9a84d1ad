"""Forecasts stored per line: production days only, flagged days left out with a count, every
prediction kept, actuals filled in when the day arrives, live accuracy beside the backtest."""

import datetime

import pytest

from analytics.models import ForecastModel, Prediction
from analytics.oee.selectors import line_forecast, live_accuracy
from analytics.oee.services import (
    ForecastUnavailable,
    forecast_refresh,
    forecast_refresh_all,
    oee_daily_import,
)
from tests.analytics.forecast_data import FAST, FIRST, TODAY, report_row
from tests.factories import ProductionLineFactory

pytestmark = pytest.mark.django_db


def test_a_refresh_stores_the_model_and_predictions_on_production_days_only(weekday_line):
    today = FIRST + datetime.timedelta(days=7 * 20 - 1)  # a Sunday
    model = forecast_refresh(line=weekday_line, horizon=10, today=today, methods=FAST)
    assert model.is_current and model.left_out_days == 1
    assert set(model.backtest) == set(FAST) and "1" in model.backtest["seasonal_naive"]
    predictions = list(Prediction.objects.filter(model=model).order_by("target_date"))
    assert len(predictions) == 10
    assert all(p.target_date.weekday() < 5 for p in predictions)
    assert predictions[0].target_date == today + datetime.timedelta(days=1)
    forecast = line_forecast(line=weekday_line, horizon=5)
    assert len(forecast["results"]) == 5 and forecast["model"]["method"] in FAST


def test_when_the_actual_day_arrives_its_error_is_filled_and_live_accuracy_counts_it(
    weekday_line,
):
    today = FIRST + datetime.timedelta(days=7 * 20 - 1)
    forecast_refresh(line=weekday_line, horizon=5, today=today, methods=FAST)
    monday = today + datetime.timedelta(days=1)
    oee_daily_import(rows=[report_row("FC-1", monday, 0.61)])
    prediction = Prediction.objects.get(target_date=monday)
    assert prediction.actual == pytest.approx(0.61, abs=1e-3)
    assert prediction.error == pytest.approx(prediction.actual - prediction.value)
    accuracy = live_accuracy(line=weekday_line)
    assert accuracy["days"] == 1 and accuracy["mae"] == pytest.approx(abs(prediction.error))
    assert set(accuracy["backtest_mae"]) == {"1", "7", "14"}


def test_a_second_refresh_keeps_the_first_predictions_and_marks_one_model_current(weekday_line):
    today = FIRST + datetime.timedelta(days=7 * 20 - 1)
    forecast_refresh(line=weekday_line, horizon=5, today=today, methods=FAST)
    forecast_refresh(line=weekday_line, horizon=5, today=today, methods=FAST)
    assert Prediction.objects.count() == 10
    assert ForecastModel.objects.filter(is_current=True).count() == 1


def test_a_line_with_too_little_history_is_refused_and_skipped_in_the_refresh_of_all():
    line = ProductionLineFactory(code="NEW-1")
    oee_daily_import(rows=[report_row("NEW-1", FIRST, 0.6)])
    with pytest.raises(ForecastUnavailable, match="at least"):
        forecast_refresh(line=line, methods=FAST)
    outcome = forecast_refresh_all(lines=[line])
    assert outcome["NEW-1"].startswith("skipped: Cannot forecast NEW-1")


def test_the_forecast_api_answers_the_documented_shape_and_accuracy_per_line(
    weekday_line, client_for
):
    today = FIRST + datetime.timedelta(days=7 * 20 - 1)
    forecast_refresh(line=weekday_line, horizon=10, today=today, methods=FAST)
    client = client_for("viewer")
    body = client.get("/api/oee/forecast/", {"line": "FC-1", "horizon": 3}).json()
    assert body["line"] == "FC-1" and body["model"]["method"] in FAST
    assert len(body["results"]) == 3
    assert set(body["results"][0]) == {"date", "value", "lower80", "upper80", "lower95", "upper95"}
    accuracy = client.get("/api/oee/accuracy/").json()["results"]
    assert [row["line"] for row in accuracy] == ["FC-1"] and accuracy[0]["days"] == 0


def test_the_commands_recompute_and_refit_and_refuse_an_unknown_line(weekday_line):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("compute_oee", "--from", str(FIRST), "--to", str(TODAY), stdout=out)
    assert "Daily OEE recomputed" in out.getvalue()
    with pytest.raises(CommandError, match="No production line"):
        call_command("forecast_oee", "--line", "NOPE")
    out = StringIO()
    call_command("forecast_oee", "--line", "FC-1", "--horizon", "5", stdout=out)
    assert "FC-1:" in out.getvalue() and "1/1 FC-1" in out.getvalue()
    assert Prediction.objects.filter(model__is_current=True).count() == 5


def test_the_nightly_tasks_are_scheduled():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"analytics.compute_oee", "analytics.forecast_oee"} <= tasks


def test_the_line_page_draws_the_forecast_band_and_shows_live_accuracy(
    weekday_line, client, user_in_role
):
    forecast_refresh(line=weekday_line, horizon=10, methods=FAST)
    client.force_login(user_in_role("viewer"))
    page = client.get("/analytics/oee/FC-1/").content.decode()
    assert "95 % interval" in page and "80 % interval" in page and "(forecast)" in page
    assert "Forecast accuracy, live" in page and "Backtest MAE" in page


def test_the_forecast_task_refits_every_line_as_one_job(weekday_line):
    from analytics.tasks import compute_oee_task, forecast_oee_task

    assert compute_oee_task.delay().get()["touched"] >= 0
    outcome = forecast_oee_task.delay(horizon=3).get()
    assert list(outcome) == ["FC-1"]
    assert Prediction.objects.filter(model__is_current=True).count() == 3
