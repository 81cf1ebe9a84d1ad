"""Import a plant OEE report (CSV): whole file checked first, impossible days loaded flagged."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from analytics.oee.imports import OeeImportError, oee_report_import, summary_lines
from config.commands import import_refusals, read_import_file


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
        content = read_import_file(path)
        with import_refusals(self, path, OeeImportError):
            summary = oee_report_import(content=content)
        for line in summary_lines(summary):
            self.stdout.write(line)
