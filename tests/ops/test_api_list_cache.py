"""Cached API lists (config/api/listing.py over config/revisions.py): a page of parts or stock
levels is served from the cache until a write bumps the revision it was read under, and every
kind of write the list reflects does bump it."""

from decimal import Decimal

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from inventory.imports.bom import bom_import_csv
from inventory.models import Part
from tests.factories import LocationFactory, PartFactory, UserFactory
from warehouse.choices import DocumentType
from warehouse.services import document_cancel, document_create, document_post, warehouse_create


def _skus(client, path="/api/parts/"):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return [row["sku"] for row in response.json()["results"]]


def _quantities(client):
    response = client.get("/api/stock-levels/")
    assert response.status_code == 200, response.content
    return {(row["part_sku"], row["quantity"]) for row in response.json()["results"]}


@pytest.fixture
def stock(db):
    user = UserFactory(role="storekeeper")
    warehouse = warehouse_create(code="WH1", name="Main")
    location = LocationFactory(warehouse=warehouse, code="A-01")
    part = PartFactory(sku="SERVO-1", unit_cost=Decimal("2.00"))

    def receive(quantity: str):
        document = document_create(
            doc_type=DocumentType.RECEIPT,
            user=user,
            lines=[{"part": part, "quantity": Decimal(quantity), "to_location": location}],
        )
        return document_post(document=document, user=user)

    return {"user": user, "part": part, "location": location, "receive": receive}


@pytest.mark.django_db
def test_a_repeated_page_of_parts_reads_no_rows(client_for, django_assert_num_queries):
    PartFactory(sku="P-1")
    client = client_for("viewer")
    assert _skus(client) == ["P-1"]
    with django_assert_num_queries(0):
        assert _skus(client) == ["P-1"]


@pytest.mark.django_db
def test_a_part_saved_or_deleted_shows_in_the_next_page(client_for):
    part = PartFactory(sku="P-1", name="Old")
    client = client_for("manager")
    assert client.get("/api/parts/").json()["results"][0]["name"] == "Old"
    assert client.patch(f"/api/parts/{part.pk}/", {"name": "New"}, format="json").status_code == 200
    assert client.get("/api/parts/").json()["results"][0]["name"] == "New"
    PartFactory(sku="P-2")
    assert _skus(client) == ["P-1", "P-2"]
    Part.objects.get(sku="P-2").delete()
    assert _skus(client) == ["P-1"]


@pytest.mark.django_db
def test_a_bom_import_that_marks_assemblies_in_bulk_shows_in_the_filter(client_for):
    PartFactory(sku="ARM")
    PartFactory(sku="SERVO")
    client = client_for("viewer")
    assert _skus(client, "/api/parts/?assembly=yes") == []
    bom_import_csv(
        content="assembly_sku,component_sku,component_name,quantity,unit_cost_usd,optional,kind\n"
        "ARM,SERVO,Servo,6,2.00,no,purchased\n"
    )
    assert _skus(client, "/api/parts/?assembly=yes") == ["ARM"]


@pytest.mark.django_db
def test_every_query_string_is_its_own_page(client_for):
    PartFactory(sku="A-1", name="Arm")
    PartFactory(sku="B-1", name="Base")
    client = client_for("viewer")
    assert _skus(client, "/api/parts/?q=arm") == ["A-1"]
    assert _skus(client, "/api/parts/?q=base") == ["B-1"]


@pytest.mark.django_db
def test_a_posting_and_a_cancellation_show_in_the_next_stock_page(client_for, stock):
    client = client_for("viewer")
    stock["receive"]("5")
    assert _quantities(client) == {("SERVO-1", "5.0000")}
    second = stock["receive"]("3")
    assert _quantities(client) == {("SERVO-1", "8.0000")}
    document_cancel(document=second, user=stock["user"])
    assert _quantities(client) == {("SERVO-1", "5.0000")}


@pytest.mark.django_db
def test_a_renamed_part_shows_in_the_next_stock_page(client_for, stock):
    client = client_for("viewer")
    stock["receive"]("5")
    assert _quantities(client) == {("SERVO-1", "5.0000")}
    stock["part"].sku = "SERVO-2"
    stock["part"].save()
    assert _quantities(client) == {("SERVO-2", "5.0000")}


@pytest.mark.django_db
def test_with_the_list_cache_off_every_page_reads_the_rows(client_for, django_assert_num_queries):
    PartFactory(sku="P-1")
    client = client_for("viewer")
    with override_settings(API_LIST_CACHE_SECONDS=0):
        assert _skus(client) == ["P-1"]
        with django_assert_num_queries(1):
            assert _skus(client) == ["P-1"]


@pytest.mark.django_db
def test_the_permission_check_still_runs_on_a_cached_page(client_for):
    PartFactory(sku="P-1")
    assert _skus(client_for("viewer")) == ["P-1"]
    assert client_for(None).get("/api/parts/").status_code == 401
    no_role = APIClient()
    no_role.force_authenticate(UserFactory())
    assert no_role.get("/api/parts/").status_code == 403
