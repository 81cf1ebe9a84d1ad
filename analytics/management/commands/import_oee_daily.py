"""Import a plant OEE report (CSV): whole file checked first, impossible days loaded flagged."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from analytics.oee.imports import OeeImportError, oee_report_import, summary_lines


class Command(BaseCommand):
    help = (
        "Import daily OEE (PRODUCTION_LINE, Date, Planned_Production_Time_Seconds, "
        "Actual_Run_Time_Seconds, Total_Actual_Output, Ideal_Cycle_Time_Seconds, optional "
        "Good_Output, Availability, Performance, Quality, OEE). Malformed rows refuse the file."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            summary = oee_report_import(content=content)
        except OeeImportError as exc:
            for message in exc.messages:
                self.stderr.write(f"  {message}")
            raise CommandError(
                f"{path.name}: {len(exc.messages)} problem(s); nothing was imported."
            ) from None
        for line in summary_lines(summary):
            self.stdout.write(line)
