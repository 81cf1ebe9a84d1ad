"""The build planner: buildable and shortages from stock, via service, API, page and command."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.errors import DomainError
from inventory.demo import load_demo_inventory
from inventory.models import Part
from tests.factories import (
    AssemblyFactory,
    BomLineFactory,
    LocationFactory,
    PartFactory,
    SupplierPartFactory,
    WarehouseFactory,
)
from warehouse.planning.selectors import PlanningError, build_plan, shortage_rows
from warehouse.selectors import resolve_warehouse, stock_on_hand

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def arm():
    """ARM = 2 × WRIST + 1 × BASE-PLATE; WRIST = 3 × SERVO + 1 × BRACKET."""
    arm = AssemblyFactory(sku="ARM")
    wrist = AssemblyFactory(sku="WRIST")
    servo = PartFactory(sku="SERVO", unit_cost=D("14"))
    bracket = PartFactory(sku="BRACKET")
    plate = PartFactory(sku="BASE-PLATE")
    BomLineFactory(assembly=arm, component=wrist, quantity=D("2"))
    BomLineFactory(assembly=arm, component=plate, quantity=D("1"))
    BomLineFactory(assembly=wrist, component=servo, quantity=D("3"))
    BomLineFactory(assembly=wrist, component=bracket, quantity=D("1"))
    return arm


@pytest.fixture
def stock(receive):
    """stock("SERVO", "12", warehouse=None) posts a real RECEIPT into a fresh bin."""

    def make(part_sku: str, quantity: str, warehouse=None) -> None:
        location = LocationFactory(warehouse=warehouse) if warehouse else LocationFactory()
        receive(Part.objects.get(sku=part_sku), location, quantity)

    return make


def test_buildable_counts_finished_sub_assemblies_before_building_new_ones(arm, stock):
    stock("SERVO", "12")
    stock("BRACKET", "10")
    stock("BASE-PLATE", "10")
    stock("WRIST", "2")
    plan = build_plan(part=arm)
    # 2 wrists on hand + 4 from 12 servos = 6 wrists = 3 arms.
    assert plan.buildable == 3
    assert [x.part.sku for x in plan.limiting] == ["SERVO"]


def test_buildable_reads_only_the_chosen_warehouse(arm, stock):
    north, south = WarehouseFactory(code="NORTH"), WarehouseFactory(code="SOUTH")
    for sku in ("SERVO", "BRACKET", "BASE-PLATE"):
        stock(sku, "60", north)
    stock("SERVO", "6", south)
    stock("BRACKET", "2", south)
    stock("BASE-PLATE", "5", south)
    assert build_plan(part=arm, warehouse=south).buildable == 1
    assert build_plan(part=arm, warehouse=north).buildable == 10
    assert build_plan(part=arm).buildable == 11


def test_shortages_round_orders_to_moq_and_pack_and_cost_them(arm, stock):
    SupplierPartFactory(
        part=Part.objects.get(sku="SERVO"),
        price=D("13.20"),
        moq=D("10"),
        pack_size=D("4"),
        lead_time_days=21,
    )
    stock("BRACKET", "10")
    stock("BASE-PLATE", "10")
    plan = build_plan(part=arm, quantity=2)
    rows = {row["part"].sku: row for row in shortage_rows(plan)}
    assert set(rows) == {"SERVO"}
    assert rows["SERVO"]["short"] == D("12")
    assert rows["SERVO"]["order_quantity"] == D("12")
    assert rows["SERVO"]["cost"] == D("158.40")
    assert plan.report.total_cost == D("158.40")


def test_the_plan_takes_a_constant_number_of_queries(arm, django_assert_max_num_queries):
    # A wider, deeper BOM must not cost more queries than a small one.
    leaf_parent = Part.objects.get(sku="WRIST")
    for _level in range(4):
        child = AssemblyFactory()
        BomLineFactory(assembly=leaf_parent, component=child)
        for _ in range(5):
            BomLineFactory(assembly=child, component=PartFactory())
        leaf_parent = child
    with django_assert_max_num_queries(6):
        plan = build_plan(part=arm, quantity=3)
    assert plan.buildable == 0


def test_an_unknown_warehouse_is_refused_by_name():
    with pytest.raises(DomainError, match="Unknown warehouse 'NOPE'"):
        resolve_warehouse("NOPE")


def test_planning_a_part_without_a_bom_is_refused():
    with pytest.raises(PlanningError, match="has no BOM lines"):
        build_plan(part=PartFactory(sku="LONELY"))


# --------------------------------------------------------------------------- API


def test_api_buildable_answers_with_the_limiting_parts(arm, client_for, stock):
    stock("SERVO", "7")
    stock("BRACKET", "10")
    stock("BASE-PLATE", "10")
    response = client_for("viewer").get(f"/api/parts/{arm.pk}/buildable/")
    assert response.status_code == 200
    assert response.json()["buildable"] == 1
    assert [p["part"]["sku"] for p in response.json()["limiting_parts"]] == ["SERVO"]


def test_api_buildable_accepts_a_warehouse_code(arm, client_for):
    wh = WarehouseFactory(code="WH-A")
    response = client_for("viewer").get(f"/api/parts/{arm.pk}/buildable/?warehouse=wh-a")
    assert response.status_code == 200
    assert response.json()["warehouse"] == wh.code


def test_api_refuses_an_unknown_warehouse_with_a_field_message(arm, client_for):
    response = client_for("viewer").get(f"/api/parts/{arm.pk}/buildable/?warehouse=NOPE")
    assert response.status_code == 400
    assert "warehouse" in response.json()


@pytest.mark.parametrize("quantity", ["abc", "-1", "0", ""])
def test_api_shortages_refuses_a_bad_quantity(arm, client_for, quantity):
    response = client_for("viewer").get(f"/api/parts/{arm.pk}/shortages/?quantity={quantity}")
    assert response.status_code == 400
    assert "quantity" in response.json()


def test_api_shortages_lists_short_parts_with_cost_and_date(arm, client_for, stock):
    stock("BRACKET", "10")
    stock("BASE-PLATE", "10")
    response = client_for("viewer").get(f"/api/parts/{arm.pk}/shortages/?quantity=1")
    assert response.status_code == 200
    body = response.json()
    assert [line["part"]["sku"] for line in body["shortages"]] == ["SERVO"]
    assert D(body["shortages"][0]["short"]) == D("6")
    assert D(body["total_cost"]) == D("84")  # priced at the part's own cost without suppliers
    assert body["sub_assemblies"][0]["to_build"] == 2


def test_api_planner_needs_view_permission(arm, client_for):
    assert client_for(None).get(f"/api/parts/{arm.pk}/buildable/").status_code == 401


def test_api_buildable_takes_a_constant_number_of_queries(
    arm, client_for, django_assert_max_num_queries
):
    client = client_for("viewer")
    client.get(f"/api/parts/{arm.pk}/buildable/")  # warm the permission cache of the session
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/parts/{arm.pk}/shortages/?quantity=5").status_code == 200


# --------------------------------------------------------------------------- page and command


def test_planner_page_shows_buildable_and_shortages(arm, client, user_in_role, stock):
    stock("SERVO", "6")
    client.force_login(user_in_role("viewer"))
    response = client.get(reverse("warehouse:planner"), {"part": arm.pk, "quantity": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Limiting parts" in html and "SERVO" in html and "Export CSV" in html


def test_planner_page_without_a_choice_explains_what_to_do(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    response = client.get(reverse("warehouse:planner"))
    assert "Choose an assembly" in response.content.decode()


def test_planner_page_hides_the_build_form_from_a_viewer(arm, client, user_in_role):
    client.force_login(user_in_role("viewer"))
    response = client.get(reverse("warehouse:planner"), {"part": arm.pk, "quantity": 2})
    assert "Create BUILD document" not in response.content.decode()


def test_planner_csv_export_lists_the_shortages(arm, client, user_in_role):
    client.force_login(user_in_role("viewer"))
    response = client.get(reverse("warehouse:planner-export"), {"part": arm.pk, "quantity": 1})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("sku,name,required")
    assert any(line.startswith("SERVO,") for line in lines)


def test_planner_page_requires_login(client):
    assert client.get(reverse("warehouse:planner")).status_code == 302


def test_buildable_command_prints_a_table_for_the_demo_arm(stock):
    load_demo_inventory()
    wh = WarehouseFactory(code="WH1")
    stock("STS3215-7V4", "13", wh)
    for sku in ("WS-BUS-SERVO-A", "USBC-CABLE-2PK", "PSU-5V-4A", "SO100-PRINT-F"):
        stock(sku, "5", wh)
    out = StringIO()
    call_command("buildable", "so-arm100-f", "--warehouse", "WH1", "--quantity", "4", stdout=out)
    text = out.getvalue()
    assert "Buildable now (WH1): 2" in text
    assert "STS3215-7V4" in text
    assert "Shortages for 4 units" in text


def test_buildable_command_fails_for_an_unknown_warehouse():
    load_demo_inventory()
    with pytest.raises(CommandError, match="Unknown warehouse"):
        call_command("buildable", "SO-ARM100-F", "--warehouse", "NOPE")


def test_planner_page_offers_a_storekeeper_the_build_form_for_the_planned_quantity(
    arm, client, user_in_role
):
    wh = WarehouseFactory(code="WH-B")
    client.force_login(user_in_role("storekeeper"))
    response = client.get(
        reverse("warehouse:planner"), {"part": arm.pk, "quantity": 3, "warehouse": "WH-B"}
    )
    html = response.content.decode()
    assert f'action="{reverse("warehouse:document-create-build")}"' in html
    assert f'name="part" value="{arm.pk}"' in html
    assert 'name="quantity" min="1" value="3"' in html
    assert f'name="warehouse" value="{wh.pk}"' in html


# --------------------------------------------------------------------------- structure cache


def _line_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "l.assembly_id, l.component_id" in q["sql"]]


def test_a_second_plan_reuses_the_compiled_bom_without_reading_the_lines(arm, stock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stock("SERVO", "6")
    build_plan(part=arm)
    with CaptureQueriesContext(connection) as captured:
        build_plan(part=arm)
    assert _line_queries(captured.captured_queries) == []


def test_a_plan_in_the_same_process_needs_neither_the_lines_nor_the_shared_cache(arm, stock):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stock("SERVO", "6")
    first = build_plan(part=arm)
    cache.clear()  # the shared cache is gone (flushed, or another process filled it)
    with CaptureQueriesContext(connection) as captured:
        again = build_plan(part=arm)
    assert _line_queries(captured.captured_queries) == []
    assert again.buildable == first.buildable


def test_the_process_memo_of_compiled_boms_stays_small(arm, stock):
    from inventory import selectors
    from inventory.services import bom_line_add

    stock("SERVO", "6")
    for n in range(selectors._STRUCTURE_MEMO_SIZE + 4):
        bom_line_add(assembly=arm, component=PartFactory(sku=f"EXTRA-{n}"), quantity=D("1"))
        assert build_plan(part=arm).buildable == 0
    assert len(selectors._STRUCTURE_MEMO) == selectors._STRUCTURE_MEMO_SIZE
    selectors.forget_compiled_boms()
    assert len(selectors._STRUCTURE_MEMO) == 0


def test_a_line_added_through_the_service_is_seen_by_the_next_plan(arm, stock):
    from inventory.services import bom_line_add

    for sku in ("SERVO", "BRACKET", "BASE-PLATE"):
        stock(sku, "100")
    assert build_plan(part=arm).buildable == 16
    bom_line_add(assembly=arm, component=PartFactory(sku="NEW-PART"), quantity=D("1"))
    assert build_plan(part=arm).buildable == 0


def test_a_line_changed_by_a_bom_import_is_seen_by_the_next_plan(arm, stock):
    from inventory.imports.bom import BOM_COLUMNS, bom_import_csv

    for sku in ("SERVO", "BRACKET", "BASE-PLATE"):
        stock(sku, "100")
    assert build_plan(part=arm).buildable == 16
    bom_import_csv(content=",".join(BOM_COLUMNS) + "\nWRIST,SERVO,Servo,6,14,false,purchased\n")
    assert build_plan(part=arm).buildable == 8


def test_a_line_deleted_with_its_component_part_is_seen_by_the_next_plan(arm, stock):
    for sku in ("SERVO", "BRACKET"):
        stock(sku, "100")
    assert build_plan(part=arm).buildable == 0
    line = arm.bom_lines.get(component__sku="BASE-PLATE")
    line.delete()
    assert build_plan(part=arm).buildable == 16


def test_stock_of_given_ids_and_stock_of_every_part_agree_per_warehouse(arm, stock):
    north, south = WarehouseFactory(code="NORTH"), WarehouseFactory(code="SOUTH")
    stock("SERVO", "1.5", north)
    stock("SERVO", "2.25", south)
    stock("WRIST", "1", north)
    ids = list(Part.objects.values_list("pk", flat=True))
    for warehouse in (None, north, south):
        by_ids = stock_on_hand(part_ids=ids, warehouse=warehouse)
        by_part = stock_on_hand(warehouse=warehouse)
        assert by_ids == {part: total for part, total in by_part.items() if total}
        assert all(isinstance(total, Decimal) for total in by_ids.values())
    assert stock_on_hand(part_ids=ids)[Part.objects.get(sku="SERVO").pk] == D("3.75")


def test_a_revision_number_seen_before_does_not_bring_back_an_old_cached_bom(arm, stock):
    from inventory.models import BomRevision
    from inventory.services import bom_line_add

    for sku in ("SERVO", "BRACKET", "BASE-PLATE"):
        stock(sku, "100")
    build_plan(part=arm)
    number = BomRevision.objects.get().number
    bom_line_add(assembly=arm, component=PartFactory(sku="NEW-PART"), quantity=D("1"))
    BomRevision.objects.update(number=number)  # as after restoring an older backup
    assert build_plan(part=arm).buildable == 0


def test_planner_csv_export_writes_quantities_without_trailing_zeros(arm, client, user_in_role):
    import csv as csv_module
    import re

    client.force_login(user_in_role("viewer"))
    response = client.get(reverse("warehouse:planner-export"), {"part": arm.pk, "quantity": 3})
    rows = list(csv_module.reader(response.content.decode().splitlines()))
    header, body = rows[0], [row for row in rows[1:] if row and row[0] and "_" not in row[0]]
    assert body
    for row in body:
        for column in ("required", "on_hand", "short", "order_quantity"):
            value = row[header.index(column)]
            assert re.fullmatch(r"\d+(\.\d*[1-9])?", value), (column, value)


def test_planner_csv_export_has_only_data_rows_under_its_header(arm, client, user_in_role, stock):
    import csv as csv_module

    stock("SERVO", "2")
    client.force_login(user_in_role("viewer"))
    response = client.get(reverse("warehouse:planner-export"), {"part": arm.pk, "quantity": 3})

    header, *body = list(csv_module.reader(response.content.decode().splitlines()))
    plan = build_plan(part=arm, quantity=3)
    assert [row[0] for row in body] == [row["part"].sku for row in shortage_rows(plan)]
    assert all(len(row) == len(header) for row in body)
