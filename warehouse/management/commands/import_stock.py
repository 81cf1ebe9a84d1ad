"""Import opening balances from CSV as posted ADJUSTMENT documents (all rows or none).

A file longer than DOCUMENT_MAX_LINES becomes several documents in one transaction; with
``--verbosity 2`` each one is reported as it is posted.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from config.commands import user_option
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
        try:
            content = path.read_bytes()  # decoded (and refused if not UTF-8) by the one reader
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.")
        user = user_option(options["user"])
        verbose = options["verbosity"] >= 2

        def progress(done: int, total: int, rows: int) -> None:
            if verbose:
                self.stdout.write(f"Posted document {done} of {total} ({rows:,} rows so far).")

        try:
            documents = stock_import_csv(
                text=content, user=user, note=options["note"], progress=progress
            )
        except StockError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"Nothing imported: {len(exc.messages)} problem(s) in {path.name}.")
        rows = sum(document.lines.count() for document in documents)
        numbers = ", ".join(document.number for document in documents)
        self.stdout.write(f"Imported {rows} rows as {numbers} (posted).")
