"""Warehouse pages: stock overview, part stock card, stock documents and their forms."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from inventory.models import Part
from warehouse import selectors, services
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.filters import StockDocumentFilterSet, StockLevelFilterSet
from warehouse.forms import (
    BuildDocumentForm,
    DocumentLineFormSet,
    StockDocumentForm,
    line_dicts,
)
from warehouse.models import StockDocument

PAGE_SIZE = 50


def _page(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@login_required
@permission_required("warehouse.view_stocklevel", raise_exception=True)
def stock_overview(request: HttpRequest) -> HttpResponse:
    """Totals per warehouse, the location tree of the chosen one, and the stock rows with value."""
    data = request.GET.copy()
    if data.get("low") and "below_reorder" not in data:
        data["below_reorder"] = "true"
    filterset = StockLevelFilterSet(
        data, queryset=selectors.stock_levels_with_value(), request=request
    )
    levels = filterset.qs
    warehouse = filterset.form.cleaned_data.get("warehouse") if filterset.is_valid() else None
    # The same rule as the filter and the cards: in the chosen warehouse, or company-wide.
    low_part_ids = set(
        selectors.parts_below_reorder(warehouse=warehouse).values_list("pk", flat=True)
    )
    context = {
        "filter": filterset,
        "summaries": selectors.warehouse_summaries(),
        "page": _page(request, levels),
        "query": _query_without_page(request),
        "low_part_ids": low_part_ids,
        "warehouse": warehouse,
        "location_rows": selectors.location_rows(warehouse=warehouse) if warehouse else [],
    }
    return render(request, "warehouse/stock_overview.html", context)


@require_safe
@login_required
@permission_required("warehouse.view_stocklevel", raise_exception=True)
def part_stock(request: HttpRequest, pk: int) -> HttpResponse:
    """A part's stock card: balance per location and its ledger, newest first."""
    part = get_object_or_404(Part, pk=pk)
    context = {
        "part": part,
        "card": selectors.part_stock_card(part=part),
        "page": _page(request, selectors.part_moves(part=part)),
        "query": _query_without_page(request),
    }
    return render(request, "warehouse/part_stock.html", context)


@require_safe
@login_required
@permission_required("warehouse.view_stockdocument", raise_exception=True)
def document_list(request: HttpRequest) -> HttpResponse:
    queryset = StockDocument.objects.select_related(
        "created_by", "source_warehouse", "destination_warehouse"
    )
    filterset = StockDocumentFilterSet(request.GET, queryset=queryset, request=request)
    context = {
        "filter": filterset,
        "page": _page(request, filterset.qs),
        "query": _query_without_page(request),
    }
    return render(request, "warehouse/document_list.html", context)


@require_safe
@login_required
@permission_required("warehouse.view_stockdocument", raise_exception=True)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        StockDocument.objects.select_related(
            "created_by",
            "posted_by",
            "cancelled_by",
            "source_location__warehouse",
            "destination_location__warehouse",
            "build_part",
        ),
        pk=pk,
    )
    lines = document.lines.select_related(
        "part", "from_location__warehouse", "to_location__warehouse"
    ).order_by("position", "id")
    moves = document.moves.select_related("part", "location__warehouse", "user").order_by("id")
    user = request.user
    context = {
        "document": document,
        "lines": lines,
        "moves": moves,
        "can_post": document.status == DocumentStatus.DRAFT
        and user.has_perm("warehouse.post_stockdocument"),
        "can_cancel": document.status == DocumentStatus.POSTED
        and user.has_perm("warehouse.cancel_stockdocument"),
        "can_edit": document.is_editable and user.has_perm("warehouse.change_stockdocument"),
        "can_delete": document.is_editable and user.has_perm("warehouse.delete_stockdocument"),
    }
    return render(request, "warehouse/document_detail.html", context)


def _run(request: HttpRequest, action: Any, success: str) -> bool:
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def _document_action(request: HttpRequest, pk: int, operation: Any, success: str) -> HttpResponse:
    """Run a service on one document for the page's Post / Cancel / Discard buttons, then show
    the document again with the outcome as a message. ``success`` may use {number}."""
    document = get_object_or_404(StockDocument, pk=pk)
    _run(
        request,
        lambda: operation(document=document, user=request.user),
        success.format(number=document.number),
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


def _initial_lines(document: StockDocument) -> list[dict[str, Any]]:
    return [
        {
            "part": line.part_id,
            "quantity": line.quantity,
            "from_location": line.from_location_id,
            "to_location": line.to_location_id,
            "unit_cost": line.unit_cost,
        }
        for line in document.lines.order_by("position", "id")
    ]


def _document_form_page(
    request: HttpRequest, document: StockDocument | None = None
) -> HttpResponse:
    """Create a draft, or edit one: the header form plus a formset of lines."""
    if request.method == "POST":
        form = StockDocumentForm(request.POST, instance=document or StockDocument())
        formset = DocumentLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            lines = line_dicts(formset)
            if not lines and data["doc_type"] != DocumentType.BUILD:
                # Only a build fills its lines itself (from the bill of materials).
                form.add_error(None, "Add at least one line: a part and its quantity.")
                context = {"form": form, "formset": formset, "document": document}
                return render(request, "warehouse/document_form.html", context)
            try:
                if document is None:
                    document = services.document_create(
                        doc_type=data["doc_type"], user=request.user, lines=lines, **_header(data)
                    )
                    messages.success(request, f"Draft {document.number} created.")
                else:
                    document = services.document_update(
                        document=document, lines=lines, **_header(data)
                    )
                    messages.success(request, f"Draft {document.number} saved.")
                return redirect("warehouse:document-detail", pk=document.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
    else:
        initial_type = request.GET.get("type")
        form = StockDocumentForm(
            instance=document or StockDocument(),
            initial={"doc_type": initial_type} if initial_type in DocumentType.values else None,
        )
        formset = DocumentLineFormSet(
            prefix="lines", initial=_initial_lines(document) if document else None
        )
    context = {"form": form, "formset": formset, "document": document}
    return render(request, "warehouse/document_form.html", context)


def _header(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "source_location": data.get("source_location"),
        "destination_location": data.get("destination_location"),
        "build_part": data.get("build_part"),
        "build_quantity": data.get("build_quantity"),
        "partner": data.get("partner", ""),
        "external_reference": data.get("external_reference", ""),
        "note": data.get("note", ""),
    }


@login_required
@permission_required("warehouse.add_stockdocument", raise_exception=True)
def document_create(request: HttpRequest) -> HttpResponse:
    return _document_form_page(request)


@login_required
@permission_required("warehouse.change_stockdocument", raise_exception=True)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(StockDocument, pk=pk)
    if not document.is_editable:
        messages.error(
            request,
            f"{document.number} is {document.get_status_display().lower()} and read-only.",
        )
        return redirect("warehouse:document-detail", pk=pk)
    return _document_form_page(request, document)


@login_required
@require_POST
@permission_required("warehouse.add_stockdocument", raise_exception=True)
def document_create_build(request: HttpRequest) -> HttpResponse:
    """From the build planner: a DRAFT BUILD of N assemblies from one warehouse's stock."""
    form = BuildDocumentForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{field}: {error}" if field != "__all__" else error)
        return redirect("warehouse:planner")
    data = form.cleaned_data
    try:
        # Components come from whichever bins of the warehouse hold them; the assemblies
        # go to the chosen location or the warehouse's receiving location.
        document = services.document_create(
            doc_type=DocumentType.BUILD,
            user=request.user,
            lines=[],
            build_part=data["part"],
            build_quantity=data["quantity"],
            source_warehouse=data["warehouse"],
            destination_location=data["location"],
            note="Created from the build planner.",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("warehouse:planner")
    messages.success(request, f"Draft {document.number} created: check it, then post it.")
    return redirect("warehouse:document-detail", pk=document.pk)
