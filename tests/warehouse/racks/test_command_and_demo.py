"""The rack_report command, the demo loader and the admin pages."""

import pytest
from django.core.management import CommandError, call_command

from tests.factories import RackFactory, UserFactory, WarehouseFactory
from warehouse.demo_racks import load_demo_racks
from warehouse.models import Asset, Connection, Location, RackPlacement

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
    assert "Airflow conflicts: 1" in _report("R02")


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
    from tests.warehouse.racks.conftest import device

    client.force_login(UserFactory(role="manager", is_staff=True))
    asset = device("new-01")
    response = client.post(
        "/admin/warehouse/rackplacement/add/",
        {"asset": asset.pk, "rack": rack.pk, "start_u": 1, "face": "front"},
    )
    assert response.status_code == 200
    assert "taken by db-01" in response.content.decode()
    assert not RackPlacement.objects.filter(asset=asset).exists()
