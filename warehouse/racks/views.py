"""Rack pages: the racks list, a rack's elevation and analysis, the optimiser preview and apply."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView
from django_filters.views import FilterView

from config.autocomplete import AutocompleteView
from warehouse.models import Location, RackPlacement, Warehouse
from warehouse.racks.analysis import RackAnalysis, analyse, inlet_formula
from warehouse.racks.elevation import TYPE_COLOURS, elevation_svg
from warehouse.racks.filters import RackFilterSet
from warehouse.racks.forms import ApplyForm, OptimiseForm, PlacementForm, device_label
from warehouse.racks.layout import FRONT, REAR, Layout
from warehouse.racks.optimiser import Proposal
from warehouse.racks.selectors import (
    device_search,
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
LEGEND = [(name.replace("_", " "), colour) for name, (colour, _) in TYPE_COLOURS.items()]


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


class RackPageMixin(PermissionRequiredMixin):
    """Rack pages are read with view_location; visitors who are not logged in go to the login."""

    permission_required = VIEW_PERM
    http_method_names = ["get", "head"]


class RackListView(RackPageMixin, FilterView):
    """Racks, filtered by ?warehouse= (code or id, the API's filter) and paginated."""

    filterset_class = RackFilterSet
    queryset = rack_queryset().order_by("warehouse__code", "code")
    paginate_by = 25
    template_name = "warehouse/racks/rack_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ids = [rack.pk for rack in context["object_list"]]
        rows = racks_with_analysis(rack_queryset().filter(pk__in=ids))
        rows.sort(key=lambda row: (row[0].warehouse.code, row[0].code))
        form = self.filterset.form
        return context | {
            "rows": [(rack, analysis, analysis_bars(analysis)) for rack, analysis in rows],
            "warehouses": Warehouse.objects.filter(locations__kind="rack").distinct(),
            "warehouse": form.cleaned_data.get("warehouse") if form.is_valid() else None,
        }


class RackDetailView(RackPageMixin, DetailView):
    """A rack's elevations (front and rear SVG), analysis, devices and cables."""

    queryset = rack_queryset()
    context_object_name = "rack"
    template_name = "warehouse/racks/rack_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Longer than 20 lines only because the page has that many parts: one entry each,
        # all drawn from one layout read and one analysis.
        rack, user = self.object, self.request.user
        layout = rack_layout(rack)
        analysis = analyse(layout)
        can_place = user.has_perm("warehouse.add_rackplacement")
        return super().get_context_data(**kwargs) | {
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
            "can_delete": user.has_perm("warehouse.delete_rackplacement"),
            "legend": LEGEND,
        }


def _preview(layout: Layout, proposal: Proposal) -> dict[str, Any]:
    """The preview page's figures: scores, and both layouts drawn with their analyses."""
    proposed = layout.with_slots(proposal.slots)
    moved = {m.device_id for m in proposal.moves}
    before, after = analyse(layout), analyse(proposed)
    return {
        "proposal": proposal,
        "scores": [
            (name, proposal.before.breakdown[name], proposal.after.breakdown[name])
            for name in proposal.before.breakdown
        ],
        "before": before,
        "after": after,
        "current_front": elevation_svg(layout, FRONT, analysis=before, title="Current · front"),
        "current_rear": elevation_svg(layout, REAR, analysis=before, title="Current · rear"),
        "proposed_front": elevation_svg(
            proposed, FRONT, analysis=after, moved=moved, title="Proposed · front"
        ),
        "proposed_rear": elevation_svg(
            proposed, REAR, analysis=after, moved=moved, title="Proposed · rear"
        ),
        "apply_form": ApplyForm(
            initial={
                "moves": json.dumps([m.to_dict() for m in proposal.moves]),
                "fingerprint": proposal.fingerprint,
                "signature": proposal.signature,
            }
        ),
    }


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def rack_optimise(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview: run the optimiser (no writes) and show current and proposed side by side."""
    rack = _rack(pk)
    layout = rack_layout(rack)  # read once: the optimiser and the drawings share it
    form = OptimiseForm(request.GET, layout=layout)
    context = {"rack": rack, "form": form}
    if form.is_valid():
        layout.locked |= frozenset(int(i) for i in form.cleaned_data["locked"])
        proposal = proposal_make(
            rack=rack, layout=layout, weights=form.weights(), seed=form.cleaned_data["seed"] or 0
        )
        context |= _preview(layout, proposal)
        context["can_apply"] = request.user.has_perm("warehouse.change_rackplacement")
    return render(request, "warehouse/racks/rack_optimise.html", context)


def _form_errors(form: Any, with_fields: bool = False) -> str:
    return " ".join(
        f"{field}: {error}" if with_fields else error
        for field, errors in form.errors.items()
        for error in errors
    )


@require_POST
@login_required
@permission_required("warehouse.change_rackplacement", raise_exception=True)
def rack_apply(request: HttpRequest, pk: int) -> HttpResponse:
    rack = _rack(pk)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was moved. " + (_form_errors(form) or "Invalid proposal."))
        return redirect("warehouse:rack-detail", pk=rack.pk)
    try:
        moved = proposal_apply(rack=rack, user=request.user, **form.cleaned_data)
    except RackRuleError as error:
        messages.error(request, "Nothing was moved. " + " ".join(error.messages))
    else:
        messages.success(request, f"Applied the proposal: {len(moved)} devices moved.")
    return redirect("warehouse:rack-detail", pk=rack.pk)


@require_POST
@login_required
@permission_required("warehouse.add_rackplacement", raise_exception=True)
def rack_place(request: HttpRequest, pk: int) -> HttpResponse:
    rack = _rack(pk)
    form = PlacementForm(request.POST, rack_height_u=rack.rack_height_u)
    if not form.is_valid():
        messages.error(request, "Not placed. " + _form_errors(form, with_fields=True))
        return redirect("warehouse:rack-detail", pk=rack.pk)
    try:
        placement = placement_create(rack=rack, user=request.user, **form.cleaned_data)
    except RackRuleError as error:
        messages.error(request, "Not placed. " + " ".join(error.messages))
        return redirect("warehouse:rack-detail", pk=rack.pk)
    placed = f"Placed {placement.asset.name} at U{placement.start_u}"
    if placement.new_hot_spots:
        hot = " ".join(spot.message for spot in placement.new_hot_spots)
        messages.warning(request, f"{placed}, but it creates hot spots: {hot}")
    else:
        messages.success(request, f"{placed}.")
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


class DeviceSearchView(AutocompleteView):
    """The placement picker's search: unplaced devices by name, serial, tag or model (?q=)."""

    permission_required = "warehouse.add_rackplacement"
    search = staticmethod(device_search)
    label = staticmethod(device_label)
