"""Refit OEE forecasts (the nightly job, runnable by hand): every line, or one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from analytics.oee.models import ProductionLine
from analytics.oee.services import MAX_HORIZON, forecast_refresh_all


class Command(BaseCommand):
    help = "Backtest the forecast methods per line, store the winner and its predictions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--line", help="Line code (default: every active line).")
        parser.add_argument(
            "--horizon", type=int, default=MAX_HORIZON, help=f"Production days, 1–{MAX_HORIZON}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        horizon = options["horizon"]
        if not 1 <= horizon <= MAX_HORIZON:
            raise CommandError(f"--horizon must be 1 to {MAX_HORIZON}.")
        lines = None
        if options["line"]:
            lines = list(ProductionLine.objects.filter(code=options["line"]))
            if not lines:
                raise CommandError(f"No production line '{options['line']}'.")

        def progress(done: int, total: int, code: str) -> None:
            self.stdout.write(f"  {done}/{total} {code}")

        outcome = forecast_refresh_all(horizon=horizon, lines=lines, progress=progress)
        for code, result in outcome.items():
            self.stdout.write(f"{code}: {result}")
        if lines and outcome[lines[0].code].startswith("skipped"):
            raise CommandError(outcome[lines[0].code])
