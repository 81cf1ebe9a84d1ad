"""Recompute every stock balance from the ledger; exit 1 listing the mismatches if any differ."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from warehouse.selectors import stock_ledger_mismatches
from warehouse.services import stock_verify


class Command(BaseCommand):
    help = "Check every stock level against the sum of its ledger moves (exit 1 on mismatch)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--record",
            action="store_true",
            help="Also store the result as a StockVerification (which /metrics exports).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["record"]:
            verification = stock_verify(triggered_by="command")
            checked, mismatches = verification.levels_checked, verification.mismatches
        else:
            checked, mismatches = stock_ledger_mismatches()
        if not mismatches:
            self.stdout.write(f"Stock ledger verified: {checked} balances, no mismatches.")
            return
        for row in mismatches:
            self.stdout.write(
                f"MISMATCH {row['location']} {row['part']}: "
                f"stock level {row['level']}, ledger {row['ledger']}"
            )
        raise CommandError(f"{len(mismatches)} of {checked} stock balances differ from the ledger.")
