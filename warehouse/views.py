"""Warehouse pages: stock overview, part stock card, stock documents and their forms."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.autocomplete import AutocompleteView
from config.views_mixins import FilteredListView, PageDetailView
from inventory.models import Part
from warehouse import selectors, services
from warehouse.choices import DocumentStatus
from warehouse.filters import StockDocumentFilterSet, StockLevelFilterSet
from warehouse.forms import DocumentLineFormSet, StockDocumentForm, line_dicts, location_label
from warehouse.models import StockDocument

LOCATION_ROWS_PER_PAGE = 100


class StockOverviewView(FilteredListView):
    """Totals per warehouse, the location tree of the chosen one, and the stock rows with value."""

    permission_required = "warehouse.view_stocklevel"
    template_name = "warehouse/stock_overview.html"
    filterset_class = StockLevelFilterSet

    def get_base_queryset(self) -> QuerySet:
        return selectors.stock_levels_with_value()

    def get_filterset_data(self) -> Any:
        data = self.request.GET.copy()
        if data.get("low") and "below_reorder" not in data:
            data["below_reorder"] = "true"
        return data

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        warehouse = form.cleaned_data.get("warehouse") if self.filterset.is_valid() else None
        # The same rule as the filter and the cards: in the chosen warehouse, or company-wide.
        low = selectors.parts_below_reorder(warehouse=warehouse).values_list("pk", flat=True)
        # The location tree is paged too (its own ?locations_page=): a warehouse may hold any
        # number of bins.
        rows = selectors.location_rows(warehouse=warehouse) if warehouse else []
        location_page = Paginator(rows, LOCATION_ROWS_PER_PAGE).get_page(
            self.request.GET.get("locations_page")
        )
        location_query = self.request.GET.copy()
        location_query.pop("locations_page", None)
        context.update(
            summaries=selectors.warehouse_summaries(),
            low_part_ids=set(low),
            warehouse=warehouse,
            location_rows=location_page,
            location_query=location_query.urlencode(),
        )
        return context


class PartStockView(FilteredListView):
    """A part's stock card: balance per location and its ledger, newest first."""

    permission_required = "warehouse.view_stocklevel"
    template_name = "warehouse/part_stock.html"

    def get_base_queryset(self) -> QuerySet:
        self.part = get_object_or_404(Part, pk=self.kwargs["pk"])
        return selectors.part_moves(part=self.part)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        card = selectors.part_stock_card(part=self.part)
        return super().get_context_data(part=self.part, card=card, **kwargs)


class DocumentListView(FilteredListView):
    permission_required = "warehouse.view_stockdocument"
    template_name = "warehouse/document_list.html"
    filterset_class = StockDocumentFilterSet
    queryset = StockDocument.objects.select_related(
        "created_by", "source_warehouse", "destination_warehouse"
    )


class DocumentDetailView(PageDetailView):
    permission_required = "warehouse.view_stockdocument"
    template_name = "warehouse/document_detail.html"
    context_object_name = "document"
    queryset = StockDocument.objects.select_related(
        "created_by",
        "posted_by",
        "cancelled_by",
        "source_location__warehouse",
        "destination_location__warehouse",
        "build_part",
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        document, user = self.object, self.request.user
        return super().get_context_data(
            lines=document.lines.select_related(
                "part", "from_location__warehouse", "to_location__warehouse"
            ).order_by("position", "id"),
            moves=document.moves.select_related("part", "location__warehouse", "user").order_by(
                "id"
            ),
            can_post=document.status == DocumentStatus.DRAFT
            and user.has_perm("warehouse.post_stockdocument"),
            can_cancel=document.status == DocumentStatus.POSTED
            and user.has_perm("warehouse.cancel_stockdocument"),
            can_edit=document.is_editable and user.has_perm("warehouse.change_stockdocument"),
            can_delete=document.is_editable and user.has_perm("warehouse.delete_stockdocument"),
            **kwargs,
        )


stock_overview = StockOverviewView.as_view()
part_stock = PartStockView.as_view()
document_list = DocumentListView.as_view()
document_detail = DocumentDetailView.as_view()


def _run(request: HttpRequest, action: Any, success: Any) -> Any:
    """Run a service; its refusal becomes error messages (None), its success a message.
    ``success`` turns the result into the message."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    messages.success(request, success(result))
    return result


def _document_action(request: HttpRequest, pk: int, operation: Any, success: str) -> HttpResponse:
    """Run a service on one document for the page's Post / Cancel / Discard buttons, then show
    the document again with the outcome as a message. ``success`` may use {number}."""
    document = get_object_or_404(StockDocument, pk=pk)
    _run(
        request,
        lambda: operation(document=document, user=request.user),
        lambda done: success.format(number=done.number),
    )
    return redirect("warehouse:document-detail", pk=pk)


@login_required
@require_POST
@permission_required("warehouse.post_stockdocument", raise_exception=True)
def document_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(request, pk, services.document_post, "{number} posted.")


@login_required
@require_POST
@permission_required("warehouse.cancel_stockdocument", raise_exception=True)
def document_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        services.document_cancel,
        "{number} cancelled: its movements were reversed.",
    )


@login_required
@require_POST
@permission_required("warehouse.delete_stockdocument", raise_exception=True)
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Discard a draft (it becomes CANCELLED and keeps its number; nothing is deleted)."""
    return _document_action(request, pk, services.document_discard, "Draft {number} discarded.")


def _document_form_page(
    request: HttpRequest, document: StockDocument | None = None
) -> HttpResponse:
    """Create a draft, or edit one: the header form plus a formset of lines, saved by the
    services (which refuse what the form cannot know: no lines, a posted document)."""
    data = request.POST if request.method == "POST" else None
    form = StockDocumentForm(data, instance=document, doc_type=request.GET.get("type"))
    formset = DocumentLineFormSet(data, prefix="lines", document=document)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = form.save_with_lines(user=request.user, lines=line_dicts(formset))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Draft {saved.number} {'saved' if document else 'created'}.")
            return redirect("warehouse:document-detail", pk=saved.pk)
    context = {"form": form, "formset": formset, "document": document}
    return render(request, "warehouse/document_form.html", context)


@login_required
@permission_required("warehouse.add_stockdocument", raise_exception=True)
def document_create(request: HttpRequest) -> HttpResponse:
    return _document_form_page(request)


@login_required
@permission_required("warehouse.change_stockdocument", raise_exception=True)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(StockDocument, pk=pk)
    try:
        services.draft_check(document=document, action="edited")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("warehouse:document-detail", pk=pk)
    return _document_form_page(request, document)


class LocationSearchView(AutocompleteView):
    """The location pickers' search: ?q= code or name (or WAREHOUSE/CODE), ?warehouse=."""

    permission_required = "warehouse.view_location"
    search = staticmethod(selectors.location_search)
    label = staticmethod(location_label)

    def search_arguments(self, request: HttpRequest) -> dict[str, Any]:
        # An unknown warehouse is the DomainError of resolve_warehouse: a 400 naming it.
        return {"warehouse": selectors.resolve_warehouse(request.GET.get("warehouse"))}
