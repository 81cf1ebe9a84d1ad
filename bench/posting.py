"""Benchmark: posting stock documents of 10 lines over 5,000 parts, with 1 and 8 posters.

Run (PostgreSQL: a throw-away database named <name>_bench_posting next to the one in
DATABASE_URL; it is created, migrated, filled and dropped again):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline_wh .venv/bin/python bench/posting.py

It never touches the development database. It makes 5,000 parts and 20 bins, posts opening stock
through one ADJUSTMENT, creates the DRAFT documents (not timed), then times document_post —
the same service the pages, the API and the admin call — first with 1 poster, then with 8
concurrent posters, each a thread with its own database connection (--mode process runs them as
separate processes instead, like web workers; on two cores eight Python processes starve the
database of CPU while it holds row locks, so that mode measures the machine more than posting).
Each document has 10 distinct random parts from random bins.
Printed: posted lines per second for each run and the p50/p95 latency of one post.
Target: at least 1,000 lines/s with 8 posters on a 2-core machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import statistics
import sys
import threading
import time
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.throwaway import postgres_throwaway_database

PARTS = 5_000
BINS = 20
LINES_PER_DOCUMENT = 10


def _setup(kind: str) -> tuple[list, list, object]:
    from django.contrib.auth import get_user_model

    from inventory.models import Part
    from warehouse.choices import DocumentType
    from warehouse.services import (
        document_create,
        document_post,
        location_create,
        warehouse_create,
    )

    user = get_user_model().objects.create(username="bench")
    warehouse = warehouse_create(code="BENCH", name="Bench")
    bins = [location_create(warehouse=warehouse, code=f"BIN-{i:02d}") for i in range(BINS)]
    Part.objects.bulk_create(
        Part(sku=f"B-{i:05d}", name=f"Bench part {i}", unit_cost=Decimal("2.50"))
        for i in range(PARTS)
    )
    parts = list(Part.objects.order_by("pk"))
    rng = random.Random(42)
    home = {part.pk: rng.choice(bins) for part in parts}
    opening = document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=user,
        lines=[
            {"part": part, "quantity": Decimal("1000000"), "to_location": home[part.pk]}
            for part in parts
        ],
    )
    document_post(document=opening, user=user)
    return parts, bins, (user, home, rng)


def _drafts(count: int, kind: str, parts: list, bins: list, context: tuple) -> list:
    from warehouse.choices import DocumentType
    from warehouse.services import document_create

    user, home, rng = context
    documents = []
    for _ in range(count):
        chosen = rng.sample(parts, LINES_PER_DOCUMENT)
        if kind == "issue":
            lines = [
                {"part": p, "quantity": Decimal("1"), "from_location": home[p.pk]} for p in chosen
            ]
            doc_type = DocumentType.ISSUE
        elif kind == "receipt":
            lines = [
                {
                    "part": p,
                    "quantity": Decimal("5"),
                    "to_location": home[p.pk],
                    "unit_cost": Decimal("2.40"),
                }
                for p in chosen
            ]
            doc_type = DocumentType.RECEIPT
        else:
            lines = [
                {
                    "part": p,
                    "quantity": Decimal("1"),
                    "from_location": home[p.pk],
                    "to_location": rng.choice([b for b in bins if b != home[p.pk]]),
                }
                for p in chosen
            ]
            doc_type = DocumentType.TRANSFER
        documents.append(document_create(doc_type=doc_type, user=user, lines=lines))
    return documents


def _post_chunk(document_ids: list[int], user_id: int, start: Any, results: Any) -> None:
    """One poster: wait for the start signal, post its documents, report the latencies."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from warehouse.models import StockDocument
    from warehouse.services import document_post

    documents = list(StockDocument.objects.filter(pk__in=document_ids).order_by("pk"))
    user = get_user_model().objects.get(pk=user_id)
    latencies: list[float] = []
    error = ""
    start.wait()
    try:
        for document in documents:
            began = time.perf_counter()
            document_post(document=document, user=user)
            latencies.append(time.perf_counter() - began)
    except Exception as exc:  # reported by the parent
        error = f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    results.put((latencies, error))


def _post_all(documents: list, posters: int, user: Any, mode: str) -> tuple[float, list[float]]:
    """Post the documents with `posters` concurrent posters, each on its own connection.

    mode "thread" (the default) runs them as threads of this process (one GIL shared by all);
    "process" runs each poster in its own process, as gunicorn workers would.
    """
    from django.db import connections

    chunks = [[d.pk for d in documents[i::posters]] for i in range(posters)]
    if mode == "process":
        context = multiprocessing.get_context("fork")
        start, results = context.Event(), context.Queue()
        connections.close_all()  # children must not share the parent's connection
        workers = [
            context.Process(target=_post_chunk, args=(chunk, user.pk, start, results))
            for chunk in chunks
        ]
    else:
        start, results = threading.Event(), queue.Queue()
        workers = [
            threading.Thread(target=_post_chunk, args=(chunk, user.pk, start, results))
            for chunk in chunks
        ]
    for worker in workers:
        worker.start()
    time.sleep(1.0 if mode == "process" else 0.2)  # let every poster load its documents
    began = time.perf_counter()
    start.set()
    outcomes = [results.get() for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    errors = [error for _, error in outcomes if error]
    if errors:
        raise SystemExit(f"a poster failed: {errors[0]}")
    return elapsed, [latency for latencies, _ in outcomes for latency in latencies]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=800, help="Documents per run.")
    parser.add_argument(
        "--kind", choices=["issue", "transfer", "receipt"], default="issue", help="Document type."
    )
    parser.add_argument("--posters", type=int, nargs="+", default=[1, 8])
    parser.add_argument(
        "--mode",
        choices=["process", "thread"],
        default="thread",
        help="Posters as threads of this process, each on its own connection (default), or as "
        "separate processes like web workers.",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the benchmark makes its own database).")
    bench_url, drop = postgres_throwaway_database(url, "bench_posting")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        parts, bins, context = _setup(args.kind)
        print(
            f"setup: {PARTS} parts, {BINS} bins, opening stock posted "
            f"in {time.perf_counter() - started:.1f}s"
        )
        print(
            f"documents: {args.kind.upper()}, {LINES_PER_DOCUMENT} lines each; "
            f"posters run as {'threads' if args.mode == 'thread' else 'processes'}"
        )
        for posters in args.posters:
            documents = _drafts(args.documents, args.kind, parts, bins, context)
            elapsed, latencies = _post_all(documents, posters, context[0], args.mode)
            lines = len(documents) * LINES_PER_DOCUMENT
            print(
                f"{posters} poster{'s' if posters > 1 else ' '}: {len(documents)} documents, "
                f"{lines} lines in {elapsed:.2f}s = {lines / elapsed:,.0f} lines/s; "
                f"post latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
                f"p95 {_percentile(latencies, 0.95) * 1000:.1f} ms"
            )
        from warehouse.selectors import stock_ledger_mismatches

        checked, mismatches = stock_ledger_mismatches()
        print(f"verify_stock: {checked} balances, {len(mismatches)} mismatches")
    finally:
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
