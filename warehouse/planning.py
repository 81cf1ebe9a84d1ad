"""Build planning from stock: read on-hand quantities, then call inventory's pure BOM functions.

Inventory knows BOMs but not stock; this module is where the two meet (see ARCHITECTURE.md).
Every plan loads the BOM graph with one recursive query, the stock below the assembly with one
more, then parts and supplier terms with one each, and computes in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils import timezone

from inventory import bom
from inventory.models import Part, SupplierPart
from inventory.selectors import bom_structure, parts_by_id, supply_options
from warehouse.models import Location, StockLevel, Warehouse

FOUR_PLACES = Decimal("0.0001")


class PlanningError(ValidationError):
    """A plan that cannot be made (unknown warehouse, part without a BOM, bad quantity)."""


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    # SQLite sums NUMERIC columns as floats; stock has four decimal places.
    return Decimal(str(value)).quantize(FOUR_PLACES)


def on_hand_by_part(
    *, part_ids: list[int] | None = None, warehouse: Warehouse | None = None
) -> dict[int, Decimal]:
    """Quantity on hand per part, in one warehouse or the whole company, in one query.

    Also the stock provider for inventory's part detail page: inventory cannot import warehouse,
    so warehouse registers this function with inventory.stock in WarehouseConfig.ready().
    """
    levels = StockLevel.objects.all()
    if part_ids is not None:
        levels = levels.filter(part_id__in=part_ids)
    if warehouse is not None:
        levels = levels.filter(location__warehouse=warehouse)
    return {
        part_id: total
        for part_id, total in levels.values("part_id")
        .annotate(total=Sum("quantity"))
        .values_list("part_id", "total")
    }


def on_hand_of(*, part_ids: list[int], warehouse: Warehouse | None = None) -> dict[int, Decimal]:
    """Stock of the given parts, in one query with the ids passed as one parameter.

    The parts below an assembly are known from its compiled BOM structure, so no recursive walk
    is needed. PostgreSQL takes the ids as an array, SQLite as JSON.
    """
    stock = connection.ops.quote_name(StockLevel._meta.db_table)
    locations = connection.ops.quote_name(Location._meta.db_table)
    # A join on the unnested ids, not "part_id = ANY(...)": PostgreSQL tests ANY by scanning the
    # whole array for every row, which is slow for a 10,000-part BOM.
    # The ids travel as one comma-separated string: psycopg's client-side binding quotes a
    # Python list element by element (~15 ms for 10,000 ids), a string at once.
    if connection.vendor == "postgresql":
        ids_sql = "unnest(string_to_array(%s, ',')::bigint[]) AS wanted(id)"
        ids_param = ",".join(str(int(pk)) for pk in part_ids)
    else:
        ids_sql, ids_param = (
            "(SELECT value AS id FROM json_each(%s)) AS wanted",
            json.dumps(list(part_ids)),
        )
    params: list[Any] = [ids_param]
    where = ""
    if warehouse is not None:
        where = f" WHERE s.location_id IN (SELECT id FROM {locations} WHERE warehouse_id = %s)"
        params.append(warehouse.pk)
    sql = (
        f"SELECT s.part_id, SUM(s.quantity) FROM {stock} s"
        f" JOIN {ids_sql} ON wanted.id = s.part_id{where} GROUP BY s.part_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":  # numeric arrives as Decimal already
            return dict(cursor.fetchall())
        return {part: _decimal(total) for part, total in cursor.fetchall()}


def resolve_warehouse(value: Any, queryset: QuerySet | None = None) -> Warehouse | None:
    """A warehouse from its code (any case) or id; None for blank; PlanningError if unknown.

    The one rule for ?warehouse= in the pages, the API and the commands (forms use it through
    warehouse.forms.WarehouseChoiceField).
    """
    if value in (None, ""):
        return None
    if isinstance(value, Warehouse):
        return value
    warehouses = Warehouse.objects.all() if queryset is None else queryset
    text = str(value).strip()
    if "\x00" in text:  # as Django's own text fields say it (PostgreSQL refuses NUL in text)
        raise PlanningError({"warehouse": "Null characters are not allowed."})
    found = warehouses.filter(code__iexact=text).first()
    if found is None and text.isascii() and text.isdecimal():  # "²" is a digit, not a number
        found = warehouses.filter(pk=int(text)).first()
    if found is None:
        # The user's text goes in as a parameter: forms and filters %-format error messages.
        unknown = ValidationError(
            "Unknown warehouse %(value)s: give its code (e.g. WH1) or id.",
            code="unknown_warehouse",
            params={"value": repr(text)},
        )
        raise PlanningError({"warehouse": unknown})
    return found


@dataclass(frozen=True)
class LimitingPart:
    part: Part
    on_hand: Decimal
    required_for_next: Decimal  # to build one more unit than buildable


@dataclass(frozen=True)
class BuildPlan:
    part: Part
    warehouse: Warehouse | None
    buildable: int
    limiting: list[LimitingPart]
    quantity: int | None = None
    report: bom.ShortageReport | None = None
    parts: dict[int, Part] | None = None
    supplier_parts: dict[int, Any] | None = None

    @property
    def short_lines(self) -> list[bom.ShortageLine]:
        return self.report.short_lines if self.report else []


def build_plan(
    *,
    part: Part,
    quantity: int | None = None,
    warehouse: Warehouse | None = None,
    include_optional: bool = False,
    today: date | None = None,
) -> BuildPlan:
    """Buildable now (with limiting parts) and, for a target quantity, the shortage list.

    A constant number of queries: the BOM revision (and, when the compiled BOM is not cached,
    the lines), the stock below the part, the parts shown, and with a quantity the supplier
    terms of the short parts.
    """
    if quantity is not None and quantity < 1:
        raise PlanningError({"quantity": "The quantity must be a whole number of at least 1."})
    try:
        structure = bom_structure(part_id=part.pk, include_optional=include_optional)
        if not structure.has_lines:
            raise PlanningError({"part": f"{part.sku} has no BOM lines to build from."})
        stock = on_hand_of(part_ids=structure.order, warehouse=warehouse)
        netting = bom.Netting(
            None, part.pk, stock, include_optional=include_optional, structure=structure
        )
        result = netting.buildable()
        net = netting.requirements(quantity) if quantity is not None else None
    except bom.BomError as exc:
        raise PlanningError({"part": f"{part.sku}: {exc}"})
    shown = set(result.limiting_part_ids)
    report = None
    if net is not None:
        short = net.short()
        shown |= set(short) | {step.part_id for step in net.builds}
    parts = parts_by_id(shown) if shown else {}
    parts[part.pk] = part
    if net is not None:
        report = bom.price_shortages(
            net,
            supply=supply_options(part_ids=list(short)) if short else {},
            unit_costs={p: parts[p].unit_cost for p in short},
            lead_times={p: parts[p].lead_time_days for p in short},
            today=today or timezone.localdate(),
        )
    limiting = [
        LimitingPart(
            part=parts[p],
            on_hand=stock.get(p, Decimal("0")),
            required_for_next=result.required_for_next[p],
        )
        for p in result.limiting_part_ids
    ]
    return BuildPlan(
        part=part,
        warehouse=warehouse,
        buildable=result.quantity,
        limiting=limiting,
        quantity=quantity,
        report=report,
        parts=parts,
        supplier_parts=_supplier_parts(report),
    )


def _supplier_parts(report: bom.ShortageReport | None) -> dict[int, Any]:
    if report is None:
        return {}
    ids = [line.supplier_part_id for line in report.short_lines if line.supplier_part_id]
    if not ids:
        return {}
    return SupplierPart.objects.select_related("supplier").in_bulk(ids)


def shortage_rows(plan: BuildPlan) -> list[dict[str, Any]]:
    """The short lines of a plan as plain dicts for pages, CSV and the command."""
    rows = []
    parts = plan.parts or {}
    supplier_parts = plan.supplier_parts or {}
    for line in plan.short_lines:
        supplier_part = supplier_parts.get(line.supplier_part_id)
        rows.append(
            {
                "part": parts[line.part_id],
                "required": line.required,
                "available": line.available,
                "short": line.short,
                "order_quantity": line.order_quantity,
                "unit_price": line.unit_price,
                "cost": line.cost,
                "lead_time_days": line.lead_time_days,
                "supplier": supplier_part.supplier if supplier_part else None,
                "supplier_sku": supplier_part.supplier_sku if supplier_part else "",
            }
        )
    return rows


def build_rows(plan: BuildPlan) -> list[dict[str, Any]]:
    """Sub-assemblies of a plan: required, on hand, and whole units to build after netting."""
    if plan.report is None:
        return []
    parts = plan.parts or {}
    return [
        {
            "part": parts[step.part_id],
            "required": step.required,
            "available": step.available,
            "to_build": step.to_build,
        }
        for step in plan.report.builds
    ]
