"""Forecasting functions (pure): seasonal methods, walk-forward backtest, choice, intervals."""

import datetime
import math
import random

import pytest

from analytics.oee.forecasting import (
    HORIZONS,
    NotEnoughHistory,
    backtest,
    choose,
    forecast_with_intervals,
    minimum_history,
    next_production_days,
    season_length,
    seasonal_mean,
    seasonal_naive,
)

WEEK = [0.60, 0.70, 0.75, 0.72, 0.50]  # Monday to Friday


def weekly(weeks: int, noise: float = 0.0, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [value + rng.gauss(0, noise) for _ in range(weeks) for value in WEEK]


def test_season_length_counts_the_weekdays_a_line_runs():
    monday = datetime.date(2026, 3, 2)
    days = [monday + datetime.timedelta(days=d) for d in range(14) if d % 7 < 5]
    assert season_length(days) == 5


def test_seasonal_naive_repeats_the_last_week_and_the_mean_averages_each_weekday():
    assert seasonal_naive(weekly(3), 5, 7) == pytest.approx(WEEK + WEEK[:2])
    values = [1.0] * 5 + [0.0] * 5 + [1.0] * 5 + [0.0] * 5
    assert seasonal_mean(values, 5, 5) == pytest.approx([0.5] * 5)


def test_a_perfectly_weekly_series_is_backtested_with_zero_error_by_seasonal_naive():
    result = backtest(weekly(14), 5, "seasonal_naive")
    assert set(result.scores) == set(HORIZONS)
    assert all(score["mae"] == pytest.approx(0, abs=1e-12) for score in result.scores.values())


def test_a_short_series_is_refused_with_the_days_needed():
    with pytest.raises(NotEnoughHistory, match=str(minimum_history(5))):
        backtest(weekly(3), 5, "seasonal_naive")


def test_a_method_that_does_not_beat_seasonal_naive_is_not_used_and_the_note_says_why():
    choice = choose(weekly(14), 5, methods=("seasonal_naive", "seasonal_mean"))
    assert choice.method == "seasonal_naive"
    assert "Seasonal naive is shown" in choice.note


def test_on_noisy_weekly_data_the_seasonal_mean_beats_naive_and_is_chosen():
    choice = choose(weekly(16, noise=0.05), 5, methods=("seasonal_naive", "seasonal_mean"))
    assert choice.method == "seasonal_mean"
    assert (
        choice.backtests["seasonal_mean"].mean_mase < choice.backtests["seasonal_naive"].mean_mase
    )


@pytest.mark.parametrize("method", ["holt_winters", "sarima"])
def test_statsmodels_methods_backtest_on_a_weekly_series(method):
    result = backtest(weekly(16, noise=0.03), 5, method)
    assert not result.failed and all(math.isfinite(s["mase"]) for s in result.scores.values())
    assert result.scores[1]["mae"] < 0.1


def test_intervals_are_nested_and_within_0_and_1():
    values = weekly(16, noise=0.05)
    choice = choose(values, 5, methods=("seasonal_naive", "seasonal_mean"))
    for row in forecast_with_intervals(values, 5, choice, 30):
        assert 0 <= row["lower95"] <= row["lower80"] <= row["value"] <= row["upper80"]
        assert row["upper80"] <= row["upper95"] <= 1


def test_next_production_days_skip_closed_weekdays_and_holidays():
    friday = datetime.date(2026, 3, 6)
    holiday = datetime.date(2026, 3, 10)
    days = next_production_days(friday, 3, {0, 1, 2, 3, 4}, {holiday})
    assert days == [
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 11),
        datetime.date(2026, 3, 12),
    ]
