"""Benchmark: the streaming CSV reader the map's refresh reads sources through.

Run:
    .venv/bin/python bench/csv_stream.py [--rows 1000000]

Writes an orders CSV of ``--rows`` rows to a temporary file, then reads it back three ways and
prints rows/s and the peak Python allocation while reading (tracemalloc), which must not grow
with the file (the reader is a generator: one row at a time):
- ``csv.DictReader`` over a ``TextIOWrapper`` (the reader the refresh used before, for scale);
- ``config.csv_io.iter_csv`` (header check, strip, formula unquote, per-row problems);
- ``analytics.geo.rows.read_rows`` + ``parse_order`` (what the refresh does per row before the
  database).
Read the figures against a second run with ten times fewer rows: the peak stays the same.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    import django

    django.setup()
    from analytics.geo.rows import COLUMNS, parse_order, read_rows
    from config.csv_io import iter_csv

    columns = COLUMNS["orders"]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as file:
        file.write(",".join(columns) + "\n")
        for i in range(args.rows):
            file.write(
                f"O{i},V{i % 2000},BEN,food,2026-01-05T10:{i % 60:02d}:00+00:00,"
                f"52.{i % 9999:04d},13.{i % 7777:04d},U{i % 50000},{'true' if i % 3 else 'false'}\n"
            )
        path = file.name

    def dict_reader(stream: io.BufferedReader) -> int:
        return sum(1 for _ in csv.DictReader(io.TextIOWrapper(stream, "utf-8", newline="")))

    def streaming(stream: io.BufferedReader) -> int:
        return sum(1 for _ in iter_csv(stream, required=columns, ignore_unknown=True))

    def refresh_rows(stream: io.BufferedReader) -> int:
        return sum(1 for _, row in read_rows(stream, "orders") if parse_order(row))

    try:
        print(f"{args.rows:,} rows, {os.path.getsize(path) / 1e6:.0f} MB; load {os.getloadavg()}")
        for name, read in (
            ("csv.DictReader", dict_reader),
            ("csv_io.iter_csv", streaming),
            ("read_rows + parse_order", refresh_rows),
        ):
            with open(path, "rb") as stream:
                started = time.perf_counter()
                count = read(stream)
                seconds = time.perf_counter() - started
            with open(path, "rb") as stream:  # again, for memory: tracemalloc slows it down
                tracemalloc.start()
                read(stream)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            print(
                f"{name:24} {count:,} rows in {seconds:6.2f} s = {count / seconds:9,.0f} rows/s; "
                f"peak Python allocation {peak / 1e6:5.2f} MB"
            )
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
