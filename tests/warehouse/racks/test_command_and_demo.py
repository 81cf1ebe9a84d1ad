"""The rack_report command, the demo loader and the admin pages."""

import pytest
from django.core.management import CommandError, call_command

from tests.factories import RackFactory, UserFactory, WarehouseFactory
from tests.warehouse.racks.conftest import device
from warehouse.demo_racks import load_demo_racks
from warehouse.models import Asset, Connection, Location, RackPlacement
from warehouse.racks.analysis import analyse
from warehouse.racks.selectors import find_rack, rack_layout
from warehouse.racks.services import placement_create, placement_delete

pytestmark = pytest.mark.django_db


def _report(code):
    from io import StringIO

    out = StringIO()
    call_command("rack_report", code, stdout=out)
    return out.getvalue()


def test_rack_report_prints_one_line_per_unit_top_down_and_the_analysis(rack, placed):
    lines = _report("R1").splitlines()
    unit_lines = [line for line in lines if line.startswith("U")]
    assert [line.split()[0] for line in unit_lines] == [f"U{u}" for u in range(42, 0, -1)]
    assert "web-01" in unit_lines[42 - 20]
    assert "Space:  4 U used, 38 U free" in "\n".join(lines)
    assert "Thermal zones:" in lines


def test_rack_report_tells_empty_units_from_the_rest_of_a_multi_unit_device(rack, placed):
    lines = {line.split()[0]: line for line in _report("R1").splitlines() if line[:1] == "U"}
    # db-01 is 2U at U1–U2: named on U2, a bar on U1; U3 is empty on both faces.
    assert "db-01" in lines["U2"] and "┃" in lines["U1"] and "db-01" not in lines["U1"]
    assert lines["U3"].split()[1:] == ["-", "|", "-"]


def test_hot_spot_lines_name_the_units_as_the_drawing_does(rack):
    from warehouse.racks.services import placement_create

    hot = device("hot-01", height_u=2, power_w=5000, heat_btu_h=17060)
    rack.cooling_capacity_btu_h = 20000
    rack.save()
    placement_create(rack=rack, asset=hot, start_u=40)
    assert "hot-01 (" in _report("R1") and "at U40–U41: estimated inlet" in _report("R1")


def test_rack_report_accepts_warehouse_slash_code_when_codes_repeat(rack):
    RackFactory(code="R1")
    with pytest.raises(CommandError, match="several warehouses"):
        _report("R1")
    assert "Rack " in _report(f"{rack.warehouse.code}/R1")


def test_rack_report_of_an_unknown_rack_is_a_command_error(db):
    with pytest.raises(CommandError, match="No rack with code NOPE"):
        _report("NOPE")


def test_the_demo_loads_two_racks_with_devices_and_is_idempotent(db):
    first = load_demo_racks()
    counts = (Asset.objects.count(), RackPlacement.objects.count(), Connection.objects.count())
    second = load_demo_racks()
    assert "2 racks" in first and "0 newly placed" in second
    assert Location.objects.filter(kind="rack").count() == 2
    assert counts == (
        Asset.objects.count(),
        RackPlacement.objects.count(),
        Connection.objects.count(),
    )
    assert 15 <= counts[1] <= 25


def test_the_demo_report_runs_for_both_racks(db):
    load_demo_racks()
    assert "Hot spots" in _report("DC1/R01")
    assert "Airflow conflicts: none" in _report("R02")


def test_the_demo_shows_a_few_explainable_hot_spots_not_half_the_rack(db):
    load_demo_racks()
    spots = {code: analyse(rack_layout(find_rack(code))).hot_spots for code in ("R01", "R02")}
    assert sum(len(found) for found in spots.values()) <= 3
    # The ones there are at the top of the edge rack, whose top third makes most of its heat.
    assert all(spot.inlet_c < spot.max_inlet_c + 1 for found in spots.values() for spot in found)


def test_reloading_the_demo_skips_a_removed_device_whose_units_were_taken(db):
    load_demo_racks()
    removed = RackPlacement.objects.select_related("asset", "rack").get(asset__name="web-02")
    rack, start_u = removed.rack, removed.start_u
    placement_delete(placement=removed)
    placement_create(rack=rack, asset=device("someone-else"), start_u=start_u)
    summary = load_demo_racks()
    assert "0 newly placed" in summary
    assert "Not placed again, their units are no longer free: 1 (web-02 (U14 front" in summary
    assert not RackPlacement.objects.filter(asset__name="web-02").exists()
    assert RackPlacement.objects.get(asset__name="someone-else").start_u == start_u


def test_reloading_the_demo_puts_back_a_removed_device_whose_units_are_free(db):
    load_demo_racks()
    placement_delete(placement=RackPlacement.objects.get(asset__name="web-02"))
    assert "1 newly placed" in load_demo_racks()
    assert RackPlacement.objects.get(asset__name="web-02").start_u == 14


def test_admin_lists_and_add_forms_render_for_a_manager(client, rack, placed):
    WarehouseFactory()
    client.force_login(UserFactory(role="manager", is_staff=True))
    for url in (
        "/admin/warehouse/asset/",
        f"/admin/warehouse/asset/{placed['db'].asset_id}/change/",
        "/admin/warehouse/rackplacement/",
        "/admin/warehouse/rackplacement/add/",
        "/admin/warehouse/connection/",
        "/admin/warehouse/connection/add/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_admin_refuses_a_placement_that_breaks_a_rule(client, rack, placed):
    client.force_login(UserFactory(role="manager", is_staff=True))
    asset = device("new-01")
    response = client.post(
        "/admin/warehouse/rackplacement/add/",
        {"asset": asset.pk, "rack": rack.pk, "start_u": 1, "face": "front"},
    )
    assert response.status_code == 200
    assert "taken by db-01" in response.content.decode()
    assert not RackPlacement.objects.filter(asset=asset).exists()
