"""Warehouse admin: drafts editable, posted documents read-only, the post action, numbering."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import AssemblyFactory, BomLineFactory, PartFactory, UserFactory
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import Location, StockDocument, StockLevel, Warehouse
from warehouse.services import document_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_a_posted_document_is_read_only_in_the_admin(admin_client_, receive, part, bin_a):
    posted = receive(part, bin_a, "3")
    url = f"/admin/warehouse/stockdocument/{posted.pk}/change/"

    page = admin_client_.get(url)
    attempt = admin_client_.post(url, {"note": "changed", "partner": "x"})

    assert page.status_code == 200
    assert 'name="note"' not in page.content.decode()
    assert attempt.status_code == 403
    posted.refresh_from_db()
    assert posted.note == ""


def test_a_draft_is_editable_in_the_admin(admin_client_, storekeeper, part, bin_a):
    draft = document_create(
        doc_type=DocumentType.ISSUE,
        user=storekeeper,
        lines=[{"part": part, "quantity": 1, "from_location": bin_a}],
    )

    page = admin_client_.get(f"/admin/warehouse/stockdocument/{draft.pk}/change/")

    assert 'name="note"' in page.content.decode()


def test_the_post_action_posts_the_selected_drafts(admin_client_, storekeeper, part, bin_a):
    draft = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": 4, "to_location": bin_a}],
    )

    response = admin_client_.post(
        "/admin/warehouse/stockdocument/",
        {"action": "post_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == DocumentStatus.POSTED
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("4")
    assert "1 document(s) posted" in response.content.decode()


def test_the_post_action_reports_a_short_document_and_posts_nothing_of_it(
    admin_client_, storekeeper, part, bin_a
):
    draft = document_create(
        doc_type=DocumentType.ISSUE,
        user=storekeeper,
        lines=[{"part": part, "quantity": 4, "from_location": bin_a}],
    )

    response = admin_client_.post(
        "/admin/warehouse/stockdocument/",
        {"action": "post_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "0 available" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


def test_a_document_added_in_the_admin_gets_the_next_number(admin_client_, part, bin_a):
    response = admin_client_.post(
        "/admin/warehouse/stockdocument/add/",
        {
            "doc_type": "RECEIPT",
            "destination_location": bin_a.pk,
            "partner": "",
            "external_reference": "",
            "note": "",
            "idempotency_key": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-position": "1",
            "lines-0-part": part.pk,
            "lines-0-quantity": "2",
            "lines-0-to_location": bin_a.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    document = StockDocument.objects.get()
    assert document.number == f"REC-{timezone.now().year}-00001"
    assert document.destination_warehouse == bin_a.warehouse
    assert document.lines.count() == 1


def admin_document_body(lines, **header):
    """The admin's add/change form as a browser posts it: header fields and line rows."""
    body = {
        "doc_type": "RECEIPT",
        "partner": "",
        "external_reference": "",
        "note": "",
        "idempotency_key": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        **header,
    }
    for index, line in enumerate(lines):
        body.update({f"lines-{index}-{name}": value for name, value in line.items()})
    return body


def test_a_document_without_lines_is_refused_in_the_admin_as_everywhere(admin_client_, bin_a):
    response = admin_client_.post(
        "/admin/warehouse/stockdocument/add/",
        admin_document_body([], destination_location=bin_a.pk),
    )

    assert response.status_code == 200
    assert "Add at least one line" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_admin_lines_are_checked_by_the_services_before_anything_is_saved(
    admin_client_, part, bin_a
):
    line = {"position": "1", "part": part.pk, "quantity": "2", "from_location": bin_a.pk}
    response = admin_client_.post(
        "/admin/warehouse/stockdocument/add/",
        admin_document_body([{**line, "to_location": bin_a.pk}], doc_type="TRANSFER"),
    )

    assert response.status_code == 200
    assert "cannot be moved from WH1/A-01 to itself" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_editing_a_draft_in_the_admin_replaces_its_lines_through_the_services(
    admin_client_, storekeeper, part, bin_a, bin_b
):
    draft = document_create(
        doc_type=DocumentType.ISSUE,
        user=storekeeper,
        lines=[{"part": part, "quantity": 1, "from_location": bin_a}],
    )
    other = PartFactory(sku="OTHER-1")
    kept = {"id": draft.lines.get().pk, "document": draft.pk, "position": "1", "part": part.pk}
    deleted = {**kept, "quantity": "1", "from_location": bin_a.pk, "DELETE": "on"}
    added = {"position": "2", "part": other.pk, "quantity": "3", "from_location": bin_b.pk}
    body = admin_document_body([deleted, added], doc_type="ISSUE", note="second try")
    body["lines-INITIAL_FORMS"] = "1"

    response = admin_client_.post(f"/admin/warehouse/stockdocument/{draft.pk}/change/", body)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.note == "second try"
    assert draft.source_warehouse == bin_b.warehouse
    assert [(line.part.sku, line.quantity) for line in draft.lines.all()] == [
        ("OTHER-1", Decimal("3"))
    ]


def test_a_build_added_in_the_admin_takes_its_lines_from_the_bill_of_materials(
    admin_client_, part, bin_a
):
    arm = AssemblyFactory(sku="ARM-1")
    BomLineFactory(assembly=arm, component=part, quantity=Decimal("6"))
    typed = {"position": "1", "part": part.pk, "quantity": "1", "from_location": bin_a.pk}

    response = admin_client_.post(
        "/admin/warehouse/stockdocument/add/",
        admin_document_body(
            [typed],
            doc_type="BUILD",
            build_part=arm.pk,
            build_quantity="2",
            source_location=bin_a.pk,
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    build = StockDocument.objects.get()
    assert build.number.startswith("BLD-")
    assert build.destination_location == bin_a and build.created_by is not None
    assert [(line.part.sku, line.quantity) for line in build.lines.order_by("position")] == [
        (part.sku, Decimal("12")),
        ("ARM-1", Decimal("2")),
    ]


def test_a_warehouse_added_in_the_admin_gets_a_default_receiving_location(admin_client_):
    response = admin_client_.post(
        "/admin/warehouse/warehouse/add/",
        {
            "code": "WH5",
            "name": "Five",
            "address": "",
            "is_active": "on",
            "locations-TOTAL_FORMS": "0",
            "locations-INITIAL_FORMS": "0",
            "locations-MIN_NUM_FORMS": "0",
            "locations-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    warehouse = Warehouse.objects.get(code="WH5")
    assert Location.objects.filter(warehouse=warehouse, is_default_receiving=True).exists()


def test_stock_levels_cannot_be_changed_in_the_admin(admin_client_, receive, part, bin_a):
    receive(part, bin_a, "3")
    level = StockLevel.objects.get()

    response = admin_client_.post(
        f"/admin/warehouse/stocklevel/{level.pk}/change/", {"quantity": "99"}
    )

    assert response.status_code == 403
    level.refresh_from_db()
    assert level.quantity == Decimal("3")


def test_the_admin_document_list_filters_by_type_and_status(admin_client_, receive, part, bin_a):
    receive(part, bin_a, "3")

    response = admin_client_.get(
        "/admin/warehouse/stockdocument/", {"doc_type__exact": "RECEIPT", "status__exact": "POSTED"}
    )

    assert response.status_code == 200
    assert "REC-" in response.content.decode()
