"""The optimiser: never worse, hard rules kept, locked devices stay, reproducible with a seed."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warehouse.racks.layout import Device, Layout, RackSpec, Slot, check_layout
from warehouse.racks.optimiser import DEFAULT_STEPS, first_fit, optimise, score_layout

RACK = RackSpec(height_u=42, cooling_capacity_btu_h=30000, max_inlet_temp_c=27)


def _rack_with(devices, connections=(), locked=()):
    layout = Layout(
        RACK,
        {d.id: d for d in devices},
        {d.id: Slot(1, "front" if d.is_full_depth or d.id % 2 else "rear") for d in devices},
        frozenset(locked),
        tuple(connections),
    )
    return first_fit(layout)


def _mixed_devices(count=12):
    kinds = [
        dict(height_u=2, weight_kg=28, power_w=800, airflow="front_to_back"),
        dict(height_u=1, weight_kg=20, power_w=450, airflow="front_to_back"),
        dict(height_u=1, weight_kg=8, power_w=350, airflow="back_to_front", is_full_depth=False),
        dict(height_u=2, weight_kg=38, power_w=150, airflow="front_to_back"),
        dict(height_u=1, weight_kg=1, power_w=0, airflow="passive", is_full_depth=False),
    ]
    return [
        Device(id=i, name=f"dev-{i:02d}", access_frequency=i % 10, **kinds[i % len(kinds)])
        for i in range(1, count + 1)
    ]


def test_the_proposal_scores_better_than_a_first_fit_layout():
    layout = _rack_with(_mixed_devices(), connections=[(1, 3), (2, 3), (6, 8)])
    proposal = optimise(layout, seed=7, iterations=4000)
    assert proposal.after.total > proposal.before.total
    assert proposal.moves


def test_the_proposal_keeps_every_hard_rule():
    layout = _rack_with(_mixed_devices(20))
    proposal = optimise(layout, seed=3, iterations=4000)
    assert check_layout(layout.with_slots(proposal.slots)) == []
    assert proposal.violations == []


def test_locked_devices_do_not_move():
    devices = _mixed_devices()
    layout = _rack_with(devices, locked=[1, 2, 3])
    proposal = optimise(layout, seed=1, iterations=4000)
    assert {m.device_id for m in proposal.moves}.isdisjoint({1, 2, 3})
    assert all(proposal.slots[i] == layout.slots[i] for i in (1, 2, 3))


def test_devices_keep_their_face():
    layout = _rack_with(_mixed_devices())
    proposal = optimise(layout, seed=1, iterations=4000)
    assert all(proposal.slots[i].face == layout.slots[i].face for i in layout.slots)


def test_the_same_seed_gives_the_same_proposal_after_the_full_step_budget():
    # The default budget, as the API and the page run it: the search must end on its step count,
    # never on the clock, or a busy machine would cut one run shorter than the other.
    layout = _rack_with(_mixed_devices(20), connections=[(1, 3), (2, 3)])
    first = optimise(layout, seed=11)
    second = optimise(layout, seed=11)
    assert [m.to_dict() for m in first.moves] == [m.to_dict() for m in second.moves]
    assert (first.before, first.after) == (second.before, second.after)
    assert first.iterations == second.iterations == first.step_budget >= DEFAULT_STEPS - 1
    assert not first.truncated and not second.truncated


def test_a_search_stopped_by_the_time_cap_says_it_was_truncated():
    layout = _rack_with(_mixed_devices(20))
    proposal = optimise(layout, seed=11, time_budget_s=0)
    assert proposal.truncated
    assert proposal.iterations < proposal.step_budget
    assert proposal.to_dict()["truncated"] is True
    assert proposal.after.total >= proposal.before.total


def test_devices_stay_put_unless_moving_them_helps():
    # Weight only: the heavy device at U30 should come down; the light ones are where they
    # cost nothing to leave, so moving them would only add move cost.
    devices = {
        1: Device(id=1, name="heavy", height_u=1, weight_kg=40),
        2: Device(id=2, name="light-a", height_u=1, weight_kg=0),
        3: Device(id=3, name="light-b", height_u=1, weight_kg=0),
    }
    layout = Layout(RACK, devices, {1: Slot(30), 2: Slot(40), 3: Slot(41)})
    weights = {"thermal": 0, "weight": 1, "power": 0, "cable": 0, "access": 0, "moves": 1}
    proposal = optimise(layout, weights=weights, seed=2, iterations=4000)
    assert [m.name for m in proposal.moves] == ["heavy"]
    assert proposal.move_count == 1 and proposal.to_dict()["move_count"] == 1
    assert proposal.after.breakdown["moves"] < proposal.before.breakdown["moves"] == 100


def test_without_a_move_cost_more_devices_move_than_with_it():
    layout = _rack_with(_mixed_devices(20), connections=[(1, 3), (2, 3)])
    free = optimise(layout, weights={"moves": 0}, seed=5, iterations=6000)
    costly = optimise(layout, seed=5, iterations=6000)
    assert costly.move_count < free.move_count
    assert costly.after.total >= costly.before.total


def test_a_rear_mounted_full_depth_device_counts_as_blowing_the_other_way():
    # Two front-to-back servers, one mounted facing the rear, stacked: they blow into each other.
    front = Device(id=1, name="front", height_u=1, power_w=400, airflow="front_to_back")
    rear = Device(id=2, name="rear", height_u=1, power_w=400, airflow="front_to_back")
    facing = Layout(RACK, {1: front, 2: rear}, {1: Slot(10), 2: Slot(11, "front")})
    opposed = Layout(RACK, {1: front, 2: rear}, {1: Slot(10), 2: Slot(11, "rear")})
    weights = {"thermal": 1, "weight": 0, "power": 0, "cable": 0, "access": 0, "moves": 0}
    assert score_layout(opposed, weights).total < score_layout(facing, weights).total


def test_a_layout_that_is_already_best_gets_no_moves():
    # One device alone, weighted only on weight: U1 is the best place and it is there.
    layout = _rack_with([Device(id=1, name="ups", height_u=2, weight_kg=38)])
    weights = {"thermal": 0, "weight": 1, "power": 0, "cable": 0, "access": 0}
    proposal = optimise(layout, weights=weights, seed=1, iterations=500)
    assert proposal.moves == []
    assert proposal.after.total == proposal.before.total


def test_heavy_devices_go_low_when_weight_is_all_that_counts():
    light = Device(id=1, name="light", height_u=1, weight_kg=1)
    heavy = Device(id=2, name="heavy", height_u=1, weight_kg=40)
    layout = Layout(RACK, {1: light, 2: heavy}, {1: Slot(1), 2: Slot(30)})
    weights = {"thermal": 0, "weight": 1, "power": 0, "cable": 0, "access": 0, "moves": 0}
    proposal = optimise(layout, weights=weights, seed=1, iterations=2000)
    assert proposal.slots[2].start_u < proposal.slots[1].start_u


def test_the_score_breakdown_has_every_objective_between_0_and_100():
    score = score_layout(_rack_with(_mixed_devices()))
    assert set(score.breakdown) == {"thermal", "weight", "power", "cable", "access", "moves"}
    assert all(0 <= value <= 100 for value in score.breakdown.values())


device_strategy = st.builds(
    dict,
    height_u=st.integers(1, 3),
    weight_kg=st.floats(0, 40),
    power_w=st.floats(0, 900),
    is_full_depth=st.booleans(),
    airflow=st.sampled_from(["front_to_back", "back_to_front", "passive"]),
    access_frequency=st.integers(0, 10),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(device_strategy, min_size=1, max_size=14),
    locked_count=st.integers(0, 3),
    seed=st.integers(0, 1000),
    weights=st.fixed_dictionaries(
        {name: st.floats(0.1, 5) for name in ("thermal", "weight", "power", "cable", "access")}
    ),
)
def test_any_proposal_is_never_worse_keeps_the_rules_and_the_locked_devices(
    specs, locked_count, seed, weights
):
    devices = [Device(id=i, name=f"d{i}", **spec) for i, spec in enumerate(specs, start=1)]
    locked = [d.id for d in devices[:locked_count]]
    layout = _rack_with(
        devices, connections=[(1, len(devices))] if len(devices) > 1 else [], locked=locked
    )
    proposal = optimise(layout, weights=weights, seed=seed, iterations=600)
    assert proposal.after.total >= proposal.before.total
    assert check_layout(layout.with_slots(proposal.slots)) == []
    assert all(proposal.slots[i] == layout.slots[i] for i in locked)
