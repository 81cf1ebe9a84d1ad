"""Who may do what: one table of (endpoint or page, method) × role → expected status.

A new endpoint or page joins by adding a row to MATRIX (and, for writes, a payload builder to
PAYLOADS); two tests make sure it does: every API operation in the OpenAPI schema needs a row, and
every other URL pattern of the project (all but the admin's own pages) needs a GET row and, when
its view takes a POST (asked of the view itself: anything but 405), a POST row.

`{part}`-style placeholders in a URL are filled with objects made by OBJECTS, fresh for every
test, so a DELETE in one cell never affects another. API bodies are sent as JSON, page bodies as
a browser's form would send them.

Roles and their rights are defined in config/roles.py: viewer reads; storekeeper also writes
stock documents; planner also writes parts, BOMs, racks and analytics; manager does all domain
writes and is staff (admin) but holds no API-token permission; superuser does everything.
Anonymous API calls get 401 (token auth comes first and sends WWW-Authenticate); anonymous pages
redirect (302) to the login.
"""

import itertools
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
from rest_framework.test import APIClient

from analytics.geo.models import RefreshRun
from tests.factories import (
    AssemblyFactory,
    AssetFactory,
    BomLineFactory,
    CategoryFactory,
    CityFactory,
    ConnectionFactory,
    DataSourceFactory,
    DevicePartFactory,
    LineProductFactory,
    LocationFactory,
    ManufacturerFactory,
    MarketingAreaFactory,
    OrderFactory,
    PartFactory,
    PredictionFactory,
    ProductionLineFactory,
    RackFactory,
    RackPlacementFactory,
    ReportJobFactory,
    StockLevelFactory,
    StockVerificationFactory,
    SupplierFactory,
    SupplierPartFactory,
    UserFactory,
    VendorFactory,
    WarehouseFactory,
)
from warehouse.models import Location

ROLES = ("anonymous", "viewer", "storekeeper", "planner", "manager", "superuser")

# fmt: off
MATRIX: list[tuple[str, str, tuple[int, int, int, int, int, int]]] = [
    # path                              method     anon viewer store planner manager super
    # --- API: inventory
    ("/api/categories/",                "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/categories/",                "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/categories/{category}/",     "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/categories/{category}/",     "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/categories/{category}/",     "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/categories/{category}/",     "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/parts/",                     "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/parts/",                     "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/parts/{part}/",              "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/parts/{part}/",              "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/parts/{part}/",              "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/parts/{part}/",              "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/parts/{assembly}/bom/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/parts/{assembly}/explode/",  "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/parts/{assembly}/cost/",     "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/parts/{part}/where-used/",   "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/parts/{assembly}/buildable/", "GET",   (401, 200, 200, 200, 200, 200)),
    ("/api/parts/{assembly}/shortages/?quantity=2", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/bom-lines/",                 "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/bom-lines/",                 "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/bom-lines/{bomline}/",       "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/bom-lines/{bomline}/",       "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/bom-lines/{bomline}/",       "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/bom-lines/{bomline}/",       "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/manufacturers/",             "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/manufacturers/",             "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/manufacturers/{manufacturer}/", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/manufacturers/{manufacturer}/", "PUT", (401, 403, 403, 200, 200, 200)),
    ("/api/manufacturers/{manufacturer}/", "PATCH", (401, 403, 403, 200, 200, 200)),
    ("/api/manufacturers/{manufacturer}/", "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/suppliers/",                 "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/suppliers/",                 "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/suppliers/{supplier}/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/suppliers/{supplier}/",      "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/suppliers/{supplier}/",      "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/suppliers/{supplier}/",      "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/supplier-parts/",            "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/supplier-parts/",            "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/supplier-parts/{supplierpart}/", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/supplier-parts/{supplierpart}/", "PUT", (401, 403, 403, 200, 200, 200)),
    ("/api/supplier-parts/{supplierpart}/", "PATCH", (401, 403, 403, 200, 200, 200)),
    ("/api/supplier-parts/{supplierpart}/", "DELETE", (401, 403, 403, 204, 204, 204)),
    # --- API: schema and docs are public (they describe, they hold no data)
    ("/api/schema/",                    "GET",    (200, 200, 200, 200, 200, 200)),
    ("/api/docs/",                      "GET",    (200, 200, 200, 200, 200, 200)),
    # --- API: racks (reads need view_location; placement writes need the rackplacement perms)
    ("/api/racks/",                     "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/racks/{rack}/",              "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/racks/{rack}/layout/",       "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/racks/{rack}/thermal/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/racks/{rack}/optimize/",     "POST",   (401, 200, 200, 200, 200, 200)),
    ("/api/racks/{rack}/placements/",   "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/racks/{rack}/placements/{rackplacement}/", "DELETE", (401, 403, 403, 204, 204, 204)),
    # An empty list of moves is refused (400) only after the permission check (403).
    ("/api/racks/{rack}/apply/",        "POST",   (401, 403, 403, 400, 400, 400)),
    ("/api/assets/",                    "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/assets/",                    "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/assets/{asset}/",            "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/assets/{asset}/",            "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/assets/{asset}/",            "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/assets/{asset}/",            "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/connections/",               "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/connections/",               "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/connections/{connection}/",  "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/connections/{connection}/",  "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/connections/{connection}/",  "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/connections/{connection}/",  "DELETE", (401, 403, 403, 204, 204, 204)),
    # --- API: warehouses, locations, stock, ledger, documents (storekeepers write documents;
    # posting and cancelling need the post/cancel permissions; stock and moves are read-only)
    ("/api/warehouses/",                "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/warehouses/",                "POST",   (401, 403, 403, 403, 201, 201)),
    ("/api/warehouses/{warehouse}/",    "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/warehouses/{warehouse}/",    "PUT",    (401, 403, 403, 403, 200, 200)),
    ("/api/warehouses/{warehouse}/",    "PATCH",  (401, 403, 403, 403, 200, 200)),
    ("/api/warehouses/{warehouse}/",    "DELETE", (401, 403, 403, 403, 204, 204)),
    ("/api/locations/",                 "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/locations/",                 "POST",   (401, 403, 403, 403, 201, 201)),
    ("/api/locations/{location}/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/locations/{location}/",      "PUT",    (401, 403, 403, 403, 200, 200)),
    ("/api/locations/{location}/",      "PATCH",  (401, 403, 403, 403, 200, 200)),
    ("/api/locations/{location}/",      "DELETE", (401, 403, 403, 403, 204, 204)),
    ("/api/stock-levels/",              "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/stock-levels/{stocklevel}/", "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/moves/",                     "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/moves/{stockmove}/",         "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/stock-verifications/",       "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/stock-verifications/{stockverification}/", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/stock-verifications/run/",   "POST",   (401, 403, 403, 403, 202, 202)),
    ("/api/documents/",                 "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/documents/",                 "POST",   (401, 403, 201, 403, 201, 201)),
    ("/api/documents/{document}/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/documents/{document}/",      "PUT",    (401, 403, 200, 403, 200, 200)),
    ("/api/documents/{document}/",      "PATCH",  (401, 403, 200, 403, 200, 200)),
    ("/api/documents/{document}/",      "DELETE", (401, 403, 204, 403, 204, 204)),
    ("/api/documents/{document}/post/", "POST",   (401, 403, 200, 403, 200, 200)),
    ("/api/documents/{posted}/cancel/", "POST",   (401, 403, 200, 403, 200, 200)),
    # --- API: OEE (everyone reads; planners and managers record runs and downtime)
    ("/api/oee/",                       "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/oee/?line={line}&granularity=week", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/oee/losses/",                "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/oee/runs/",                  "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/oee/downtime/",              "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/oee/forecast/?line={forecastline}", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/oee/forecast/refit/",        "POST",   (401, 403, 403, 202, 202, 202)),
    ("/api/oee/accuracy/",              "GET",    (401, 200, 200, 200, 200, 200)),
    # --- API: order map (analytics.geo): every role reads; planner and manager write areas and
    # sources (refresh now needs the add permission DRF asks of a POST); runs are read-only.
    ("/api/geo/heatmap/?city={citycode}", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/geo/coverage/?city={citycode}&cells=false", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/geo/vendors/",               "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/vendors/{vendor}/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/vendors/{vendor}/summary/", "GET", (401, 200, 200, 200, 200, 200)),
    ("/api/geo/orders/",                "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/orders/{order}/",        "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/orders/export/",         "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/areas/",                 "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/areas/",                 "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/geo/areas/{area}/",          "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/areas/{area}/",          "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/geo/areas/{area}/",          "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/geo/areas/{area}/",          "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/geo/sources/",               "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/sources/",               "POST",   (401, 403, 403, 201, 201, 201)),
    ("/api/geo/sources/{source}/",      "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/sources/{source}/",      "PUT",    (401, 403, 403, 200, 200, 200)),
    ("/api/geo/sources/{source}/",      "PATCH",  (401, 403, 403, 200, 200, 200)),
    ("/api/geo/sources/{source}/",      "DELETE", (401, 403, 403, 204, 204, 204)),
    ("/api/geo/sources/{source}/refresh/", "POST", (401, 403, 403, 202, 202, 202)),
    ("/api/geo/refresh-runs/",          "GET",    (401, 200, 200, 200, 200, 200)),
    ("/api/geo/refresh-runs/{refreshrun}/", "GET", (401, 200, 200, 200, 200, 200)),
    # Heavy map questions as report jobs: a read, so every role may start one.
    ("/api/geo/heatmap/jobs/",          "POST",   (401, 202, 202, 202, 202, 202)),
    ("/api/geo/coverage/jobs/",         "POST",   (401, 202, 202, 202, 202, 202)),
    # Report jobs over the API (token clients): the owner's, or any with the view permission.
    ("/api/reports/{reportjob}/",       "GET",    (401, 404, 404, 404, 404, 200)),
    ("/api/reports/{reportjob}/download/", "GET", (401, 404, 404, 404, 404, 200)),
    # --- Pages
    ("/",                               "GET",    (302, 200, 200, 200, 200, 200)),
    ("/inventory/parts/",               "GET",    (302, 200, 200, 200, 200, 200)),
    ("/inventory/parts/{part}/",        "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/planner/",             "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/planner/?part={assembly}&quantity=2", "GET", (302, 200, 200, 200, 200, 200)),
    ("/warehouse/planner/export.csv?part={assembly}&quantity=2", "GET",
                                                  (302, 200, 200, 200, 200, 200)),
    ("/warehouse/",                     "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/parts/{part}/",        "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/documents/",           "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/documents/new/",       "GET",    (302, 403, 200, 403, 200, 200)),
    ("/warehouse/documents/{document}/", "GET",   (302, 200, 200, 200, 200, 200)),
    ("/warehouse/documents/{document}/edit/", "GET", (302, 403, 200, 403, 200, 200)),
    # Forms: a valid draft is saved and the browser sent to it (302).
    ("/warehouse/documents/new/",       "POST",   (302, 403, 302, 403, 302, 302)),
    ("/warehouse/documents/{document}/edit/", "POST", (302, 403, 302, 403, 302, 302)),
    # Page actions: a form POST that redirects (302) when allowed; GET is not an action (405),
    # answered after the login redirect where login_required is the outer decorator.
    ("/warehouse/documents/{document}/post/", "POST", (302, 403, 302, 403, 302, 302)),
    ("/warehouse/documents/{document}/post/", "GET",  (302, 405, 405, 405, 405, 405)),
    ("/warehouse/documents/{posted}/cancel/", "POST", (302, 403, 302, 403, 302, 302)),
    ("/warehouse/documents/{posted}/cancel/", "GET",  (302, 405, 405, 405, 405, 405)),
    ("/warehouse/documents/{document}/delete/", "POST", (302, 403, 302, 403, 302, 302)),
    ("/warehouse/documents/{document}/delete/", "GET", (302, 405, 405, 405, 405, 405)),
    ("/warehouse/documents/new/build/", "POST",   (302, 403, 302, 403, 302, 302)),
    ("/warehouse/documents/new/build/", "GET",    (302, 405, 405, 405, 405, 405)),
    ("/warehouse/racks/{rack}/placements/", "POST", (302, 403, 403, 302, 302, 302)),
    ("/warehouse/racks/{rack}/placements/", "GET", (405, 405, 405, 405, 405, 405)),
    ("/warehouse/racks/{rack}/placements/{rackplacement}/delete/", "POST",
                                                  (302, 403, 403, 302, 302, 302)),
    ("/warehouse/racks/{rack}/placements/{rackplacement}/delete/", "GET",
                                                  (405, 405, 405, 405, 405, 405)),
    ("/warehouse/racks/{rack}/apply/",  "POST",   (302, 403, 403, 302, 302, 302)),
    ("/warehouse/racks/{rack}/apply/",  "GET",    (405, 405, 405, 405, 405, 405)),
    ("/analytics/",                     "GET",    (302, 200, 200, 200, 200, 200)),
    # The pickers' searches (JSON): the permission of the page that uses each; reads only.
    ("/inventory/parts/search/?q=a",    "GET",    (302, 200, 200, 200, 200, 200)),
    ("/inventory/parts/search/",        "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/locations/search/?q=a", "GET",   (302, 200, 200, 200, 200, 200)),
    ("/warehouse/locations/search/",    "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/racks/devices/search/?q=a", "GET", (302, 403, 403, 200, 200, 200)),
    ("/warehouse/racks/devices/search/", "POST",  (405, 405, 405, 405, 405, 405)),
    ("/warehouse/racks/",               "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/racks/{rack}/",        "GET",    (302, 200, 200, 200, 200, 200)),
    ("/warehouse/racks/{rack}/optimise/", "GET",  (302, 200, 200, 200, 200, 200)),
    # Read pages take GET and HEAD only (require_safe, checked before login): a POST is a 405.
    ("/",                               "POST",   (405, 405, 405, 405, 405, 405)),
    ("/inventory/parts/",               "POST",   (405, 405, 405, 405, 405, 405)),
    ("/inventory/parts/{part}/",        "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/",                     "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/parts/{part}/",        "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/documents/",           "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/documents/{document}/", "POST",  (405, 405, 405, 405, 405, 405)),
    ("/warehouse/planner/",             "POST",   (405, 405, 405, 405, 405, 405)),
    ("/warehouse/planner/export.csv?part={assembly}&quantity=2", "POST",
                                                  (405, 405, 405, 405, 405, 405)),
    ("/analytics/",                     "POST",   (405, 405, 405, 405, 405, 405)),
    ("/analytics/oee/",                 "GET",    (302, 200, 200, 200, 200, 200)),
    ("/analytics/oee/?line={line}&granularity=month", "GET", (302, 200, 200, 200, 200, 200)),
    ("/analytics/oee/{line}/",          "GET",    (302, 200, 200, 200, 200, 200)),
    ("/analytics/oee/",                 "POST",   (405, 405, 405, 405, 405, 405)),
    ("/analytics/oee/{line}/",          "POST",   (405, 405, 405, 405, 405, 405)),
    # Exports: anyone who reads OEE may start one (it is a read); the page follows it.
    ("/analytics/oee/export/",          "POST",   (302, 302, 302, 302, 302, 302)),
    ("/analytics/oee/export/",          "GET",    (405, 405, 405, 405, 405, 405)),
    # Importing plant reports: planners and managers.
    ("/analytics/oee/import/",          "POST",   (302, 403, 403, 302, 302, 302)),
    ("/analytics/oee/import/",          "GET",    (405, 405, 405, 405, 405, 405)),
    # Refitting forecasts (one background job): planners and managers, as in the API.
    ("/analytics/oee/refit/",           "POST",   (302, 403, 403, 302, 302, 302)),
    ("/analytics/oee/refit/",           "GET",    (405, 405, 405, 405, 405, 405)),
    # A report job is seen only by whoever started it (here: nobody but the superuser).
    ("/reports/{reportjob}/",           "GET",    (302, 404, 404, 404, 404, 200)),
    ("/reports/{reportjob}/download/",  "GET",    (302, 404, 404, 404, 404, 200)),
    ("/reports/{reportjob}/",           "POST",   (405, 405, 405, 405, 405, 405)),
    ("/reports/{reportjob}/download/",  "POST",   (405, 405, 405, 405, 405, 405)),
    ("/analytics/map/",                 "GET",    (302, 200, 200, 200, 200, 200)),
    ("/analytics/map/",                 "POST",   (405, 405, 405, 405, 405, 405)),
    ("/analytics/map/coverage/",        "GET",    (302, 200, 200, 200, 200, 200)),
    ("/analytics/map/coverage/",        "POST",   (405, 405, 405, 405, 405, 405)),
    # --- Accounts: anyone may sign in; signing out is a POST (Django 5 refuses GET)
    ("/accounts/login/",                "GET",    (200, 200, 200, 200, 200, 200)),
    ("/accounts/login/",                "POST",   (302, 302, 302, 302, 302, 302)),
    ("/accounts/logout/",               "POST",   (302, 302, 302, 302, 302, 302)),
    ("/accounts/logout/",               "GET",    (405, 405, 405, 405, 405, 405)),
    # Every signed-in user changes their own password (a valid change redirects to "done").
    ("/accounts/password_change/",      "GET",    (302, 200, 200, 200, 200, 200)),
    ("/accounts/password_change/",      "POST",   (302, 302, 302, 302, 302, 302)),
    ("/accounts/password_change/done/", "GET",    (302, 200, 200, 200, 200, 200)),
    # Anyone may ask for a reset link; the link itself (uid and token of a real user) leads to
    # the set-password page through a redirect that hides the token from the address bar.
    ("/accounts/password_reset/",       "GET",    (200, 200, 200, 200, 200, 200)),
    ("/accounts/password_reset/",       "POST",   (302, 302, 302, 302, 302, 302)),
    ("/accounts/password_reset/done/",  "GET",    (200, 200, 200, 200, 200, 200)),
    ("/accounts/reset/{reset_uid}/{reset_token}/", "GET", (302, 302, 302, 302, 302, 302)),
    ("/accounts/reset/{reset_uid}/{reset_token}/", "POST", (302, 302, 302, 302, 302, 302)),
    ("/accounts/reset/done/",           "GET",    (200, 200, 200, 200, 200, 200)),
    # --- Admin: staff only (managers are staff), then model permissions
    ("/admin/",                         "GET",    (302, 302, 302, 302, 200, 200)),
    ("/admin/auth/user/",               "GET",    (302, 302, 302, 302, 403, 200)),
    ("/admin/inventory/part/",          "GET",    (302, 302, 302, 302, 200, 200)),
    ("/admin/inventory/part/add/",      "GET",    (302, 302, 302, 302, 200, 200)),
    ("/admin/inventory/part/{part}/change/", "GET", (302, 302, 302, 302, 200, 200)),
    ("/admin/warehouse/stockdocument/", "GET",    (302, 302, 302, 302, 200, 200)),
    # API tokens: no role holds an authtoken permission (the list would name every key holder);
    # the superuser sees who holds one, never a key (config/admin.py).
    ("/admin/authtoken/tokenproxy/",    "GET",    (302, 302, 302, 302, 403, 200)),
    # --- Operations
    ("/health/",                        "GET",    (200, 200, 200, 200, 200, 200)),
    ("/health/live",                    "GET",    (200, 200, 200, 200, 200, 200)),
    ("/health/ready",                   "GET",    (200, 200, 200, 200, 200, 200)),
    ("/health/startup",                 "GET",    (200, 200, 200, 200, 200, 200)),
    ("/health/detailed",                "GET",    (403, 403, 403, 403, 200, 200)),
    ("/metrics",                        "GET",    (200, 200, 200, 200, 200, 200)),
    # Metrics are guarded by client address (METRICS_ALLOWED_IPS), not by login or method.
    ("/metrics",                        "POST",   (200, 200, 200, 200, 200, 200)),
]
# fmt: on

_counter = itertools.count(1)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter):05d}"


# Objects the URL placeholders refer to, made fresh for each test.
OBJECTS: dict[str, Callable[[], Any]] = {
    "category": lambda: CategoryFactory(),
    "part": lambda: PartFactory(),
    "assembly": lambda: BomLineFactory().assembly,
    "bomline": lambda: BomLineFactory(),
    "manufacturer": lambda: ManufacturerFactory(),
    "supplier": lambda: SupplierFactory(),
    "supplierpart": lambda: SupplierPartFactory(),
    "rack": lambda: RackFactory(),
    # Filled after {rack}: a placement in the rack just made for the same URL.
    "rackplacement": lambda: RackPlacementFactory(
        rack=Location.objects.filter(kind="rack").latest("pk")
    ),
    "asset": lambda: AssetFactory(),
    "connection": lambda: ConnectionFactory(),
    "warehouse": lambda: WarehouseFactory(),
    "location": lambda: LocationFactory(),
    "stocklevel": lambda: StockLevelFactory(quantity=0),
    "stockmove": lambda: _posted_receipt().moves.get(),
    "stockverification": lambda: StockVerificationFactory(),
    "document": lambda: _draft_receipt(),
    "posted": lambda: _posted_receipt(),
    # A password reset link: the user's id in base 64, then a token for the same user.
    "reset_uid": lambda: _PathPart(_reset_uid(UserFactory(email="reset@example.com"))),
    "reset_token": lambda: _PathPart(_reset_token()),
    # Lines are addressed by code in URLs (API filters and pages), not by id.
    "line": lambda: SimpleNamespace(pk=ProductionLineFactory().code),
    "forecastline": lambda: SimpleNamespace(pk=PredictionFactory().line.code),
    "reportjob": lambda: ReportJobFactory(),
    # A city is named by its code in the map's query strings.
    "citycode": lambda: SimpleNamespace(pk=CityFactory().code),
    "vendor": lambda: VendorFactory(),
    "order": lambda: OrderFactory(),
    "area": lambda: MarketingAreaFactory(),
    "source": lambda: DataSourceFactory(),
    "refreshrun": lambda: RefreshRun.objects.create(kind="vendors"),
}


class _PathPart(NamedTuple):
    """A URL part that is not an object's id (OBJECTS builders give something with a .pk)."""

    pk: str


def _reset_uid(user: Any) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk))


def _reset_token() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator

    # Filled after {reset_uid}: a token for the user just made for the same URL.
    return default_token_generator.make_token(get_user_model().objects.latest("pk"))


def _draft_receipt() -> Any:
    from warehouse.services import document_create

    return document_create(
        doc_type="RECEIPT",
        user=None,
        lines=[{"part": PartFactory(), "quantity": 2, "to_location": LocationFactory()}],
    )


def _posted_receipt() -> Any:
    from warehouse.services import document_post

    return document_post(document=_draft_receipt(), user=None)


def _bom_line_payload() -> dict[str, Any]:
    return {"assembly": AssemblyFactory().pk, "component": PartFactory().pk, "quantity": "2"}


def _supplier_part_payload() -> dict[str, Any]:
    return {
        "supplier": SupplierFactory().pk,
        "part": PartFactory().pk,
        "supplier_sku": _unique("SP"),
        "price": "1.50",
    }


def _document_form(doc_type: str = "RECEIPT") -> dict[str, Any]:
    """The new/edit page's form as a browser posts it: the header and one line of the formset."""
    return {
        "doc_type": doc_type,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-part": PartFactory().pk,
        "lines-0-quantity": "3",
        "lines-0-to_location": LocationFactory().pk,
    }


def _login_form() -> dict[str, Any]:
    return {
        "username": UserFactory(password="matrix-pass-word-1").username,
        "password": "matrix-pass-word-1",
    }


def _document_payload() -> dict[str, Any]:
    return {
        "doc_type": "RECEIPT",
        "lines": [{"part": PartFactory().pk, "quantity": "1", "to_location": LocationFactory().pk}],
    }


def _runs_payload() -> list[dict[str, Any]]:
    product = LineProductFactory()
    return [
        {
            "line": product.line.code,
            "part": product.part.sku,
            "shift_start": "2026-03-02T06:00:00Z",
            "shift_end": "2026-03-02T14:00:00Z",
            "planned_seconds": 25200,
            "run_seconds": 21600,
            "total_count": 600,
            "good_count": 590,
        }
    ]


def _downtime_payload() -> list[dict[str, Any]]:
    line = ProductionLineFactory()
    return [
        {
            "line": line.code,
            "start": "2026-03-02T08:00:00Z",
            "end": "2026-03-02T08:20:00Z",
            "reason": "jam",
        }
    ]


def _oee_report_file() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
        f"Total_Actual_Output,Ideal_Cycle_Time_Seconds\n{_unique('MX')},2026-03-02,100,50,5,5\n"
    )
    return SimpleUploadedFile("report.csv", content.encode(), content_type="text/csv")


def _area_payload() -> dict[str, Any]:
    area = MarketingAreaFactory.build()
    return {"name": _unique("Matrix area"), "city": CityFactory().code, "geojson": area.geojson}


def _source_payload() -> dict[str, Any]:
    return {"name": _unique("matrix"), "kind": "grades", "source_type": "csv", "url": "/no.csv"}


# Request bodies for writes, keyed by the URL pattern (placeholders unfilled).
PAYLOADS: dict[str, Callable[[], Any]] = {
    "/api/categories/": lambda: {"name": _unique("Matrix category")},
    "/api/categories/{category}/": lambda: {"name": _unique("Matrix category")},
    "/api/parts/": lambda: {"sku": _unique("MTX"), "name": "Matrix part"},
    "/api/parts/{part}/": lambda: {"sku": _unique("MTX"), "name": "Matrix part"},
    "/api/bom-lines/": lambda: _bom_line_payload(),
    "/api/bom-lines/{bomline}/": lambda: _bom_line_payload(),
    "/api/manufacturers/": lambda: {"name": _unique("Matrix maker")},
    "/api/manufacturers/{manufacturer}/": lambda: {"name": _unique("Matrix maker")},
    "/api/suppliers/": lambda: {"name": _unique("Matrix supplier"), "code": _unique("MS")},
    "/api/suppliers/{supplier}/": lambda: {"name": _unique("Supplier"), "code": _unique("MS")},
    "/api/supplier-parts/": lambda: _supplier_part_payload(),
    "/api/supplier-parts/{supplierpart}/": lambda: _supplier_part_payload(),
    "/api/racks/{rack}/optimize/": lambda: {"seed": 1},
    "/api/racks/{rack}/placements/": lambda: {"asset": AssetFactory().pk, "start_u": 1},
    "/api/racks/{rack}/apply/": lambda: {"moves": []},
    "/api/assets/": lambda: {"part": DevicePartFactory().pk, "name": _unique("matrix-host")},
    "/api/assets/{asset}/": lambda: {"part": DevicePartFactory().pk, "name": _unique("matrix")},
    "/api/connections/": lambda: {
        "a_asset": AssetFactory().pk,
        "a_port": "eth0",
        "b_asset": AssetFactory().pk,
        "b_port": "eth0",
    },
    "/api/connections/{connection}/": lambda: {
        "a_asset": AssetFactory().pk,
        "a_port": "eth0",
        "b_asset": AssetFactory().pk,
        "b_port": "eth0",
    },
    "/api/warehouses/": lambda: {"code": _unique("MW"), "name": "Matrix warehouse"},
    "/api/warehouses/{warehouse}/": lambda: {"code": _unique("MW"), "name": "Matrix warehouse"},
    "/api/locations/": lambda: {"warehouse": WarehouseFactory().pk, "code": _unique("ML")},
    "/api/locations/{location}/": lambda: {"warehouse": WarehouseFactory().pk, "code": "ML-1"},
    "/api/documents/": _document_payload,
    "/api/documents/{document}/": _document_payload,
    "/api/stock-verifications/run/": lambda: {},
    "/api/documents/{document}/post/": lambda: {},
    "/warehouse/documents/new/": _document_form,
    "/warehouse/documents/{document}/edit/": _document_form,
    "/accounts/login/": _login_form,
    "/accounts/logout/": lambda: {},
    # user_in_role's users all have the password pass-word-123.
    "/accounts/password_change/": lambda: {
        "old_password": "pass-word-123",
        "new_password1": "matrix-new-pass-word-2",
        "new_password2": "matrix-new-pass-word-2",
    },
    "/accounts/password_reset/": lambda: {"email": "reset@example.com"},
    "/accounts/reset/{reset_uid}/{reset_token}/": lambda: {
        "new_password1": "matrix-new-pass-word-2",
        "new_password2": "matrix-new-pass-word-2",
    },
    "/": lambda: {},
    "/inventory/parts/": lambda: {},
    "/inventory/parts/search/": lambda: {},
    "/warehouse/locations/search/": lambda: {},
    "/warehouse/racks/devices/search/": lambda: {},
    "/inventory/parts/{part}/": lambda: {},
    "/warehouse/": lambda: {},
    "/warehouse/parts/{part}/": lambda: {},
    "/warehouse/documents/": lambda: {},
    "/warehouse/documents/{document}/": lambda: {},
    "/warehouse/planner/": lambda: {},
    "/warehouse/planner/export.csv?part={assembly}&quantity=2": lambda: {},
    "/analytics/": lambda: {},
    "/analytics/oee/": lambda: {},
    "/analytics/oee/{line}/": lambda: {},
    "/analytics/oee/export/": lambda: {
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
        "file_format": "csv",
    },
    "/analytics/oee/import/": lambda: {"file": _oee_report_file()},
    "/analytics/oee/refit/": lambda: {},
    "/reports/{reportjob}/": lambda: {},
    "/reports/{reportjob}/download/": lambda: {},
    "/metrics": lambda: {},
    "/warehouse/documents/{document}/post/": lambda: {},
    "/warehouse/documents/{posted}/cancel/": lambda: {},
    "/warehouse/documents/{document}/delete/": lambda: {},
    "/warehouse/documents/new/build/": lambda: {},
    "/warehouse/racks/{rack}/placements/": lambda: {},
    "/warehouse/racks/{rack}/placements/{rackplacement}/delete/": lambda: {},
    "/warehouse/racks/{rack}/apply/": lambda: {},
    "/api/documents/{posted}/cancel/": lambda: {},
    "/api/oee/runs/": _runs_payload,
    "/api/oee/downtime/": _downtime_payload,
    "/api/oee/forecast/refit/": lambda: {},
    "/api/geo/areas/": lambda: _area_payload(),
    "/api/geo/areas/{area}/": lambda: _area_payload(),
    "/api/geo/sources/": lambda: _source_payload(),
    "/api/geo/sources/{source}/": lambda: _source_payload(),
    "/api/geo/sources/{source}/refresh/": lambda: {},
    "/api/geo/heatmap/jobs/": lambda: {
        "city": CityFactory().code,
        "type": "user_density",
        "from": "2026-01-01",
        "to": "2026-06-30",
    },
    "/api/geo/coverage/jobs/": lambda: {"city": CityFactory().code, "resolution": "7"},
    "/analytics/map/": lambda: {},
    "/analytics/map/coverage/": lambda: {},
}

CELLS = [
    pytest.param(path, method, role, statuses[index], id=f"{method} {path} as {role}")
    for path, method, statuses in MATRIX
    for index, role in enumerate(ROLES)
]


def _fill(path: str) -> str:
    filled = path
    for name, make in OBJECTS.items():
        placeholder = "{" + name + "}"
        if placeholder in filled:
            filled = filled.replace(placeholder, str(make().pk))
    assert "{" not in filled, f"No OBJECTS builder for a placeholder in {path}"
    return filled


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "role", "expected"), CELLS)
def test_each_role_gets_the_expected_status(path, method, role, expected, user_in_role):
    client = APIClient()
    if role != "anonymous":
        client.force_login(user_in_role(role))
    url = _fill(path)
    kwargs: dict[str, Any] = {}
    if method in ("POST", "PUT", "PATCH"):
        assert path in PAYLOADS, f"No PAYLOADS builder for {method} {path}"
        # The API takes JSON; pages take what a browser's form sends.
        kwargs = {
            "data": PAYLOADS[path](),
            "format": "json" if path.startswith("/api/") else "multipart",
        }
    response = getattr(client, method.lower())(url, **kwargs)
    assert response.status_code == expected, (
        f"{method} {url} as {role}: expected {expected}, got {response.status_code}: "
        f"{response.content[:200]!r}"
    )


def test_every_row_has_one_status_per_role_and_no_duplicates():
    keys = [(path, method) for path, method, _ in MATRIX]
    assert len(keys) == len(set(keys))
    assert all(len(statuses) == len(ROLES) for _, _, statuses in MATRIX)


def test_every_api_operation_in_the_schema_has_a_row():
    """A new endpoint cannot ship without deciding who may call it."""
    from tests.quality.test_api_fuzz import schema

    rows = {(path, method) for path, method, _ in MATRIX}
    missing = []
    for operation in schema.get_all_operations():
        operation = operation.ok()
        if not _covered(operation, rows):
            missing.append(f"{operation.method.upper()} {operation.path}")
    assert not missing, "Add these to MATRIX: " + ", ".join(missing)


def _covered(operation, rows) -> bool:
    # Rows name the placeholder after the object ({part}); the schema says {id}.
    method = operation.method.upper()
    return any(
        method == row_method and _same_shape(operation.path, row_path)
        for row_path, row_method in rows
    )


def _same_shape(schema_path: str, row_path: str) -> bool:
    row_path = row_path.partition("?")[0]
    a, b = schema_path.strip("/").split("/"), row_path.strip("/").split("/")
    return len(a) == len(b) and all(
        x == y or (x.startswith("{") and y.startswith("{")) for x, y in zip(a, b, strict=True)
    )


def _routes() -> list[str]:
    """Every URL pattern of the project as a path, each parameter shown as {x}."""
    from django.urls import URLResolver, get_resolver

    def as_text(pattern: Any) -> str:
        text = str(pattern.pattern)
        text = re.sub(r"\(\?P<[^>]+>[^)]*\)", "{x}", text)  # regex routes (DRF routers)
        text = re.sub(r"<[^>]+>", "{x}", text)  # path() converters
        return text.removeprefix("^").removesuffix("$").replace("\\.", ".")

    def walk(patterns: Any, prefix: str) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + as_text(pattern))
            else:
                yield "/" + prefix + as_text(pattern)

    return list(dict.fromkeys(walk(get_resolver().url_patterns, "")))


def _routes_needing_rows() -> list[str]:
    """All routes but the admin's own (its model pages follow model permissions; a few rows
    above sample them), static and media files, and API routes the OpenAPI schema lists (they
    have their own check, test_every_api_operation_in_the_schema_has_a_row)."""
    from django.conf import settings

    from tests.quality.test_api_fuzz import schema

    schema_paths = [operation.ok().path for operation in schema.get_all_operations()]
    skipped = ("/admin/", settings.STATIC_URL, settings.MEDIA_URL)
    return [
        route
        for route in _routes()
        if not route.startswith(skipped)
        and not any(_same_shape(path, route) for path in schema_paths)
    ]


def _answers_post(route: str, superuser: Any) -> bool:
    """Whether the route's view takes a POST: anything but 405 from a logged-in superuser.

    Asking the view itself catches every way of restricting methods (require_POST, require_GET,
    a class-based view's http_method_names, a hand-written check). Ids that match nothing are
    enough: method decorators answer before the object is looked up, and a view that looks it up
    first answers 404, which counts as taking POST, so the check errs toward asking for a row.
    """
    client = APIClient()
    client.force_login(superuser)
    return client.post(route.replace("{x}", "999999")).status_code != 405


@pytest.mark.django_db
def test_every_route_has_a_row_for_get_and_for_post_when_it_takes_post(user_in_role):
    """A new page, page action or endpoint cannot ship without deciding who may use it."""
    rows = [(path, method) for path, method, _ in MATRIX]
    superuser = user_in_role("superuser")
    missing = []
    routes = _routes_needing_rows()
    for route in routes:
        methods = ["GET", "POST"] if _answers_post(route, superuser) else ["GET"]
        missing += [
            f"{method} {route}"
            for method in methods
            if not any(m == method and _same_shape(route, path) for path, m in rows)
        ]
    assert {"/accounts/logout/", "/health/startup", "/api/docs/"} <= set(routes)
    assert not missing, "Add these to MATRIX: " + ", ".join(missing)
