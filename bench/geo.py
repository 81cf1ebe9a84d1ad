"""Benchmark: order-map ingest, heatmaps (cold and cached), coverage, against a plain GROUP BY.

Run (SQLite, a temporary file database; use fewer orders there):
    .venv/bin/python bench/geo.py --orders 200000
Run (PostgreSQL: a throw-away database named <name>_bench next to the one in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline .venv/bin/python bench/geo.py

It creates its own database, migrates it, writes 2,000 vendors, generates the orders (a year,
hot spots, daily and hourly rhythm; numpy, a few seconds) as a CSV file and loads it through the
real refresh path (``manage.py refresh_data orders --file … --full``: chunks, COPY, rollup
rebuild, monthly partitions on PostgreSQL), then prints:
- ingest rate (rows/s, rollup included);
- heatmap latency, median and p95, cold (cache cleared before each run) and cached, for a
  one-month and a one-year filter at resolutions 7 and 9;
- coverage latency (cold);
- the plain SQL ``GROUP BY cell`` over the same year of rows, and the ratio;
- the peak resident memory of this process, which serves the questions in-process like a web
  worker (the ingest runs in a child process, ``manage.py refresh_data``, its peak printed too).
Targets (2-core machine, PostgreSQL): ingest ≥ 50,000 rows/s; one-year heatmap cold < 300 ms,
cached < 20 ms; memory < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.throwaway import use_throwaway_database

HOT_SPOTS = [(52.52, 13.40, 0.015), (52.50, 13.30, 0.02), (52.47, 13.45, 0.012),
             (52.55, 13.52, 0.018), (52.42, 13.25, 0.02)]  # fmt: skip
HOURS = [0.2] * 7 + [0.6, 0.8, 0.7, 0.9, 1.6, 2.0, 1.4, 0.8, 0.7, 0.9, 1.5, 2.2, 2.4, 1.8, 1.1,
                     0.6, 0.3]  # fmt: skip
END = date(2026, 6, 30)


def timings(function, runs: int, before=None) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.3:
        return rng.uniform(52.36, 52.64), rng.uniform(13.11, 13.69)
    lat, lng, spread = rng.choice(HOT_SPOTS)
    return (
        min(max(rng.gauss(lat, spread), 52.36), 52.64),
        min(max(rng.gauss(lng, spread * 1.6), 13.11), 13.69),
    )


def write_orders(path: str, orders: int, vendors: int, seed: int) -> None:
    """The orders CSV, drawn with numpy in blocks (3M rows in about a minute, not ten)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    start = datetime.combine(END - timedelta(days=364), datetime.min.time(), tzinfo=UTC)
    base = int(start.timestamp())
    hour_p = np.array(HOURS) / sum(HOURS)
    spots = np.array(HOT_SPOTS)
    lines = ("food", "groceries", "pharmacy")
    with open(path, "w", newline="", encoding="utf-8") as file:
        file.write(
            "order_id,vendor_code,city,business_line,created_at,customer_latitude,"
            "customer_longitude,user_id,is_organic\n"
        )
        for first in range(0, orders, 100_000):  # blocks small enough to keep this process lean
            n = min(100_000, orders - first)
            spot = spots[rng.integers(0, len(spots), n)]
            background = rng.random(n) < 0.3
            lat = np.where(
                background,
                rng.uniform(52.36, 52.64, n),
                np.clip(rng.normal(spot[:, 0], spot[:, 2]), 52.36, 52.64),
            )
            lng = np.where(
                background,
                rng.uniform(13.11, 13.69, n),
                np.clip(rng.normal(spot[:, 1], spot[:, 2] * 1.6), 13.11, 13.69),
            )
            seconds = (
                base
                + rng.integers(0, 365, n) * 86400
                + rng.choice(24, n, p=hour_p) * 3600
                + rng.integers(0, 60, n) * 60
            )
            stamps = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
            vendor = rng.integers(0, vendors, n)
            users = (rng.pareto(1.2, n) + 1).astype(np.int64) % 200_000
            organic = rng.random(n) < 0.35
            file.writelines(
                f"B{first + i:08d},BV{vendor[i]:05d},BEN,{lines[(first + i) % 3]},"
                f"{stamps[i]}+00:00,{lat[i]:.6f},{lng[i]:.6f},u{users[i]},"
                f"{'true' if organic[i] else 'false'}\n"
                for i in range(n)
            )


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from analytics.geo.models import City, RefreshRun, Vendor
    from analytics.geo.params import coverage_params, heatmap_params
    from analytics.geo.selectors import coverage, heatmap

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    city = City.objects.create(
        code="BEN", name="Bench City", min_latitude=52.35, max_latitude=52.65,
        min_longitude=13.1, max_longitude=13.7,
    )  # fmt: skip
    Vendor.objects.bulk_create(
        Vendor(code=f"BV{i:05d}", name=f"Bench vendor {i}", city=city,
               latitude=point(rng)[0], longitude=point(rng)[1], grade="ABCD"[i % 4],
               business_line=("food", "groceries", "pharmacy")[i % 3], radius_km=3)
        for i in range(args.vendors)
    )  # fmt: skip
    folder = tempfile.mkdtemp(prefix="partline-geo-bench-")
    path = os.path.join(folder, "orders.csv")
    started = time.perf_counter()
    write_orders(path, args.orders, args.vendors, args.seed)
    print(f"{connection.vendor}, {args.orders:,} orders, {args.vendors:,} vendors "
          f"(CSV generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    # The ingest runs in its own process through the real command (refresh_data: chunks, COPY,
    # rollup), so this process's peak memory is that of a web worker serving the questions.
    subprocess.run(
        [sys.executable, "manage.py", "refresh_data", "orders", "--file", path, "--full"],
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.remove(path)
    os.rmdir(folder)
    run_record = RefreshRun.objects.get(kind="orders")
    elapsed = (run_record.finished_at - run_record.started_at).total_seconds()
    ingest_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rollup = run_record.summary.get("rollup_seconds", 0)
    print(f"ingest: {run_record.rows_inserted:,} rows in {elapsed:.1f} s = "
          f"{run_record.rows_inserted / elapsed:,.0f} rows/s ({run_record.status}, rollup "
          f"included: {rollup:.1f} s of it; ingest process peak {ingest_peak:.0f} MB)")  # fmt: skip
    periods = {"one month": (END.replace(day=1), END), "one year": (END - timedelta(days=364), END)}
    for label, (first, last) in periods.items():
        for resolution in (7, 9):
            params = heatmap_params(
                {"city": "BEN", "from": str(first), "to": str(last), "resolution": str(resolution)}
            )
            cold = timings(lambda p=params: heatmap(p), args.runs, before=cache.clear)
            warm = timings(lambda p=params: heatmap(p), args.runs)
            print(f"heatmap {label:9} res {resolution}: cold median {cold[0]:7.1f} ms "
                  f"p95 {cold[1]:7.1f} ms | cached median {warm[0]:5.1f} ms "
                  f"p95 {warm[1]:5.1f} ms")  # fmt: skip
    params = coverage_params({"city": "BEN", "from": str(END - timedelta(days=29)),
                              "to": str(END), "cells": "false"})  # fmt: skip
    cov = timings(lambda: coverage(params), max(3, args.runs // 3), before=cache.clear)
    print(f"coverage res 9 (cold): median {cov[0]:.1f} ms p95 {cov[1]:.1f} ms")
    year = (datetime.combine(END - timedelta(days=364), datetime.min.time(), tzinfo=UTC),
            datetime.combine(END + timedelta(days=1), datetime.min.time(), tzinfo=UTC))  # fmt: skip

    def plain() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT cell, COUNT(*) FROM analytics_order WHERE city_id = %s "
                "AND created_at >= %s AND created_at < %s GROUP BY cell",
                [city.pk, *year],
            )
            cursor.fetchall()

    group_by = timings(plain, max(3, args.runs // 3))
    one_year = timings(
        lambda: heatmap(heatmap_params({"city": "BEN", "from": str(year[0].date()),
                                        "to": str(END), "resolution": "9"})),
        max(3, args.runs // 3), before=cache.clear,
    )  # fmt: skip
    print(f"plain GROUP BY cell, one year: median {group_by[0]:.1f} ms; "
          f"heatmap/GROUP BY = {one_year[0] / group_by[0]:.2f}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this (serving) process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3_000_000)
    parser.add_argument("--vendors", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    _, cleanup = use_throwaway_database("bench_geo")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    main()
