"""The pickers over big tables: the JSON searches answer a page of matches, and the forms render
only the chosen object, take an id (the picker) or a typed reference (no JavaScript), and refuse
anything else with a field message."""

import pytest
from django.urls import reverse

from config.autocomplete import AUTOCOMPLETE_LIMIT
from tests.factories import (
    AssemblyFactory,
    AssetFactory,
    BomLineFactory,
    DevicePartFactory,
    LocationFactory,
    PartFactory,
    RackPlacementFactory,
    WarehouseFactory,
)
from warehouse.choices import DocumentType
from warehouse.models import StockDocument
from warehouse.services import document_create

pytestmark = pytest.mark.django_db

MANAGEMENT = {
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-MIN_NUM_FORMS": "0",
    "lines-MAX_NUM_FORMS": "1000",
}


def _search(client, name: str, **query) -> dict:
    response = client.get(reverse(name), query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_part_search_answers_at_most_a_page_with_skus_that_start_with_the_text_first(
    client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))
    PartFactory.create_batch(AUTOCOMPLETE_LIMIT + 5, name="Resistor pack")
    inner = PartFactory(sku="XX-RES-1", name="Something else")
    first = PartFactory(sku="RES-0001", name="Ten kilo-ohm")

    found = _search(client, "inventory:part-search", q="res")

    assert len(found["results"]) == AUTOCOMPLETE_LIMIT and found["more"] is True
    assert found["results"][0] == {"id": first.pk, "text": "RES-0001 — Ten kilo-ohm"}
    assert inner.pk in {
        row["id"] for row in _search(client, "inventory:part-search", q="xx-")["results"]
    }


def test_the_part_search_leaves_out_inactive_parts_and_can_ask_for_assemblies_only(
    client, user_in_role
):
    client.force_login(user_in_role("planner"))
    assembly = AssemblyFactory(sku="ASM-LOOK-1")
    PartFactory(sku="ASM-LOOK-2", is_assembly=False)
    PartFactory(sku="ASM-LOOK-3", is_active=False)

    everything = _search(client, "inventory:part-search", q="ASM-LOOK")
    assemblies = _search(client, "inventory:part-search", q="ASM-LOOK", assembly="yes")

    assert len(everything["results"]) == 2
    assert [row["id"] for row in assemblies["results"]] == [assembly.pk]


def test_the_location_search_keeps_to_the_warehouse_given_and_refuses_an_unknown_one(
    client, user_in_role
):
    client.force_login(user_in_role("viewer"))
    north, south = WarehouseFactory(code="NORTH"), WarehouseFactory(code="SOUTH")
    wanted = LocationFactory(warehouse=north, code="BIN-7")
    LocationFactory(warehouse=south, code="BIN-7")

    found = _search(client, "warehouse:location-search", q="bin-7", warehouse="north")
    typed = _search(client, "warehouse:location-search", q="NORTH/BIN")
    unknown = client.get(reverse("warehouse:location-search"), {"warehouse": "NOWHERE"})

    assert found["results"] == [{"id": wanted.pk, "text": "NORTH/BIN-7"}]
    assert [row["id"] for row in typed["results"]] == [wanted.pk]
    assert unknown.status_code == 400
    assert "NOWHERE" in unknown.content.decode()


def test_the_device_search_offers_only_devices_not_yet_in_a_rack(client, user_in_role):
    client.force_login(user_in_role("planner"))
    model = DevicePartFactory()
    free = AssetFactory(part=model, name="web-01")
    RackPlacementFactory(asset=AssetFactory(part=model, name="web-02"))

    found = _search(client, "warehouse:rack-device-search", q="web")

    assert [row["id"] for row in found["results"]] == [free.pk]


def test_the_document_form_lists_no_parts_or_locations_only_the_chosen_ones(client, user_in_role):
    client.force_login(user_in_role("storekeeper"))
    PartFactory.create_batch(30)
    location = LocationFactory()
    url = reverse("warehouse:document-create")

    html = client.get(url).content.decode()

    assert "<option" not in html.split("<h2>Lines</h2>", 1)[1]
    assert 'data-autocomplete="/inventory/parts/search/"' in html
    assert "tom-select" in html and "js/autocomplete.js" in html
    refused = client.post(
        url,
        {
            "doc_type": "RECEIPT",
            "destination_location": location.pk,
            "lines-0-part": "NO-SUCH-SKU",
            "lines-0-quantity": "1",
            **MANAGEMENT,
        },
    ).content.decode()
    assert f'data-value="{location.pk}"' in refused  # the chosen location is shown again
    assert "NO-SUCH-SKU is not one of the choices" in refused


def test_without_javascript_a_receipt_is_made_from_a_typed_sku_and_location_reference(
    client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))
    part = PartFactory(sku="TYPED-SKU-1")
    location = LocationFactory(code="TYPED-BIN")

    response = client.post(
        reverse("warehouse:document-create"),
        {
            "doc_type": "RECEIPT",
            "destination_location": f"{location.warehouse.code}/typed-bin",
            "lines-0-part": "typed-sku-1",
            "lines-0-quantity": "2",
            **MANAGEMENT,
        },
    )

    assert response.status_code == 302
    line = StockDocument.objects.get().lines.get()
    assert (line.part, line.quantity) == (part, 2)
    assert StockDocument.objects.get().destination_location == location


def test_an_unknown_part_id_is_refused_with_a_field_message_and_nothing_is_saved(
    client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))
    location = LocationFactory()

    response = client.post(
        reverse("warehouse:document-create"),
        {
            "doc_type": "RECEIPT",
            "destination_location": location.pk,
            "lines-0-part": "987654321",
            "lines-0-quantity": "1",
            **MANAGEMENT,
        },
    )

    assert response.status_code == 200
    assert "987654321 is not one of the choices" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_a_number_that_is_one_parts_id_and_another_parts_sku_is_refused_as_ambiguous(
    client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))
    by_id = PartFactory()
    PartFactory(sku=str(by_id.pk))
    location = LocationFactory()

    response = client.post(
        reverse("warehouse:document-create"),
        {
            "doc_type": "RECEIPT",
            "destination_location": location.pk,
            "lines-0-part": str(by_id.pk),
            "lines-0-quantity": "1",
            **MANAGEMENT,
        },
    )

    assert response.status_code == 200
    assert "pick one from the search" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_the_planner_takes_an_assembly_typed_by_sku_and_shows_it_chosen(client, user_in_role):
    client.force_login(user_in_role("planner"))
    assembly = AssemblyFactory(sku="PLAN-BY-SKU")
    BomLineFactory(assembly=assembly)

    html = client.get(reverse("warehouse:planner"), {"part": "plan-by-sku", "quantity": 1})

    content = html.content.decode()
    assert "Shortages for" in content
    assert f'data-value="{assembly.pk}"' in content and 'value="PLAN-BY-SKU"' in content


def test_a_drafts_edit_page_shows_its_lines_chosen_in_the_pickers(client, user_in_role):
    client.force_login(user_in_role("storekeeper"))
    part, location = PartFactory(sku="EDIT-ME-1"), LocationFactory(code="EDIT-BIN")
    draft = document_create(
        doc_type=DocumentType.RECEIPT,
        user=None,
        lines=[{"part": part, "quantity": 1, "to_location": location}],
    )

    content = client.get(reverse("warehouse:document-edit", args=[draft.pk])).content.decode()

    assert f'data-value="{part.pk}"' in content and 'value="EDIT-ME-1"' in content
    assert f'value="{location.warehouse.code}/EDIT-BIN"' in content


def test_the_stock_overview_filters_by_a_location_picker_not_a_list_of_every_location(
    client, user_in_role
):
    client.force_login(user_in_role("viewer"))
    LocationFactory.create_batch(30)
    location = LocationFactory(code="FILTER-BIN")

    listed = client.get(reverse("warehouse:stock-overview")).content.decode()
    chosen = client.get(
        reverse("warehouse:stock-overview"),
        {"location": f"{location.warehouse.code}/filter-bin"},
    ).content.decode()

    assert '<select name="location"' not in listed and location.code not in listed
    assert 'data-autocomplete="/warehouse/locations/search/"' in listed
    assert f'data-value="{location.pk}"' in chosen
