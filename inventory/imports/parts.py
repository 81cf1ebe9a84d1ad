"""Parts CSV import: create or update parts by SKU; the whole file checked first, all or nothing.

Columns are the export's (``PART_COLUMNS``); only ``sku`` and ``name`` are required. Rows match
parts by SKU ignoring case. Categories (top-level) and manufacturers are found by name and
created when missing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from config.csv_io import CsvRow, read_csv
from config.validators import identifier_problem
from inventory.choices import UnitOfMeasure
from inventory.imports.cells import NAME_MAX, SKU_MAX, CellError, amount_cell, bool_cell
from inventory.models import Category, Manufacturer, Part
from inventory.services import InventoryError

PART_COLUMNS = ["sku", "name", *Part.CATALOGUE_FIELDS]
PART_REQUIRED_COLUMNS = ["sku", "name"]
# Columns whose empty cell means "false" only for is_assembly; the others default to true.
BOOL_COLUMNS = {"is_assembly": False, "is_purchased": True, "is_active": True}


class PartImportError(InventoryError):
    """The parts file was refused; ``messages`` has one entry per problem, with line numbers."""


@transaction.atomic
def parts_import_csv(*, content: bytes | str) -> dict[str, int]:
    """Create or update parts from CSV; nothing is written if any row is bad, and every bad
    row is reported by line number."""
    optional = [c for c in PART_COLUMNS if c not in PART_REQUIRED_COLUMNS]
    table = read_csv(
        content, required=PART_REQUIRED_COLUMNS, optional=optional, error=PartImportError
    )
    present = set(table.columns)
    errors = list(table.errors)
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for record in table:
        problems: list[str] = []
        data = _part_values(record, present, problems)
        sku = data["sku"].lower()
        if sku in seen:
            problems.append(f"duplicate of line {seen[sku]} ({data['sku']})")
        seen.setdefault(sku, record.line)
        if problems:
            errors.extend(f"line {record.line}: {p}" for p in problems)
        else:
            rows.append(data)
    if errors:
        raise PartImportError(errors)
    return _save_parts(rows)


def _part_values(record: CsvRow, present: set[str], problems: list[str]) -> dict[str, Any]:
    """The model values of one row (only the columns the file has), noting each bad cell."""
    data: dict[str, Any] = {"sku": record["sku"], "name": record["name"]}
    if not data["sku"] or len(data["sku"]) > SKU_MAX:
        problems.append(f"sku must have 1 to {SKU_MAX} characters")
    elif identifier_problem(data["sku"]):
        problems.append(f"sku {identifier_problem(data['sku'])}")
    if not data["name"] or len(data["name"]) > NAME_MAX:
        problems.append(f"name must have 1 to {NAME_MAX} characters")
    for column in ("unit_cost", "reorder_point"):
        if record[column]:
            try:
                data[column] = amount_cell(record[column], column)
            except CellError as exc:
                problems.append(str(exc))
    if record["lead_time_days"]:
        if record["lead_time_days"].isdigit():
            data["lead_time_days"] = int(record["lead_time_days"])
        else:
            problems.append(
                f"lead_time_days must be a whole number, not {record['lead_time_days']!r}"
            )
    if record["unit"]:
        if record["unit"] in UnitOfMeasure.values:
            data["unit"] = record["unit"]
        else:
            problems.append(f"unit must be one of {', '.join(sorted(UnitOfMeasure.values))}")
    if record["currency"]:
        if len(record["currency"]) == 3 and record["currency"].isalpha():
            data["currency"] = record["currency"].upper()
        else:
            problems.append("currency must be a three-letter code")
    for column, default in BOOL_COLUMNS.items():
        if column in present:
            try:
                data[column] = bool_cell(record[column], column, default=default)
            except CellError as exc:
                problems.append(str(exc))
    for column in ("mpn", "category", "manufacturer"):
        if column in present:
            data[column] = record[column]
    return data


def _save_parts(rows: list[dict[str, Any]]) -> dict[str, int]:
    existing = {
        p.sku.lower(): p
        for p in Part.objects.annotate(sku_lower=Lower("sku")).filter(
            sku_lower__in=[data["sku"].lower() for data in rows]
        )
    }
    categories = {c.name.lower(): c for c in Category.objects.filter(parent=None)}
    manufacturers = {m.name.lower(): m for m in Manufacturer.objects.all()}
    created = updated = 0
    for data in rows:
        for column, lookup, model in (
            ("category", categories, Category),
            ("manufacturer", manufacturers, Manufacturer),
        ):
            if column in data:
                name = data[column]
                if not name:
                    data[column] = None
                    continue
                if name.lower() not in lookup:
                    lookup[name.lower()] = model.objects.create(name=name)
                data[column] = lookup[name.lower()]
        part = existing.get(data["sku"].lower())
        if part is None:
            Part.objects.create(**data)
            created += 1
            continue
        data.pop("sku")
        changed = [k for k, v in data.items() if getattr(part, k) != v]
        if changed:
            for k in changed:
                setattr(part, k, data[k])
            part.save(update_fields=[*changed, "updated_at"])
            updated += 1
    return {"rows": len(rows), "created": created, "updated": updated}
