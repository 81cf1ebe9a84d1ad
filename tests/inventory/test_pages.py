"""Inventory pages: the parts list (search, filters, pages) and the part detail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.demo import load_demo_inventory
from inventory.models import Part
from tests.factories import AssemblyFactory, BomLineFactory, CategoryFactory, PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    return client


def test_the_parts_list_searches_sku_name_and_mpn(viewer_client):
    PartFactory(sku="STS3215-7V4", mpn="STS3215-C001")
    PartFactory(sku="RPI5-4GB")
    html = viewer_client.get(reverse("inventory:part-list"), {"q": "c001"}).content.decode()
    assert "STS3215-7V4" in html and "RPI5-4GB" not in html


def test_the_parts_list_filters_by_category_and_assembly(viewer_client):
    category = CategoryFactory()
    AssemblyFactory(sku="ARM", category=category)
    PartFactory(sku="SERVO", category=category)
    PartFactory(sku="ELSEWHERE")
    url = reverse("inventory:part-list")
    html = viewer_client.get(url, {"category": category.pk, "assembly": "yes"}).content.decode()
    assert "ARM" in html and "SERVO" not in html and "ELSEWHERE" not in html


def test_the_parts_list_is_paginated(viewer_client):
    PartFactory.create_batch(55)
    html = viewer_client.get(reverse("inventory:part-list"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in html


def test_an_empty_parts_list_explains_how_to_add_parts(viewer_client):
    html = viewer_client.get(reverse("inventory:part-list")).content.decode()
    assert "import_bom" in html


def test_the_parts_list_requires_login(client):
    assert client.get(reverse("inventory:part-list")).status_code == 302


def test_the_part_detail_shows_the_indented_tree_where_used_and_suppliers(viewer_client):
    load_demo_inventory()
    lekiwi = Part.objects.get(sku="LEKIWI-12V")
    html = viewer_client.get(reverse("inventory:part-detail", args=[lekiwi.pk])).content.decode()
    assert 'class="indent-0"' in html and 'class="indent-1"' in html
    assert "STS3215-7V4" in html
    assert "437.44" in html  # rolled-up cost without the optional tools
    servo = Part.objects.get(sku="STS3215-7V4")
    html = viewer_client.get(reverse("inventory:part-detail", args=[servo.pk])).content.decode()
    assert "LEKIWI-12V" in html  # where used, two levels up
    assert "DigiKey" in html  # supplier parts


def test_the_part_detail_takes_a_constant_number_of_queries(
    viewer_client, django_assert_max_num_queries
):
    load_demo_inventory()
    lekiwi = Part.objects.get(sku="LEKIWI-12V")
    url = reverse("inventory:part-detail", args=[lekiwi.pk])
    viewer_client.get(url)
    with django_assert_max_num_queries(14):
        assert viewer_client.get(url).status_code == 200


def _detail_html(client, sku: str) -> str:
    part = Part.objects.get(sku=sku)
    return client.get(reverse("inventory:part-detail", args=[part.pk])).content.decode()


def _tree_row(html: str, sku: str) -> str:
    return next(row for row in html.split("<tr") if f">{sku}</a>" in row and "indent-" in row)


def test_a_sub_assembly_row_costs_the_same_as_that_sub_assemblys_own_page(viewer_client):
    load_demo_inventory()
    row = _tree_row(_detail_html(viewer_client, "LEKIWI-12V"), "SO-ARM100-F")
    assert "120.00" in row and "135.00" not in row
    assert "120.00" in _detail_html(viewer_client, "SO-ARM100-F")


def test_optional_lines_in_the_tree_are_marked_as_not_in_the_cost(viewer_client):
    load_demo_inventory()
    html = _detail_html(viewer_client, "LEKIWI-12V")
    assert "(optional, not in cost)" in _tree_row(html, "CLAMP-2PK")
    assert "(optional, not in cost)" not in _tree_row(html, "STS3215-7V4")


def test_the_parts_list_shows_an_assemblys_rolled_up_cost(viewer_client):
    load_demo_inventory()
    html = viewer_client.get(reverse("inventory:part-list"), {"q": "SO-ARM100-F"}).content.decode()
    assert "120.00 USD <small>(rolled up)</small>" in html


def test_the_parts_list_takes_the_same_number_of_queries_however_many_assemblies(viewer_client):
    load_demo_inventory()
    url = reverse("inventory:part-list")
    viewer_client.get(url)
    with CaptureQueriesContext(connection) as before:
        viewer_client.get(url)
    for _ in range(5):
        sub_assembly = BomLineFactory().assembly
        BomLineFactory(component=sub_assembly)
    with CaptureQueriesContext(connection) as after:
        viewer_client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_parts_list_explains_a_category_it_does_not_understand(viewer_client):
    PartFactory(sku="SERVO")
    response = viewer_client.get(reverse("inventory:part-list"), {"category": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="message error"' in html and "There is no category abc." in html
    assert "SERVO" in html


def test_the_parts_api_refuses_a_category_that_is_not_a_number(client_for):
    response = client_for("viewer").get("/api/parts/", {"category": "abc"})
    assert response.status_code == 400
    assert "category" in response.json()


def test_the_parts_list_keeps_a_unit_cost_on_one_line(viewer_client):
    PartFactory(unit_cost="32.99", currency="USD")
    html = viewer_client.get(reverse("inventory:part-list")).content.decode()
    assert '<td class="num" style="white-space:nowrap">32.99 USD</td>' in html


def test_the_part_detail_has_no_dangling_separator_after_the_lead_time(viewer_client):
    part = PartFactory(lead_time_days=7, reorder_point=0)
    html = viewer_client.get(reverse("inventory:part-detail", args=[part.pk])).content.decode()
    assert "Lead time: 7&nbsp;d\n" in html


def test_a_staff_planner_sees_edit_in_admin_on_the_part_page(client, user_in_role):
    planner = user_in_role("planner")
    planner.is_staff = True
    planner.save()
    client.force_login(planner)
    part = PartFactory()
    html = client.get(reverse("inventory:part-detail", args=[part.pk])).content.decode()
    assert reverse("admin:inventory_part_change", args=[part.pk]) in html


def test_a_viewer_does_not_see_edit_in_admin_on_the_part_page(viewer_client):
    part = PartFactory()
    html = viewer_client.get(reverse("inventory:part-detail", args=[part.pk])).content.decode()
    assert "Edit in admin" not in html


def test_the_parts_list_filtered_by_a_category_includes_its_sub_categories(viewer_client):
    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    grippers = CategoryFactory(name="Grippers", parent=arms)
    PartFactory(sku="ARM-SERVO", category=arms)
    PartFactory(sku="GRIP-FINGER", category=grippers)
    PartFactory(sku="BENCH-VICE", category=CategoryFactory(name="Tools"))
    url = reverse("inventory:part-list")
    html = viewer_client.get(url, {"category": robots.pk}).content.decode()
    assert "ARM-SERVO" in html and "GRIP-FINGER" in html and "BENCH-VICE" not in html
    html = viewer_client.get(url, {"category": grippers.pk}).content.decode()
    assert "GRIP-FINGER" in html and "ARM-SERVO" not in html


def test_the_category_choices_show_full_paths_in_path_order(viewer_client):
    from inventory.models import Category
    from inventory.selectors import category_choices

    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    grippers = CategoryFactory(name="Grippers", parent=arms)
    CategoryFactory(name="actuators")
    CategoryFactory(name="Servos", parent=CategoryFactory(name="Zeta"))
    paths = [path for _, path in category_choices()]
    assert paths == [
        "actuators",
        "Robots",
        "Robots / Arms",
        "Robots / Arms / Grippers",
        "Zeta",
        "Zeta / Servos",
    ]
    html = viewer_client.get(reverse("inventory:part-list")).content.decode()
    assert f'<option value="{grippers.pk}">Robots / Arms / Grippers</option>' in html
    # Rows that loop (written around the model's checks) still give a finite path.
    Category.objects.filter(pk=robots.pk).update(parent=grippers)
    assert len(category_choices()) == 6


def test_the_category_filter_ends_even_when_category_rows_loop():
    from inventory.models import Category
    from inventory.selectors import category_and_descendant_ids

    a, b = CategoryFactory(name="A"), CategoryFactory(name="B")
    Category.objects.filter(pk=a.pk).update(parent=b)
    Category.objects.filter(pk=b.pk).update(parent=a)
    with CaptureQueriesContext(connection) as queries:
        ids = category_and_descendant_ids(category_id=a.pk)
    assert sorted(ids) == sorted([a.pk, b.pk])
    assert len(queries) == 1


def _receive(part, quantity: str) -> None:
    from decimal import Decimal

    from tests.factories import LocationFactory
    from warehouse.services import document_create, document_post

    line = {"part": part, "quantity": Decimal(quantity), "to_location": LocationFactory()}
    document = document_create(doc_type="RECEIPT", user=None, lines=[line])
    document_post(document=document, user=None)


def test_the_warehouse_app_registers_itself_as_the_stock_provider():
    from inventory.stock import on_hand_provider
    from warehouse.selectors import stock_on_hand

    assert on_hand_provider() is stock_on_hand


def test_the_part_page_shows_stock_on_hand_from_the_registered_provider(viewer_client):
    arm, servo = AssemblyFactory(sku="ARM"), PartFactory(sku="SERVO")
    BomLineFactory(assembly=arm, component=servo)
    _receive(arm, "3")
    _receive(servo, "7")
    html = viewer_client.get(reverse("inventory:part-detail", args=[arm.pk])).content.decode()
    assert "on hand</span>" in html
    assert '<th class="num">On hand</th>' in html
    assert '<td class="num">7</td>' in html


def test_the_part_page_has_no_stock_column_without_a_provider(viewer_client, monkeypatch):
    from inventory import stock

    monkeypatch.setattr(stock, "_provider", None)
    arm, servo = AssemblyFactory(sku="ARM"), PartFactory(sku="SERVO")
    BomLineFactory(assembly=arm, component=servo)
    response = viewer_client.get(reverse("inventory:part-detail", args=[arm.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "on hand</span>" not in html and "On hand</th>" not in html
    assert "SERVO" in html


def test_the_part_page_uses_whatever_provider_is_registered(viewer_client, monkeypatch):
    from decimal import Decimal

    from inventory import stock

    arm, servo = AssemblyFactory(sku="ARM"), PartFactory(sku="SERVO")
    BomLineFactory(assembly=arm, component=servo)
    asked = []

    def provider(*, part_ids):
        asked.append(sorted(part_ids))
        return {servo.pk: Decimal("42")}

    monkeypatch.setattr(stock, "_provider", provider)
    html = viewer_client.get(reverse("inventory:part-detail", args=[arm.pk])).content.decode()
    assert asked == [sorted([arm.pk, servo.pk])]
    assert '<td class="num">42</td>' in html
