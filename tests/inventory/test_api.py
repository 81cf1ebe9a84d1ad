"""Inventory API: CRUD with filters, BOM lines through the services, and the BOM computations."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inventory.demo import load_demo_inventory
from inventory.models import BomLine, Manufacturer, Part
from tests.factories import (
    AssemblyFactory,
    BomLineFactory,
    CategoryFactory,
    PartFactory,
    SupplierPartFactory,
)

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def planner(client_for):
    return client_for("planner")


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def test_parts_are_filtered_by_category_and_assembly_and_searched(viewer):
    category = CategoryFactory()
    PartFactory(sku="STS3215-7V4", category=category, mpn="STS3215-C001")
    AssemblyFactory(sku="SO-ARM100-F", category=category)
    PartFactory(sku="OTHER")
    response = viewer.get("/api/parts/", {"category": category.pk, "is_assembly": "false"})
    assert [p["sku"] for p in response.json()["results"]] == ["STS3215-7V4"]
    response = viewer.get("/api/parts/", {"search": "C001"})
    assert [p["sku"] for p in response.json()["results"]] == ["STS3215-7V4"]


def test_creating_a_part_with_a_sku_that_differs_only_in_case_is_refused(planner):
    PartFactory(sku="STS3215-7V4")
    response = planner.post("/api/parts/", {"sku": "sts3215-7v4", "name": "Servo"})
    assert response.status_code == 400
    assert "sku" in response.json()


def test_a_negative_unit_cost_is_a_400_not_a_server_error(planner):
    response = planner.post("/api/parts/", {"sku": "X", "name": "X", "unit_cost": "-1"})
    assert response.status_code == 400
    assert "unit_cost" in response.json()


def test_a_second_root_category_with_the_same_name_is_refused(planner):
    CategoryFactory(name="Servos")
    response = planner.post("/api/categories/", {"name": "Servos"})
    assert response.status_code == 400
    assert "name" in response.json()


def test_a_manufacturer_logo_upload_is_stored(planner):
    logo = SimpleUploadedFile("feetech.png", png_bytes(), content_type="image/png")
    response = planner.post(
        "/api/manufacturers/", {"name": "Feetech", "logo": logo}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    logo_name = Manufacturer.objects.get(name="Feetech").logo.name
    assert logo_name.startswith("manufacturers/feetech")


def test_a_manufacturer_logo_that_is_not_an_image_is_refused(planner):
    logo = SimpleUploadedFile("feetech.png", b"not an image", content_type="image/png")
    response = planner.post(
        "/api/manufacturers/", {"name": "Feetech", "logo": logo}, format="multipart"
    )
    assert response.status_code == 400
    assert "logo" in response.json()


def test_a_manufacturer_logo_with_a_wrong_extension_is_refused(planner):
    logo = SimpleUploadedFile("feetech.svg", png_bytes(), content_type="image/svg+xml")
    response = planner.post(
        "/api/manufacturers/", {"name": "Feetech", "logo": logo}, format="multipart"
    )
    assert response.status_code == 400


def test_supplier_parts_are_filtered_by_part(viewer):
    wanted = SupplierPartFactory()
    SupplierPartFactory()
    response = viewer.get("/api/supplier-parts/", {"part": wanted.part_id})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_a_supplier_part_with_a_zero_moq_is_refused(planner):
    sp = SupplierPartFactory.build()
    sp.supplier.save()
    sp.part.save()
    response = planner.post(
        "/api/supplier-parts/",
        {"supplier": sp.supplier.pk, "part": sp.part.pk, "price": "1", "moq": "0"},
    )
    assert response.status_code == 400
    assert "moq" in response.json()


def test_bom_lines_are_created_through_the_service(planner):
    arm, servo = AssemblyFactory(sku="ARM"), PartFactory(sku="SERVO")
    response = planner.post(
        "/api/bom-lines/", {"assembly": arm.pk, "component": servo.pk, "quantity": "6"}
    )
    assert response.status_code == 201
    assert response.json()["component_sku"] == "SERVO"


def test_a_bom_line_that_would_close_a_cycle_is_refused_with_the_path(planner):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    BomLineFactory(assembly=arm, component=wrist)
    response = planner.post(
        "/api/bom-lines/", {"assembly": wrist.pk, "component": arm.pk, "quantity": "1"}
    )
    assert response.status_code == 400
    assert "WRIST-01 → ARM-101 → WRIST-01" in str(response.json())
    assert BomLine.objects.count() == 1


def test_a_duplicate_bom_line_is_refused(planner):
    line = BomLineFactory()
    response = planner.post(
        "/api/bom-lines/",
        {"assembly": line.assembly_id, "component": line.component_id, "quantity": "2"},
    )
    assert response.status_code == 400
    assert "component" in response.json()


def test_a_zero_quantity_bom_line_is_refused(planner):
    response = planner.post(
        "/api/bom-lines/",
        {"assembly": AssemblyFactory().pk, "component": PartFactory().pk, "quantity": "0"},
    )
    assert response.status_code == 400
    assert "quantity" in response.json()


def test_moving_a_bom_line_into_a_cycle_is_refused(planner):
    a, b = AssemblyFactory(sku="A"), AssemblyFactory(sku="B")
    BomLineFactory(assembly=a, component=b)
    line = BomLineFactory(assembly=b)
    response = planner.patch(f"/api/bom-lines/{line.pk}/", {"component": a.pk})
    assert response.status_code == 400
    assert "B → A → B" in str(response.json())


def test_bom_lines_are_filtered_by_assembly(viewer):
    line = BomLineFactory()
    BomLineFactory()
    response = viewer.get("/api/bom-lines/", {"assembly": line.assembly_id})
    assert [row["id"] for row in response.json()["results"]] == [line.pk]


def test_a_viewer_cannot_add_bom_lines(viewer):
    response = viewer.post(
        "/api/bom-lines/",
        {"assembly": AssemblyFactory().pk, "component": PartFactory().pk, "quantity": "1"},
    )
    assert response.status_code == 403


@pytest.fixture
def lekiwi():
    load_demo_inventory()
    return Part.objects.get(sku="LEKIWI-12V")


def test_bom_endpoint_returns_the_indented_tree_limited_by_depth(viewer, lekiwi):
    body = viewer.get(f"/api/parts/{lekiwi.pk}/bom/", {"depth": 1}).json()
    assert [row["component"]["sku"] for row in body["rows"]] == ["LEKIWI-BASE-12V", "SO-ARM100-F"]
    full = viewer.get(f"/api/parts/{lekiwi.pk}/bom/").json()
    assert max(row["depth"] for row in full["rows"]) == 2


def test_explode_endpoint_multiplies_requirements_through_sub_assemblies(viewer, lekiwi):
    body = viewer.get(f"/api/parts/{lekiwi.pk}/explode/", {"quantity": 2}).json()
    required = {row["part"]["sku"]: Decimal(row["quantity"]) for row in body["requirements"]}
    assert required["STS3215-7V4"] == Decimal("12")
    assert required["STS3215-12V"] == Decimal("6")
    assert "CLAMP-2PK" not in required  # optional


@pytest.mark.parametrize("quantity", ["abc", "-2", "0"])
def test_explode_endpoint_refuses_a_bad_quantity(viewer, lekiwi, quantity):
    response = viewer.get(f"/api/parts/{lekiwi.pk}/explode/", {"quantity": quantity})
    assert response.status_code == 400
    assert "quantity" in response.json()


def test_cost_endpoint_rolls_up_through_every_level(viewer, lekiwi):
    body = viewer.get(f"/api/parts/{lekiwi.pk}/cost/").json()
    # Base: 3×9.99 + 14.99 + 5.99 + 60 + 2×31.99 + 21.99 + 32.99 + 6.70 + 9.49 + 9.99 + 3×16.45
    # + 12 = 317.44; follower arm: 120.
    assert Decimal(body["unit_cost"]) == Decimal("437.44")
    leaf_total = sum(Decimal(line["contribution"]) for line in body["lines"] if line["is_leaf"])
    assert leaf_total == Decimal("437.44")


def test_where_used_endpoint_lists_assemblies_at_every_level(viewer, lekiwi):
    servo = Part.objects.get(sku="STS3215-7V4")
    body = viewer.get(f"/api/parts/{servo.pk}/where-used/").json()
    assert {(row["part"]["sku"], row["level"]) for row in body} == {
        ("SO-ARM100-F", 1),
        ("SO-ARM100-L", 1),
        ("LEKIWI-12V", 2),
    }


@pytest.mark.parametrize("endpoint", ["bom/", "explode/?quantity=3", "cost/", "where-used/"])
def test_bom_endpoints_take_a_constant_number_of_queries(
    viewer, lekiwi, endpoint, django_assert_max_num_queries
):
    # Deepen the demo BOM: a constant query count must not grow with it.
    parent = Part.objects.get(sku="LEKIWI-BASE-12V")
    for _ in range(5):
        child = AssemblyFactory()
        BomLineFactory(assembly=parent, component=child)
        BomLineFactory.create_batch(3, assembly=child)
        parent = child
    viewer.get(f"/api/parts/{lekiwi.pk}/{endpoint}")
    with django_assert_max_num_queries(8):
        assert viewer.get(f"/api/parts/{lekiwi.pk}/{endpoint}").status_code == 200


def test_deleting_a_part_that_a_bom_still_uses_answers_409_naming_the_users(planner):
    line = BomLineFactory()
    response = planner.delete(f"/api/parts/{line.component_id}/")
    assert response.status_code == 409
    assert "still used by 1 bom lines" in response.json()["detail"]
    assert Part.objects.filter(pk=line.component_id).exists()


def test_deleting_a_category_with_children_answers_409(planner):
    parent = CategoryFactory()
    CategoryFactory(parent=parent)
    assert planner.delete(f"/api/categories/{parent.pk}/").status_code == 409


def test_moving_a_category_under_its_own_child_is_a_400_naming_the_loop(planner):
    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    response = planner.patch(f"/api/categories/{robots.pk}/", {"parent": arms.pk})
    assert response.status_code == 400
    assert "loop Robots → Arms → Robots" in response.json()["parent"][0]
    robots.refresh_from_db()
    assert robots.parent is None


def test_a_category_can_be_moved_under_another_branch(planner):
    robots, tools = CategoryFactory(name="Robots"), CategoryFactory(name="Tools")
    arms = CategoryFactory(name="Arms", parent=robots)
    response = planner.patch(f"/api/categories/{arms.pk}/", {"parent": tools.pk})
    assert response.status_code == 200, response.json()
    arms.refresh_from_db()
    assert arms.parent == tools


def test_the_parts_api_filtered_by_a_category_includes_its_sub_categories(viewer):
    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    grippers = CategoryFactory(name="Grippers", parent=arms)
    PartFactory(sku="ARM-SERVO", category=arms)
    PartFactory(sku="GRIP-FINGER", category=grippers)
    PartFactory(sku="BENCH-VICE", category=CategoryFactory(name="Tools"))
    response = viewer.get("/api/parts/", {"category": robots.pk})
    assert sorted(p["sku"] for p in response.json()["results"]) == ["ARM-SERVO", "GRIP-FINGER"]
    response = viewer.get("/api/parts/", {"category": arms.pk, "q": "GRIP"})
    assert [p["sku"] for p in response.json()["results"]] == ["GRIP-FINGER"]
