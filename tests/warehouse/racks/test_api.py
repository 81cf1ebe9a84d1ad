"""Rack API: layout, placements, thermal, optimise and apply; assets and connections."""

import pytest

from tests.factories import AssetFactory, ConnectionFactory, RackFactory
from tests.warehouse.racks.conftest import device
from warehouse.models import RackPlacement
from warehouse.racks.services import placement_create

pytestmark = pytest.mark.django_db


def test_rack_list_shows_utilisation_per_rack(client_for, rack, placed):
    body = client_for("viewer").get("/api/racks/").json()
    [row] = body["results"]
    assert row["code"] == "R1"
    assert row["analysis"]["used_u"] == 4
    assert row["analysis"]["device_count"] == 3


def test_layout_lists_placements_top_first_with_the_analysis(client_for, rack, placed):
    body = client_for("viewer").get(f"/api/racks/{rack.pk}/layout/").json()
    assert [p["asset_name"] for p in body["placements"]] == ["web-01", "sw-01", "db-01"]
    assert body["rack"]["analysis"]["utilisation_pct"] == round(100 * 4 / 42, 1)
    assert [z["name"] for z in body["thermal"]["zones"]] == ["bottom", "middle", "top"]


def test_thermal_returns_zones_and_inlet_estimates(client_for, rack, placed):
    body = client_for("viewer").get(f"/api/racks/{rack.pk}/thermal/").json()
    assert set(body["inlet_c"]) == {str(p.asset_id) for p in placed.values()}
    assert body["zones"][0]["heat_btu_h"] == pytest.approx(2729.6 + 1194.2)


def test_a_planner_places_a_device(client_for, rack):
    asset = device("new-01")
    response = client_for("planner").post(
        f"/api/racks/{rack.pk}/placements/", {"asset": asset.pk, "start_u": 5, "face": "front"}
    )
    assert response.status_code == 201, response.json()
    assert RackPlacement.objects.get(asset=asset).start_u == 5


def test_a_viewer_may_not_place_a_device(client_for, rack):
    asset = device("new-01")
    response = client_for("viewer").post(
        f"/api/racks/{rack.pk}/placements/", {"asset": asset.pk, "start_u": 5}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"asset": 999999, "start_u": 1}, "asset"),
        ({"start_u": 0}, "start_u"),
        ({"start_u": 43}, "start_u"),
        ({"start_u": "twelve"}, "start_u"),
        ({"start_u": 1, "face": "side"}, "face"),
    ],
)
def test_bad_placement_input_is_a_400_with_field_messages(client_for, rack, payload, field):
    payload = {"asset": device("new-01").pk, **payload}
    response = client_for("planner").post(f"/api/racks/{rack.pk}/placements/", payload)
    assert response.status_code == 400
    assert field in response.json()


def test_a_placement_into_taken_units_is_a_409_naming_the_device(client_for, rack, placed):
    response = client_for("planner").post(
        f"/api/racks/{rack.pk}/placements/", {"asset": device("new-01").pk, "start_u": 2}
    )
    assert response.status_code == 409
    assert "taken by db-01 (Dell PowerEdge R750)" in response.json()["detail"]


def test_a_planner_removes_a_placement(client_for, rack, placed):
    placement = placed["web"]
    response = client_for("planner").delete(f"/api/racks/{rack.pk}/placements/{placement.pk}/")
    assert response.status_code == 204
    assert not RackPlacement.objects.filter(pk=placement.pk).exists()


def test_removing_a_placement_of_another_rack_is_a_404(client_for, placed):
    other = RackFactory()
    response = client_for("planner").delete(f"/api/racks/{other.pk}/placements/{placed['web'].pk}/")
    assert response.status_code == 404


def test_optimize_proposes_moves_without_writing(client_for, rack, placed):
    before = list(RackPlacement.objects.values_list("asset_id", "start_u"))
    body = client_for("viewer").post(f"/api/racks/{rack.pk}/optimize/", {"seed": 1}).json()
    assert body["score_after"]["total"] >= body["score_before"]["total"]
    assert body["moves"]
    assert list(RackPlacement.objects.values_list("asset_id", "start_u")) == before


def test_optimize_keeps_devices_named_as_locked_in_place(client_for, rack, placed):
    locked = [p.asset_id for p in placed.values()]
    body = (
        client_for("viewer")
        .post(f"/api/racks/{rack.pk}/optimize/", {"seed": 1, "locked": locked})
        .json()
    )
    assert body["moves"] == []


def test_optimize_with_all_weights_zero_is_a_400(client_for, rack, placed):
    zero = dict.fromkeys(["thermal", "weight", "power", "cable", "access"], 0)
    response = client_for("viewer").post(f"/api/racks/{rack.pk}/optimize/", {"weights": zero})
    assert response.status_code == 400


def _apply_body(proposal, moves=None):
    return {
        "fingerprint": proposal["fingerprint"],
        "signature": proposal["signature"],
        "moves": proposal["moves"] if moves is None else moves,
    }


def test_applying_the_proposal_moves_the_devices(client_for, rack, placed):
    client = client_for("planner")
    proposal = client.post(f"/api/racks/{rack.pk}/optimize/", {"seed": 1}).json()
    assert proposal["move_count"] == len(proposal["moves"]) > 0
    response = client.post(f"/api/racks/{rack.pk}/apply/", _apply_body(proposal))
    assert response.status_code == 200, response.json()
    assert response.json()["moved"] == proposal["move_count"]
    for move in proposal["moves"]:
        assert RackPlacement.objects.get(asset_id=move["asset"]).start_u == move["to_u"]


def test_applying_a_stale_proposal_is_a_409_and_moves_nothing(client_for, rack, placed):
    client = client_for("planner")
    proposal = client.post(f"/api/racks/{rack.pk}/optimize/", {"seed": 1}).json()
    placement_create(rack=rack, asset=device("late-01"), start_u=42)
    before = list(RackPlacement.objects.order_by("pk").values_list("start_u", flat=True))
    response = client.post(f"/api/racks/{rack.pk}/apply/", _apply_body(proposal))
    assert response.status_code == 409
    body = response.json()
    assert body["rule"] == "unchanged_since_proposal"
    assert "the rack changed since the proposal; run the optimiser again" in body["detail"].lower()
    assert list(RackPlacement.objects.order_by("pk").values_list("start_u", flat=True)) == before


def test_applying_one_move_of_a_proposal_is_a_400_and_moves_nothing(client_for, rack, placed):
    client = client_for("planner")
    free_moves = {"seed": 1, "weights": {"moves": 0}}
    url = f"/api/racks/{rack.pk}/optimize/"
    proposal = client.post(url, free_moves, content_type="application/json").json()
    assert len(proposal["moves"]) > 1
    before = list(RackPlacement.objects.order_by("pk").values_list("start_u", flat=True))
    response = client.post(
        f"/api/racks/{rack.pk}/apply/", _apply_body(proposal, proposal["moves"][:1])
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "complete_proposal"
    assert list(RackPlacement.objects.order_by("pk").values_list("start_u", flat=True)) == before


def test_a_refused_placement_names_the_rule_and_the_devices(client_for, rack, placed):
    asset = device("new-01")
    response = client_for("planner").post(
        f"/api/racks/{rack.pk}/placements/", {"asset": asset.pk, "start_u": 2}
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["rule"], body["rules"]) == ("no_overlap", ["no_overlap"])
    assert body["devices"] == [asset.pk]


def test_a_placement_over_the_power_limit_is_a_400_naming_the_rule(client_for, placed):
    small = RackFactory(code="R2", rack_height_u=42, max_power_w=100)
    asset = device("hungry-01", power_w=500)
    response = client_for("planner").post(
        f"/api/racks/{small.pk}/placements/", {"asset": asset.pk, "start_u": 5}
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "max_power"
    assert "500 W" in response.json()["detail"]


def test_optimize_refuses_unknown_weight_names_naming_the_allowed_ones(client_for, rack, placed):
    response = client_for("viewer").post(
        f"/api/racks/{rack.pk}/optimize/", {"weights": {"foo": 1}}, content_type="application/json"
    )
    assert response.status_code == 400
    message = str(response.json()["weights"])
    assert "foo" in message and "thermal, weight, power, cable, access, moves" in message


def test_optimize_weights_use_the_pages_0_to_10_scale(client_for, rack, placed):
    client = client_for("viewer")
    url = f"/api/racks/{rack.pk}/optimize/"
    ok = client.post(url, {"weights": {"thermal": 10}}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["weights"]["thermal"] == 10
    too_big = client.post(url, {"weights": {"thermal": 11}}, content_type="application/json")
    assert too_big.status_code == 400


def test_a_viewer_may_not_apply(client_for, rack, placed):
    move = {
        "asset": placed["web"].asset_id,
        "from_u": 20,
        "from_face": "front",
        "to_u": 21,
        "to_face": "front",
    }
    response = client_for("viewer").post(f"/api/racks/{rack.pk}/apply/", {"moves": [move]})
    assert response.status_code == 403


def test_assets_are_listed_with_their_placement_and_filtered_by_rack(client_for, rack, placed):
    AssetFactory(name="spare-01")
    body = client_for("viewer").get(f"/api/assets/?rack={rack.pk}").json()
    assert sorted(a["name"] for a in body["results"]) == ["db-01", "sw-01", "web-01"]
    assert all(a["placement"]["start_u"] for a in body["results"])


def test_a_planner_creates_an_asset_and_a_connection(client_for, placed):
    client = client_for("planner")
    asset = client.post(
        "/api/assets/",
        {
            "part": placed["db"].asset.part_id,
            "name": "db-02",
            "serial_number": "CN123",
            "ip_address": "10.0.0.12",
            "status": "active",
        },
    )
    assert asset.status_code == 201, asset.json()
    cable = client.post(
        "/api/connections/",
        {
            "a_asset": asset.json()["id"],
            "a_port": "eth0",
            "b_asset": placed["sw"].asset_id,
            "b_port": "Gi1/0/2",
            "cable_type": "cat6",
            "length_m": "2.0",
        },
    )
    assert cable.status_code == 201, cable.json()


def test_a_connection_from_a_device_to_itself_is_a_400(client_for, placed):
    asset_id = placed["db"].asset_id
    response = client_for("planner").post(
        "/api/connections/",
        {"a_asset": asset_id, "a_port": "eth0", "b_asset": asset_id, "b_port": "eth1"},
    )
    assert response.status_code == 400
    assert "b_asset" in response.json()


def test_connections_filter_by_asset_at_either_end(client_for, placed):
    ConnectionFactory(b_asset=placed["db"].asset)
    ConnectionFactory()
    body = client_for("viewer").get(f"/api/connections/?asset={placed['db'].asset_id}").json()
    assert body["count"] == 1


def test_the_layout_takes_the_same_number_of_queries_however_many_devices(
    client_for, rack, placed, django_assert_max_num_queries
):
    client = client_for("viewer")
    client.get(f"/api/racks/{rack.pk}/layout/")  # warm the session and permission caches
    for start_u in range(25, 35):
        placement_create(rack=rack, asset=device(f"extra-{start_u}"), start_u=start_u)
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/racks/{rack.pk}/layout/").status_code == 200


def test_the_rack_list_takes_a_fixed_number_of_queries(
    client_for, placed, django_assert_max_num_queries
):
    RackFactory.create_batch(5)
    client = client_for("viewer")
    client.get("/api/racks/")
    with django_assert_max_num_queries(6):
        assert client.get("/api/racks/").json()["count"] == 6


def test_changing_the_part_of_a_mounted_asset_through_the_api_is_a_400_naming_the_rack(
    client_for, rack, placed
):
    asset = placed["web"].asset
    response = client_for("planner").patch(
        f"/api/assets/{asset.pk}/", {"part": device("other", height_u=4).part_id}, format="json"
    )
    assert response.status_code == 400
    assert "remove it from the rack before changing its part" in response.json()["part"][0]
