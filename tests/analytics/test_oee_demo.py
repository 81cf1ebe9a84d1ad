"""The analytics demo: three lines with half a year of history, flagged days and forecasts."""

import time

import pytest

from analytics.demo import load_demo_analytics
from analytics.models import DowntimeEvent, ForecastModel, OeeDaily, Prediction, ProductionLine

pytestmark = pytest.mark.django_db


def test_the_demo_loads_three_lines_with_history_flagged_days_and_forecasts_once():
    started = time.perf_counter()
    summary = load_demo_analytics()
    elapsed = time.perf_counter() - started
    assert summary.startswith("analytics: 3 lines"), summary
    assert ProductionLine.objects.count() == 3
    assert OeeDaily.objects.filter(is_flagged=True).count() == 4
    assert OeeDaily.objects.count() > 3 * 120
    categories = set(DowntimeEvent.objects.values_list("category", flat=True))
    assert {"breakdown", "setup", "small_stop", "planned"} <= categories
    assert ForecastModel.objects.filter(is_current=True).count() == 3
    assert Prediction.objects.filter(actual__isnull=False).exists()  # live accuracy has data
    print(f"demo loaded in {elapsed:.1f} s: {summary}")
    assert load_demo_analytics() == "analytics: demo lines already loaded"
