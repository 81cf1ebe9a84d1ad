"""Recompute daily OEE from runs and downtime (the nightly job, runnable by hand)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from analytics.oee.models import ProductionLine
from analytics.oee.services import oee_daily_recompute_range


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Recompute OeeDaily from runs and downtime: all of it, a date range and/or one line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="date_from", help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Last day (YYYY-MM-DD).")
        parser.add_argument("--line", help="Line code (default: every line).")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from = _date(options["date_from"]) if options["date_from"] else None
        date_to = _date(options["date_to"]) if options["date_to"] else None
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from must not be after --to.")
        line = None
        if options["line"]:
            line = ProductionLine.objects.filter(code=options["line"]).first()
            if line is None:
                raise CommandError(f"No production line '{options['line']}'.")
        touched = oee_daily_recompute_range(date_from=date_from, date_to=date_to, line=line)
        self.stdout.write(f"Daily OEE recomputed: {touched} day(s) written or removed.")
