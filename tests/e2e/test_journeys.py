"""The issue's journey in a real browser: a part and its BOM made in the admin, a receipt and an
issue made and posted from the pages with the stock changing on screen, the build planner for the
new assembly, the rack elevation and the optimiser preview — with no console error anywhere.

Each step saves a screenshot to var/screenshots/journey-<step>.png.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory.models import BomLine, Part
from warehouse.models import Location, StockLevel

pytestmark = pytest.mark.e2e


def _stock(part: Part, location: Location) -> Decimal:
    level = StockLevel.objects.filter(part=part, location=location).first()
    return level.quantity if level else Decimal("0")


def _component_and_bin() -> tuple[Part, Location]:
    part = Part.objects.filter(is_assembly=False, is_active=True).order_by("sku").first()
    location = Location.objects.filter(is_active=True, kind="bin").order_by("pk").first()
    assert part and location, "the demo data should have purchased parts and bins"
    return part, location


def _balance_shown(session, location: Location) -> Decimal:
    """The quantity the part's stock card shows for the location (first table: balances)."""
    row = session.page.locator("table.data").first.locator("tr", has_text=location.code).first
    return Decimal(row.locator("td").last.inner_text().replace(",", "").strip())


def _pick_autocomplete(page, select_name_suffix: str, search: str) -> None:
    """Choose in a Django admin autocomplete (select2) widget by typing and clicking."""
    row_select = page.locator(f"select[name$='{select_name_suffix}']")
    row_select.locator("xpath=following-sibling::span[contains(@class,'select2')]").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=search).first.click()


def _pick(page, name: str, search: str, chosen_id: int) -> None:
    """Choose in a search-as-you-type picker (Tom Select, static/js/autocomplete.js): type
    into it, wait for the server's matches, click the first one naming ``search``."""
    wrapper = page.locator(f"select[name='{name}'] + .ts-wrapper")
    wrapper.locator(".ts-control").click()
    wrapper.locator(".ts-control input").fill(search)
    wrapper.locator(".ts-dropdown .option", has_text=search).first.click()
    assert page.locator(f"select[name='{name}']").input_value() == str(chosen_id)


def _location_reference(location: Location) -> str:
    return f"{location.warehouse.code}/{location.code}"


def _save_document(session, *, doc_type: str, part: Part, quantity: str, location: Location):
    page = session.page
    session.open("/warehouse/documents/new/")
    page.select_option("select[name='doc_type']", doc_type)
    _pick(page, "lines-0-part", part.sku, part.pk)
    page.fill("input[name='lines-0-quantity']", quantity)
    field = "lines-0-to_location" if doc_type == "RECEIPT" else "lines-0-from_location"
    _pick(page, field, _location_reference(location), location.pk)
    with page.expect_navigation():
        page.click("button:has-text('Save draft')")
    page.wait_for_load_state("networkidle")
    refusals = page.locator(".error, .errorlist, .message").all_inner_texts()
    assert re.search(r"/warehouse/documents/\d+/$", page.url), (page.url, refusals)
    session.assert_no_errors(f"new {doc_type.lower()} form")


def _post_open_document(session) -> None:
    page = session.page
    page.click("form[action$='/post/'] button")
    page.wait_for_load_state("networkidle")
    assert "Posted" in page.content() or "POSTED" in page.content()


def test_a_planner_creates_a_part_with_a_bom_in_the_admin(session_for):
    component, _ = _component_and_bin()
    session = session_for("admin")
    page = session.page
    session.open("/admin/inventory/part/add/")
    page.fill("#id_sku", "E2E-ASM-1")
    page.fill("#id_name", "Browser-made assembly")
    page.check("#id_is_assembly")
    _pick_autocomplete(page, "-0-component", component.sku)
    page.locator("input[name$='-0-quantity']").fill("3")
    session.screenshot("journey-admin-part-with-bom")
    page.click("input[name='_save']")
    page.wait_for_load_state("networkidle")
    assert "was added successfully" in page.content(), page.content()[:2000]
    session.assert_no_errors("admin part add")

    assembly = Part.objects.get(sku="E2E-ASM-1")
    assert assembly.is_assembly
    line = BomLine.objects.get(assembly=assembly)
    assert (line.component, line.quantity) == (component, Decimal("3"))


def test_a_storekeeper_receives_and_issues_from_the_pages_and_sees_the_stock_change(session_for):
    part, location = _component_and_bin()
    before = _stock(part, location)
    session = session_for("storekeeper")

    _save_document(session, doc_type="RECEIPT", part=part, quantity="7", location=location)
    session.screenshot("journey-receipt-draft")
    detail = session.page.url
    session.open(detail + "edit/")  # the draft's edit page, then back: nothing changes
    assert "Edit draft" in session.page.content()
    session.screenshot("journey-receipt-edit")
    session.open(detail)
    _post_open_document(session)
    session.screenshot("journey-receipt-posted")
    assert _stock(part, location) == before + 7

    session.open(f"/warehouse/parts/{part.pk}/")
    session.screenshot("journey-stock-card-after-receipt")
    assert _balance_shown(session, location) == before + 7

    _save_document(session, doc_type="ISSUE", part=part, quantity="2", location=location)
    _post_open_document(session)
    session.screenshot("journey-issue-posted")
    assert _stock(part, location) == before + 5

    session.open(f"/warehouse/parts/{part.pk}/")
    assert _balance_shown(session, location) == before + 5
    session.screenshot("journey-stock-card-after-issue")
    session.assert_no_errors("receipt and issue")


def test_the_build_planner_answers_for_an_assembly(session_for):
    assembly = Part.objects.filter(is_assembly=True, bom_lines__isnull=False).distinct().first()
    assert assembly, "the demo data should have an assembly with a BOM"
    session = session_for("planner")
    session.open("/warehouse/planner/")
    _pick(session.page, "part", assembly.sku, assembly.pk)
    session.page.fill("input[name='quantity']", "2")
    with session.page.expect_navigation():
        session.page.locator("form[action$='/planner/'] button[type=submit]").click()
    session.page.wait_for_load_state("networkidle")
    assert "part=" in session.page.url
    assert "Buildable" in session.page.content() or "buildable" in session.page.content()
    session.screenshot("journey-planner")
    session.assert_no_errors("build planner")


def test_the_rack_elevation_opens_and_the_optimiser_preview_runs(session_for):
    rack = Location.objects.filter(kind="rack", placements__isnull=False).distinct().first()
    assert rack, "the demo data should have a rack with devices"
    session = session_for("planner")
    session.open(f"/warehouse/racks/{rack.pk}/")
    assert session.page.locator("svg").count() > 0, "the elevation is drawn as SVG"
    session.screenshot("journey-rack-elevation")
    session.page.click("button:has-text('Run optimiser')")
    session.page.wait_for_load_state("networkidle")
    assert "/optimise/" in session.page.url
    assert "Score breakdown" in session.page.content()
    session.screenshot("journey-rack-optimiser-preview")
    session.assert_no_errors("rack elevation and optimiser")


def test_a_receipt_with_more_lines_than_the_blank_rows_uses_add_line(session_for):
    parts = list(Part.objects.filter(is_assembly=False, is_active=True).order_by("sku")[:6])
    _, location = _component_and_bin()
    session = session_for("storekeeper")
    page = session.page
    session.open("/warehouse/documents/new/")
    page.select_option("select[name='doc_type']", "RECEIPT")
    _pick(page, "destination_location", _location_reference(location), location.pk)
    blank_rows = page.locator("select[name$='-part']").count()
    for _ in range(len(parts) - blank_rows):
        page.click("button:has-text('Add line')")
    for index, part in enumerate(parts):
        _pick(page, f"lines-{index}-part", part.sku, part.pk)
        page.fill(f"input[name='lines-{index}-quantity']", "2")
    session.screenshot("journey-receipt-six-lines")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the form is {width}px wide in a {viewport}px window"
    with page.expect_navigation():
        page.click("button:has-text('Save draft')")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/warehouse/documents/\d+/$", page.url), page.url
    document_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    from warehouse.models import StockDocument

    document = StockDocument.objects.get(pk=document_id)
    assert sorted(line.part_id for line in document.lines.all()) == sorted(p.pk for p in parts)
    session.assert_no_errors("receipt with added lines")


def test_a_planner_imports_a_report_reads_the_cards_opens_a_line_and_exports(session_for, tmp_path):
    """OEE journey: import a plant report on the page, see its line's card (flagged day counted),
    open the line, start an export and watch the progress bar finish with a download link."""
    from datetime import date, timedelta

    day = date.today() - timedelta(days=2)
    report = tmp_path / "plant-report.csv"
    report.write_text(
        "PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
        "Total_Actual_Output,Ideal_Cycle_Time_Seconds,Good_Output\n"
        f"E2E-LINE,{day - timedelta(days=1)},28800,25200,700,30,690\n"
        f"E2E-LINE,{day},28800,14400,900,30,900\n",  # 27 000 s of work in 14 400 s: flagged
        encoding="utf-8",
    )
    session = session_for("planner")
    page = session.page
    session.open("/analytics/oee/")
    page.set_input_files("#oee-import input[type=file]", str(report))
    page.click("#oee-import button")
    page.wait_for_load_state("networkidle")
    assert "Loaded 2 row(s)" in page.content(), page.content()[:2000]
    card = page.locator(".oee-cards [data-line='E2E-LINE']")
    assert "1 flagged" in card.inner_text()
    session.screenshot("journey-oee-cards")
    session.assert_no_errors("OEE dashboard after import")

    card.click()
    page.wait_for_load_state("networkidle")
    assert "OEE of line E2E-LINE" in page.content()
    page.locator("#oee-trend-card summary").click()
    assert "performance_over_100" in page.locator("#oee-trend-card table").inner_text()
    session.screenshot("journey-oee-line")
    session.assert_no_errors("OEE line page")

    page.select_option("#oee-export select[name='file_format']", "xlsx")
    page.click("#oee-export button")
    page.wait_for_load_state("networkidle")
    page.locator(".report-job-download").wait_for(state="visible")
    assert page.locator(".report-job progress").get_attribute("value") == "100"
    session.screenshot("journey-oee-export-done")
    session.assert_no_errors("OEE export")


def _text_changes(page, selector: str, before: str, must_contain: str) -> str:
    """Wait (up to 20 s) until the element's text differs from before and contains a marker.

    Polled from Python: the site's CSP forbids the string evaluation wait_for_function uses."""
    for _ in range(100):
        text = page.locator(selector).inner_text()
        if text != before and must_contain in text:
            return text
        page.wait_for_timeout(200)
    raise AssertionError(f"{selector} still shows {page.locator(selector).inner_text()!r}")


def test_the_order_map_heatmap_follows_the_filters_and_the_what_if_radius_changes_coverage(
    session_for,
):
    session = session_for("viewer")
    page = session.page
    session.open("/analytics/map/")
    all_orders = _text_changes(page, "#geo-status", "", "cells")
    assert int(all_orders.split()[0]) > 0, f"no hexagons drawn: {all_orders}"  # canvas-drawn
    page.select_option("select[name='type']", "organic")
    _text_changes(page, "#geo-status", all_orders, "cells")
    session.screenshot("journey-order-map")
    session.assert_no_errors("order map")
    session.open("/analytics/map/coverage/")
    before = _text_changes(page, "#coverage-summary", "Loading…", "%")
    page.eval_on_selector(
        "#radius-scale",
        "el => { el.value = 200; el.dispatchEvent(new Event('input', {bubbles: true})); }",
    )
    _text_changes(page, "#coverage-summary", before, "200 %")
    assert page.locator("#coverage-areas tbody tr").count() == 4
    session.screenshot("journey-coverage-what-if")
    session.assert_no_errors("coverage what-if")


def test_the_order_map_clusters_vendors_and_runs_a_year_of_user_density_as_a_job(session_for):
    """Many vendors are clustered (Leaflet.markercluster); a year of distinct users is refused
    at once by the API, the page offers the job, and its progress bar ends on a download."""
    session = session_for("viewer")
    page = session.page
    session.open("/analytics/map/")
    _text_changes(page, "#geo-status", "", "cells")
    assert page.locator(".marker-cluster").count() > 0, "no vendor clusters drawn"
    session.assert_no_errors("order map with clustered vendors")
    page.fill("input[name='from']", (date.today() - timedelta(days=364)).isoformat())
    page.select_option("select[name='type']", "user_density")
    page.locator("#geo-job").wait_for(state="visible")
    assert "POST /api/geo/heatmap/jobs/" in page.locator(".geo-job-reason").inner_text()
    # A hidden download button stays hidden (`.button` sets a display of its own): the link
    # appears only when the job is done, with its progress bar at 100.
    hidden_button = (
        "() => { const a = document.createElement('a'); a.className = 'button'; a.hidden = true;"
        " document.body.append(a); const shown = getComputedStyle(a).display; a.remove();"
        " return shown; }"
    )
    assert page.evaluate(hidden_button) == "none"
    page.click("#geo-job button[data-file-format='csv']")
    page.locator("#geo-job .report-job-download").wait_for(state="visible")
    assert page.locator("#geo-job .report-job progress").get_attribute("value") == "100"
    session.screenshot("journey-order-map-job")
    # The refusal itself is the expected 400 that made the page offer the job.
    session.errors = [e for e in session.errors if not ("400" in e and "/api/geo/heatmap/?" in e)]
    session.assert_no_errors("order map heavy heatmap job")


def test_a_manager_refits_a_lines_forecast_and_the_legend_names_each_band_once(session_for):
    """OEE refit journey: the line page's trend legend lists the forecast and its two intervals
    (no band edges), and "Refit forecasts" runs as a job whose progress bar finishes."""
    session = session_for("manager")
    page = session.page
    session.open("/analytics/oee/ARM-1/")
    legend = page.evaluate(
        "Chart.getChart(document.querySelector(\"canvas[data-chart='oee-trend']\"))"
        ".legend.legendItems.map(item => item.text)"
    )
    assert "95 % interval" in legend and "80 % interval" in legend, legend
    assert not [text for text in legend if text.endswith("upper")], legend
    session.assert_no_errors("OEE line page with its forecast")

    page.click("#oee-refit button")
    page.wait_for_load_state("networkidle")
    assert "Forecasts are being refitted" in page.content()
    page.locator("#oee-refit .report-job-download").wait_for(state="visible")
    assert page.locator("#oee-refit progress").get_attribute("value") == "100"
    session.screenshot("journey-oee-refit-done")
    session.assert_no_errors("OEE refit")
