"""Warehouse pages: stock overview, stock card, documents list/detail/form, build from planner."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import (
    AssemblyFactory,
    BomLineFactory,
    LocationFactory,
    PartFactory,
    UserFactory,
    WarehouseFactory,
)
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import StockDocument, StockLevel
from warehouse.services import document_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client():
    def make(role):
        client = Client()
        client.force_login(UserFactory(role=role))
        return client

    return make


def draft_issue(user, part, location, quantity=2):
    return document_create(
        doc_type=DocumentType.ISSUE,
        user=user,
        lines=[{"part": part, "quantity": quantity, "from_location": location}],
    )


def test_stock_overview_highlights_parts_below_their_reorder_point(
    page_client, receive, part, bin_a
):
    receive(part, bin_a, "3", unit_cost=Decimal("14"))  # reorder point 5
    plenty = PartFactory(reorder_point=Decimal("1"))
    receive(plenty, bin_a, "50")

    response = page_client("viewer").get("/warehouse/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="low"' in html
    assert html.count('class="low"') == 1
    assert "42.00" in html  # 3 × 14.00


def test_stock_overview_filters_by_warehouse_and_shows_its_location_tree(
    page_client, receive, part, warehouse, bin_a
):
    receive(part, bin_a, "3")

    response = page_client("viewer").get("/warehouse/", {"warehouse": warehouse.pk})

    assert response.status_code == 200
    assert "Locations in WH1" in response.content.decode()
    assert "default receiving" in response.content.decode()


def test_stock_overview_low_only_lists_just_the_low_parts(page_client, receive, part, bin_a):
    receive(part, bin_a, "3")
    plenty = PartFactory(sku="PLENTY-1", reorder_point=Decimal("1"))
    receive(plenty, bin_a, "50")

    html = page_client("viewer").get("/warehouse/", {"low": "1"}).content.decode()

    assert f">{part.sku}</a>" in html and ">PLENTY-1</a>" not in html


def test_stock_overview_finds_parts_by_sku_name_or_mpn_typed_in_a_search_box(
    page_client, receive, part, bin_a
):
    receive(part, bin_a, "3")
    other = PartFactory(sku="GEAR-9", name="Planetary gearbox", mpn="PG-36-ABC")
    receive(other, bin_a, "4")
    client = page_client("viewer")

    page = client.get("/warehouse/").content.decode()
    assert 'type="search" name="q"' in page
    assert '<select name="part"' not in page  # no list of every part in the company
    for text in ("gear-9", "PLANETARY", "pg-36"):
        html = client.get("/warehouse/", {"q": text}).content.decode()
        assert ">GEAR-9</a>" in html and f">{part.sku}</a>" not in html, text
    assert client.get("/warehouse/", {"q": "x" * 101}).status_code == 200  # shown as an error
    assert "at most 100" in client.get("/warehouse/", {"q": "x" * 101}).content.decode()


def test_the_stock_api_takes_the_same_search(client_for, receive, part, bin_a):
    receive(part, bin_a, "3")
    gear = PartFactory(sku="GEAR-9")
    receive(gear, bin_a, "4")
    api = client_for("viewer")
    rows = api.get("/api/stock-levels/", {"q": "gear"}).json()["results"]
    assert [row["part"] for row in rows] == [gear.pk]
    assert api.get("/api/stock-levels/", {"q": "x" * 101}).status_code == 400


def test_the_part_stock_card_shows_balances_and_the_ledger(page_client, receive, part, bin_a):
    receipt = receive(part, bin_a, "3")

    response = page_client("viewer").get(f"/warehouse/parts/{part.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert receipt.number in html and "A-01" in html


def test_the_document_list_filters_by_status(page_client, storekeeper, receive, part, bin_a):
    posted = receive(part, bin_a, "3")
    draft = draft_issue(storekeeper, part, bin_a)

    html = page_client("viewer").get("/warehouse/documents/", {"status": "DRAFT"}).content.decode()

    assert draft.number in html and posted.number not in html


def test_post_and_cancel_buttons_are_shown_only_to_users_who_may_use_them(
    page_client, storekeeper, part, bin_a
):
    draft = draft_issue(storekeeper, part, bin_a)
    url = f"/warehouse/documents/{draft.pk}/"

    as_storekeeper = page_client("storekeeper").get(url).content.decode()
    as_viewer = page_client("viewer").get(url).content.decode()

    assert f"/warehouse/documents/{draft.pk}/post/" in as_storekeeper
    assert f"/warehouse/documents/{draft.pk}/post/" not in as_viewer
    assert "cancel/" not in as_storekeeper  # a draft cannot be cancelled


def test_the_cancel_button_appears_on_a_posted_document(page_client, receive, part, bin_a):
    posted = receive(part, bin_a, "3")

    html = page_client("storekeeper").get(f"/warehouse/documents/{posted.pk}/").content.decode()

    assert f"/warehouse/documents/{posted.pk}/cancel/" in html
    assert "/post/" not in html and "Edit draft" not in html


def test_posting_from_the_page_moves_the_stock(page_client, storekeeper, receive, part, bin_a):
    receive(part, bin_a, "5")
    draft = draft_issue(storekeeper, part, bin_a)

    response = page_client("storekeeper").post(f"/warehouse/documents/{draft.pk}/post/")

    assert response.status_code == 302
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("3")


def test_a_short_posting_from_the_page_shows_the_reason(
    page_client, storekeeper, receive, part, bin_a
):
    receive(part, bin_a, "1")
    draft = draft_issue(storekeeper, part, bin_a)

    response = page_client("storekeeper").post(
        f"/warehouse/documents/{draft.pk}/post/", follow=True
    )

    assert "Cannot issue 2 × STS3215-7V4 from WH1/A-01: 1 available." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


def test_a_viewer_cannot_post(page_client, storekeeper, part, bin_a):
    draft = draft_issue(storekeeper, part, bin_a)

    response = page_client("viewer").post(f"/warehouse/documents/{draft.pk}/post/")

    assert response.status_code == 403


def test_the_form_creates_a_draft_with_lines(page_client, part, bin_a):
    data = {
        "doc_type": "RECEIPT",
        "destination_location": bin_a.pk,
        "partner": "Feetech",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-part": part.pk,
        "lines-0-quantity": "12",
        "lines-0-unit_cost": "13.50",
        "lines-1-part": "",
        "lines-1-quantity": "",
    }

    response = page_client("storekeeper").post("/warehouse/documents/new/", data)

    document = StockDocument.objects.get()
    assert response.status_code == 302 and response.url == f"/warehouse/documents/{document.pk}/"
    line = document.lines.get()
    assert (line.quantity, line.to_location, line.unit_cost) == (
        Decimal("12"),
        bin_a,
        Decimal("13.5"),
    )
    assert document.status == DocumentStatus.DRAFT


def test_the_form_shows_service_errors_next_to_the_form(page_client, part):
    data = {
        "doc_type": "ISSUE",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-part": part.pk,
        "lines-0-quantity": "1",
    }

    response = page_client("storekeeper").post("/warehouse/documents/new/", data)

    assert response.status_code == 200
    assert "say where STS3215-7V4 comes from" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_a_viewer_cannot_open_the_document_form(page_client):
    assert page_client("viewer").get("/warehouse/documents/new/").status_code == 403


def test_a_posted_document_cannot_be_edited_from_the_page(page_client, receive, part, bin_a):
    posted = receive(part, bin_a, "3")

    response = page_client("storekeeper").get(f"/warehouse/documents/{posted.pk}/edit/")

    assert response.status_code == 302
    assert response.url == f"/warehouse/documents/{posted.pk}/"


def test_the_planner_creates_a_draft_build_document(page_client, warehouse, receive):
    arm = AssemblyFactory()
    component = PartFactory()
    BomLineFactory(assembly=arm, component=component, quantity=Decimal("6"))
    shelf = LocationFactory(warehouse=warehouse)
    receive(component, shelf, "12")

    response = page_client("storekeeper").post(
        "/warehouse/documents/new/build/",
        {"part": arm.pk, "quantity": "2", "warehouse": warehouse.pk},
    )

    document = StockDocument.objects.get(doc_type=DocumentType.BUILD)
    assert response.status_code == 302 and response.url == f"/warehouse/documents/{document.pk}/"
    assert document.status == DocumentStatus.DRAFT
    assert document.destination_location.is_default_receiving
    assert document.lines.get(part=component).from_location == shelf
    assert sorted(document.lines.values_list("quantity", flat=True)) == [
        Decimal("2"),
        Decimal("12"),
    ]


def test_the_planner_refuses_a_build_draft_the_stock_cannot_cover(page_client, warehouse):
    arm = AssemblyFactory()
    BomLineFactory(assembly=arm, component=PartFactory(sku="NOT-HERE"), quantity=Decimal("6"))

    response = page_client("storekeeper").post(
        "/warehouse/documents/new/build/",
        {"part": arm.pk, "quantity": "2", "warehouse": warehouse.pk},
        follow=True,
    )

    assert not StockDocument.objects.exists()
    assert "12 × NOT-HERE" in response.content.decode()


def test_a_viewer_cannot_create_a_build_document(page_client, warehouse):
    arm = AssemblyFactory()

    response = page_client("viewer").post(
        "/warehouse/documents/new/build/",
        {"part": arm.pk, "quantity": "2", "warehouse": warehouse.pk},
    )

    assert response.status_code == 403


def test_the_home_page_shows_warehouse_figures(page_client, receive, part, bin_a):
    receive(part, bin_a, "3")

    html = page_client("viewer").get("/").content.decode()

    assert "Parts at or below reorder point" in html
    assert "Stock value" in html


def test_stock_values_show_their_currency_and_numbers_their_thousands_separators(
    page_client, receive, part, bin_a
):
    receive(part, bin_a, "137", unit_cost=Decimal("14"))  # 1,918.00 USD
    bulk = PartFactory(sku="M3-NUT", unit_cost=Decimal("0.02"))
    receive(bulk, bin_a, "12500.5", unit_cost=Decimal("0.02"))  # 250.01 USD

    dashboard = page_client("viewer").get("/").content.decode()
    overview = page_client("viewer").get("/warehouse/").content.decode()

    assert '<span class="figure-value">2,168.01 USD</span>' in dashboard
    assert '<span class="figure-value">2,168.01 USD</span>' in overview  # the warehouse card
    assert '<td class="num">1,918.00 USD</td>' in overview
    assert '<td class="num">12,500.5</td>' in overview
    assert "12500.5" not in overview


def test_the_home_page_stock_value_names_its_currency(page_client, receive, part, bin_a):
    receive(part, bin_a, "1000", unit_cost="1.5")

    html = page_client("viewer").get("/").content.decode()

    assert "1,500.00 USD" in html


def test_the_location_tree_of_a_big_warehouse_is_paged(user_in_role):
    from warehouse.views import LOCATION_ROWS_PER_PAGE

    warehouse = WarehouseFactory(code="BIG")
    LocationFactory.create_batch(LOCATION_ROWS_PER_PAGE + 5, warehouse=warehouse)
    client = Client()
    client.force_login(user_in_role("viewer"))

    first = client.get("/warehouse/", {"warehouse": "BIG"}).content.decode()
    second = client.get("/warehouse/", {"warehouse": "BIG", "locations_page": 2}).content.decode()

    assert first.count("&amp;location=") == LOCATION_ROWS_PER_PAGE
    assert "locations_page=2" in first
    assert second.count("&amp;location=") == 5
