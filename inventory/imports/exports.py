"""CSV exports of the inventory: BOMs in the import's format and parts in the parts import's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from config.csv_io import CsvWriter, write_csv
from config.numbers import format_quantity
from inventory import bom
from inventory.imports.bom import BOM_COLUMNS
from inventory.imports.parts import PART_COLUMNS
from inventory.models import Part
from inventory.selectors import bom_graph_below, parts_by_id


def part_kind(part: Part, has_lines: bool) -> str:
    if has_lines or part.is_assembly:
        return "assembly"
    return "purchased" if part.is_purchased else "printed"


def _money(value: Decimal) -> str:
    cents = value.quantize(Decimal("0.01"))
    return format(cents if value == cents else value.normalize(), "f")


def bom_export_rows(*, part: Part) -> list[list[str]]:
    """The BOM below a part as import rows (header first), each assembly's lines once."""
    graph = bom_graph_below(part_id=part.pk)
    parts = parts_by_id(graph.parts_below(part.pk) | {part.pk})
    rows = [list(BOM_COLUMNS)]
    for node in bom.topological_order(graph, part.pk, include_optional=True):
        for child, quantity, optional in graph.children.get(node, []):
            component = parts[child]
            has_lines = bool(graph.children.get(child))
            rows.append(
                [
                    parts[node].sku,
                    component.sku,
                    component.name,
                    format_quantity(quantity),
                    "" if has_lines else _money(component.unit_cost),
                    "true" if optional else "false",
                    part_kind(component, has_lines),
                ]
            )
    return rows


def bom_export_csv(*, part: Part) -> str:
    return write_csv(bom_export_rows(part=part))


def boms_export(*, assemblies: Any, writer: CsvWriter) -> None:
    """The BOMs of several assemblies as one import file: one header, each line once."""
    seen: set[tuple[str, str]] = set()
    header_written = False
    for part in assemblies.filter(bom_lines__isnull=False).distinct():
        header, *rows = bom_export_rows(part=part)
        if not header_written:
            writer.writerow(header)
            header_written = True
        for row in rows:
            if (row[0], row[1]) not in seen:
                seen.add((row[0], row[1]))
                writer.writerow(row)


def part_export_rows(*, parts: Any) -> list[list[Any]]:
    """Parts as rows of the parts import (header first; category and manufacturer by name)."""
    rows: list[list[Any]] = [list(PART_COLUMNS)]
    for p in parts.select_related("category", "manufacturer"):
        rows.append(
            [
                p.sku,
                p.name,
                p.category.name if p.category else "",
                p.manufacturer.name if p.manufacturer else "",
                p.mpn,
                p.unit,
                str(p.is_assembly).lower(),
                str(p.is_purchased).lower(),
                format_quantity(p.unit_cost),
                p.currency,
                format_quantity(p.reorder_point),
                p.lead_time_days,
                str(p.is_active).lower(),
            ]
        )
    return rows


def parts_export_csv(*, parts: Any) -> str:
    """Parts as CSV, one row each (category and manufacturer by name)."""
    return write_csv(part_export_rows(parts=parts))
