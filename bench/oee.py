"""Benchmark: OEE for 20 lines × 2 years of shifts — import, recompute, dashboard reads, forecasts.

Run (SQLite, a temporary file database):
    .venv/bin/python bench/oee.py
Run (PostgreSQL: a throw-away database named <name>_bench next to the one in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline_oee .venv/bin/python bench/oee.py

It never touches the development database: it creates its own, migrates it, writes 20 lines with
three shifts a day Monday to Saturday for two years (about 37,000 runs and 190,000 downtime
events, bulk_create) and a plant report of the same days for the import, then prints:
- the time to write the runs and events, and to import the plant report (CSV → flagged rows);
- the time to recompute every OeeDaily from runs and downtime;
- the median time of the dashboard reads: one line over 90 days (series, Pareto, cards) and the
  plant over a year (daily and monthly series);
- the time to fit the forecasts of every line (backtest of all four methods, one job);
and the nightly refresh (recompute + fit). Targets on the 2-core host (PostgreSQL): dashboard
reads under 100 ms, the nightly refresh under 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.bom import median_ms
from bench.throwaway import use_throwaway_database

SHIFT_HOURS = (6, 14, 22)
REASONS = ["mechanical_failure", "changeover", "jam", "material_wait", "calibration"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    _, cleanup = use_throwaway_database("bench_oee")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


def _timed(label: str, function) -> object:
    start = time.perf_counter()
    result = function()
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s")
    return result


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from analytics.oee import selectors
    from analytics.oee.imports import oee_report_import
    from analytics.oee.models import (
        DowntimeEvent,
        LineProduct,
        ProductionLine,
        ProductionRun,
        ShiftCalendar,
        ShiftWindow,
    )
    from analytics.oee.services import forecast_refresh_all, oee_daily_recompute_range
    from inventory.models import Part

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    today = date.today()
    first = today - timedelta(days=args.days)
    calendar = ShiftCalendar.objects.create(name="Bench: 3 shifts Mon–Sat")
    ShiftWindow.objects.bulk_create(
        ShiftWindow(calendar=calendar, weekday=d, start=clock(h % 24), end=clock(h % 24 + 1))
        for d in range(6)
        for h in (6, 14, 21)
    )
    products = []
    for n in range(args.lines):
        line = ProductionLine.objects.create(
            code=f"L{n:02d}", name=f"Bench line {n}", calendar=calendar
        )
        part = Part.objects.create(
            sku=f"BENCH-{n:02d}", name=f"Bench product {n}", is_assembly=True
        )
        products.append(
            LineProduct.objects.create(line=line, part=part, ideal_cycle_seconds=30 + 10 * n)
        )

    def generate() -> tuple[list, list]:
        runs, events = [], []
        for product in products:
            cycle = float(product.ideal_cycle_seconds)
            for offset in range(args.days):
                day = first + timedelta(days=offset)
                if day.weekday() == 6:
                    continue
                for hour in SHIFT_HOURS:
                    start = datetime.combine(day, clock(0), tzinfo=UTC) + timedelta(hours=hour)
                    cursor, lost = start + timedelta(minutes=10), 0
                    for _ in range(rng.randint(3, 7)):
                        length = timedelta(minutes=rng.randint(2, 30))
                        cursor += timedelta(minutes=rng.randint(5, 40))
                        if cursor + length > start + timedelta(hours=7, minutes=30):
                            break
                        reason = rng.choice(REASONS)
                        events.append(
                            DowntimeEvent(
                                line_id=product.line_id,
                                start=cursor,
                                end=cursor + length,
                                day=day,
                                seconds=int(length.total_seconds()),
                                reason=reason,
                                category={
                                    "mechanical_failure": "breakdown",
                                    "changeover": "setup",
                                    "calibration": "setup",
                                }.get(reason, "small_stop"),
                            )
                        )
                        lost += int(length.total_seconds())
                        cursor += length
                    planned = 27000
                    run = max(0, planned - lost)
                    total = int(run * rng.uniform(0.8, 0.97) / cycle)
                    runs.append(
                        ProductionRun(
                            line_id=product.line_id,
                            product=product,
                            shift_start=start,
                            shift_end=start + timedelta(hours=8),
                            day=day,
                            planned_seconds=planned,
                            run_seconds=run,
                            ideal_cycle_seconds=product.ideal_cycle_seconds,
                            total_count=total,
                            good_count=int(total * rng.uniform(0.95, 1)),
                        )
                    )
        return runs, events

    runs, events = generate()

    def write() -> None:
        with transaction.atomic():
            ProductionRun.objects.bulk_create(runs, batch_size=5000)
            DowntimeEvent.objects.bulk_create(events, batch_size=5000)

    _timed(f"write {len(runs):,} runs and {len(events):,} downtime events", write)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    recompute = _timed("recompute every OeeDaily from runs and downtime", oee_daily_recompute_range)
    print(f"{'':<58} ({recompute:,} days)")

    # A plant report of the same period for a second set of lines, imported through the CSV path.
    header = (
        "PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
        "Total_Actual_Output,Ideal_Cycle_Time_Seconds,Good_Output\n"
    )
    body = "".join(
        f"R{n:02d},{first + timedelta(days=d)},81000,{70000 - n},{2000 + d % 7},30,{1990 + d % 7}\n"
        for n in range(args.lines)
        for d in range(args.days)
    )
    report = (header + body).encode()
    _timed(
        f"import a plant report of {args.lines * args.days:,} rows",
        lambda: oee_report_import(content=report),
    )
    _timed(
        "import the same report again (changes nothing)", lambda: oee_report_import(content=report)
    )

    line = ProductionLine.objects.get(code="L00")
    span90 = {"date_from": today - timedelta(days=90), "date_to": today}
    span365 = {"date_from": today - timedelta(days=365), "date_to": today}
    reads = {
        "dashboard: one line, 90 days, daily series": lambda: selectors.oee_series(
            line=line, **span90
        ),
        "dashboard: one line, 90 days, loss Pareto": lambda: selectors.loss_pareto(
            line=line, **span90
        ),
        "dashboard: cards of every line, 90 days": lambda: selectors.line_cards(**span90),
        "dashboard: plant, a year, daily series": lambda: selectors.oee_series(**span365),
        "dashboard: plant, a year, monthly series": lambda: selectors.oee_series(
            granularity="month", **span365
        ),
    }
    for label, read in reads.items():
        print(f"{label:<58} {median_ms(read, args.runs):8.1f} ms (median of {args.runs})")

    fit = time.perf_counter()
    measured = list(ProductionLine.objects.filter(code__startswith="L"))
    outcome = _timed(
        f"fit the forecasts of {len(measured)} lines (one job)",
        lambda: forecast_refresh_all(horizon=30, lines=measured),
    )
    fit = time.perf_counter() - fit
    methods: dict[str, int] = {}
    for method in outcome.values():
        methods[method] = methods.get(method, 0) + 1
    print(f"{'':<58} ({', '.join(f'{m}: {c}' for m, c in sorted(methods.items()))})")
    nightly = time.perf_counter()
    oee_daily_recompute_range(date_from=today - timedelta(days=7), date_to=today)
    nightly = time.perf_counter() - nightly + fit
    print(f"{'nightly refresh (recompute last 7 days + fit all lines)':<58} {nightly:8.2f} s")


if __name__ == "__main__":
    main()
