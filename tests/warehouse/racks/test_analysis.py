"""Pure analysis on known layouts: space, limits, zones, inlet estimates, hot spots, conflicts."""

import math

import pytest

from warehouse.racks.analysis import (
    CONFLICT_C,
    RECIRCULATION_C,
    STRATIFICATION_C,
    analyse,
    zone_bounds,
)
from warehouse.racks.layout import Device, Layout, RackSpec, Slot

RACK = RackSpec(
    height_u=42,
    max_weight_kg=100,
    max_power_w=2000,
    cooling_capacity_btu_h=6000,
    max_inlet_temp_c=27,
    ambient_temp_c=20,
)


def _layout(*placed, rack=RACK):
    devices = {d.id: d for d, _ in placed}
    slots = {d.id: s for d, s in placed}
    return Layout(rack, devices, slots)


def _device(device_id, **fields):
    fields.setdefault("name", f"dev-{device_id}")
    fields.setdefault("height_u", 1)
    return Device(id=device_id, **fields)


def test_zones_of_a_42u_rack_are_thirds_of_14_units():
    assert zone_bounds(42) == [("bottom", 1, 14), ("middle", 15, 28), ("top", 29, 42)]


def test_used_and_free_units_count_a_unit_once_even_with_devices_on_both_faces():
    layout = _layout(
        (_device(1, height_u=2), Slot(1)),
        (_device(2, is_full_depth=False), Slot(10, "front")),
        (_device(3, is_full_depth=False), Slot(10, "rear")),
    )
    result = analyse(layout)
    assert (result.used_u, result.free_u) == (3, 39)
    assert result.utilisation_pct == round(100 * 3 / 42, 1)


def test_the_largest_free_block_is_the_longest_run_of_empty_units():
    layout = _layout((_device(1), Slot(5)), (_device(2), Slot(20)))
    result = analyse(layout)
    assert (result.largest_free_block_u, result.largest_free_block_start_u) == (22, 21)


def test_a_full_rack_has_no_free_block():
    layout = _layout((_device(1, height_u=42), Slot(1)))
    assert analyse(layout).largest_free_block_start_u is None


def test_weight_power_and_heat_are_summed_against_the_limits():
    layout = _layout(
        (_device(1, weight_kg=30, power_w=500, heat_btu_h=1706), Slot(1)),
        (_device(2, weight_kg=20, power_w=1000), Slot(2)),
    )
    result = analyse(layout)
    assert (result.weight_kg, result.weight_pct) == (50, 50.0)
    assert (result.power_w, result.power_pct) == (1500, 75.0)
    # The second device has no heat figure: estimated as W × 3.412.
    assert result.heat_btu_h == pytest.approx(1706 + 3412)
    assert result.heat_pct == pytest.approx(round(100 * 5118 / 6000, 1))


def test_heat_is_assigned_to_zones_by_the_units_a_device_occupies():
    # 2U at U14–U15 straddles bottom and middle: half its heat each.
    layout = _layout((_device(1, height_u=2, heat_btu_h=1000), Slot(14)))
    zones = analyse(layout).zones
    assert [z.heat_btu_h for z in zones] == [500, 500, 0]
    assert [z.share_pct for z in zones] == [50, 50, 0]


def test_inlet_estimate_follows_the_documented_model():
    # At U42 (top): the rack makes 1000 BTU/h against 6000 BTU/h of cooling, all in the top
    # third (concentration 3).
    layout = _layout((_device(1, heat_btu_h=1000), Slot(42)))
    expected = 20 + STRATIFICATION_C * 1.0 + RECIRCULATION_C * (1000 / 6000) * math.sqrt(3)
    assert analyse(layout).inlet_c[1] == pytest.approx(round(expected, 1))


def test_an_evenly_loaded_rack_at_full_cooling_adds_the_recirculation_constant():
    layout = _layout(
        *[(_device(i, heat_btu_h=2000), Slot(u)) for i, u in ((1, 7), (2, 21), (3, 35))]
    )
    inlet = analyse(layout).inlet_c
    assert inlet[2] == pytest.approx(round(20 + STRATIFICATION_C * 0.5 + RECIRCULATION_C, 1))


def test_a_device_whose_estimated_inlet_exceeds_the_maximum_is_a_hot_spot():
    hot = _device(1, name="hot-01", heat_btu_h=5000)
    cool = _device(2, name="cool-01", heat_btu_h=100)
    layout = _layout((hot, Slot(42)), (cool, Slot(1)))
    result = analyse(layout)
    # top: 20 + 3 + 4 × 0.85 × √(5000 / 1700) ≈ 28.8 °C > 27; bottom stays near 20.8 °C.
    top = 20 + 3 + RECIRCULATION_C * (5100 / 6000) * math.sqrt(5000 / 1700)
    assert [spot.name for spot in result.hot_spots] == ["hot-01"]
    assert f"{top:.1f} °C exceeds the rack's maximum of 27.0 °C" in result.hot_spots[0].message


def test_passive_devices_are_never_hot_spots():
    panel = _device(1, heat_btu_h=0, airflow="passive")
    layout = _layout((panel, Slot(42)), rack=RackSpec(height_u=42, ambient_temp_c=30))
    assert analyse(layout).hot_spots == []


def test_neighbours_with_opposite_airflow_are_a_conflict():
    layout = _layout(
        (_device(1, name="srv", airflow="front_to_back"), Slot(10)),
        (_device(2, name="sw", airflow="back_to_front"), Slot(11)),
    )
    result = analyse(layout)
    assert [c.names for c in result.airflow_conflicts] == [("srv", "sw")]
    base = analyse(_layout((_device(1, airflow="front_to_back"), Slot(10)))).inlet_c[1]
    assert result.inlet_c[1] == pytest.approx(base + CONFLICT_C, abs=0.2)


def test_devices_with_a_gap_between_them_do_not_conflict():
    layout = _layout(
        (_device(1, airflow="front_to_back"), Slot(10)),
        (_device(2, airflow="back_to_front"), Slot(12)),
    )
    assert analyse(layout).airflow_conflicts == []


def test_a_rear_mounted_half_depth_device_blows_the_other_way():
    # A switch mounted facing the rear with back-to-front airflow moves air front to back
    # through the rack, like the server below it: no conflict.
    layout = _layout(
        (_device(1, airflow="front_to_back"), Slot(10)),
        (_device(2, airflow="back_to_front", is_full_depth=False), Slot(11, "rear")),
    )
    assert analyse(layout).airflow_conflicts == []


def test_half_depth_devices_back_to_back_blowing_into_each_other_conflict():
    layout = _layout(
        (_device(1, airflow="front_to_back", is_full_depth=False), Slot(10, "front")),
        (_device(2, airflow="front_to_back", is_full_depth=False), Slot(10, "rear")),
    )
    assert len(analyse(layout).airflow_conflicts) == 1


def test_a_rear_mounted_full_depth_device_blows_the_other_way_too():
    # The face is the device's orientation whatever its depth: a front-to-back server mounted
    # facing the rear exhausts into the rack's front, against its front-facing neighbour.
    layout = _layout(
        (_device(1, name="srv-front", airflow="front_to_back"), Slot(10, "front")),
        (_device(2, name="srv-rear", airflow="front_to_back"), Slot(11, "rear")),
    )
    assert [c.names for c in analyse(layout).airflow_conflicts] == [("srv-front", "srv-rear")]


def test_a_back_to_front_device_mounted_facing_the_rear_agrees_with_front_to_back_ones():
    layout = _layout(
        (_device(1, airflow="front_to_back"), Slot(10, "front")),
        (_device(2, airflow="back_to_front"), Slot(11, "rear")),
    )
    assert analyse(layout).airflow_conflicts == []
