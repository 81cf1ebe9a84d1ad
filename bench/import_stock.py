"""Benchmark: a 100,000-row import_stock while other users keep posting, and a 5,000-line
document created and posted over the API.

Run (PostgreSQL: a throw-away database named <name>_bench_import_stock next to the one in
DATABASE_URL; it is created, migrated, filled and dropped again):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline .venv/bin/python bench/import_stock.py

Section 1 makes --rows parts spread over 20 bins and a CSV counting each of them once, plus 200
other parts with opening stock. It runs ``manage.py import_stock`` on the file (one transaction,
documents of DOCUMENT_MAX_LINES lines, numbered at the end) in this process while --posters
other processes (like web workers) keep creating and posting 5-line RECEIPT and ADJUSTMENT
documents of the other parts, each create and post its own transaction as over the API.
Printed: the import's wall time and rows/s, and the posters' documents count and p50/p95/max
latency (create + post of one document) during the import. Target: the import under a minute
and no poster waiting for it (max latency in milliseconds, not seconds).

Section 2 creates a --lines-line RECEIPT with the DRF test client (the whole request: parsing,
validation, the service, the answer) and posts it. Printed: seconds per 1,000 lines for each.
Target: well under a second per 1,000 lines.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from io import StringIO
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.throwaway import use_throwaway_database

BINS = 20
OTHER_PARTS = 200
POSTER_LINES = 5


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a local process (a PostgreSQL backend), None if unreadable."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _setup(rows: int) -> tuple[Any, Any, list, str]:
    """The user, the warehouse, the other parts (with stock) and the CSV path to import."""
    from django.contrib.auth import get_user_model

    from inventory.models import Part
    from warehouse.choices import DocumentType
    from warehouse.services import (
        document_create,
        document_post,
        location_create,
        warehouse_create,
    )

    user = get_user_model().objects.create_superuser(username="bench", password="x")
    warehouse = warehouse_create(code="BENCH", name="Bench")
    bins = [location_create(warehouse=warehouse, code=f"BIN-{i:02d}") for i in range(BINS)]
    Part.objects.bulk_create(
        (
            Part(sku=f"IMP-{i:06d}", name=f"Imported {i}", unit_cost=Decimal("1.50"))
            for i in range(rows)
        ),
        batch_size=5_000,
    )
    Part.objects.bulk_create(
        Part(sku=f"OTH-{i:04d}", name=f"Other {i}", unit_cost=Decimal("2.00"))
        for i in range(OTHER_PARTS)
    )
    others = list(Part.objects.filter(sku__startswith="OTH-").order_by("pk"))
    opening = document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=user,
        lines=[{"part": p, "quantity": Decimal("1000"), "to_location": bins[0]} for p in others],
    )
    document_post(document=opening, user=user)
    handle, path = tempfile.mkstemp(prefix="partline-bench-", suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("warehouse,location,sku,quantity,unit_cost\n")
        for i in range(rows):
            out.write(f"BENCH,BIN-{i % BINS:02d},IMP-{i:06d},{i % 97 + 1},1.{i % 100:02d}\n")
    return user, bins[0], others, path


def _poster(
    user_id: int, bin_id: int, part_ids: list[int], seed: int, go: Any, stop: Any, results: Any
) -> None:
    """One other user: create and post small documents of the other parts until told to stop."""
    import random

    from django.contrib.auth import get_user_model
    from django.db import connection

    from inventory.models import Part
    from warehouse.choices import DocumentType
    from warehouse.models import Location
    from warehouse.services import document_create, document_post

    rng = random.Random(seed)
    user = get_user_model().objects.get(pk=user_id)
    place = Location.objects.get(pk=bin_id)
    parts = list(Part.objects.filter(pk__in=part_ids))
    latencies: list[float] = []
    error = ""
    go.wait()
    try:
        turn = 0
        while not stop.is_set():
            chosen = rng.sample(parts, POSTER_LINES)
            if turn % 2:
                doc_type = DocumentType.ADJUSTMENT
                lines = [
                    {"part": p, "quantity": Decimal(rng.randint(900, 1100)), "to_location": place}
                    for p in chosen
                ]
            else:
                doc_type = DocumentType.RECEIPT
                lines = [
                    {"part": p, "quantity": Decimal("3"), "to_location": place, "unit_cost": "2.10"}
                    for p in chosen
                ]
            began = time.perf_counter()
            document = document_create(doc_type=doc_type, user=user, lines=lines)
            document_post(document=document, user=user)
            latencies.append(time.perf_counter() - began)
            turn += 1
    except Exception as exc:  # reported by the parent
        error = f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    results.put((latencies, error))


def _import_while_posting(rows: int, posters: int) -> None:
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.perf_counter()
    user, place, others, path = _setup(rows)
    print(
        f"setup: {rows:,} parts to import over {BINS} bins, {OTHER_PARTS} other parts with "
        f"stock, in {time.perf_counter() - started:.1f}s"
    )
    context = multiprocessing.get_context("fork")
    go, stop, results = context.Event(), context.Event(), context.Queue()
    connections.close_all()  # the children must not share this process's connection
    ids = [p.pk for p in others]
    workers = [
        context.Process(target=_poster, args=(user.pk, place.pk, ids, n, go, stop, results))
        for n in range(posters)
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # let every poster load its parts
    output = StringIO()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    database_cpu = _cpu_seconds(backend)
    go.set()
    began, cpu = time.perf_counter(), time.process_time()
    try:
        call_command("import_stock", path, "--user", "bench", stdout=output)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        after = _cpu_seconds(backend)
        database_cpu = after - database_cpu if after is not None and database_cpu else None
    finally:
        stop.set()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        os.unlink(path)
    errors = [error for _, error in outcomes if error]
    if errors:
        raise SystemExit(f"a poster failed: {errors[0]}")
    latencies = [latency for values, _ in outcomes for latency in values]
    print(f"import_stock: {output.getvalue().strip()[:120]}")
    print(f"import: {rows:,} rows in {elapsed:.1f}s = {rows / elapsed:,.0f} rows/s")
    database = f"{database_cpu:.1f}s" if database_cpu is not None else "not readable"
    print(
        f"import CPU (what a quiet machine needs at least): Python {cpu:.1f}s, "
        f"its PostgreSQL backend {database}"
    )
    if latencies:
        p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
        print(
            f"{posters} concurrent poster(s) during the import: {len(latencies)} documents "
            f"({POSTER_LINES} lines, create + post), p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
    else:
        print("concurrent posters: no document finished during the import")


def _big_document_over_http(lines: int) -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from inventory.models import Part
    from warehouse.choices import DocumentType
    from warehouse.models import Location

    user = get_user_model().objects.get(username="bench")
    place = Location.objects.get(warehouse__code="BENCH", code="BIN-01")
    part_ids = list(
        Part.objects.filter(sku__startswith="IMP-")
        .order_by("pk")
        .values_list("pk", flat=True)[:lines]
    )
    client = APIClient()
    client.force_authenticate(user)
    body = {
        "doc_type": DocumentType.RECEIPT,
        "destination_location": place.pk,
        "lines": [
            {"part": pk, "quantity": "4", "unit_cost": "1.75", "to_location": place.pk}
            for pk in part_ids
        ],
    }
    began = time.perf_counter()
    created = client.post("/api/documents/", body, format="json")
    create_seconds = time.perf_counter() - began
    if created.status_code != 201:
        raise SystemExit(f"create answered {created.status_code}: {str(created.content)[:300]}")
    began = time.perf_counter()
    posted = client.post(f"/api/documents/{created.json()['id']}/post/")
    post_seconds = time.perf_counter() - began
    if posted.status_code != 200:
        raise SystemExit(f"post answered {posted.status_code}: {str(posted.content)[:300]}")
    per = 1000 / len(part_ids)
    print(
        f"API, {len(part_ids):,}-line RECEIPT: create {create_seconds:.2f}s "
        f"({create_seconds * per:.2f} s per 1,000 lines), post {post_seconds:.2f}s "
        f"({post_seconds * per:.2f} s per 1,000 lines)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Rows in the imported file.")
    parser.add_argument("--posters", type=int, default=2, help="Concurrent poster processes.")
    parser.add_argument("--lines", type=int, default=5_000, help="Lines of the API document.")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the benchmark makes its own database).")
    _, cleanup = use_throwaway_database("bench_import_stock")
    os.environ["LOG_LEVEL"] = "WARNING"
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        _import_while_posting(args.rows, args.posters)
        _big_document_over_http(min(args.lines, args.rows))
        from warehouse.selectors import stock_ledger_mismatches

        checked, mismatches = stock_ledger_mismatches()
        print(f"verify_stock: {checked:,} balances, {len(mismatches)} mismatches")
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    main()
