"""Export the BOM below an assembly as CSV, in the format import_bom reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inventory.imports.exports import bom_export_csv
from inventory.models import Part


class Command(BaseCommand):
    help = "Write the multi-level BOM of SKU as CSV (the import_bom columns) to stdout or a file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("sku", help="SKU of the assembly (any case).")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        part = Part.objects.filter(sku__iexact=options["sku"]).first()
        if part is None:
            raise CommandError(f"No part with SKU {options['sku']}.")
        if not part.bom_lines.exists():
            raise CommandError(f"{part.sku} has no BOM lines.")
        text = bom_export_csv(part=part)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {text.count(chr(10)) - 1} lines to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
