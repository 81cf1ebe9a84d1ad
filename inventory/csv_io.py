"""CSV import and export of BOMs and parts: validate the whole file, then write all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.functions import Lower

from inventory import bom
from inventory.models import BomLine, Part
from inventory.selectors import bom_graph_all, bom_graph_below, parts_by_id
from inventory.services import (
    InventoryError,
    bom_revision_bump,
    format_path,
    lock_bom_structure,
)

BOM_COLUMNS = [
    "assembly_sku",
    "component_sku",
    "component_name",
    "quantity",
    "unit_cost_usd",
    "optional",
    "kind",
]
KINDS = ("purchased", "printed", "assembly")
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
MAX_DECIMAL = Decimal("9999999999")  # fits max_digits=14, decimal_places=4
SKU_MAX = Part._meta.get_field("sku").max_length
NAME_MAX = Part._meta.get_field("name").max_length


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


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BomImportError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be decoded); "
            "save it as UTF-8 CSV."
        )


def _parse_decimal(text: str, what: str, *, positive: bool) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} {text!r} is not a number")
    if not value.is_finite():
        raise ValueError(f"{what} {text!r} is not a number")
    if positive and value <= 0:
        raise ValueError(f"{what} must be greater than 0, not {text}")
    if value < 0:
        raise ValueError(f"{what} cannot be negative ({text})")
    if value > MAX_DECIMAL:
        raise ValueError(f"{what} {text} is too large")
    if value != value.quantize(Decimal("0.0001")):
        raise ValueError(f"{what} {text} has more than 4 decimal places")
    return value


def parse_bom_csv(content: bytes | str) -> list[BomRow]:
    """Parse and check every row; raise BomImportError listing every bad row by line number."""
    rows, errors = _parse_bom_rows(content)
    if errors:
        raise BomImportError(errors)
    return rows


def _parse_bom_rows(content: bytes | str) -> tuple[list[BomRow], list[str]]:
    """The well-formed rows and one message per problem; only a bad header raises at once."""
    text = _decode(content)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if sorted(header) != sorted(BOM_COLUMNS):
        missing = [c for c in BOM_COLUMNS if c not in header]
        extra = [c for c in header if c not in BOM_COLUMNS]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {', '.join(extra)}")
        raise BomImportError(
            f"Wrong columns ({'; '.join(detail) or 'duplicated'}); expected: "
            f"{','.join(BOM_COLUMNS)}."
        )
    reader.fieldnames = header
    rows: list[BomRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(f"line {line}: more cells than columns")
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        problems: list[str] = []
        assembly_sku, component_sku = values["assembly_sku"], values["component_sku"]
        for column, sku in (("assembly_sku", assembly_sku), ("component_sku", component_sku)):
            if not sku:
                problems.append(f"{column} is empty")
            elif len(sku) > SKU_MAX:
                problems.append(f"{column} is longer than {SKU_MAX} characters")
        if assembly_sku and assembly_sku.lower() == component_sku.lower():
            problems.append(f"{assembly_sku} cannot contain itself")
        if len(values["component_name"]) > NAME_MAX:
            problems.append(f"component_name is longer than {NAME_MAX} characters")
        quantity = unit_cost = None
        try:
            quantity = _parse_decimal(values["quantity"], "quantity", positive=True)
        except ValueError as exc:
            problems.append(str(exc))
        if values["unit_cost_usd"]:
            try:
                unit_cost = _parse_decimal(values["unit_cost_usd"], "unit_cost_usd", positive=False)
            except ValueError as exc:
                problems.append(str(exc))
        optional_word = values["optional"].lower()
        if optional_word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(f"optional must be true or false, not {values['optional']!r}")
        kind = values["kind"].lower() or "purchased"
        if kind not in KINDS:
            problems.append(f"kind must be one of {', '.join(KINDS)}, not {values['kind']!r}")
        key = (assembly_sku.lower(), component_sku.lower())
        if assembly_sku and component_sku and key in seen:
            problems.append(
                f"duplicate of line {seen[key]} ({assembly_sku} → {component_sku} appears twice)"
            )
        else:
            seen[key] = line
        if problems:
            errors.extend(f"line {line}: {problem}" for problem in problems)
            continue
        rows.append(
            BomRow(
                line=line,
                assembly_sku=assembly_sku,
                component_sku=component_sku,
                component_name=values["component_name"],
                quantity=quantity,  # type: ignore[arg-type]
                unit_cost=unit_cost,
                optional=optional_word in TRUE_WORDS,
                kind=kind,
            )
        )
    if not rows and not errors:
        errors.append("The file has no rows.")
    return rows, errors


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
    if cycles:
        # Paths through stored BOMs may pass parts the file does not mention.
        sku_of = {part_id: display[sku] for sku, part_id in ids.items()}
        others = {p for _, path in cycles for p in path if p not in sku_of}
        sku_of.update(Part.objects.filter(pk__in=others).values_list("pk", "sku"))
        for line, path in cycles:
            where = f"line {line}: " if line else ""
            names = format_path([sku_of.get(p, str(p)) for p in path])
            errors.append(f"{where}the BOM would contain a cycle {names}")
    if errors:
        raise BomImportError(errors)

    result = ImportResult(rows=len(rows))
    new_parts: dict[str, Part] = {}
    assemblies = {r.assembly_sku.lower() for r in rows}
    for r in rows:
        sku = r.component_sku.lower()
        if sku not in existing and sku not in new_parts:
            new_parts[sku] = Part(
                sku=r.component_sku,
                name=r.component_name or r.component_sku,
                unit_cost=r.unit_cost or Decimal("0"),
                is_assembly=r.kind == "assembly" or sku in assemblies,
                is_purchased=r.kind == "purchased" and sku not in assemblies,
            )
    for r in rows:
        sku = r.assembly_sku.lower()
        if sku not in existing and sku not in new_parts:
            new_parts[sku] = Part(
                sku=r.assembly_sku, name=r.assembly_sku, is_assembly=True, is_purchased=False
            )
    for part in new_parts.values():
        part.save()
    result.parts_created = len(new_parts)
    result.created_skus = sorted(p.sku for p in new_parts.values())
    parts = {**existing, **new_parts}
    to_mark = [
        parts[sku].pk for sku in assemblies if sku in existing and not existing[sku].is_assembly
    ]
    if to_mark:
        Part.objects.filter(pk__in=to_mark).update(is_assembly=True)

    assembly_ids = {parts[sku].pk for sku in assemblies}
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
    return result


def part_kind(part: Part, has_lines: bool) -> str:
    if has_lines or part.is_assembly:
        return "assembly"
    return "purchased" if part.is_purchased else "printed"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


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
                    _plain(quantity),
                    "" if has_lines else _money(component.unit_cost),
                    "true" if optional else "false",
                    part_kind(component, has_lines),
                ]
            )
    return rows


def bom_export_csv(*, part: Part) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(bom_export_rows(part=part))
    return buffer.getvalue()


PART_COLUMNS = [
    "sku",
    "name",
    "category",
    "manufacturer",
    "mpn",
    "unit",
    "is_assembly",
    "is_purchased",
    "unit_cost",
    "currency",
    "reorder_point",
    "lead_time_days",
    "is_active",
]


def parts_export_csv(*, parts) -> str:
    """Parts as CSV, one row each (category and manufacturer by name)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PART_COLUMNS)
    for p in parts.select_related("category", "manufacturer"):
        writer.writerow(
            [
                p.sku,
                p.name,
                p.category.name if p.category else "",
                p.manufacturer.name if p.manufacturer else "",
                p.mpn,
                p.unit,
                str(p.is_assembly).lower(),
                str(p.is_purchased).lower(),
                _plain(p.unit_cost),
                p.currency,
                _plain(p.reorder_point),
                p.lead_time_days,
                str(p.is_active).lower(),
            ]
        )
    return buffer.getvalue()


class PartImportError(InventoryError):
    """The parts file was refused; ``messages`` has one entry per problem, with line numbers."""


def _parse_bool(text: str, column: str, default: bool) -> bool:
    word = text.strip().lower()
    if word == "":
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{column} must be true or false, not {text!r}")


@transaction.atomic
def parts_import_csv(*, content: bytes | str) -> dict[str, int]:
    """Create or update parts from CSV (the export's columns; only ``sku`` and ``name`` required).

    Rows are matched to parts by SKU ignoring case. Categories (top-level) and manufacturers are
    found by name and created when missing. The whole file is checked first; nothing is written
    if any row is bad, and every bad row is reported by line number.
    """
    from inventory.choices import UnitOfMeasure
    from inventory.models import Category, Manufacturer

    text = _decode(content)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    unknown = [c for c in header if c not in PART_COLUMNS]
    if "sku" not in header or "name" not in header or unknown or len(set(header)) != len(header):
        raise PartImportError(
            f"Wrong columns ({', '.join(unknown) or 'sku and name are required'}); allowed: "
            f"{','.join(PART_COLUMNS)}."
        )
    reader.fieldnames = header
    errors: list[str] = []
    rows: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    units = set(UnitOfMeasure.values)
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(f"line {line}: more cells than columns")
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        problems: list[str] = []
        data: dict = {"sku": values["sku"], "name": values["name"]}
        if not data["sku"] or len(data["sku"]) > SKU_MAX:
            problems.append(f"sku must have 1 to {SKU_MAX} characters")
        if not data["name"] or len(data["name"]) > NAME_MAX:
            problems.append(f"name must have 1 to {NAME_MAX} characters")
        if data["sku"].lower() in seen:
            problems.append(f"duplicate of line {seen[data['sku'].lower()]} ({data['sku']})")
        seen.setdefault(data["sku"].lower(), line)
        for column in ("unit_cost", "reorder_point"):
            if values.get(column):
                try:
                    data[column] = _parse_decimal(values[column], column, positive=False)
                except ValueError as exc:
                    problems.append(str(exc))
        if values.get("lead_time_days"):
            if values["lead_time_days"].isdigit():
                data["lead_time_days"] = int(values["lead_time_days"])
            else:
                problems.append(
                    f"lead_time_days must be a whole number, not {values['lead_time_days']!r}"
                )
        if values.get("unit"):
            if values["unit"] in units:
                data["unit"] = values["unit"]
            else:
                problems.append(f"unit must be one of {', '.join(sorted(units))}")
        if values.get("currency"):
            if len(values["currency"]) == 3 and values["currency"].isalpha():
                data["currency"] = values["currency"].upper()
            else:
                problems.append("currency must be a three-letter code")
        for column in ("is_assembly", "is_purchased", "is_active"):
            if column in values:
                try:
                    data[column] = _parse_bool(values[column], column, column != "is_assembly")
                except ValueError as exc:
                    problems.append(str(exc))
        for column in ("mpn", "category", "manufacturer"):
            if column in values:
                data[column] = values[column]
        if problems:
            errors.extend(f"line {line}: {p}" for p in problems)
        else:
            rows.append((line, data))
    if not rows and not errors:
        errors.append("The file has no rows.")
    if errors:
        raise PartImportError(errors)
    existing = {
        p.sku.lower(): p
        for p in Part.objects.annotate(sku_lower=Lower("sku")).filter(
            sku_lower__in=[data["sku"].lower() for _, data in rows]
        )
    }
    categories = {c.name.lower(): c for c in Category.objects.filter(parent=None)}
    manufacturers = {m.name.lower(): m for m in Manufacturer.objects.all()}
    created = updated = 0
    for _, data in rows:
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
