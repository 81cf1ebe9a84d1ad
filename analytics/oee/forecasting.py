"""Daily OEE forecasts over production days, as pure functions over plain lists of floats.

Conventions:
- A series holds one value per *production day* (closed days are absent, never zeros), oldest
  first; the season is the week in production days (``season_length``: 5 for a line that runs
  Monday–Friday). A horizon h is the h-th production day after the last one in the series.
- Candidates: seasonal naive (the value one week of production days before), a seasonal moving
  average (the mean of the same weekday over the last four weeks), Holt-Winters (additive weekly
  seasonality, statsmodels) and SARIMA (1,0,0)(0,1,1)ₘ (statsmodels), the last two fitted on the
  latest FIT_WINDOW production days.
- The choice is a walk-forward (rolling-origin) backtest: from each of several origins, fit on
  everything before it and forecast horizons 1, 7 and 14; score by MAE and MASE (MAE divided by
  the in-sample MAE of the seasonal naive forecast). MAPE is not used: it divides by the actual,
  which is 0 on a day the line made nothing, and it punishes over- and under-forecasts unevenly.
- A method is used only if its mean MASE beats seasonal naive's; otherwise seasonal naive is.
- Intervals are normal around the point forecast with the spread the backtest measured at the
  nearest horizon (RMSE), so their width is what the method actually achieved, clipped to [0, 1].
"""

import os

# Fitting is single-threaded work on small series; BLAS threads only fight the web and worker
# processes for the cores (a SARIMA fit went from 0.6 s to 12 s on the 2-core host). Set before
# numpy loads, when this module is the first to load it.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import math  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Iterable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import numpy as np  # noqa: E402

HORIZONS = (1, 7, 14)
# The statsmodels methods fit the last 120 production days (about half a year): recent enough to
# follow the line as it is now, and it keeps a line's backtest near a second on the 2-core host.
FIT_WINDOW = 120
ORIGINS = 6
Z80, Z95 = 1.2816, 1.96
SEASONAL_NAIVE = "seasonal_naive"


class NotEnoughHistory(ValueError):
    """The series is too short to backtest; the message says how many days are needed."""


def season_length(days: Iterable[date]) -> int:
    """Production days in a week: the number of distinct weekdays the line ran (at least 1)."""
    return max(1, len({day.weekday() for day in days}))


def seasonal_naive(values: Sequence[float], season: int, steps: int) -> list[float]:
    last = list(values[-season:])
    return [last[step % season] for step in range(steps)]


def seasonal_mean(values: Sequence[float], season: int, steps: int, weeks: int = 4) -> list[float]:
    tail = list(values[-season * weeks :])
    offset = len(tail) % season
    columns = [tail[i::season] for i in range(season)]
    # columns[i] holds the days at positions i, i+season, ...: shift so step 0 is the next day.
    means = [sum(column) / len(column) for column in columns]
    return [means[(offset + step) % season] for step in range(steps)]


def holt_winters(values: Sequence[float], season: int, steps: int) -> list[float]:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            np.asarray(values[-FIT_WINDOW:], dtype=float),
            trend=None,
            seasonal="add" if season > 1 else None,
            seasonal_periods=season if season > 1 else None,
            initialization_method="estimated",
        ).fit()
    return [float(v) for v in model.forecast(steps)]


def sarima(values: Sequence[float], season: int, steps: int) -> list[float]:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    window = np.asarray(values[-FIT_WINDOW:], dtype=float)
    seasonal = (0, 1, 1, season) if season > 1 else (0, 0, 0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # concentrate_scale: the variance is solved, not searched — same forecast, 3× faster.
        fit = SARIMAX(window, order=(1, 0, 0), seasonal_order=seasonal, concentrate_scale=True).fit(
            disp=False, maxiter=50
        )
    return [float(v) for v in fit.forecast(steps)]


METHODS: dict[str, Callable[[Sequence[float], int, int], list[float]]] = {
    SEASONAL_NAIVE: seasonal_naive,
    "seasonal_mean": seasonal_mean,
    "holt_winters": holt_winters,
    "sarima": sarima,
}


def minimum_history(season: int) -> int:
    return 4 * season + max(HORIZONS) + ORIGINS * season


def naive_scale(values: Sequence[float], season: int) -> float:
    """In-sample MAE of the seasonal naive forecast: MASE's denominator."""
    diffs = [abs(values[i] - values[i - season]) for i in range(season, len(values))]
    scale = sum(diffs) / len(diffs) if diffs else 0.0
    return scale or 1e-9


@dataclass
class Backtest:
    method: str
    scores: dict[int, dict[str, float]] = field(default_factory=dict)  # horizon -> mae, mase, rmse
    failed: str = ""

    @property
    def mean_mase(self) -> float:
        if self.failed or not self.scores:
            return math.inf
        return sum(score["mase"] for score in self.scores.values()) / len(self.scores)


def backtest(values: Sequence[float], season: int, method: str) -> Backtest:
    """Walk-forward backtest of one method at HORIZONS from ORIGINS origins a week apart."""
    if len(values) < minimum_history(season):
        raise NotEnoughHistory(
            f"{len(values)} production days of history; at least {minimum_history(season)} "
            "are needed to backtest."
        )
    forecast = METHODS[method]
    furthest = max(HORIZONS)
    origins = [len(values) - furthest - k * season for k in range(ORIGINS)]
    scale = naive_scale(values[: min(origins)], season)
    errors: dict[int, list[float]] = {h: [] for h in HORIZONS}
    result = Backtest(method=method)
    try:
        for origin in origins:
            predicted = forecast(values[:origin], season, furthest)
            for h in HORIZONS:
                errors[h].append(values[origin + h - 1] - predicted[h - 1])
    except Exception as exc:  # a fit that does not converge disqualifies the method, named
        result.failed = f"{type(exc).__name__}: {exc}"
        return result
    for h, found in errors.items():
        mae = sum(abs(e) for e in found) / len(found)
        rmse = math.sqrt(sum(e * e for e in found) / len(found))
        result.scores[h] = {"mae": round(mae, 6), "mase": round(mae / scale, 6), "rmse": rmse}
    return result


@dataclass
class Choice:
    method: str
    backtests: dict[str, Backtest]
    note: str


def choose(values: Sequence[float], season: int, methods: Iterable[str] = METHODS) -> Choice:
    """Backtest every method and keep the best by mean MASE, if it beats seasonal naive."""
    backtests = {method: backtest(values, season, method) for method in methods}
    best = min(backtests.values(), key=lambda b: b.mean_mase)
    baseline = backtests[SEASONAL_NAIVE]
    if best.method != SEASONAL_NAIVE and best.mean_mase < baseline.mean_mase:
        note = (
            f"{best.method} beat seasonal naive in the backtest "
            f"(mean MASE {best.mean_mase:.3f} against {baseline.mean_mase:.3f})."
        )
        return Choice(best.method, backtests, note)
    return Choice(
        SEASONAL_NAIVE,
        backtests,
        "Seasonal naive is shown: no other method beat it in the walk-forward backtest "
        f"(best mean MASE {best.mean_mase:.3f} by {best.method}).",
    )


def _spread(scores: dict[int, dict[str, float]], step: int) -> float:
    """The backtest RMSE at the nearest tested horizon at or above ``step`` (grown by √ beyond)."""
    for h in sorted(scores):
        if step <= h:
            return scores[h]["rmse"]
    furthest = max(scores)
    return scores[furthest]["rmse"] * math.sqrt(step / furthest)


def forecast_with_intervals(
    values: Sequence[float], season: int, choice: Choice, steps: int
) -> list[dict[str, float]]:
    """Point forecasts for the next ``steps`` production days with 80 % and 95 % intervals."""
    points = METHODS[choice.method](values, season, steps)
    scores = choice.backtests[choice.method].scores
    rows = []
    for step, value in enumerate(points, start=1):
        sigma = _spread(scores, step)
        value = min(max(value, 0.0), 1.0)
        rows.append(
            {
                "value": value,
                "lower80": max(0.0, value - Z80 * sigma),
                "upper80": min(1.0, value + Z80 * sigma),
                "lower95": max(0.0, value - Z95 * sigma),
                "upper95": min(1.0, value + Z95 * sigma),
            }
        )
    return rows


def next_production_days(
    after: date, count: int, weekdays: set[int], holidays: set[date] = frozenset()
) -> list[date]:
    """The ``count`` production days after ``after`` (weekdays the line runs, not holidays)."""
    if not weekdays:
        return []
    days, day = [], after
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() in weekdays and day not in holidays:
            days.append(day)
    return days
