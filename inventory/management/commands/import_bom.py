"""Import BOM rows from a CSV file (columns in the README); all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from config.commands import import_refusals, read_import_file
from inventory.imports.bom import BomImportError, bom_import_csv


class Command(BaseCommand):
    help = (
        "Import a BOM CSV (assembly_sku, component_sku, component_name, quantity, unit_cost_usd, "
        "optional, kind). The whole file is checked first; nothing is written if a row is bad."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        content = read_import_file(path)
        with import_refusals(self, path, BomImportError):
            result = bom_import_csv(content=content)
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {result}."))
