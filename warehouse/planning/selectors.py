"""Build planning from stock: read on-hand quantities, then call inventory's pure BOM functions.

Inventory knows BOMs but not stock; this module is where the two meet (see ARCHITECTURE.md).
Every plan loads the BOM graph with one recursive query, the stock below the assembly with one
more (warehouse.selectors.stock_on_hand), then parts and supplier terms with one each, and
computes in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from config.errors import DomainError
from inventory import bom
from inventory.models import Part, SupplierPart
from inventory.selectors import bom_structure, parts_by_id, supply_options
from warehouse.models import Warehouse
from warehouse.selectors import stock_on_hand


class PlanningError(DomainError):
    """A plan that cannot be made (part without a BOM, bad quantity, no warehouse to build in)."""


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
        stock = stock_on_hand(part_ids=structure.order, warehouse=warehouse)
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


# --------------------------------------------------------------------------- where to build


@dataclass(frozen=True)
class WarehouseBuildable:
    warehouse: Warehouse
    buildable: int


def buildable_by_warehouse(*, part: Part) -> list[WarehouseBuildable]:
    """Per active warehouse, how many units its own stock allows; most first, then by code.

    A BUILD document takes its components from one warehouse and never its optional lines, so
    this is what decides where a build planned across all warehouses can be made. One stock
    query per warehouse (a company has a handful); the compiled BOM is shared.
    """
    rows = []
    try:
        structure = bom_structure(part_id=part.pk, include_optional=False)
        if not structure.has_lines:
            return []
        for warehouse in Warehouse.objects.filter(is_active=True).order_by("code"):
            stock = stock_on_hand(part_ids=structure.order, warehouse=warehouse)
            netting = bom.Netting(None, part.pk, stock, structure=structure)
            rows.append(WarehouseBuildable(warehouse, netting.buildable().quantity))
    except bom.BomError:  # no BOM to build from: the BUILD itself says so
        return []
    return sorted(rows, key=lambda row: -row.buildable)


@dataclass(frozen=True)
class BuildChoice:
    """The planner's BUILD form across all warehouses: the options, the one chosen, the advice."""

    options: list[WarehouseBuildable]
    selected: Warehouse | None
    advice: str


def build_choice(*, part: Part, quantity: int, chosen: Warehouse | None = None) -> BuildChoice:
    """Which warehouse a BUILD of ``quantity`` × ``part`` should come from, and what to say.

    The user's earlier pick wins; otherwise the warehouse whose stock covers the quantity
    (most buildable first); otherwise none is preselected and the advice asks for a pick.
    """
    options = buildable_by_warehouse(part=part)
    able = [row for row in options if row.buildable >= quantity]
    listed = ", ".join(f"{row.warehouse.code} {row.buildable}" for row in options) or "none"
    if able:
        where = " or ".join(row.warehouse.code for row in able)
        their = "its" if len(able) == 1 else "their"
        advice = (
            f"Build in {where}: {their} stock covers {quantity} × {part.sku} "
            f"(buildable per warehouse: {listed})."
        )
    else:
        advice = (
            f"No single warehouse holds the stock for {quantity} × {part.sku} (buildable per "
            f"warehouse: {listed}): pick the warehouse to build in, or plan fewer."
        )
    selected = chosen or (able[0].warehouse if able else None)
    return BuildChoice(options=options, selected=selected, advice=advice)
