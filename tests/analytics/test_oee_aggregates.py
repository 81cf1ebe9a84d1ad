"""Aggregates are ratios of sums weighted by ideal time; flagged days are shown, not hidden, and
left out of aggregates with a count; the loss Pareto sorts minutes lost."""

import datetime
from decimal import Decimal

import pytest

from analytics.oee.selectors import line_cards, loss_pareto, oee_series, plant_summary
from analytics.oee.services import downtime_record, oee_daily_recompute_range
from tests.factories import (
    LineProductFactory,
    OeeDailyFactory,
    ProductionLineFactory,
    ProductionRunFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
START = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def run(product, *, run_seconds, total, good, planned=8 * 3600, start=START):
    return ProductionRunFactory(
        product=product,
        shift_start=start,
        planned_seconds=planned,
        run_seconds=run_seconds,
        total_count=total,
        good_count=good,
    )


def test_plant_oee_is_the_ratio_of_sums_weighted_by_ideal_time_not_the_mean_of_line_ratios():
    fast = LineProductFactory(ideal_cycle_seconds=Decimal("10"))  # many small parts
    slow = LineProductFactory(ideal_cycle_seconds=Decimal("600"))  # few big robots
    run(fast, run_seconds=4 * 3600, total=1200, good=1200)  # A .5, P 1200×10/14400 = .8333
    run(slow, run_seconds=8 * 3600, total=24, good=12)  # A 1, P 24×600/28800 = .5, Q .5
    oee_daily_recompute_range()

    [plant] = oee_series(date_from=DAY, date_to=DAY)
    [fast_day] = oee_series(line=fast.line, date_from=DAY, date_to=DAY)
    [slow_day] = oee_series(line=slow.line, date_from=DAY, date_to=DAY)

    planned, run_time = 16 * 3600, 12 * 3600
    ideal = 1200 * 10 + 24 * 600
    expected_oee = (run_time / planned) * (ideal / run_time) * (1212 / 1224)
    assert plant["oee"] == pytest.approx(expected_oee, abs=1e-6)
    assert plant["performance"] == pytest.approx(ideal / run_time, abs=1e-6)
    mean_of_ratios = (fast_day["oee"] + slow_day["oee"]) / 2
    assert abs(plant["oee"] - mean_of_ratios) > 0.05
    # Nor the mean cycle time: (10 + 600) / 2 × 1224 s of ideal work is far from Σ ideal.
    assert plant["performance"] != pytest.approx(305 * 1224 / run_time, abs=1e-3)


def test_a_week_is_the_ratio_of_its_daily_sums_not_the_mean_of_daily_ratios():
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"))
    run(product, run_seconds=3600, total=100, good=100, planned=3600)
    run(
        product,
        run_seconds=7 * 3600,
        total=420,
        good=210,
        start=START + datetime.timedelta(days=1),
    )
    oee_daily_recompute_range()
    week_to = DAY + datetime.timedelta(days=6)
    [week] = oee_series(line=product.line, date_from=DAY, date_to=week_to, granularity="week")
    assert week["period_start"] == DAY  # a Monday
    assert week["availability"] == pytest.approx(8 * 3600 / (9 * 3600), abs=1e-6)
    assert week["quality"] == pytest.approx(310 / 520, abs=1e-6)
    assert week["days"] == 2


def test_a_flagged_day_is_shown_as_reported_and_left_out_of_the_plant_with_a_count():
    line = ProductionLineFactory()
    OeeDailyFactory(
        line=line,
        date=DAY,
        planned_seconds=3600,
        run_seconds=3600,
        ideal_seconds=Decimal("7200"),
        total_count=100,
        good_count=100,
        availability=Decimal("1"),
        performance=Decimal("2"),
        quality=Decimal("1"),
        oee=Decimal("2"),
        flags=["performance_over_100"],
        is_flagged=True,
        source="import",
    )
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"))
    run(product, run_seconds=3600, total=60, good=60, planned=7200)
    oee_daily_recompute_range()

    [shown] = oee_series(line=line, date_from=DAY, date_to=DAY)
    assert shown["performance"] == 2.0 and shown["flags"] == ["performance_over_100"]
    [plant] = oee_series(date_from=DAY, date_to=DAY)
    assert plant["performance"] == pytest.approx(0.5) and plant["flagged_days"] == 1
    assert plant["flags"] == ["performance_over_100"]
    summary = plant_summary(date_from=DAY, date_to=DAY)
    assert summary["flagged_days"] == 1 and summary["oee"] == pytest.approx(0.25)
    cards = {card["line"]: card for card in line_cards(date_from=DAY, date_to=DAY)}
    assert cards[line]["flagged_days"] == 1 and cards[line]["oee"] is None


def test_loss_pareto_sorts_categories_by_minutes_and_keeps_planned_downtime_apart():
    line = ProductionLineFactory()
    minute = datetime.timedelta(minutes=1)
    downtime_record(line=line, start=START, end=START + 10 * minute, reason="jam")
    downtime_record(
        line=line, start=START + 20 * minute, end=START + 60 * minute, reason="mechanical_failure"
    )
    downtime_record(line=line, start=START + 60 * minute, end=START + 65 * minute, reason="jam")
    downtime_record(line=line, start=START + 90 * minute, end=START + 120 * minute, reason="break")
    pareto = loss_pareto(line=line, date_from=DAY, date_to=DAY)
    assert [c["category"] for c in pareto["categories"]] == ["breakdown", "small_stop"]
    assert [c["minutes"] for c in pareto["categories"]] == [40.0, 15.0]
    assert pareto["categories"][-1]["cumulative_share"] == 1.0
    assert pareto["planned_minutes"] == 30.0 and pareto["total_minutes"] == 55.0


def test_the_series_takes_a_fixed_number_of_queries(django_assert_num_queries):
    product = LineProductFactory()
    for offset in range(10):
        run(product, run_seconds=3600, total=10, good=10, start=START + datetime.timedelta(offset))
    oee_daily_recompute_range()
    with django_assert_num_queries(2):
        oee_series(date_from=DAY, date_to=DAY + datetime.timedelta(days=30), granularity="month")


def test_teep_is_oee_times_the_planned_share_of_calendar_time():
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"))
    run(product, run_seconds=4 * 3600, total=480, good=480, planned=8 * 3600)  # OEE 0.5
    oee_daily_recompute_range()
    [card] = line_cards(date_from=DAY, date_to=DAY + datetime.timedelta(days=1))
    assert card["oee"] == pytest.approx(0.5)
    assert card["teep"] == pytest.approx(0.5 * 8 / 48, abs=1e-6)
