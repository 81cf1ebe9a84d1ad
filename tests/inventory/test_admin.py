"""Inventory admin: BOM inline refuses cycles, CSV import all-or-nothing, CSV export actions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import BomLine, Category, Part
from tests.factories import (
    AssemblyFactory,
    BomLineFactory,
    CategoryFactory,
    PartFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def inline_post(part: Part, component: Part, quantity: str = "1") -> dict:
    data = {
        "sku": part.sku,
        "name": part.name,
        "unit": "pcs",
        "unit_cost": "0",
        "currency": "USD",
        "reorder_point": "0",
        "lead_time_days": "0",
        "is_active": "on",
        "is_assembly": "on",
        "is_full_depth": "on",
        "bom_lines-TOTAL_FORMS": "1",
        "bom_lines-INITIAL_FORMS": "0",
        "bom_lines-0-component": str(component.pk),
        "bom_lines-0-quantity": quantity,
        "bom_lines-0-position": "0",
        "supplier_parts-TOTAL_FORMS": "0",
        "supplier_parts-INITIAL_FORMS": "0",
    }
    return data


def test_the_bom_inline_adds_a_line(admin_client):
    arm, servo = AssemblyFactory(sku="ARM"), PartFactory(sku="SERVO")
    url = reverse("admin:inventory_part_change", args=[arm.pk])
    response = admin_client.post(url, inline_post(arm, servo, "6"))
    assert response.status_code == 302
    assert BomLine.objects.get(assembly=arm).quantity == Decimal("6")


def test_the_bom_inline_refuses_a_line_that_closes_a_cycle_with_its_path(admin_client):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    BomLineFactory(assembly=arm, component=wrist)
    url = reverse("admin:inventory_part_change", args=[wrist.pk])
    response = admin_client.post(url, inline_post(wrist, arm))
    assert response.status_code == 200
    assert "WRIST-01 → ARM-101 → WRIST-01" in response.content.decode()
    assert BomLine.objects.count() == 1


def test_the_bom_inline_refuses_a_zero_quantity(admin_client):
    arm = AssemblyFactory()
    url = reverse("admin:inventory_part_change", args=[arm.pk])
    response = admin_client.post(url, inline_post(arm, PartFactory(), "0"))
    assert response.status_code == 200
    assert not BomLine.objects.exists()


def test_the_part_changelist_searches_by_mpn(admin_client):
    PartFactory(sku="STS3215-7V4", mpn="STS3215-C001")
    PartFactory(sku="OTHER")
    response = admin_client.get(reverse("admin:inventory_part_changelist"), {"q": "C001"})
    assert "STS3215-7V4" in response.content.decode()
    assert "OTHER" not in response.content.decode()


def test_the_admin_bom_import_reports_bad_lines_and_imports_nothing(admin_client):
    content = (
        b"assembly_sku,component_sku,component_name,quantity,unit_cost_usd,optional,kind\n"
        b"ARM,SERVO,Servo,6,14,false,purchased\n"
        b"ARM,BOARD,Board,-1,11,false,purchased\n"
    )
    response = admin_client.post(
        reverse("admin:inventory_part_import_bom"),
        {"file": SimpleUploadedFile("bom.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "line 3: The quantity must be greater than 0." in response.content.decode()
    assert not Part.objects.exists()


def test_the_admin_bom_import_creates_parts_and_lines(admin_client):
    content = (
        b"assembly_sku,component_sku,component_name,quantity,unit_cost_usd,optional,kind\n"
        b"ARM,SERVO,Servo,6,14,false,purchased\n"
    )
    response = admin_client.post(
        reverse("admin:inventory_part_import_bom"),
        {"file": SimpleUploadedFile("bom.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    assert BomLine.objects.get().quantity == Decimal("6")


def test_the_export_bom_action_writes_the_import_format(admin_client):
    line = BomLineFactory(assembly=AssemblyFactory(sku="ARM"), component=PartFactory(sku="SERVO"))
    response = admin_client.post(
        reverse("admin:inventory_part_changelist"),
        {"action": "export_bom_csv", "_selected_action": [line.assembly_id]},
    )
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("assembly_sku,component_sku")
    assert lines[1].startswith("ARM,SERVO,")


def test_the_export_parts_action_lists_the_selected_parts(admin_client):
    part = PartFactory(sku="SERVO")
    response = admin_client.post(
        reverse("admin:inventory_part_changelist"),
        {"action": "export_parts_csv", "_selected_action": [part.pk]},
    )
    assert response.content.decode().splitlines()[1].startswith("SERVO,")


def test_the_manufacturer_admin_lists_manufacturers(admin_client):
    response = admin_client.get(reverse("admin:inventory_manufacturer_changelist"))
    assert response.status_code == 200


def test_the_admin_parts_import_creates_and_updates_parts(admin_client):
    PartFactory(sku="STS3215-7V4", name="Old name")
    content = (
        b"sku,name,category,manufacturer,mpn,unit_cost,lead_time_days\n"
        b"sts3215-7v4,Feetech STS3215 7.4 V,Servos,Feetech,STS3215-C001,14.00,21\n"
        b"RPI5-4GB,Raspberry Pi 5 4 GB,Computers,Raspberry Pi,SC1111,60,3\n"
    )
    response = admin_client.post(
        reverse("admin:inventory_part_import_parts"),
        {"file": SimpleUploadedFile("parts.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    servo = Part.objects.get(sku="STS3215-7V4")
    assert (servo.name, servo.manufacturer.name, servo.category.name) == (
        "Feetech STS3215 7.4 V",
        "Feetech",
        "Servos",
    )
    assert Part.objects.get(sku="RPI5-4GB").unit_cost == Decimal("60")


def test_the_admin_parts_import_reports_bad_lines_and_changes_nothing(admin_client):
    content = b"sku,name,unit_cost,unit\nA,Part A,1,pcs\nB,Part B,-3,boxes\n"
    response = admin_client.post(
        reverse("admin:inventory_part_import_parts"),
        {"file": SimpleUploadedFile("parts.csv", content, content_type="text/csv")},
    )
    html = response.content.decode()
    assert "line 3: unit_cost cannot be negative" in html
    assert "line 3: unit must be one of" in html
    assert not Part.objects.exists()


def test_parts_export_then_import_changes_nothing(admin_client):
    from inventory.imports.exports import parts_export_csv
    from inventory.imports.parts import parts_import_csv

    PartFactory(sku="A", mpn="X-1")
    AssemblyFactory(sku="B")
    result = parts_import_csv(content=parts_export_csv(parts=Part.objects.all()))
    assert result == {"rows": 2, "created": 0, "updated": 0}


def test_the_category_admin_refuses_moving_a_category_under_its_own_child_naming_the_loop(
    admin_client,
):
    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    url = reverse("admin:inventory_category_change", args=[robots.pk])
    response = admin_client.post(url, {"name": "Robots", "parent": str(arms.pk)})
    assert response.status_code == 200
    assert (
        "Robots cannot be moved under Arms: Arms is inside Robots, so this would make a loop "
        "Robots → Arms → Robots." in response.content.decode()
    )
    robots.refresh_from_db()
    assert robots.parent is None


def test_the_category_admin_names_a_deeper_loop_top_down(admin_client):
    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    grippers = CategoryFactory(name="Grippers", parent=arms)
    url = reverse("admin:inventory_category_change", args=[robots.pk])
    response = admin_client.post(url, {"name": "Robots", "parent": str(grippers.pk)})
    assert "loop Robots → Arms → Grippers → Robots." in response.content.decode()
    assert Category.objects.get(pk=robots.pk).parent is None


def test_the_category_admin_still_moves_a_category_elsewhere(admin_client):
    robots, tools = CategoryFactory(name="Robots"), CategoryFactory(name="Tools")
    arms = CategoryFactory(name="Arms", parent=robots)
    url = reverse("admin:inventory_category_change", args=[arms.pk])
    response = admin_client.post(url, {"name": "Arms", "parent": str(tools.pk)})
    assert response.status_code == 302
    assert Category.objects.get(pk=arms.pk).parent == tools


def test_the_category_check_stops_on_a_loop_already_in_the_database():
    # Rows written around every check (raw SQL, an old bug): the walk must still end.
    a, b = CategoryFactory(name="A"), CategoryFactory(name="B")
    Category.objects.filter(pk=a.pk).update(parent=b)
    Category.objects.filter(pk=b.pk).update(parent=a)
    c = CategoryFactory(name="C")
    c.parent = Category.objects.get(pk=a.pk)
    with pytest.raises(ValidationError, match="loop or are deeper"):
        c.clean()


def test_a_bom_line_added_in_the_part_admin_makes_the_part_an_assembly(admin_client):
    frame, servo = PartFactory(sku="FRAME", is_assembly=False), PartFactory(sku="SERVO")
    data = inline_post(frame, servo, "2")
    del data["is_assembly"]  # the form says "not an assembly"; the service knows better
    response = admin_client.post(reverse("admin:inventory_part_change", args=[frame.pk]), data)
    assert response.status_code == 302
    frame.refresh_from_db()
    assert frame.is_assembly
    assert BomLine.objects.get(assembly=frame).component == servo


def test_the_part_admin_writes_bom_lines_through_the_services(admin_client, monkeypatch):
    from inventory import services

    calls = []
    real_add = services.bom_line_add
    monkeypatch.setattr(services, "bom_line_add", lambda **kw: calls.append(kw) or real_add(**kw))
    arm, servo = AssemblyFactory(sku="ARM"), PartFactory(sku="SERVO")
    admin_client.post(
        reverse("admin:inventory_part_change", args=[arm.pk]), inline_post(arm, servo, "6")
    )
    assert [(c["assembly"], c["component"], c["quantity"]) for c in calls] == [
        (arm, servo, Decimal("6"))
    ]


def test_changing_an_inline_line_to_a_component_that_closes_a_cycle_is_a_form_error(
    admin_client,
):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    BomLineFactory(assembly=arm, component=wrist)
    line = BomLineFactory(assembly=wrist, component=PartFactory(sku="SERVO"))
    data = inline_post(wrist, arm)
    data.update(
        {
            "bom_lines-INITIAL_FORMS": "1",
            "bom_lines-0-id": str(line.pk),
            "bom_lines-0-assembly": str(wrist.pk),
        }
    )
    response = admin_client.post(reverse("admin:inventory_part_change", args=[wrist.pk]), data)
    assert response.status_code == 200
    assert "WRIST-01 → ARM-101 → WRIST-01" in response.content.decode()
    line.refresh_from_db()
    assert line.component.sku == "SERVO"


def test_an_inline_line_marked_for_deletion_is_deleted(admin_client):
    line = BomLineFactory(assembly=AssemblyFactory(sku="ARM"), component=PartFactory())
    data = inline_post(line.assembly, line.component)
    data.update(
        {
            "bom_lines-INITIAL_FORMS": "1",
            "bom_lines-0-id": str(line.pk),
            "bom_lines-0-assembly": str(line.assembly_id),
            "bom_lines-0-DELETE": "on",
        }
    )
    url = reverse("admin:inventory_part_change", args=[line.assembly_id])
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert not BomLine.objects.exists()


def test_the_bom_line_admin_adds_through_the_service_and_marks_the_assembly(admin_client):
    frame, servo = PartFactory(sku="FRAME", is_assembly=False), PartFactory(sku="SERVO")
    response = admin_client.post(
        reverse("admin:inventory_bomline_add"),
        {
            "assembly": str(frame.pk),
            "component": str(servo.pk),
            "quantity": "3",
            "position": "0",
        },
    )
    assert response.status_code == 302
    assert BomLine.objects.get().quantity == Decimal("3")
    frame.refresh_from_db()
    assert frame.is_assembly


def test_the_bom_line_admin_refuses_a_line_that_closes_a_cycle_and_saves_nothing(admin_client):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    elbow = AssemblyFactory(sku="ELBOW-01")
    BomLineFactory(assembly=arm, component=wrist)
    BomLineFactory(assembly=wrist, component=elbow)
    response = admin_client.post(
        reverse("admin:inventory_bomline_add"),
        {"assembly": str(elbow.pk), "component": str(arm.pk), "quantity": "1", "position": "0"},
    )
    assert response.status_code == 200
    assert "ELBOW-01 → ARM-101 → WRIST-01 → ELBOW-01" in response.content.decode()
    assert BomLine.objects.count() == 2


def test_the_bom_line_admin_refuses_moving_a_line_so_that_it_closes_a_cycle(admin_client):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    BomLineFactory(assembly=arm, component=wrist)
    line = BomLineFactory(assembly=wrist, component=PartFactory(sku="SERVO"))
    response = admin_client.post(
        reverse("admin:inventory_bomline_change", args=[line.pk]),
        {"assembly": str(wrist.pk), "component": str(arm.pk), "quantity": "1", "position": "0"},
    )
    assert response.status_code == 200
    assert "WRIST-01 → ARM-101 → WRIST-01" in response.content.decode()
    line.refresh_from_db()
    assert line.component.sku == "SERVO"


def test_changing_an_inline_line_quantity_updates_the_line(admin_client):
    line = BomLineFactory(assembly=AssemblyFactory(sku="ARM"), component=PartFactory())
    data = inline_post(line.assembly, line.component, "9")
    data.update(
        {
            "bom_lines-INITIAL_FORMS": "1",
            "bom_lines-0-id": str(line.pk),
            "bom_lines-0-assembly": str(line.assembly_id),
        }
    )
    url = reverse("admin:inventory_part_change", args=[line.assembly_id])
    assert admin_client.post(url, data).status_code == 302
    line.refresh_from_db()
    assert line.quantity == Decimal("9")


def test_the_part_search_finds_devices_by_manufacturer_name(client, user_in_role):
    from tests.factories import DevicePartFactory, ManufacturerFactory

    juniper = ManufacturerFactory(name="Juniper Networks")
    switch = DevicePartFactory(sku="EX4300-48T", name="48-port switch", manufacturer=juniper)
    DevicePartFactory(sku="OTHER-1", name="Other device")
    client.force_login(user_in_role("superuser"))
    page = client.get("/admin/inventory/part/", {"q": "juniper"}).content.decode()
    assert switch.sku in page and "OTHER-1" not in page


def test_the_part_list_category_filter_includes_sub_categories(client, user_in_role):
    from tests.factories import CategoryFactory, PartFactory

    robots = CategoryFactory(name="Robots")
    arms = CategoryFactory(name="Arms", parent=robots)
    PartFactory(sku="IN-ARMS", category=arms)
    PartFactory(sku="ELSEWHERE", category=CategoryFactory(name="Cables"))
    client.force_login(user_in_role("superuser"))
    page = client.get("/admin/inventory/part/", {"category_tree": robots.pk}).content.decode()
    assert "IN-ARMS" in page and "ELSEWHERE" not in page
