"""Bad input, named: each case is refused with 400/404 (or a non-zero exit) and a message a person
can act on, and nothing is partially written.

Cases are rows of tables; a new endpoint or command joins by adding rows.
"""

import re
from collections.abc import Callable
from io import StringIO
from typing import Any, NamedTuple

import pytest
from django.core.management import CommandError, call_command

from analytics.geo.models import MarketingArea, RefreshRun
from analytics.models import DowntimeEvent, OeeDaily, ProductionRun
from config.models import ReportJob
from inventory.models import BomLine, Part
from tests.factories import (
    AssemblyFactory,
    AssetFactory,
    BomLineFactory,
    CityFactory,
    LineProductFactory,
    LocationFactory,
    PartFactory,
)
from warehouse.models import DocumentLine, StockDocument, StockLevel, StockMove

pytestmark = pytest.mark.django_db

WRITTEN_MODELS = (
    Part,
    BomLine,
    StockDocument,
    DocumentLine,
    StockLevel,
    StockMove,
    ProductionRun,
    DowntimeEvent,
    OeeDaily,
    MarketingArea,
    RefreshRun,
    ReportJob,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_MODELS}


class World:
    """The few objects the cases refer to, made fresh for every case."""

    def __init__(self) -> None:
        self.part = PartFactory(sku="BAD-IN-1")
        self.location = LocationFactory()
        line = BomLineFactory(component=self.part)
        self.assembly = line.assembly
        self.top = AssemblyFactory()
        BomLineFactory(assembly=self.top, component=self.assembly)
        self.line_product = LineProductFactory(ideal_cycle_seconds=30)
        self.city = CityFactory()


class ApiCase(NamedTuple):
    name: str
    method: str
    url: str | Callable[[World], str]
    body: Callable[[World], dict | list | str] | None  # a str is sent as it is, as application/json
    status: int
    message: str


def receipt(quantity: Any) -> Callable[[World], dict]:
    return lambda w: {
        "doc_type": "RECEIPT",
        "lines": [{"part": w.part.pk, "quantity": quantity, "to_location": w.location.pk}],
    }


def receipt_line(**line: Any) -> Callable[[World], dict]:
    def build(w: World) -> dict:
        values = {"part": w.part.pk, "quantity": "1", "to_location": w.location.pk, **line}
        return {"doc_type": "RECEIPT", "lines": [values]}

    return build


def bom_line(assembly: str, component: str, quantity: str) -> Callable[[World], dict]:
    return lambda w: {
        "assembly": getattr(w, assembly).pk,
        "component": getattr(w, component).pk,
        "quantity": quantity,
    }


def shortages(quantity: str) -> Callable[[World], str]:
    return lambda w: f"/api/parts/{w.assembly.pk}/shortages/?quantity={quantity}"


def part(**fields: Any) -> Callable[[World], dict]:
    return lambda w: {"sku": "BAD-NEW-1", "name": "Bad input part", **fields}


def nested_json(levels: int) -> Callable[[World], str]:
    """About 2 KB of "[[[[…]]]]": json.loads recursed once per level (RecursionError, a 500)."""
    return lambda w: "[" * levels + "]" * levels


def body_of_megabytes(megabytes: int) -> Callable[[World], str]:
    return lambda w: '{"sku": "BIG-1", "name": "' + "x" * (megabytes * 1_048_576) + '"}'


def runs(**fields: Any) -> Callable[[World], list]:
    return lambda w: [
        {
            "line": w.line_product.line.code,
            "part": w.line_product.part.sku,
            "shift_start": "2026-03-02T06:00:00Z",
            "shift_end": "2026-03-02T14:00:00Z",
            "planned_seconds": 25200,
            "run_seconds": 21600,
            "total_count": 600,
            "good_count": 590,
            **fields,
        }
    ]


def downtime(**fields: Any) -> Callable[[World], list]:
    return lambda w: [
        {
            "line": w.line_product.line.code,
            "start": "2026-03-02T08:00:00Z",
            "end": "2026-03-02T08:30:00Z",
            "reason": "jam",
            **fields,
        }
    ]


def forecast(query: str) -> Callable[[World], str]:
    return lambda w: f"/api/oee/forecast/?line={w.line_product.line.code}&{query}"


def geo_area(ring: list) -> Callable[[World], dict]:
    return lambda w: {
        "name": "Bad area",
        "city": w.city.code,
        "geojson": {"type": "Polygon", "coordinates": [ring]},
    }


# fmt: off
API_CASES: list[ApiCase] = [
    # --- request bodies
    ApiCase("JSON nested 1,000 levels deep",
            "POST", "/api/documents/", nested_json(1000), 400, "more than 32 levels deep"),
    ApiCase("JSON objects nested 1,000 levels deep",
            "POST", "/api/parts/", lambda w: '{"a":' * 1000 + "1" + "}" * 1000, 400,
            "more than 32 levels deep"),
    ApiCase("JSON body of 20 MB",
            "POST", "/api/parts/", body_of_megabytes(20), 413,
            "larger than the limit of 2,621,440 bytes (2.5 MB)"),
    #       name
    #       method  url  body  status  message the answer contains
    # --- quantities
    ApiCase("document with more lines than DOCUMENT_MAX_LINES (10,000)",
            "POST", "/api/documents/",
            lambda w: {**receipt("1")(w), "lines": receipt("1")(w)["lines"] * 10_001}, 400,
            "at most 10,000 lines (setting DOCUMENT_MAX_LINES); this one has 10,001"),
    ApiCase("negative document quantity",
            "POST", "/api/documents/", receipt("-1"), 400, "greater than"),
    ApiCase("zero document quantity",
            "POST", "/api/documents/", receipt("0"), 400, "greater than"),
    ApiCase("huge document quantity",
            "POST", "/api/documents/", receipt("1" + "0" * 30), 400, "digits"),
    ApiCase("non-numeric document quantity",
            "POST", "/api/documents/", receipt("many"), 400, "valid number"),
    ApiCase("quantity with too many decimals",
            "POST", "/api/documents/", receipt("1.123456789"), 400, "decimal places"),
    ApiCase("quantity as an exponent of 10^40",
            "POST", "/api/documents/", receipt("1e40"), 400, "digits"),
    ApiCase("document line for a part that does not exist",
            "POST", "/api/documents/", receipt_line(part=999999), 400, "does not exist"),
    ApiCase("document line whose part id is not an integer",
            "POST", "/api/documents/", receipt_line(part="abc"), 400, "Incorrect type"),
    # --- identifiers: no control, bidirectional or zero-width characters
    ApiCase("SKU with a line break",
            "POST", "/api/parts/", part(sku="BAD\r\nNEW"), 400, "must not contain control"),
    ApiCase("SKU with a NUL character",
            "POST", "/api/parts/", part(sku="BAD\x00NEW"), 400, "Null characters"),
    ApiCase("SKU with a right-to-left override",
            "POST", "/api/parts/", part(sku="BAD\u202eWEN"), 400, "U+202E"),
    ApiCase("SKU with a zero-width space",
            "POST", "/api/parts/", part(sku="BAD\u200bNEW"), 400, "zero-width"),
    ApiCase("warehouse code with a tab",
            "POST", "/api/warehouses/", lambda w: {"code": "W\tH", "name": "x"}, 400,
            "U+0009"),
    ApiCase("document reference with a line break",
            "POST", "/api/documents/", lambda w: {**receipt("1")(w), "external_reference": "A\nB"},
            400, "must not contain control"),
    ApiCase("document idempotency key with a bidirectional isolate",
            "POST", "/api/documents/",
            lambda w: {**receipt("1")(w), "idempotency_key": "k\u2066ey"}, 400, "U+2066"),
    ApiCase("negative part unit cost",
            "POST", "/api/parts/", part(unit_cost="-1"), 400, "greater than or equal to 0"),
    ApiCase("non-numeric part unit cost",
            "POST", "/api/parts/", part(unit_cost="cheap"), 400, "valid number"),
    ApiCase("huge part unit cost",
            "POST", "/api/parts/", part(unit_cost="1" + "0" * 20), 400, "digits"),
    ApiCase("negative lead time",
            "POST", "/api/parts/", part(lead_time_days=-3), 400, "greater than or equal to 0"),
    ApiCase("zero BOM quantity",
            "POST", "/api/bom-lines/", bom_line("top", "part", "0"), 400, "greater than"),
    ApiCase("BOM line that closes a cycle",
            "POST", "/api/bom-lines/", bom_line("part", "top", "1"), 400, "cycle"),
    ApiCase("BOM line with the assembly as its own component",
            "POST", "/api/bom-lines/", bom_line("top", "top", "1"), 400, "itself"),
    # --- ids
    ApiCase("part id that does not exist",
            "GET", "/api/parts/999999/", None, 404, "No Part matches"),
    ApiCase("part id that is not an integer",
            "GET", "/api/parts/abc/", None, 404, "Not found"),
    ApiCase("posting a document that does not exist",
            "POST", "/api/documents/999999/post/", None, 404, "No StockDocument matches"),
    ApiCase("posting a document id that is not an integer",
            "POST", "/api/documents/1.5/post/", None, 404, "Not found"),
    ApiCase("buildable of a part that does not exist",
            "GET", "/api/parts/999999/buildable/", None, 404, "No Part matches"),
    # --- pages: the client's mistake, named (400), never DRF's bare 404 "Invalid page"
    ApiCase("page zero",
            "GET", "/api/parts/?page=0", None, 400, "page must be a whole number from 1; got '0'"),
    ApiCase("negative page",
            "GET", "/api/parts/?page=-2", None, 400, "page must be a whole number from 1"),
    ApiCase("page that is not a number",
            "GET", "/api/parts/?page=abc", None, 400, "page must be a whole number from 1"),
    ApiCase("page that is not a whole number",
            "GET", "/api/parts/?page=1.5", None, 400, "page must be a whole number from 1"),
    ApiCase("page past the end",
            "GET", "/api/parts/?page=999", None, 400, "page 999 does not exist; there is 1 page"),
    ApiCase("page past the end of a smaller page size",
            "GET", "/api/parts/?page=7&page_size=1", None, 400, "page 7 does not exist; there are"),
    ApiCase("page size that is not a number",
            "GET", "/api/parts/?page_size=abc", None, 400, "page_size must be a whole number"),
    ApiCase("page size zero",
            "GET", "/api/parts/?page_size=0", None, 400, "page_size must be a whole number"),
    ApiCase("negative page size",
            "GET", "/api/parts/?page_size=-5", None, 400, "from 1 to 100; got '-5'"),
    # --- filters
    ApiCase("unknown document status filter",
            "GET", "/api/documents/?status=BOGUS", None, 400, "valid choice"),
    ApiCase("unknown document type filter",
            "GET", "/api/documents/?doc_type=GIFT", None, 400, "valid choice"),
    ApiCase("warehouse filter that does not exist",
            "GET", "/api/stock-levels/?warehouse=999999", None, 400,
            "Unknown warehouse '999999': give its code (e.g. WH1) or id."),
    ApiCase("warehouse filter that is neither a code nor an id",
            "GET", "/api/stock-levels/?warehouse=abc", None, 400,
            "Unknown warehouse 'abc': give its code (e.g. WH1) or id."),
    ApiCase("part filter that does not exist",
            "GET", "/api/moves/?part=999999", None, 400, "valid choice"),
    ApiCase("category filter that does not exist",
            "GET", "/api/parts/?category=999999", None, 400, "valid choice"),
    # found by the schemathesis coverage phase (issue 11): an id too large for any integer
    # column (OverflowError, a 500) is an unknown choice like any other
    ApiCase("asset part filter of -2.8e+98",
            "GET", "/api/assets/?part=-2.8e%2B98", None, 400, "valid choice"),
    ApiCase("connection asset filter of -3.5e+157",
            "GET", "/api/connections/?asset=-3.5e%2B157", None, 400, "valid choice"),
    ApiCase("BOM line part filter one past the largest id",
            "GET", "/api/bom-lines/?part=9223372036854775808", None, 400, "valid choice"),
    ApiCase("asset warehouse filter past any integer column",
            "GET", "/api/assets/?warehouse=99999999999999999999", None, 400,
            "Unknown warehouse '99999999999999999999'"),
    ApiCase("rack warehouse filter past any integer column",
            "GET", "/api/racks/?warehouse=99999999999999999999", None, 400,
            "Unknown warehouse '99999999999999999999'"),
    ApiCase("null character in a search",
            "GET", "/api/parts/?search=%00", None, 400, "Null characters"),
    ApiCase("null character in a warehouse code",
            "GET", "/api/stock-levels/?warehouse=WH%00", None, 400, "Null characters"),
    ApiCase("null character in a planning warehouse",
            "GET", lambda w: f"/api/parts/{w.assembly.pk}/buildable/?warehouse=%00", None, 400,
            "Null characters"),
    ApiCase("warehouse given as a superscript digit",
            "GET", "/api/stock-levels/?warehouse=%C2%B2", None, 400, "Unknown warehouse '²'"),
    ApiCase("warehouse code with a percent sign",
            "GET", "/api/locations/?warehouse=50%25", None, 400, "Unknown warehouse '50%'"),
    ApiCase("warehouse code with a format placeholder",
            "GET", "/api/documents/?warehouse=WH%25s", None, 400, "Unknown warehouse 'WH%s'"),
    ApiCase("planning warehouse with a named placeholder",
            "GET", lambda w: f"/api/parts/{w.assembly.pk}/buildable/?warehouse=%25(x)s", None, 400,
            "Unknown warehouse '%(x)s'"),
    ApiCase("null character in a stock search",
            "GET", "/api/stock-levels/?q=a%00b", None, 400, "Null characters"),
    # --- planning parameters
    ApiCase("shortages for a negative quantity",
            "GET", shortages("-2"), None, 400, "quantity"),
    ApiCase("shortages for a non-numeric quantity",
            "GET", shortages("lots"), None, 400, "quantity"),
    ApiCase("shortages for a huge quantity",
            "GET", shortages("1e40"), None, 400, "quantity"),
    # --- OEE: bulk ingestion (all or nothing, errors by item index) and queries
    ApiCase("run with more good units than produced",
            "POST", "/api/oee/runs/", runs(good_count=700), 400, "more than was produced"),
    ApiCase("run longer than its planned time",
            "POST", "/api/oee/runs/", runs(run_seconds=26000), 400, "longer than the planned"),
    ApiCase("run faster than the ideal cycle allows",
            "POST", "/api/oee/runs/", runs(total_count=5000, good_count=1), 400,
            "check the ideal cycle time"),
    ApiCase("run ending before it starts",
            "POST", "/api/oee/runs/", runs(shift_end="2026-03-02T05:00:00Z"), 400,
            "end after it starts"),
    ApiCase("run with a negative count",
            "POST", "/api/oee/runs/", runs(total_count=-1), 400, "greater than or equal to 0"),
    ApiCase("run on a line that does not exist",
            "POST", "/api/oee/runs/", runs(line="NO-SUCH-LINE"), 400, "does not exist"),
    ApiCase("run of a part the line does not build",
            "POST", "/api/oee/runs/", runs(part="BAD-IN-1"), 400, "does not build"),
    ApiCase("runs sent as an object, not a list",
            "POST", "/api/oee/runs/", lambda w: {"line": "L"}, 400, "JSON list"),
    ApiCase("empty list of runs",
            "POST", "/api/oee/runs/", lambda w: [], 400, "between 1 and"),
    ApiCase("second of two runs refused refuses both, named by index",
            "POST", "/api/oee/runs/",
            lambda w: runs()(w) + runs(good_count=9999, shift_start="2026-03-03T06:00:00Z",
                                        shift_end="2026-03-03T14:00:00Z")(w),
            400, '"items":{"1":{"good_count"'),
    ApiCase("downtime ending before it starts",
            "POST", "/api/oee/downtime/", downtime(end="2026-03-02T07:00:00Z"), 400,
            "end after it starts"),
    ApiCase("downtime with an unknown reason",
            "POST", "/api/oee/downtime/", downtime(reason="gremlins"), 400, "valid choice"),
    ApiCase("downtime events overlapping each other",
            "POST", "/api/oee/downtime/",
            lambda w: downtime()(w) + downtime(start="2026-03-02T08:10:00Z",
                                               end="2026-03-02T09:00:00Z")(w),
            400, "overlaps event"),
    ApiCase("OEE range whose start is after its end",
            "GET", "/api/oee/?from=2026-03-10&to=2026-03-01", None, 400, "must not be after"),
    ApiCase("OEE range over three years",
            "GET", "/api/oee/?from=2020-01-01&to=2026-01-01", None, 400, "at most"),
    ApiCase("OEE date that is not a date",
            "GET", "/api/oee/?from=yesterday", None, 400, "wrong format"),
    ApiCase("OEE granularity that is not day, week or month",
            "GET", "/api/oee/?granularity=hour", None, 400, "valid choice"),
    ApiCase("OEE of a line that does not exist",
            "GET", "/api/oee/?line=NOPE", None, 400, "does not exist"),
    ApiCase("forecast without a line",
            "GET", "/api/oee/forecast/", None, 400, "required"),
    ApiCase("forecast horizon of zero days",
            "GET", forecast("horizon=0"), None, 400, "greater than or equal to 1"),
    ApiCase("forecast horizon over 30 days",
            "GET", forecast("horizon=31"), None, 400, "less than or equal to 30"),
    ApiCase("forecast of a line that has none yet",
            "GET", forecast("horizon=7"), None, 404, "No forecast for"),
    ApiCase("accuracy of a line that does not exist",
            "GET", "/api/oee/accuracy/?line=NOPE", None, 400, "does not exist"),
    ApiCase("loss Pareto of a line that does not exist",
            "GET", "/api/oee/losses/?line=NOPE", None, 400, "does not exist"),
    # --- order map: every bad parameter is a 400 naming it
    ApiCase("heatmap without a city",
            "GET", "/api/geo/heatmap/", None, 400, "city is required"),
    ApiCase("heatmap of an unknown city",
            "GET", "/api/geo/heatmap/?city=NOWHERE", None, 400, "Unknown city 'NOWHERE'"),
    ApiCase("heatmap of an unknown type",
            "GET", "/api/geo/heatmap/?city=X&type=heat", None, 400, "type must be one of"),
    ApiCase("heatmap resolution past 9",
            "GET", "/api/geo/heatmap/?city=X&resolution=12", None, 400, "resolution must be"),
    ApiCase("heatmap hours backwards",
            "GET", "/api/geo/heatmap/?city=X&hours=20-8", None, 400, "hours must be a range"),
    ApiCase("heatmap weekday 8",
            "GET", "/api/geo/heatmap/?city=X&weekdays=1,8", None, 400, "weekdays must be"),
    ApiCase("heatmap period ending before it starts",
            "GET", "/api/geo/heatmap/?city=X&from=2026-03-10&to=2026-03-01", None, 400,
            "from must be on or before to"),
    ApiCase("heatmap date that is not a date",
            "GET", "/api/geo/heatmap/?city=X&to=tomorrow", None, 400, "to must be a date"),
    ApiCase("heatmap with a null character in the city",
            "GET", "/api/geo/heatmap/?city=X%00", None, 400, "Null characters"),
    ApiCase("coverage with a negative radius scale",
            "GET", "/api/geo/coverage/?city=X&radius_scale=-5", None, 400, "radius_scale must"),
    ApiCase("coverage with both what-if radii",
            "GET", "/api/geo/coverage/?city=X&radius_scale=120&radius_km=3", None, 400,
            "not both"),
    ApiCase("a year of user density asked synchronously (a job's question)",
            "GET", "/api/geo/heatmap/?city=X&type=user_density&from=2025-06-01&to=2026-05-31",
            None, 400, "POST /api/geo/heatmap/jobs/"),
    ApiCase("heatmap job in a format the map does not write",
            "POST", "/api/geo/heatmap/jobs/", lambda w: {"city": w.city.code,
                                                         "file_format": "xlsx"}, 400,
            "file_format must be one of json, csv"),
    ApiCase("heatmap job of an unknown city",
            "POST", "/api/geo/heatmap/jobs/", lambda w: {"city": "NOWHERE"}, 400,
            "Unknown city 'NOWHERE'"),
    ApiCase("heatmap job with a list for a body",
            "POST", "/api/geo/heatmap/jobs/", lambda w: ["X"], 400, "city is required"),
    ApiCase("heatmap job with hours backwards",
            "POST", "/api/geo/heatmap/jobs/", lambda w: {"city": w.city.code, "hours": "20-8"},
            400, "hours must be a range"),
    ApiCase("coverage job with both what-if radii",
            "POST", "/api/geo/coverage/jobs/", lambda w: {"city": w.city.code,
                                                          "radius_scale": 120, "radius_km": 3},
            400, "not both"),
    ApiCase("orders with a forged cursor",
            "GET", "/api/geo/orders/?cursor=forged", None, 400, "Invalid cursor"),
    ApiCase("area whose ring is not closed",
            "POST", "/api/geo/areas/", geo_area([[13.3, 52.4], [13.5, 52.4], [13.4, 52.5],
                                                 [13.3, 52.41]]), 400, "closed"),
    ApiCase("area outside its city",
            "POST", "/api/geo/areas/", geo_area([[1.3, 2.4], [1.5, 2.4], [1.4, 2.5],
                                                 [1.3, 2.4]]), 400, "outside the city"),
    ApiCase("area that is a point",
            "POST", "/api/geo/areas/", lambda w: {
                "name": "Dot", "city": w.city.code,
                "geojson": {"type": "Point", "coordinates": [13.4, 52.5]}}, 400, "Polygon"),
    ApiCase("refit of a line that does not exist",
            "POST", "/api/oee/forecast/refit/", lambda w: {"line": "NOPE"}, 400, "does not exist"),
    ApiCase("refit over more than 30 days",
            "POST", "/api/oee/forecast/refit/", lambda w: {"horizon": 31}, 400,
            "less than or equal to 30"),
    ApiCase("refit with a list for a body",
            "POST", "/api/oee/forecast/refit/", lambda w: ["L1"], 400, "expected a dictionary"),
]
# fmt: on


@pytest.mark.parametrize(
    ("name", "method", "url", "body", "status", "message"),
    API_CASES,
    ids=[case[0] for case in API_CASES],
)
def test_bad_api_input_is_refused_with_a_message_and_writes_nothing(
    name, method, url, body, status, message, client_for
):
    world = World()
    client = client_for("manager")
    before = counts()
    url = url(world) if callable(url) else url
    data = body(world) if body else None
    if isinstance(data, str):
        kwargs = {"data": data, "content_type": "application/json"}
    else:
        kwargs = {"data": data, "format": "json"} if body else {}
    response = getattr(client, method.lower())(url, **kwargs)
    assert response.status_code == status, (
        f"{name}: {response.status_code} {response.content[:300]!r}"
    )
    assert response["Content-Type"].startswith("application/json"), name
    assert message.lower() in response.content.decode().lower(), (
        f"{name}: expected a message containing {message!r}, got {response.content!r}"
    )
    assert counts() == before, f"{name}: something was written"


def test_a_page_size_over_the_cap_is_served_capped_on_every_list_endpoint(client_for):
    client = client_for("manager")
    PartFactory.create_batch(3)
    lists = _list_paths()
    assert "/api/parts/" in lists
    for path in lists:
        response = client.get(path, {"page_size": 100000})
        assert response.status_code == 200, path
        assert len(response.json()["results"]) <= 100, path


def _list_paths() -> list[str]:
    from tests.quality.test_api_fuzz import schema

    return [
        operation.ok().path
        for operation in schema.get_all_operations()
        if operation.ok().method == "get"
        and "{" not in operation.ok().path
        and any(p.name == "page_size" for p in operation.ok().query)
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "99999"}, "page"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
    ],
    ids=["page 0", "page abc", "page past the end", "page_size abc", "page_size -1"],
)
def test_bad_paging_input_is_refused_with_the_parameter_named_on_every_list_endpoint(
    client_for, query, field
):
    client = client_for("manager")
    paths = _list_paths()
    assert "/api/parts/" in paths
    for path in paths:
        response = client.get(path, query)
        assert response.status_code == 400, f"{path} {query}: {response.status_code}"
        assert list(response.json()) == [field], f"{path} {query}: {response.json()}"


# --- CSV imports (commands): a non-zero exit, a message naming the problem, nothing written.

BOM_HEADER = "assembly_sku,component_sku,component_name,quantity,unit_cost_usd,optional,kind\n"
STOCK_HEADER = "warehouse,location,sku,quantity,unit_cost\n"

# fmt: off
IMPORT_CASES: list[tuple[str, str, bytes, str]] = [
    # (name, command,
    #  file content, message the error contains)
    ("BOM file with wrong columns", "import_bom",
     b"parent,child,qty\nA,B,1\n", "column"),
    ("BOM file that is not UTF-8", "import_bom",
     (BOM_HEADER + "ASM-\xc9,C-1,Widget,1,,,\n").encode("latin-1"), "UTF-8"),
    ("BOM file with a duplicated row", "import_bom",
     (BOM_HEADER + "ASM-X,C-1,Widget,1,,,\nASM-X,C-1,Widget,2,,,\n").encode(), "duplicate"),
    ("BOM file with a cycle", "import_bom",
     (BOM_HEADER + "ASM-X,ASM-Y,Y,1,,,\nASM-Y,ASM-X,X,1,,,\n").encode(), "cycle"),
    ("BOM file with a negative quantity", "import_bom",
     (BOM_HEADER + "ASM-X,C-1,Widget,-2,,,\n").encode(), "quantity"),
    ("BOM file with a non-numeric quantity", "import_bom",
     (BOM_HEADER + "ASM-X,C-1,Widget,two,,,\n").encode(), "quantity"),
    ("empty BOM file", "import_bom",
     b"", "column"),
    ("BOM file with a line break inside a SKU", "import_bom",
     (BOM_HEADER + 'ASM-X,"C-\r\n1",Widget,1,,,\n').encode(), "must not contain control"),
    ("BOM file with a zero-width character in a SKU", "import_bom",
     (BOM_HEADER + "ASM-X,C-\u200b1,Widget,1,,,\n").encode(), "U+200B"),
    ("stock file with wrong columns", "import_stock",
     b"sku,qty\nBAD-IN-1,1\n", "column"),
    ("stock file that is not UTF-8", "import_stock",
     (STOCK_HEADER + "WH-\xc9,,BAD-IN-1,1,\n").encode("latin-1"), "UTF-8"),
    ("stock file with a duplicated SKU row", "import_stock",
     (STOCK_HEADER + "{wh},,BAD-IN-1,1,\n{wh},,bad-in-1,2,\n").encode(), "BAD-IN-1"),
    ("stock file with an unknown SKU", "import_stock",
     (STOCK_HEADER + "{wh},,NO-SUCH-SKU,1,\n").encode(), "unknown SKU"),
    ("stock file with a negative quantity", "import_stock",
     (STOCK_HEADER + "{wh},,BAD-IN-1,-1,\n").encode(), "Row 2"),
    ("stock file with a non-numeric quantity", "import_stock",
     (STOCK_HEADER + "{wh},,BAD-IN-1,lots,\n").encode(), "Row 2"),
    ("stock file with a huge quantity", "import_stock",
     (STOCK_HEADER + "{wh},,BAD-IN-1,1" + "0" * 30 + ",\n").encode(), "Row 2"),
    ("stock file with an unknown warehouse", "import_stock",
     (STOCK_HEADER + "NOWHERE,,BAD-IN-1,1,\n").encode(), "NOWHERE"),
]
# fmt: on


@pytest.mark.parametrize(
    ("name", "command", "content", "message"),
    IMPORT_CASES,
    ids=[case[0] for case in IMPORT_CASES],
)
def test_a_bad_import_file_exits_non_zero_naming_the_problem_and_writes_nothing(
    name, command, content, message, tmp_path
):
    world = World()
    content = content.replace(b"{wh}", world.location.warehouse.code.encode())
    path = tmp_path / "import.csv"
    path.write_bytes(content)
    before = counts()
    stderr = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(command, str(path), stdout=StringIO(), stderr=stderr)
    said = f"{refused.value} {stderr.getvalue()}"
    assert message.lower() in said.lower(), f"{name}: {said!r}"
    assert counts() == before, f"{name}: something was written"


@pytest.mark.parametrize("command", ["import_bom", "import_stock"])
def test_an_import_of_a_missing_file_exits_non_zero_naming_the_file(command, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(CommandError, match="nope.csv"):
        call_command(command, str(missing), stdout=StringIO(), stderr=StringIO())


def _json_write_operations() -> list[tuple[str, str]]:
    from tests.quality.test_api_fuzz import schema

    return sorted(
        {
            (operation.ok().method.upper(), operation.ok().path)
            for operation in schema.get_all_operations()
            if operation.ok().method in ("post", "put", "patch")
        }
    )


def _uses_the_default_parsers(path: str) -> bool:
    from django.urls import resolve
    from rest_framework.settings import api_settings

    view = resolve(re.sub(r"\{[^}]+\}", "1", path)).func
    parsers = getattr(view, "cls", None) and view.cls.parser_classes
    return not parsers or list(parsers) == list(api_settings.DEFAULT_PARSER_CLASSES)


def test_every_json_write_operation_parses_with_the_depth_limited_default_parsers():
    own_parsers = [
        path for _, path in _json_write_operations() if not _uses_the_default_parsers(path)
    ]
    assert own_parsers == []


@pytest.mark.parametrize(("method", "path"), _json_write_operations())
def test_every_json_write_endpoint_refuses_deep_nesting_before_parsing(method, path, client_for):
    client = client_for("superuser")
    url = path.replace("{id}", "1")
    url = re.sub(r"\{[^}]+\}", "1", url)
    response = getattr(client, method.lower())(
        url, data=nested_json(1000)(None), content_type="application/json"
    )
    # 400 with the parser's message; a 404 (no object 1) or 403 is answered before the body is
    # read, and an action that takes no body never reads it: never a 500.
    assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    if response.status_code == 400:
        assert "levels deep" in response.json()["detail"], response.content[:300]


def test_a_depth_within_the_limit_is_parsed_normally():
    from config.api.parsers import nesting_exceeds

    assert not nesting_exceeds('{"lines": [{"part": 1, "note": "[[[[{{{{"}]}', 3)
    assert nesting_exceeds('{"lines": [{"part": [1]}]}', 3)
    assert not nesting_exceeds('{"lines": [}', 3)  # malformed: left for the parser to name
    assert not nesting_exceeds('"\\"[[[[', 1)  # an escaped backslash ends the string


def test_an_empty_asset_tag_on_two_assets_is_stored_as_none_not_a_uniqueness_500(client_for):
    """Issue 11: PATCH /api/assets/{id}/ with asset_tag "" collided with another blank tag (a
    unique column) and answered 500; a blank tag is "no tag", stored as NULL, for any number."""
    first, second = AssetFactory(asset_tag=None), AssetFactory(asset_tag="TAG-1")
    client = client_for("manager")
    for asset in (first, second):
        response = client.patch(f"/api/assets/{asset.pk}/", {"asset_tag": ""}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["asset_tag"] is None
    second.refresh_from_db()
    assert second.asset_tag is None


def test_a_data_source_created_with_any_url_answers_201_without_that_url_as_location(client_for):
    """Found by `make fuzz`: DRF sent the source's own url field as the Location header; a url
    with a line break or non-ASCII text could not be sent as a header at all."""
    response = client_for("manager").post(
        "/api/geo/sources/",
        {"name": "Grades", "kind": "grades", "source_type": "csv", "url": "ñ\u2028x\ny"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert "Location" not in response.headers
