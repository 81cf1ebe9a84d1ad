"""Opening balances from a CSV file, imported as one ADJUSTMENT document."""

from typing import Any

from django.conf import settings
from django.db import transaction

from config.csv_io import read_csv
from config.numbers import parse_decimal
from inventory.models import Part
from warehouse.choices import DocumentType
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.services.documents import document_create
from warehouse.services.errors import StockError, StockImportError
from warehouse.services.posting import document_post
from warehouse.services.warehouses import default_receiving_location

IMPORT_COLUMNS = ("warehouse", "location", "sku", "quantity", "unit_cost")


@transaction.atomic
def stock_import_csv(
    *, text: str | bytes, user: Any, note: str = "", post: bool = True
) -> list[StockDocument]:
    """Opening balances from CSV as ADJUSTMENT documents: every row is right, or nothing.

    One document, or several of at most DOCUMENT_MAX_LINES lines each for a larger file, all
    created and posted in one transaction.

    Columns: warehouse (code), location (code; empty = the receiving location), sku,
    quantity (the counted quantity), unit_cost (optional). Errors name each bad row.
    """
    table = read_csv(
        text,
        required=("warehouse", "sku", "quantity"),
        optional=("location", "unit_cost"),
        error=StockImportError,
        row_label="Row",
    )
    rows = table.rows
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
    errors: list[str] = list(table.errors)
    lines: list[dict[str, Any]] = []
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        number = row.line
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
    # A file larger than one document may be (DOCUMENT_MAX_LINES) becomes several documents of
    # that size, still in this one transaction: every row is imported, or none.
    size = settings.DOCUMENT_MAX_LINES
    parts_of = -(-len(lines) // size)
    documents = []
    for index, start in enumerate(range(0, len(lines), size), start=1):
        suffix = f" (part {index} of {parts_of})" if parts_of > 1 else ""
        document = document_create(
            doc_type=DocumentType.ADJUSTMENT,
            user=user,
            lines=lines[start : start + size],
            note=(note or "Opening balances imported from CSV.") + suffix,
        )
        if post:
            document = document_post(document=document, user=user)
        documents.append(document)
    return documents
