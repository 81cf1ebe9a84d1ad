"""Fixtures shared by the analytics tests."""

import datetime
import random

import pytest

from analytics.oee.services import oee_daily_import
from tests.analytics.forecast_data import FIRST, WEEK, report_row
from tests.factories import ProductionLineFactory, ShiftCalendarFactory, ShiftWindowFactory


@pytest.fixture
def weekday_line(db):
    """Line FC-1: Monday to Friday, 20 weeks of history, one day flagged (performance 1000 %)."""
    calendar = ShiftCalendarFactory()
    for weekday in range(5):
        ShiftWindowFactory(calendar=calendar, weekday=weekday)
    line = ProductionLineFactory(code="FC-1", calendar=calendar)
    rng = random.Random(7)
    rows = []
    for offset in range(7 * 20):
        day = FIRST + datetime.timedelta(days=offset)
        if day.weekday() < 5:
            rows.append(report_row("FC-1", day, WEEK[day.weekday()] + rng.gauss(0, 0.03)))
    bad = report_row("FC-1", FIRST + datetime.timedelta(days=2), 0.5)
    bad["total_count"] = 5000  # 5000 × 10 s in 5000 s of run: performance 1000 %
    rows[2] = bad
    oee_daily_import(rows=rows)
    return line
