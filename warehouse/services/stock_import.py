"""Opening balances from a CSV file, imported as one ADJUSTMENT document."""

import csv
import io
from typing import Any

from django.db import transaction

from config.numbers import parse_decimal
from inventory.models import Part
from warehouse.choices import DocumentType
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.services.documents import document_create
from warehouse.services.errors import StockError, StockImportError
from warehouse.services.posting import document_post
from warehouse.services.warehouses import default_receiving_location

IMPORT_COLUMNS = ("warehouse", "location", "sku", "quantity", "unit_cost")


def _read_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("warehouse", "sku", "quantity") if name not in header]
    if missing:
        raise StockImportError(
            f"The file needs the columns {', '.join(IMPORT_COLUMNS)}; "
            f"missing: {', '.join(missing)}."
        )
    reader.fieldnames = header
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@transaction.atomic
def stock_import_csv(*, text: str, user: Any, note: str = "", post: bool = True) -> StockDocument:
    """Opening balances from CSV as one ADJUSTMENT document: every row is right, or nothing.

    Columns: warehouse (code), location (code; empty = the receiving location), sku,
    quantity (the counted quantity), unit_cost (optional). Errors name each bad row.
    """
    rows = _read_rows(text)
    if not rows:
        raise StockImportError("The file has no rows.")
    warehouses = {w.code.lower(): w for w in Warehouse.objects.all()}
    skus = {row.get("sku", "").lower() for row in rows}
    parts = {p.sku.lower(): p for p in Part.objects.filter(sku__in={r["sku"] for r in rows})}
    if len(parts) < len(skus):
        for part in Part.objects.all().only("pk", "sku", "unit_cost"):
            if part.sku.lower() in skus:
                parts.setdefault(part.sku.lower(), part)
    locations = {
        (loc.warehouse_id, loc.code.lower()): loc
        for loc in Location.objects.filter(warehouse__in=warehouses.values())
    }
    errors: list[str] = []
    lines: list[dict[str, Any]] = []
    seen: dict[tuple[int, int], int] = {}
    for number, row in enumerate(rows, start=2):
        label = f"Row {number}"
        warehouse = warehouses.get(row.get("warehouse", "").lower())
        if warehouse is None:
            errors.append(f"{label}: unknown warehouse '{row.get('warehouse', '')}'.")
            continue
        code = row.get("location", "")
        if code:
            location = locations.get((warehouse.pk, code.lower()))
        else:
            location = default_receiving_location(warehouse=warehouse)
        if location is None:
            errors.append(f"{label}: unknown location '{code}' in {warehouse.code}.")
            continue
        part = parts.get(row.get("sku", "").lower())
        if part is None:
            errors.append(f"{label}: unknown SKU '{row.get('sku', '')}'.")
            continue
        try:
            quantity = parse_decimal(row.get("quantity", ""), label, error=StockError)
            cost_text = row.get("unit_cost", "")
            unit_cost = parse_decimal(cost_text, label, error=StockError) if cost_text else None
        except StockError as exc:
            errors.extend(exc.messages)
            continue
        if quantity < 0:
            errors.append(f"{label}: the quantity of {part.sku} cannot be negative.")
            continue
        if unit_cost is not None and unit_cost < 0:
            errors.append(f"{label}: the unit cost of {part.sku} cannot be negative.")
            continue
        key = (part.pk, location.pk)
        if key in seen:
            errors.append(f"{label}: {part.sku} at {location} is already on row {seen[key]}.")
            continue
        seen[key] = number
        lines.append(
            {"part": part, "quantity": quantity, "to_location": location, "unit_cost": unit_cost}
        )
    if errors:
        raise StockImportError(errors)
    document = document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=user,
        lines=lines,
        note=note or "Opening balances imported from CSV.",
    )
    if post:
        document = document_post(document=document, user=user)
    return document
