"""Import opening balances from CSV as posted ADJUSTMENT documents (all rows or none).

A file longer than DOCUMENT_MAX_LINES becomes several documents in one transaction; with
``--verbosity 2`` each one is reported as it is posted.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from config.commands import import_refusals, read_import_file, user_option
from warehouse.services import IMPORT_COLUMNS, StockError, stock_import_csv


class Command(BaseCommand):
    help = (
        "Import stock counts from a CSV file with the columns "
        f"{', '.join(IMPORT_COLUMNS)} (location and unit_cost may be empty). "
        "Every row must be valid or nothing is imported."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the CSV file (UTF-8, with a header row).")
        parser.add_argument("--user", help="Username to record as creator and poster.")
        parser.add_argument("--note", default="", help="Note stored on the document.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        content = read_import_file(path)
        user = user_option(options["user"])
        verbose = options["verbosity"] >= 2

        def progress(done: int, total: int, rows: int) -> None:
            if verbose:
                self.stdout.write(f"Posted document {done} of {total} ({rows:,} rows so far).")

        with import_refusals(self, path, StockError):
            documents = stock_import_csv(
                text=content, user=user, note=options["note"], progress=progress
            )
        rows = sum(document.lines.count() for document in documents)
        numbers = ", ".join(document.number for document in documents)
        self.stdout.write(f"Imported {rows} rows as {numbers} (posted).")
