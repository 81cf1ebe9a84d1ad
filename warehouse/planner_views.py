"""Build planner pages: pick an assembly, a quantity and a warehouse; see what can be built."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from inventory.models import Part
from warehouse import planning
from warehouse.forms import WarehouseChoiceField
from warehouse.models import Warehouse
from warehouse.selectors import format_quantity


class PlannerForm(forms.Form):
    part = forms.ModelChoiceField(
        queryset=Part.objects.filter(is_assembly=True, is_active=True).order_by("sku"),
        label="Assembly",
        empty_label="Choose an assembly…",
    )
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, initial=1)
    warehouse = WarehouseChoiceField(
        queryset=Warehouse.objects.filter(is_active=True),
        required=False,
        empty_label="All warehouses",
    )
    include_optional = forms.BooleanField(required=False, label="Include optional lines")


def _plan(request: HttpRequest) -> tuple[PlannerForm, planning.BuildPlan | None, str]:
    form = PlannerForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, None, ""
    try:
        plan = planning.build_plan(
            part=form.cleaned_data["part"],
            quantity=form.cleaned_data["quantity"],
            warehouse=form.cleaned_data["warehouse"],
            include_optional=form.cleaned_data["include_optional"],
        )
    except ValidationError as exc:
        return form, None, "; ".join(exc.messages)
    return form, plan, ""


def _build_document_url() -> str | None:
    # The BUILD document endpoint belongs to the stock documents work; hide the form until it
    # exists so this page never breaks on a missing URL.
    try:
        return reverse("warehouse:document-create-build")
    except NoReverseMatch:
        return None


@require_safe
@login_required
@permission_required(["inventory.view_part", "warehouse.view_stocklevel"], raise_exception=True)
def planner(request: HttpRequest) -> HttpResponse:
    form, plan, error = _plan(request)
    context: dict[str, Any] = {
        "form": form,
        "plan": plan,
        "error": error,
        "rows": planning.shortage_rows(plan) if plan else [],
        "builds": planning.build_rows(plan) if plan else [],
        "build_url": _build_document_url(),
        "warehouses": Warehouse.objects.filter(is_active=True),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "warehouse/planner.html", context)


def _plain(value: Any) -> str:
    """A quantity as a spreadsheet reads it: 2, 2.5 — never 2.0000."""
    return "" if value is None else format_quantity(Decimal(str(value)))


@require_safe
@login_required
@permission_required(["inventory.view_part", "warehouse.view_stocklevel"], raise_exception=True)
def planner_export(request: HttpRequest) -> HttpResponse:
    form, plan, error = _plan(request)
    if plan is None:
        message = error or "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
        )
        return HttpResponse(message or "Choose an assembly.", status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    scope = plan.warehouse.code if plan.warehouse else "all"
    response["Content-Disposition"] = (
        f'attachment; filename="shortages-{plan.part.sku}-{plan.quantity}-{scope}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "sku",
            "name",
            "required",
            "on_hand",
            "short",
            "order_quantity",
            "unit_price",
            "cost",
            "lead_time_days",
            "supplier",
            "supplier_sku",
        ]
    )
    for row in planning.shortage_rows(plan):
        writer.writerow(
            [
                row["part"].sku,
                row["part"].name,
                _plain(row["required"]),
                _plain(row["available"]),
                _plain(row["short"]),
                _plain(row["order_quantity"]),
                "" if row["unit_price"] is None else f"{row['unit_price']:.2f}",
                f"{row['cost']:.2f}",
                row["lead_time_days"],
                row["supplier"].code if row["supplier"] else "",
                row["supplier_sku"],
            ]
        )
    writer.writerow([])
    writer.writerow(["buildable_now", plan.buildable])
    writer.writerow(["total_cost", f"{plan.report.total_cost:.2f}" if plan.report else "0.00"])
    writer.writerow(["earliest_date", plan.report.earliest_date.isoformat() if plan.report else ""])
    return response
