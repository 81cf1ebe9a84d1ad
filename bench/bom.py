"""Benchmark: buildable, explode, cost roll-up and shortages on a five-level BOM of 10,000 parts.

Run (SQLite, a temporary file database):
    .venv/bin/python bench/bom.py
Run (PostgreSQL: a throw-away database named <name>_bench next to the one in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline_inv .venv/bin/python bench/bom.py

It never touches the development database: it creates its own, migrates it, fills it with one
product whose BOM has five levels of assemblies (1 + 10 + 60 + 300 + 1,500), 10,000 distinct
parts and 50,000 lines with shared sub-assemblies and shared components, puts stock in two
warehouses, then prints the median wall time of each computation end to end (database loads
included), and drops the database. Targets on PostgreSQL: buildable under 100 ms; explode and
cost roll-up under 60 ms.

Plans, explode and cost roll-up read the compiled BOM from this process's memo (or the shared
cache) while no BOM line has changed (see ``inventory.selectors.bom_structure``); the "BOM not
cached" rows clear both before each run, so they include reading the 50,000 lines and compiling
them. Stock and unit costs are never cached: every run reads them from the database.

"cost roll-up" is the selector as the part's cost figures use it: the rolled-up unit cost of
every part (and the parts). Its 50,000 lines are figured when they are first read
(``inventory.bom.CostLines``); "cost roll-up, every line read" also reads them all once, as
the ``/cost/`` API does while serialising them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.throwaway import use_throwaway_database

PARTS = 10_000
LINES = 50_000
ASSEMBLY_LEVELS = [1, 10, 60, 300, 1_500]  # assemblies per level, top first
SUB_FANOUT = [10, 12, 10, 10]  # sub-assembly lines per assembly at levels 0..3
QUANTITIES = [Decimal(q) for q in ("1", "1", "1", "1", "2", "2", "3", "4", "0.5", "0.25")]


def build_bom(rng: random.Random) -> tuple[int, list[tuple[int, int, Decimal]]]:
    """Ids 1..PARTS; returns (root id, lines). Assemblies first, then purchased leaves."""
    levels: list[list[int]] = []
    next_id = 1
    for size in ASSEMBLY_LEVELS:
        levels.append(list(range(next_id, next_id + size)))
        next_id += size
    leaves = list(range(next_id, PARTS + 1))
    lines: list[tuple[int, int, Decimal]] = []
    for depth, fanout in enumerate(SUB_FANOUT):
        below = levels[depth + 1]
        # Every sub-assembly gets at least one parent; the rest are shared at random.
        order = below[:]
        rng.shuffle(order)
        for i, assembly in enumerate(levels[depth]):
            children = set(order[i * fanout : (i + 1) * fanout])
            while len(children) < fanout:
                children.add(rng.choice(below))
            lines += [(assembly, child, rng.choice(QUANTITIES)) for child in children]
        for j, child in enumerate(order[len(levels[depth]) * fanout :]):
            lines.append((levels[depth][j % len(levels[depth])], child, Decimal("1")))
    assemblies = [a for level in levels for a in level]
    remaining = LINES - len(lines)
    for i, assembly in enumerate(assemblies):
        count = remaining // len(assemblies) + (1 if i < remaining % len(assemblies) else 0)
        for leaf in rng.sample(leaves, count):
            lines.append((assembly, leaf, rng.choice(QUANTITIES)))
    return levels[0][0], lines


def read_all(rollup) -> Decimal:
    """Read every line of a roll-up once, as the API does, without keeping the line objects."""
    return sum(line.contribution for line in rollup.lines)


def median_ms(function, runs: int) -> float:
    function()  # warm up: first connection, imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", action="store_true", help="Keep the bench database (prints its URL) to profile."
    )
    args = parser.parse_args()

    url, cleanup = use_throwaway_database("bench")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept: DATABASE_URL={url}")
        else:
            cleanup()


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction

    from inventory import bom, selectors
    from inventory.models import BomLine, Part
    from inventory.services import bom_revision_bump
    from warehouse.models import Location, StockLevel, Warehouse
    from warehouse.planning.selectors import build_plan
    from warehouse.selectors import stock_on_hand

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    root_id, lines = build_bom(rng)
    assembly_count = sum(ASSEMBLY_LEVELS)
    with transaction.atomic():
        Part.objects.bulk_create(
            [
                Part(
                    id=i,
                    sku=f"{'ASM' if i <= assembly_count else 'PRT'}-{i:05d}",
                    name=f"Bench part {i}",
                    is_assembly=i <= assembly_count,
                    is_purchased=i > assembly_count,
                    unit_cost=Decimal(rng.randint(5, 5000)) / 100,
                    lead_time_days=rng.randint(1, 40),
                )
                for i in range(1, PARTS + 1)
            ],
            batch_size=2000,
        )
        BomLine.objects.bulk_create(
            [
                BomLine(assembly_id=a, component_id=c, quantity=q, position=n)
                for n, (a, c, q) in enumerate(lines)
            ],
            batch_size=5000,
        )
    bom_revision_bump()  # bulk_create sends no signals
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Part._meta.db_table}', 'id'), {PARTS})"
            )
            cursor.execute("ANALYZE")
    graph = selectors.bom_graph_below(part_id=root_id)
    per_unit = bom.extended_quantities(graph, root_id, 1)
    # Stock for roughly 20–60 units of every leaf; a fifth of the sub-assemblies have a few
    # finished units on the shelf, so the netting matters.
    with transaction.atomic():
        warehouses = [
            Warehouse.objects.create(code=f"B{n}", name=f"Bench warehouse {n}") for n in (1, 2)
        ]
        bins = [Location.objects.create(warehouse=w, code="BIN-1") for w in warehouses]
        levels = []
        for part_id, need in sorted(per_unit.items()):
            if part_id == root_id:
                continue
            if part_id <= assembly_count:
                if rng.random() < 0.2:
                    levels.append(
                        StockLevel(location=bins[0], part_id=part_id, quantity=rng.randint(1, 5))
                    )
                continue
            total = (need * rng.randint(20, 60)).quantize(Decimal("1"))
            first = (total * Decimal(rng.random())).quantize(Decimal("1"))
            levels.append(StockLevel(location=bins[0], part_id=part_id, quantity=first))
            levels.append(StockLevel(location=bins[1], part_id=part_id, quantity=total - first))
        StockLevel.objects.bulk_create(levels, batch_size=5000)
    print(
        f"Generated {Part.objects.count():,} parts, {BomLine.objects.count():,} BOM lines "
        f"({len(graph.edges()):,} below the root), {StockLevel.objects.count():,} stock levels "
        f"in {time.perf_counter() - start:.1f} s"
    )
    root = Part.objects.get(pk=root_id)
    plan = build_plan(part=root)
    target = plan.buildable + 10
    report = build_plan(part=root, quantity=target)
    print(
        f"Buildable now: {plan.buildable} (limited by {len(plan.limiting)} part(s)); "
        f"shortages for {target}: {len(report.short_lines)} parts, "
        f"{report.report.total_cost:,.2f} USD, all in by {report.report.earliest_date}"
    )

    def cold(function):
        def run_cold():
            cache.clear()
            selectors.forget_compiled_boms()
            return function()

        return run_cold

    parts_below = selectors.bom_structure(part_id=root_id).order
    results = {
        "buildable (end to end)": lambda: build_plan(part=root),
        "buildable, BOM not cached": cold(lambda: build_plan(part=root)),
        "buildable, one warehouse": lambda: build_plan(part=root, warehouse=warehouses[0]),
        f"shortages for {target}": lambda: build_plan(part=root, quantity=target),
        "shortages, BOM not cached": cold(lambda: build_plan(part=root, quantity=target)),
        "explode ×10": lambda: selectors.explode(part=root, quantity=10),
        "cost roll-up": lambda: selectors.cost_rollup(part=root),
        "cost roll-up, every line read": lambda: read_all(selectors.cost_rollup(part=root)[0]),
        "cost roll-up, BOM not cached": cold(lambda: selectors.cost_rollup(part=root)),
        "  load graph (1 query)": lambda: selectors.bom_graph_below(part_id=root_id),
        "  load stock (1 query)": lambda: stock_on_hand(part_ids=parts_below),
    }
    stock = stock_on_hand(part_ids=parts_below)
    results["  compile + buildable, no DB"] = lambda: bom.buildable(graph, root_id, stock)
    print(f"Median of {args.runs} runs:")
    for label, function in results.items():
        print(f"  {label:<30} {median_ms(function, args.runs):8.1f} ms")


if __name__ == "__main__":
    main()
