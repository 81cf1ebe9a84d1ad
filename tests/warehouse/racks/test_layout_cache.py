"""The rack layout and thermal reads are cached under the rack revision and forget every change.

Each test reads the layout (filling the cache), changes what the layout is made of through the
path a user would take, and reads again: the answer must show the change.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache

from tests.warehouse.racks.conftest import device
from warehouse.models import Connection
from warehouse.racks.selectors import RACK_REVISION_KEY
from warehouse.racks.services import placement_delete, placement_set_locked


def _layout(client, rack) -> dict:
    response = client.get(f"/api/racks/{rack.pk}/layout/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_a_second_read_of_the_layout_asks_the_database_nothing(
    client_for, rack, placed, django_assert_num_queries
):
    client = client_for("viewer")
    first = _layout(client, rack)
    with django_assert_num_queries(0):
        assert _layout(client, rack) == first


@pytest.mark.django_db
def test_a_placement_made_over_the_api_shows_in_the_next_layout(client_for, rack, placed):
    viewer, planner = client_for("viewer"), client_for("planner")
    before = _layout(viewer, rack)
    asset = device("new-01")
    response = planner.post(
        f"/api/racks/{rack.pk}/placements/",
        {"asset": asset.pk, "start_u": 30, "face": "front"},
        format="json",
    )
    assert response.status_code == 201, response.content
    after = _layout(viewer, rack)
    assert len(after["placements"]) == len(before["placements"]) + 1
    assert "new-01" in {row["asset_name"] for row in after["placements"]}


@pytest.mark.django_db
def test_a_removed_placement_leaves_the_layout(client_for, rack, placed):
    client = client_for("viewer")
    _layout(client, rack)
    placement_delete(placement=placed["web"])
    assert "web-01" not in {row["asset_name"] for row in _layout(client, rack)["placements"]}


@pytest.mark.django_db
def test_locking_a_placement_shows_although_it_is_written_with_update(client_for, rack, placed):
    client = client_for("viewer")
    _layout(client, rack)
    placement_set_locked(placement=placed["db"], is_locked=True)
    rows = {row["asset_name"]: row for row in _layout(client, rack)["placements"]}
    assert rows["db-01"]["is_locked"] is True


@pytest.mark.django_db
def test_applying_a_proposal_moves_the_devices_in_the_layout(client_for, rack, placed):
    client = client_for("planner")
    _layout(client, rack)
    proposal = client.post(f"/api/racks/{rack.pk}/optimize/", {"seed": 1}, format="json").json()
    assert proposal["moves"], "the fixture's rack leaves the optimiser something to move"
    body = {key: proposal[key] for key in ("fingerprint", "signature", "moves")}
    assert client.post(f"/api/racks/{rack.pk}/apply/", body, format="json").status_code == 200
    rows = {row["asset"]: row["start_u"] for row in _layout(client, rack)["placements"]}
    assert {move["asset"]: move["to_u"] for move in proposal["moves"]} == {
        asset: rows[asset] for asset in (move["asset"] for move in proposal["moves"])
    }


@pytest.mark.django_db
def test_a_rack_edit_over_the_api_shows_in_the_layout_and_thermal(client_for, rack, placed):
    viewer, manager = client_for("viewer"), client_for("manager")
    before = _layout(viewer, rack)
    thermal_before = viewer.get(f"/api/racks/{rack.pk}/thermal/").json()
    response = manager.patch(
        f"/api/locations/{rack.pk}/", {"ambient_temp_c": "30", "name": "Hot room"}, format="json"
    )
    assert response.status_code == 200, response.content
    after = _layout(viewer, rack)
    assert after["rack"] != before["rack"]
    assert after["thermal"] != before["thermal"]
    assert viewer.get(f"/api/racks/{rack.pk}/thermal/").json() != thermal_before


@pytest.mark.django_db
def test_a_device_parts_power_change_shows_in_the_thermal_analysis(client_for, rack, placed):
    client = client_for("viewer")
    before = _layout(client, rack)["thermal"]
    part = placed["db"].asset.part
    part.heat_btu_h = Decimal("9000")
    part.power_w = Decimal("2600")
    part.save()
    assert _layout(client, rack)["thermal"] != before


@pytest.mark.django_db
def test_a_new_connection_between_devices_forgets_the_layout(client_for, rack, placed):
    client = client_for("viewer")
    _layout(client, rack)
    revision = cache.get(RACK_REVISION_KEY)
    Connection.objects.create(
        a_asset=placed["db"].asset, a_port="eth0", b_asset=placed["web"].asset, b_port="eth0"
    )
    assert cache.get(RACK_REVISION_KEY) != revision


@pytest.mark.django_db
def test_a_missing_rack_is_a_404_every_time(client_for):
    client = client_for("viewer")
    assert client.get("/api/racks/999999/layout/").status_code == 404
    assert client.get("/api/racks/999999/layout/").status_code == 404
