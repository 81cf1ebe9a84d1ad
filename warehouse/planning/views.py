"""Build planner pages: pick an assembly, a quantity and a warehouse; see what can be built."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from config.csv_io import csv_response
from warehouse.planning import selectors, services
from warehouse.planning.exports import shortages_filename, write_shortages_csv
from warehouse.planning.forms import BuildDocumentForm, PlannerForm

VIEW_PLANS = ["inventory.view_part", "warehouse.view_stocklevel"]


def _plan(request: HttpRequest) -> tuple[PlannerForm, selectors.BuildPlan | None, str]:
    """The planner form of the query, its plan (or None) and the refusal to show."""
    form = PlannerForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, None, ""
    data = form.cleaned_data
    try:
        plan = selectors.build_plan(
            part=data["part"],
            quantity=data["quantity"],
            warehouse=data["warehouse"],
            include_optional=data["include_optional"],
        )
    except ValidationError as exc:
        return form, None, "; ".join(exc.messages)
    return form, plan, ""


@require_safe
@login_required
@permission_required(VIEW_PLANS, raise_exception=True)
def planner(request: HttpRequest) -> HttpResponse:
    form, plan, error = _plan(request)
    context: dict[str, Any] = {"form": form, "plan": plan, "error": error}
    if plan is not None:
        context["rows"] = selectors.shortage_rows(plan)
        context["builds"] = selectors.build_rows(plan)
        context["export_query"] = request.GET.urlencode()
        if plan.warehouse is None and request.user.has_perm("warehouse.add_stockdocument"):
            chosen = form.cleaned_data["build_warehouse"]
            context["choice"] = selectors.build_choice(
                part=plan.part, quantity=plan.quantity, chosen=chosen
            )
    return render(request, "warehouse/planner.html", context)


@require_safe
@login_required
@permission_required(VIEW_PLANS, raise_exception=True)
def planner_export(request: HttpRequest) -> HttpResponse:
    form, plan, error = _plan(request)
    if plan is None:
        message = error or "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
        )
        return HttpResponse(message or "Choose an assembly.", status=400, content_type="text/plain")
    response = csv_response(shortages_filename(plan))
    write_shortages_csv(plan, response)
    return response


@login_required
@require_POST
@permission_required("warehouse.add_stockdocument", raise_exception=True)
def build_document_create(request: HttpRequest) -> HttpResponse:
    """From the planner: a DRAFT BUILD; a refusal goes back to the same plan, input kept."""
    form = BuildDocumentForm(request.POST)
    if form.is_valid():
        try:
            document = services.build_draft_create(user=request.user, **form.service_arguments())
        except ValidationError as exc:  # a page shows a refusal as messages; the API never does
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Draft {document.number} created: check it, then post it.")
            return redirect("warehouse:document-detail", pk=document.pk)
    for message in form.error_messages():
        messages.error(request, message)
    return redirect(form.planner_url())
