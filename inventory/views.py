"""Inventory pages: the parts list and the part detail (BOM tree, where-used, suppliers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from config.autocomplete import AutocompleteView
from inventory import selectors
from inventory.filters import PartFilter
from inventory.forms import part_label
from inventory.models import Part
from inventory.stock import on_hand_provider

PAGE_SIZE = 50
# Other methods are refused (405) before the login check, as for every read-only page.
PART_VIEWER = [
    require_safe,
    login_required,
    permission_required("inventory.view_part", raise_exception=True),
]


def stock_totals(part_ids: list[int]) -> dict[int, Decimal] | None:
    """On-hand totals from the registered stock provider (the warehouse app), or None.

    Without a provider the part page simply has no stock column (see ``inventory.stock``).
    """
    provider = on_hand_provider()
    if provider is None:
        return None
    return dict(provider(part_ids=part_ids))


@method_decorator(PART_VIEWER, name="dispatch")
class PartListView(ListView):
    """Parts filtered by ``PartFilter`` (as the API), 50 a page, assemblies with rolled-up cost."""

    template_name = "inventory/part_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet:
        parts = Part.objects.select_related("category", "manufacturer")
        self.filterset = PartFilter(self.request.GET, queryset=parts)
        return self.filterset.qs  # filters it could not read are left out (and named)

    def paginate_queryset(self, queryset: QuerySet, page_size: int) -> tuple:
        # A page number out of range shows the nearest page rather than a 404.
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        rolled_up = selectors.rolled_up_unit_costs(
            part_ids=[p.pk for p in page.object_list if p.is_assembly]
        )
        for part in page.object_list:
            part.rolled_up_cost = rolled_up.get(part.pk)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=context["page_obj"],
            search=self.request.GET.get("q", "").strip(),
            category=self.request.GET.get("category", ""),
            assembly=self.request.GET.get("assembly", ""),
            filter_errors=self.filterset.form.error_messages(),
            categories=selectors.category_choices(),
            query=query.urlencode(),
        )
        return context


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


@method_decorator(PART_VIEWER, name="dispatch")
class PartDetailView(DetailView):
    """One part: its indented BOM (``?depth=``), rolled-up cost, stock, where-used, suppliers."""

    queryset = Part.objects.select_related("category", "manufacturer")
    template_name = "inventory/part_detail.html"
    context_object_name = "part"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        part = self.object
        depth_text = self.request.GET.get("depth", "")
        depth = int(depth_text) if depth_text.isdigit() and int(depth_text) > 0 else None
        tree = selectors.bom_tree(part=part, depth=depth)
        stock = stock_totals(list(tree["parts"]))
        return super().get_context_data(
            tree_rows=_tree_rows(tree, stock),
            truncated=tree["truncated"],
            unit_cost=tree["unit_cost"],
            has_stock=stock is not None,
            on_hand=None if stock is None else stock.get(part.pk, Decimal("0")),
            depth=depth,
            used_in=selectors.where_used(part=part),
            supplier_parts=part.supplier_parts.select_related("supplier"),
            planner_available=apps.is_installed("warehouse"),
            **kwargs,
        )


class PartSearchView(AutocompleteView):
    """The part pickers' search: ?q= SKU or name, ?assembly=yes for assemblies only."""

    permission_required = "inventory.view_part"
    search = staticmethod(selectors.part_search)
    label = staticmethod(part_label)

    def search_arguments(self, request: HttpRequest) -> dict[str, Any]:
        return {"assemblies_only": request.GET.get("assembly") == "yes"}
