"""BOM CSV import: validate the whole file (cells, duplicates, cycles), then write all or nothing.

Columns: ``assembly_sku, component_sku, component_name, quantity, unit_cost_usd, optional, kind``
and, optionally, ``assembly_name``. A part the file creates is named by the first non-empty
``component_name`` or ``assembly_name`` the file gives for its SKU (its SKU if none); parts
that exist already keep their name and cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from config.csv_io import CsvRow, read_csv
from config.validators import identifier_problem
from inventory import bom
from inventory.imports.cells import (
    NAME_MAX,
    SKU_MAX,
    CellError,
    amount_cell,
    bool_cell,
    decimal_cell,
)
from inventory.models import BomLine, Part
from inventory.selectors import bom_graph_all
from inventory.services import (
    InventoryError,
    bom_revision_bump,
    format_path,
    lock_bom_structure,
)
from inventory.validators import validate_bom_quantity

BOM_COLUMNS = [
    "assembly_sku",
    "component_sku",
    "component_name",
    "quantity",
    "unit_cost_usd",
    "optional",
    "kind",
]
BOM_OPTIONAL_COLUMNS = ["assembly_name"]
KINDS = ("purchased", "printed", "assembly")


class BomImportError(InventoryError):
    """The file was refused; ``messages`` has one entry per problem, with line numbers."""


@dataclass
class BomRow:
    line: int
    assembly_sku: str
    component_sku: str
    component_name: str
    quantity: Decimal
    unit_cost: Decimal | None
    optional: bool
    kind: str
    assembly_name: str = ""


@dataclass
class ImportResult:
    rows: int = 0
    parts_created: int = 0
    lines_created: int = 0
    lines_updated: int = 0
    lines_unchanged: int = 0
    created_skus: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.rows} rows: {self.parts_created} parts created, {self.lines_created} BOM lines "
            f"created, {self.lines_updated} updated, {self.lines_unchanged} unchanged"
        )


def parse_bom_csv(content: bytes | str) -> list[BomRow]:
    """Parse and check every row; raise BomImportError listing every bad row by line number."""
    rows, errors = _parse_bom_rows(content)
    if errors:
        raise BomImportError(errors)
    return rows


def _parse_bom_rows(content: bytes | str) -> tuple[list[BomRow], list[str]]:
    """The well-formed rows and one message per problem; an unreadable file raises at once."""
    table = read_csv(
        content, required=BOM_COLUMNS, optional=BOM_OPTIONAL_COLUMNS, error=BomImportError
    )
    rows: list[BomRow] = []
    errors = list(table.errors)
    seen: dict[tuple[str, str], int] = {}
    for record in table:
        problems: list[str] = []
        row = _bom_row(record, problems)
        key = (record["assembly_sku"].lower(), record["component_sku"].lower())
        if all(key) and key in seen:
            problems.append(
                f"duplicate of line {seen[key]} ({record['assembly_sku']} → "
                f"{record['component_sku']} appears twice)"
            )
        else:
            seen[key] = record.line
        if problems:
            errors.extend(f"line {record.line}: {problem}" for problem in problems)
        else:
            rows.append(row)  # type: ignore[arg-type]
    return rows, errors


def _bom_row(record: CsvRow, problems: list[str]) -> BomRow | None:
    """The row's values, adding one message to ``problems`` per bad cell."""
    assembly_sku, component_sku = record["assembly_sku"], record["component_sku"]
    for column, sku in (("assembly_sku", assembly_sku), ("component_sku", component_sku)):
        if not sku:
            problems.append(f"{column} is empty")
        elif len(sku) > SKU_MAX:
            problems.append(f"{column} is longer than {SKU_MAX} characters")
        elif identifier_problem(sku):
            problems.append(f"{column} {identifier_problem(sku)}")
    if assembly_sku and assembly_sku.lower() == component_sku.lower():
        problems.append(f"{assembly_sku} cannot contain itself")
    for column in ("component_name", "assembly_name"):
        if len(record[column]) > NAME_MAX:
            problems.append(f"{column} is longer than {NAME_MAX} characters")
    quantity = unit_cost = None
    optional = False
    try:
        quantity = decimal_cell(record["quantity"], "quantity")
        validate_bom_quantity(quantity)
    except CellError as exc:
        problems.append(str(exc))
    except ValidationError as exc:
        problems.extend(exc.messages)
    if record["unit_cost_usd"]:
        try:
            unit_cost = amount_cell(record["unit_cost_usd"], "unit_cost_usd")
        except CellError as exc:
            problems.append(str(exc))
    try:
        optional = bool_cell(record["optional"], "optional")
    except CellError as exc:
        problems.append(str(exc))
    kind = record["kind"].lower() or "purchased"
    if kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}, not {record['kind']!r}")
    if problems:
        return None
    return BomRow(
        line=record.line,
        assembly_sku=assembly_sku,
        component_sku=component_sku,
        component_name=record["component_name"],
        quantity=quantity,  # type: ignore[arg-type]
        unit_cost=unit_cost,
        optional=optional,
        kind=kind,
        assembly_name=record["assembly_name"],
    )


def _cycles_closed_by_rows(
    stored: list[bom.Edge], file_pairs: dict[tuple[int, int], BomRow]
) -> list[tuple[int | None, list[int]]]:
    """(line, cycle path) for every file row that would close a cycle; none for a clean file.

    The common case (no cycle at all) costs one pass over the whole graph. Otherwise the rows
    are added to the stored graph one at a time in file order, and each row whose line would
    close a cycle is reported and left out, so one run names every such row, not just the first.
    """
    file_edges = [(a, c, r.quantity, r.optional) for (a, c), r in file_pairs.items()]
    any_cycle = bom.find_any_cycle(bom.BomGraph.from_edges([*stored, *file_edges]))
    if any_cycle is None:
        return []
    graph = bom.BomGraph.from_edges(stored)
    found: list[tuple[int | None, list[int]]] = []
    for (assembly_id, component_id), row in sorted(file_pairs.items(), key=lambda i: i[1].line):
        path = bom.cycle_path_if_added(graph, assembly_id, component_id)
        if path is not None:
            found.append((row.line, path))
            continue
        graph.children.setdefault(assembly_id, []).append((component_id, row.quantity, False))
    if not found:
        # The stored lines loop by themselves (written around the services); say so.
        stored_cycle = bom.find_any_cycle(bom.BomGraph.from_edges(stored))
        found.append((None, stored_cycle or any_cycle))
    return found


def _cycle_errors(rows: list[BomRow], existing: dict[str, Part]) -> list[str]:
    """One message per row that would close a cycle, against the BOMs already stored."""
    # Temporary negative ids for parts the file would create, so the cycle check sees them.
    ids = {sku: part.pk for sku, part in existing.items()}
    display = {sku: part.sku for sku, part in existing.items()}
    for r in rows:
        for sku in (r.assembly_sku, r.component_sku):
            ids.setdefault(sku.lower(), -(len(ids) + 1))
            display.setdefault(sku.lower(), sku)
    file_pairs = {(ids[r.assembly_sku.lower()], ids[r.component_sku.lower()]): r for r in rows}
    stored = [e for e in bom_graph_all().edges() if (e[0], e[1]) not in file_pairs]
    cycles = _cycles_closed_by_rows(stored, file_pairs)
    if not cycles:
        return []
    # Paths through stored BOMs may pass parts the file does not mention.
    sku_of = {part_id: display[sku] for sku, part_id in ids.items()}
    others = {p for _, path in cycles for p in path if p not in sku_of}
    sku_of.update(Part.objects.filter(pk__in=others).values_list("pk", "sku"))
    errors = []
    for line, path in cycles:
        where = f"line {line}: " if line else ""
        names = format_path([sku_of.get(p, str(p)) for p in path])
        errors.append(f"{where}the BOM would contain a cycle {names}")
    return errors


@transaction.atomic
def bom_import_csv(*, content: bytes | str) -> ImportResult:
    """Import BOM rows: create missing parts, add or update lines; all or nothing.

    The whole file is checked first (cells, duplicates, and cycles against the BOMs already in
    the database); nothing is written if any row is bad. Importing the same file twice changes
    nothing the second time. Existing parts keep their name and cost.
    """
    rows, errors = _parse_bom_rows(content)
    # The cycle check runs over the well-formed rows even when other rows are bad, so one run
    # reports every problem in the file.
    lock_bom_structure()
    skus = {r.assembly_sku.lower() for r in rows} | {r.component_sku.lower() for r in rows}
    existing = {
        p.sku_lower: p
        for p in Part.objects.annotate(sku_lower=Lower("sku")).filter(sku_lower__in=skus)
    }
    errors.extend(_cycle_errors(rows, existing))
    if errors:
        raise BomImportError(errors)
    result = ImportResult(rows=len(rows))
    new_parts = _create_parts(rows, existing)
    result.parts_created = len(new_parts)
    result.created_skus = sorted(p.sku for p in new_parts.values())
    parts = {**existing, **new_parts}
    _write_lines(rows, parts, result)
    return result


def _create_parts(rows: list[BomRow], existing: dict[str, Part]) -> dict[str, Part]:
    """Save the parts the file names that do not exist yet, by lower-case SKU."""
    assemblies = {r.assembly_sku.lower() for r in rows}
    names: dict[str, str] = {}
    for r in rows:  # the first name the file gives a SKU, in either role
        for sku, name in ((r.component_sku, r.component_name), (r.assembly_sku, r.assembly_name)):
            if name:
                names.setdefault(sku.lower(), name)
    # Components first: a row describes its component (kind, cost); an assembly only its SKU.
    roles = [(r.component_sku, r) for r in rows] + [(r.assembly_sku, None) for r in rows]
    new_parts: dict[str, Part] = {}
    for sku_text, row in roles:
        sku = sku_text.lower()
        if sku in existing or sku in new_parts:
            continue
        new_parts[sku] = Part(
            sku=sku_text,
            name=names.get(sku, sku_text),
            unit_cost=(row.unit_cost if row else None) or Decimal("0"),
            is_assembly=row is None or row.kind == "assembly" or sku in assemblies,
            is_purchased=row is not None and row.kind == "purchased" and sku not in assemblies,
        )
    for part in new_parts.values():
        part.save()
    to_mark = [part.pk for sku, part in existing.items() if sku in assemblies]
    Part.objects.filter(pk__in=to_mark, is_assembly=False).update(is_assembly=True)
    return new_parts


def _write_lines(rows: list[BomRow], parts: dict[str, Part], result: ImportResult) -> None:
    """Add the file's lines that are new, change those that differ, count the rest."""
    assembly_ids = {parts[r.assembly_sku.lower()].pk for r in rows}
    current = {
        (line.assembly_id, line.component_id): line
        for line in BomLine.objects.filter(assembly_id__in=assembly_ids)
    }
    to_create, to_update = [], []
    for position, r in enumerate(rows):
        assembly, component = parts[r.assembly_sku.lower()], parts[r.component_sku.lower()]
        line = current.get((assembly.pk, component.pk))
        if line is None:
            to_create.append(
                BomLine(
                    assembly=assembly,
                    component=component,
                    quantity=r.quantity,
                    optional=r.optional,
                    position=position,
                )
            )
        elif line.quantity != r.quantity or line.optional != r.optional:
            line.quantity, line.optional = r.quantity, r.optional
            to_update.append(line)
        else:
            result.lines_unchanged += 1
    BomLine.objects.bulk_create(to_create)
    BomLine.objects.bulk_update(to_update, ["quantity", "optional"])
    if to_create or to_update:
        bom_revision_bump()  # bulk writes send no signals
    result.lines_created, result.lines_updated = len(to_create), len(to_update)
