"""Regression tests of issue 10 for the inventory: one filter, one quantity rule, one walker."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.trees import walk_up
from inventory.models import BomLine, Category, category_ancestry
from tests.factories import AssemblyFactory, BomLineFactory, CategoryFactory, PartFactory

pytestmark = pytest.mark.django_db


def skus(response) -> list[str]:
    return [row["sku"] for row in response.json()["results"]]


def test_the_parts_api_filters_assemblies_with_the_pages_parameter(client_for):
    AssemblyFactory(sku="ARM")
    PartFactory(sku="SERVO")
    viewer = client_for("viewer")
    assert skus(viewer.get("/api/parts/", {"assembly": "yes"})) == ["ARM"]
    assert skus(viewer.get("/api/parts/", {"assembly": "no"})) == ["SERVO"]
    assert skus(viewer.get("/api/parts/", {"assembly": ""})) == ["ARM", "SERVO"]


def test_the_parts_api_refuses_an_assembly_value_it_does_not_know_with_a_400(client_for):
    response = client_for("viewer").get("/api/parts/", {"assembly": "maybe"})
    assert response.status_code == 400
    assert list(response.json()) == ["assembly"]


def test_the_parts_page_names_an_assembly_value_it_does_not_know_and_lists_all_parts(
    client, user_in_role
):
    client.force_login(user_in_role("viewer"))
    AssemblyFactory(sku="ARM")
    html = client.get(reverse("inventory:part-list"), {"assembly": "maybe"}).content.decode()
    assert "Type: Select a valid choice. maybe is not one of the available choices." in html
    assert "ARM" in html


@pytest.mark.parametrize("quantity", ["-1", "0"])
def test_the_api_refuses_a_zero_or_negative_bom_quantity_with_the_one_message(client_for, quantity):
    response = client_for("planner").post(
        "/api/bom-lines/",
        {"assembly": AssemblyFactory().pk, "component": PartFactory().pk, "quantity": quantity},
    )
    assert response.status_code == 400
    assert response.json() == {"quantity": ["The quantity must be greater than 0."]}
    assert not BomLine.objects.exists()


@pytest.mark.parametrize("quantity", ["-1", "0"])
def test_changing_a_bom_quantity_to_zero_or_less_through_the_api_gives_the_one_message(
    client_for, quantity
):
    line = BomLineFactory()
    response = client_for("planner").patch(f"/api/bom-lines/{line.pk}/", {"quantity": quantity})
    assert response.json() == {"quantity": ["The quantity must be greater than 0."]}


def test_a_bom_line_cycle_refused_by_the_service_is_rendered_by_the_one_handler(client_for):
    arm, wrist = AssemblyFactory(sku="ARM"), AssemblyFactory(sku="WRIST")
    BomLineFactory(assembly=arm, component=wrist)
    response = client_for("planner").post(
        "/api/bom-lines/", {"assembly": wrist.pk, "component": arm.pk, "quantity": "1"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Cannot add ARM to WRIST: it would create a cycle WRIST → ARM → WRIST."
    }


def test_deleting_a_part_still_in_a_bom_is_a_409_naming_what_uses_it(client_for):
    line = BomLineFactory()
    response = client_for("manager").delete(f"/api/parts/{line.component_id}/")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith(f"Cannot delete {line.component}: still used by 1 bom lines")
    assert body["errors"] == [body["detail"]]


def test_the_walker_returns_the_chain_to_the_root():
    assert walk_up({1: None, 2: 1, 3: 2}, 3, max_depth=10) == ([3, 2, 1], False)


def test_the_walker_stops_on_a_loop_and_at_the_depth_bound():
    assert walk_up({1: 2, 2: 1, 3: 1}, 3, max_depth=10) == ([3, 1, 2], True)
    assert walk_up({1: None, 2: 1, 3: 2}, 3, max_depth=2) == ([3, 2], True)


def test_the_walker_ends_at_a_node_it_does_not_know():
    assert walk_up({3: 7}, 3, max_depth=10) == ([3], False)


def test_category_ancestry_takes_one_query_however_deep_the_tree():
    node = None
    for depth in range(8):
        node = CategoryFactory(name=f"Level {depth}", parent=node)
    with CaptureQueriesContext(connection) as queries:
        chain, stopped = category_ancestry(node.pk)
    assert len(queries.captured_queries) == 1
    assert [name for _, name in chain][::-1] == [f"Level {d}" for d in range(8)]
    assert not stopped


def test_a_category_loop_already_in_the_database_stops_the_ancestry_walk():
    a, b = CategoryFactory(name="A"), CategoryFactory(name="B")
    Category.objects.filter(pk=a.pk).update(parent=b)
    Category.objects.filter(pk=b.pk).update(parent=a)
    chain, stopped = category_ancestry(a.pk)
    assert [name for _, name in chain] == ["A", "B"] and stopped


@pytest.mark.parametrize("quantity", ["-1", "0"])
def test_the_bom_line_admin_refuses_a_zero_or_negative_quantity_with_the_one_message(
    admin_client, quantity
):
    response = admin_client.post(
        reverse("admin:inventory_bomline_add"),
        {
            "assembly": str(AssemblyFactory().pk),
            "component": str(PartFactory().pk),
            "quantity": quantity,
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert "The quantity must be greater than 0." in response.content.decode()
    assert not BomLine.objects.exists()


@pytest.mark.parametrize("quantity", ["-1", "0"])
def test_the_bom_inline_refuses_a_zero_or_negative_quantity_with_the_one_message(
    admin_client, quantity
):
    from tests.inventory.test_admin import inline_post

    arm = AssemblyFactory()
    url = reverse("admin:inventory_part_change", args=[arm.pk])
    response = admin_client.post(url, inline_post(arm, PartFactory(), quantity))
    assert response.status_code == 200
    assert "The quantity must be greater than 0." in response.content.decode()
    assert not BomLine.objects.exists()


@pytest.mark.parametrize("quantity", ["-2", "0"])
def test_explode_refuses_a_zero_or_negative_quantity_with_one_message(client_for, quantity):
    assembly = BomLineFactory().assembly
    response = client_for("viewer").get(
        f"/api/parts/{assembly.pk}/explode/", {"quantity": quantity}
    )
    assert response.json() == {"quantity": ["The quantity must be greater than 0."]}
