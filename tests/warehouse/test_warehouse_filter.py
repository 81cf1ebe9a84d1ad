"""?warehouse= takes a code (any case) or an id in every list of the pages and the API."""

import pytest
from django.urls import reverse

from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/locations/", "/api/stock-levels/", "/api/moves/", "/api/documents/"]


@pytest.fixture
def two_warehouses(warehouse, receive, part):
    from warehouse.services import warehouse_create

    other = warehouse_create(code="DC1", name="Data centre")
    receive(part, LocationFactory(warehouse=warehouse, code="A-9"), "2")
    receive(part, LocationFactory(warehouse=other, code="R-9"), "3")
    return warehouse, other


@pytest.mark.parametrize("url", LISTS)
def test_code_and_id_select_the_same_rows(url, two_warehouses, client_for):
    _, other = two_warehouses
    client = client_for("viewer")
    by_code = client.get(url, {"warehouse": "dc1"})
    by_id = client.get(url, {"warehouse": other.pk})
    everything = client.get(url)
    assert by_code.status_code == by_id.status_code == 200
    assert by_code.json()["results"] == by_id.json()["results"]
    assert 0 < by_code.json()["count"] < everything.json()["count"]


@pytest.mark.parametrize("url", LISTS)
def test_an_unknown_warehouse_is_a_400_that_says_how_to_name_one(url, client_for):
    response = client_for("viewer").get(url, {"warehouse": "NOPE"})
    assert response.status_code == 400
    assert "Unknown warehouse 'NOPE': give its code (e.g. WH1) or id." in str(response.json())


def test_the_planner_page_takes_an_id_as_well_as_a_code(two_warehouses, client, user_in_role):
    from tests.factories import AssemblyFactory, BomLineFactory

    _, other = two_warehouses
    arm = AssemblyFactory(sku="ARM-W")
    BomLineFactory(assembly=arm)
    client.force_login(user_in_role("planner"))
    pages = [
        client.get(reverse("warehouse:planner"), {"part": arm.pk, "quantity": 1, "warehouse": v})
        for v in (other.pk, "DC1")
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Select a valid choice" not in html and "Unknown warehouse" not in html
        assert '<option value="DC1" selected>' in html


def test_stock_overview_links_name_the_warehouse_by_code(two_warehouses, client, user_in_role):
    client.force_login(user_in_role("viewer"))
    html = client.get(reverse("warehouse:stock-overview"), {"warehouse": "DC1"}).content.decode()
    assert 'href="?warehouse=DC1"' in html
    assert '<option value="DC1" selected>' in html
