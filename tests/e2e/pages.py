"""Every page a person can open, in one table: the browser walkthrough visits and screenshots
each one, and the CSRF sweep posts to every form found on them. A new page joins by adding a line.

path may hold `{name}` placeholders filled by PLACEHOLDERS (a query on the demo data); `expect` is
a piece of text the page must show once loaded.
"""

from collections.abc import Callable
from typing import NamedTuple


class Page(NamedTuple):
    name: str  # also the screenshot's file name: var/screenshots/<name>.png
    path: str
    role: str  # demo login that opens it: viewer, storekeeper, planner, manager or admin
    expect: str


# fmt: off
PAGES: list[Page] = [
    Page("home",                "/",                         "viewer",  "Partline"),
    Page("part-list",           "/inventory/parts/",         "viewer",  "Parts"),
    Page("part-detail",         "/inventory/parts/{part}/",  "viewer",  "Bill of materials"),
    Page("stock-overview",      "/warehouse/",               "viewer",  "Warehouse"),
    Page("stock-overview-warehouse", "/warehouse/?warehouse={warehouse}", "viewer",
         "Locations in"),
    Page("part-stock",          "/warehouse/parts/{part}/",  "viewer",  "Balances per location"),
    Page("document-list",       "/warehouse/documents/",     "viewer",  "Documents"),
    Page("document-new",        "/warehouse/documents/new/", "storekeeper", "New stock document"),
    Page("document-detail",     "/warehouse/documents/{document}/", "viewer", "Lines"),
    # A draft shows other forms than a posted document (Post, Discard draft) and has an edit page:
    # the storekeeper sees them, and the CSRF sweep posts to each.
    Page("document-draft",      "/warehouse/documents/{draft}/", "storekeeper", "Discard draft"),
    Page("document-draft-edit", "/warehouse/documents/{draft}/edit/", "storekeeper",
         "Edit draft"),
    Page("planner",             "/warehouse/planner/",       "planner", "planner"),
    Page("planner-result",      "/warehouse/planner/?part={assembly}&quantity=2", "planner",
         "Shortages"),
    Page("admin-part-list",     "/admin/inventory/part/",    "admin",   "Select part to change"),
    Page("admin-part-change",   "/admin/inventory/part/{assembly}/change/", "admin",
         "Bill of materials"),
    Page("analytics",           "/analytics/",               "viewer",  "Analytics"),
    Page("api-docs",            "/api/docs/",                "viewer",  "Partline API"),
    Page("admin-index",         "/admin/",                   "admin",   "Partline administration"),
    Page("rack-list",           "/warehouse/racks/",         "viewer",  "Racks"),
    Page("rack-detail",         "/warehouse/racks/{rack}/",  "planner", "Thermal zones"),
    Page("rack-optimise",       "/warehouse/racks/{rack}/optimise/?seed=1",
         "planner", "Score breakdown"),
    Page("password-change",     "/accounts/password_change/", "viewer", "Change password"),
    Page("password-reset",      "/accounts/password_reset/", "viewer",  "Reset password"),
    Page("oee-dashboard",       "/analytics/oee/",           "viewer",  "OEE by production line"),
    Page("oee-line",            "/analytics/oee/{line}/",    "viewer",  "Loss Pareto"),
    Page("oee-plant-weekly",    "/analytics/oee/?granularity=week", "manager", "OEE of the plant"),
    Page("order-map",           "/analytics/map/",           "viewer",  "Order map"),
    Page("order-coverage",      "/analytics/map/coverage/",  "viewer",  "Delivery coverage"),
]
# fmt: on


def _first_pk(model_path: str) -> Callable[[], int]:
    def lookup() -> int:
        from django.apps import apps

        model = apps.get_model(model_path)
        pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
        assert pk is not None, f"No {model_path} in the demo data for a page placeholder"
        return pk

    return lookup


def _demo_rack() -> int:
    from warehouse.models import Location

    rack = Location.objects.filter(kind="rack").order_by("pk").first()
    if rack is None:
        # Tests that sweep the pages without the whole demo (the CSRF sweep) get the demo racks.
        from warehouse.demo_racks import load_demo_racks

        load_demo_racks()
        rack = Location.objects.filter(kind="rack").order_by("pk").first()
    return rack.pk


def _demo_draft() -> int:
    """A DRAFT document: the demo posts all of its own, so one is made (once) when missing."""
    from warehouse.choices import DocumentStatus, DocumentType
    from warehouse.models import Location, StockDocument
    from warehouse.services import document_create

    draft = StockDocument.objects.filter(status=DocumentStatus.DRAFT).order_by("pk").first()
    if draft is None:
        from inventory.models import Part

        part = Part.objects.filter(is_active=True).order_by("pk").first()
        location = Location.objects.filter(kind="bin").order_by("pk").first()
        assert part and location, "No part or bin in the demo data to draft a receipt of"
        draft = document_create(
            doc_type=DocumentType.RECEIPT,
            user=None,
            lines=[{"part": part, "quantity": 1, "to_location": location}],
            note="Draft for the page walkthrough.",
            idempotency_key="pages-draft-receipt",
        )
    return draft.pk


def _first_assembly() -> int:
    from inventory.models import BomLine

    line = BomLine.objects.order_by("assembly_id").first()
    assert line is not None, "No assembly with a BOM in the demo data for a page placeholder"
    return line.assembly_id


def _demo_line() -> str:
    """A production line's code (OEE pages address lines by code); made when the demo has none."""
    from analytics.models import ProductionLine

    line = ProductionLine.objects.order_by("code").first()
    if line is None:
        line = ProductionLine.objects.create(code="DEMO-LINE", name="Demo line")
    return line.code


# Placeholder name -> a function returning the value, read from the demo data.
PLACEHOLDERS: dict[str, Callable[[], object]] = {
    "part": _first_pk("inventory.Part"),
    "warehouse": _first_pk("warehouse.Warehouse"),
    "document": _first_pk("warehouse.StockDocument"),
    "draft": _demo_draft,
    "assembly": _first_assembly,
    "rack": _demo_rack,
    "line": _demo_line,
}


def resolve_path(path: str) -> str:
    for name, lookup in PLACEHOLDERS.items():
        token = "{" + name + "}"
        if token in path:
            path = path.replace(token, str(lookup()))
    return path
