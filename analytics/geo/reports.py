"""The order map's heavy questions as report jobs (config.reports.REPORTS), and the rule of which
questions are heavy.

Heavy, refused by the synchronous endpoints with a 400 that names the job endpoint:

- a heatmap over more than ``HEAVY_HEATMAP_DAYS`` days that has to read the raw orders
  throughout: ``user_density`` (distinct users cannot be summed from the rollup) or an
  ``hours``/``weekdays``/``grade`` filter (see analytics.geo.selectors);
- a coverage answer with its per-cell list (``cells`` true, the default) over a city grid of more
  than ``MAX_SYNC_GRID_CELLS`` cells at the asked resolution.

The jobs answer the same question with the same parameters (the query strings of the
synchronous endpoint, parsed by the same ``params`` functions) and store the answer as JSON (the
synchronous body) or CSV (one row per cell). Order counts are summed month by month (counts of
disjoint periods add up), so the progress bar moves per month; distinct users do not add up, so
``user_density`` is one database query (progress 0, then done).
"""

import io
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import h3

from analytics.geo import selectors
from analytics.geo.errors import GeoError
from analytics.geo.models import City
from analytics.geo.params import CoverageParams, HeatmapParams, coverage_params, heatmap_params
from analytics.geo.refresh import next_month
from config.csv_io import CsvWriter

HEAVY_HEATMAP_DAYS = 92
MAX_SYNC_GRID_CELLS = 20_000
JOB_FORMATS = ("json", "csv")
HEATMAP_JOB_URL = "/api/geo/heatmap/jobs/"
COVERAGE_JOB_URL = "/api/geo/coverage/jobs/"
# Query parameters that shape the HTTP answer, not the question: never stored on a job.
NOT_A_PARAMETER = ("format", "file_format")


def job_parameters(query: Any) -> dict[str, str]:
    """The question's parameters as the query strings the synchronous endpoint would get (what
    the job stores and parses again); JSON true/false become "true"/"false", and values that are
    not text or numbers (lists, objects) are left out."""
    parameters = {}
    for key in query:
        value = query.get(key)
        if key in NOT_A_PARAMETER or not isinstance(value, str | int | float):
            continue
        parameters[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
    return parameters


# --- which questions are heavy


def heatmap_is_heavy(params: HeatmapParams) -> bool:
    days = (params.date_to - params.date_from).days + 1
    reads_raw_orders = params.type == "user_density" or bool(
        params.hours or params.weekdays or params.grade
    )
    return days > HEAVY_HEATMAP_DAYS and reads_raw_orders


def refuse_heavy_heatmap(params: HeatmapParams) -> None:
    """The synchronous heatmap endpoint's guard: a heavy question is a 400 naming the job URL."""
    if heatmap_is_heavy(params):
        raise GeoError(
            {
                "from": [
                    f"A period over {HEAVY_HEATMAP_DAYS} days with user_density or an hours, "
                    "weekdays or grade filter reads every order: run it as a job with "
                    f"POST {HEATMAP_JOB_URL} and the same parameters (202, then poll the job)."
                ]
            }
        )


def grid_cells_estimate(city: City, resolution: int) -> int:
    """About how many cells of ``resolution`` cover the city's bounding box (area / cell area)."""
    middle = math.radians((city.min_latitude + city.max_latitude) / 2)
    height_km = (city.max_latitude - city.min_latitude) * 111.32
    width_km = (city.max_longitude - city.min_longitude) * 111.32 * max(math.cos(middle), 0.01)
    return int(height_km * width_km / h3.average_hexagon_area(resolution, unit="km^2"))


def refuse_heavy_coverage(params: CoverageParams) -> None:
    """The synchronous coverage endpoint's guard: a city-wide per-cell grid over the limit is a
    400 naming the job URL (``cells=false`` or a coarser resolution still answer at once)."""
    if not params.cells:
        return
    city = selectors.city_get(params.city)
    size = grid_cells_estimate(city, params.resolution)
    if size > MAX_SYNC_GRID_CELLS:
        raise GeoError(
            {
                "cells": [
                    f"The grid of {city.code} at resolution {params.resolution} has about "
                    f"{size:,} cells (more than {MAX_SYNC_GRID_CELLS:,}): run it as a job with "
                    f"POST {COVERAGE_JOB_URL} and the same parameters, or ask cells=false or a "
                    "coarser resolution."
                ]
            }
        )


# --- the jobs


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """first..last cut at local month starts: the periods whose order counts add up."""
    periods = []
    while first <= last:
        end = min(next_month(first) - timedelta(days=1), last)
        periods.append((first, end))
        first = end + timedelta(days=1)
    return periods


def heatmap_counts_with_progress(
    params: HeatmapParams, progress: Callable[..., None]
) -> dict[int, int]:
    """``selectors.heatmap_counts`` summed month by month (one query for distinct users)."""
    if params.type == "user_density":
        progress(0, 1, "queries")
        counts = selectors.heatmap_counts(params)
        progress(1, 1, "queries")
        return counts
    periods = _months(params.date_from, params.date_to)
    total: Counter = Counter()
    for done, (first, last) in enumerate(periods, start=1):
        total.update(selectors.heatmap_counts(replace(params, date_from=first, date_to=last)))
        progress(done, len(periods), "months")
    return dict(total)


def heatmap_answer(params: HeatmapParams, counts: dict[int, int], version: int) -> dict[str, Any]:
    """The body of GET /api/geo/heatmap/ for these counts (the job's JSON file)."""
    return selectors.heatmap_unpacked(selectors.heatmap_packed(params, counts, version))


def _file(name: str, answer: dict[str, Any], file_format: str, rows: Any) -> tuple[str, bytes]:
    if file_format == "json":
        return f"{name}.json", json.dumps(answer, ensure_ascii=False).encode("utf-8")
    if file_format != "csv":
        raise ValueError(f"The map's jobs write {' or '.join(JOB_FORMATS)}, not {file_format}.")
    text = io.StringIO()
    writer = CsvWriter(text)
    writer.writerows(rows)
    return f"{name}.csv", text.getvalue().encode("utf-8")


def heatmap_report(
    *, parameters: dict[str, Any], file_format: str, progress: Callable[..., None]
) -> tuple[str, bytes]:
    """REPORTS["geo_heatmap"]: the heatmap answer as JSON, or CSV ``h3,count,value``."""
    params = heatmap_params(parameters)
    version = selectors.data_version()
    answer = heatmap_answer(params, heatmap_counts_with_progress(params, progress), version)
    rows = [("h3", "count", "value")] + [
        (cell["h3"], cell["count"], cell["value"]) for cell in answer["cells"]
    ]
    period = f"{params.date_from}-{params.date_to}"
    name = f"heatmap-{params.city}-{params.type}-r{params.resolution}-{period}"
    return _file(name, answer, file_format, rows)


def _mix(counts: dict[str, int]) -> str:
    return " ".join(f"{key or '-'}:{value}" for key, value in sorted(counts.items()))


def coverage_report(
    *, parameters: dict[str, Any], file_format: str, progress: Callable[..., None]
) -> tuple[str, bytes]:
    """REPORTS["geo_coverage"]: the coverage answer with every cell, as JSON, or CSV with one
    row per cell (vendors reaching it, orders, and the vendors per business line and grade)."""
    params = replace(coverage_params(parameters), cells=True)
    progress(0, 1, "grids")
    answer = selectors.coverage(params)
    progress(1, 1, "grids")
    rows = [("h3", "vendors", "orders", "by_business_line", "by_grade")] + [
        (
            cell["h3"],
            cell["vendors"],
            cell["orders"],
            _mix(cell["by_business_line"]),
            _mix(cell["by_grade"]),
        )
        for cell in answer["cells"]
    ]
    name = f"coverage-{params.city}-r{params.resolution}-{params.date_from}-{params.date_to}"
    return _file(name, answer, file_format, rows)
