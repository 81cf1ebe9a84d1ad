"""Inventory pages: the parts list and the part detail (BOM tree, where-used, suppliers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from inventory import selectors
from inventory.forms import PartFilterForm
from inventory.models import Part
from inventory.stock import on_hand_provider

PAGE_SIZE = 50


def stock_totals(part_ids: list[int]) -> dict[int, Decimal] | None:
    """On-hand totals from the registered stock provider (the warehouse app), or None.

    Without a provider the part page simply has no stock column (see ``inventory.stock``).
    """
    provider = on_hand_provider()
    if provider is None:
        return None
    return dict(provider(part_ids=part_ids))


@require_safe
@login_required
@permission_required("inventory.view_part", raise_exception=True)
def part_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    assembly = request.GET.get("assembly", "")
    form = PartFilterForm(request.GET)
    parts = selectors.part_list(**form.filters())
    page = Paginator(parts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    rolled_up = selectors.rolled_up_unit_costs(
        part_ids=[p.pk for p in page.object_list if p.is_assembly]
    )
    for part in page.object_list:
        part.rolled_up_cost = rolled_up.get(part.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "search": search,
        "category": category,
        "assembly": assembly,
        "filter_errors": form.error_messages(),
        "categories": selectors.category_choices(),
        "query": query.urlencode(),
    }
    return render(request, "inventory/part_list.html", context)


def _tree_rows(tree: dict[str, Any], stock: dict[int, Decimal] | None) -> list[dict[str, Any]]:
    parts, costs = tree["parts"], tree["unit_costs"]
    rows = []
    # optional_above[d] is true when the row at depth d or a line above it is optional: such
    # rows are shown but left out of the cost, as in the headline.
    optional_above: dict[int, bool] = {0: False}
    for row in tree["rows"]:
        component = parts[row.component_id]
        unit_cost = costs.get(row.component_id, component.unit_cost)
        optional_above[row.depth] = row.optional or optional_above[row.depth - 1]
        rows.append(
            {
                "row": row,
                "part": component,
                "indent": min(row.depth - 1, 5),
                "unit_cost": unit_cost,
                "extended_cost": row.extended_quantity * unit_cost,
                "in_cost": not optional_above[row.depth],
                "on_hand": None if stock is None else stock.get(row.component_id, Decimal("0")),
            }
        )
    return rows


@require_safe
@login_required
@permission_required("inventory.view_part", raise_exception=True)
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_object_or_404(Part.objects.select_related("category", "manufacturer"), pk=pk)
    depth_text = request.GET.get("depth", "")
    depth = int(depth_text) if depth_text.isdigit() and int(depth_text) > 0 else None
    tree = selectors.bom_tree(part=part, depth=depth)
    stock = stock_totals(list(tree["parts"]))
    context = {
        "part": part,
        "tree_rows": _tree_rows(tree, stock),
        "truncated": tree["truncated"],
        "unit_cost": tree["unit_cost"],
        "has_stock": stock is not None,
        "on_hand": None if stock is None else stock.get(part.pk, Decimal("0")),
        "depth": depth,
        "used_in": selectors.where_used(part=part),
        "supplier_parts": part.supplier_parts.select_related("supplier"),
        "planner_available": apps.is_installed("warehouse"),
    }
    return render(request, "inventory/part_detail.html", context)
