"""Opening balances from a CSV file, imported as ADJUSTMENT documents in one transaction."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from config.csv_io import read_csv
from config.numbers import parse_decimal
from inventory.models import Part
from warehouse.choices import DocumentType
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.services.documents import document_create, documents_number
from warehouse.services.errors import StockError, StockImportError
from warehouse.services.posting import document_post
from warehouse.services.warehouses import default_receiving_location

IMPORT_COLUMNS = ("warehouse", "location", "sku", "quantity", "unit_cost")
# SKUs looked up per query (SQLite limits a statement's parameters).
SKU_LOOKUP_BATCH = 5_000

# progress(documents written, documents in all, rows written): called after each document.
ImportProgress = Callable[[int, int, int], None]


@transaction.atomic
def stock_import_csv(
    *,
    text: str | bytes,
    user: Any,
    note: str = "",
    post: bool = True,
    progress: ImportProgress | None = None,
) -> list[StockDocument]:
    """Opening balances from CSV as ADJUSTMENT documents: every row is right, or nothing.

    One document, or several of at most DOCUMENT_MAX_LINES lines each for a larger file, all
    created and posted in one transaction. Every row is checked and every document written
    and posted first; the documents take their numbers last, so the ADJUSTMENT series is
    locked only for the milliseconds before the commit and other users keep creating
    documents meanwhile (posting locks only the stock rows the file counts).

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
    exact = sorted({row.get("sku", "") for row in rows})
    parts = {
        p.sku.lower(): p
        for start in range(0, len(exact), SKU_LOOKUP_BATCH)
        for p in Part.objects.filter(sku__in=exact[start : start + SKU_LOOKUP_BATCH]).only(
            "pk", "sku"
        )
    }
    if len(parts) < len(skus):
        for part in Part.objects.all().only("pk", "sku", "unit_cost"):
            if part.sku.lower() in skus:
                parts.setdefault(part.sku.lower(), part)
    locations = {
        (loc.warehouse_id, loc.code.lower()): loc
        for loc in Location.objects.filter(warehouse__in=warehouses.values())
    }
    receiving: dict[int, Location] = {}
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
            if warehouse.pk not in receiving:
                receiving[warehouse.pk] = default_receiving_location(warehouse=warehouse)
            location = receiving[warehouse.pk]
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
            number_later=True,
        )
        if post:
            document = document_post(document=document, user=user)
        documents.append(document)
        if progress is not None:
            progress(index, parts_of, min(start + size, len(lines)))
    # The last write before the commit: the series row is locked from here on only.
    documents_number(documents=documents)
    return documents
