"""Rack pages: the racks list, a rack's elevation and analysis, the optimiser preview and apply."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from warehouse.models import Location, RackPlacement, Warehouse
from warehouse.racks.analysis import RackAnalysis, analyse, inlet_formula
from warehouse.racks.elevation import TYPE_COLOURS, elevation_svg
from warehouse.racks.forms import ApplyForm, OptimiseForm, PlacementForm
from warehouse.racks.layout import FRONT, REAR
from warehouse.racks.selectors import (
    rack_connections,
    rack_layout,
    rack_placements,
    rack_queryset,
    racks_with_analysis,
)
from warehouse.racks.services import (
    RackRuleError,
    placement_create,
    placement_delete,
    proposal_apply,
    proposal_make,
)

VIEW_PERM = "warehouse.view_location"


def _bar(label: str, pct: float | None, text: str) -> dict:
    """A bar for the templates: width capped at 100 %, warn above 80 %, bad above 100 %."""
    level = "" if pct is None or pct <= 80 else ("warn" if pct <= 100 else "bad")
    return {"label": label, "pct": pct, "width": min(pct or 0, 100), "level": level, "text": text}


def analysis_bars(analysis: RackAnalysis) -> list[dict]:
    def limit(value: float | None, unit: str) -> str:
        return f" of {value:,.0f} {unit}" if value is not None else " (no limit recorded)"

    return [
        _bar(
            "Space",
            analysis.utilisation_pct,
            f"{analysis.used_u} of {analysis.height_u} U used, {analysis.free_u} free "
            f"(largest block {analysis.largest_free_block_u} U)",
        ),
        _bar(
            "Power",
            analysis.power_pct,
            f"{analysis.power_w:,.0f} W" + limit(analysis.max_power_w, "W"),
        ),
        _bar(
            "Weight",
            analysis.weight_pct,
            f"{analysis.weight_kg:,.1f} kg" + limit(analysis.max_weight_kg, "kg"),
        ),
        _bar(
            "Heat",
            analysis.heat_pct,
            f"{analysis.heat_btu_h:,.0f} BTU/h"
            + limit(analysis.cooling_capacity_btu_h, "BTU/h cooling"),
        ),
    ]


def _rack(pk: int) -> Location:
    return get_object_or_404(rack_queryset(), pk=pk)


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def rack_list(request: HttpRequest) -> HttpResponse:
    racks = rack_queryset().order_by("warehouse__code", "code")
    warehouse_id = request.GET.get("warehouse", "")
    if warehouse_id.isdigit():
        racks = racks.filter(warehouse_id=warehouse_id)
    page = Paginator(racks, 25).get_page(request.GET.get("page"))
    rows = racks_with_analysis(rack_queryset().filter(pk__in=[r.pk for r in page]))
    rows.sort(key=lambda row: (row[0].warehouse.code, row[0].code))
    rows = [(rack, analysis, analysis_bars(analysis)) for rack, analysis in rows]
    return render(
        request,
        "warehouse/racks/rack_list.html",
        {
            "rows": rows,
            "page": page,
            "warehouses": Warehouse.objects.filter(locations__kind="rack").distinct(),
            "warehouse_id": warehouse_id,
        },
    )


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def rack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rack = _rack(pk)
    layout = rack_layout(rack)
    analysis = analyse(layout)
    can_place = request.user.has_perm("warehouse.add_rackplacement")
    return render(
        request,
        "warehouse/racks/rack_detail.html",
        {
            "rack": rack,
            "analysis": analysis,
            "bars": analysis_bars(analysis),
            "front_svg": elevation_svg(layout, FRONT, analysis=analysis, title="Front"),
            "rear_svg": elevation_svg(layout, REAR, analysis=analysis, title="Rear"),
            "placements": rack_placements(rack),
            "inlet": analysis.inlet_c,
            "inlet_formula": inlet_formula(),
            "connections": rack_connections(rack),
            "placement_form": PlacementForm(rack_height_u=rack.rack_height_u)
            if can_place
            else None,
            "optimise_form": OptimiseForm(layout=layout),
            "can_delete": request.user.has_perm("warehouse.delete_rackplacement"),
            "legend": [
                (name.replace("_", " "), colour) for name, (colour, _) in TYPE_COLOURS.items()
            ],
        },
    )


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def rack_optimise(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview: run the optimiser (no writes) and show current and proposed side by side."""
    rack = _rack(pk)
    layout = rack_layout(rack)
    form = OptimiseForm(request.GET, layout=layout)
    context = {"rack": rack, "form": form}
    if form.is_valid():
        locked = frozenset(int(i) for i in form.cleaned_data["locked"])
        proposal = proposal_make(
            rack=rack, weights=form.weights(), seed=form.cleaned_data["seed"] or 0, locked=locked
        )
        layout.locked = layout.locked | locked
        proposed = layout.with_slots(proposal.slots)
        moved = {m.device_id for m in proposal.moves}
        before, after = analyse(layout), analyse(proposed)
        context.update(
            proposal=proposal,
            scores=[
                (name, proposal.before.breakdown[name], proposal.after.breakdown[name])
                for name in proposal.before.breakdown
            ],
            before=before,
            after=after,
            current_front=elevation_svg(layout, FRONT, analysis=before, title="Current · front"),
            current_rear=elevation_svg(layout, REAR, analysis=before, title="Current · rear"),
            proposed_front=elevation_svg(
                proposed, FRONT, analysis=after, moved=moved, title="Proposed · front"
            ),
            proposed_rear=elevation_svg(
                proposed, REAR, analysis=after, moved=moved, title="Proposed · rear"
            ),
            apply_form=ApplyForm(
                initial={
                    "moves": json.dumps([m.to_dict() for m in proposal.moves]),
                    "fingerprint": proposal.fingerprint,
                    "signature": proposal.signature,
                }
            ),
            can_apply=request.user.has_perm("warehouse.change_rackplacement"),
        )
    return render(request, "warehouse/racks/rack_optimise.html", context)


@require_POST
@login_required
@permission_required("warehouse.change_rackplacement", raise_exception=True)
def rack_apply(request: HttpRequest, pk: int) -> HttpResponse:
    rack = _rack(pk)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs] or ["Invalid proposal."]
        messages.error(request, "Nothing was moved. " + " ".join(errors))
        return redirect("warehouse:rack-detail", pk=rack.pk)
    try:
        moved = proposal_apply(rack=rack, user=request.user, **form.cleaned_data)
    except RackRuleError as error:
        messages.error(request, "Nothing was moved. " + " ".join(error.messages))
        return redirect("warehouse:rack-detail", pk=rack.pk)
    messages.success(request, f"Applied the proposal: {len(moved)} devices moved.")
    return redirect("warehouse:rack-detail", pk=rack.pk)


@require_POST
@login_required
@permission_required("warehouse.add_rackplacement", raise_exception=True)
def rack_place(request: HttpRequest, pk: int) -> HttpResponse:
    rack = _rack(pk)
    form = PlacementForm(request.POST, rack_height_u=rack.rack_height_u)
    if not form.is_valid():
        errors = [f"{field}: {e}" for field, errs in form.errors.items() for e in errs]
        messages.error(request, "Not placed. " + " ".join(errors))
        return redirect("warehouse:rack-detail", pk=rack.pk)
    try:
        placement = placement_create(rack=rack, user=request.user, **form.cleaned_data)
    except RackRuleError as error:
        messages.error(request, "Not placed. " + " ".join(error.messages))
    else:
        messages.success(request, f"Placed {placement.asset.name} at U{placement.start_u}.")
    return redirect("warehouse:rack-detail", pk=rack.pk)


@require_POST
@login_required
@permission_required("warehouse.delete_rackplacement", raise_exception=True)
def rack_placement_delete(request: HttpRequest, pk: int, placement_id: int) -> HttpResponse:
    rack = _rack(pk)
    placement = get_object_or_404(
        RackPlacement.objects.select_related("asset"), pk=placement_id, rack=rack
    )
    placement_delete(placement=placement, user=request.user)
    messages.success(request, f"Removed {placement.asset.name} from {rack}.")
    return redirect("warehouse:rack-detail", pk=rack.pk)
