"""Applying a proposal: atomic, re-checks every rule, refuses stale or locked moves."""

import pytest

from tests.warehouse.racks.conftest import device
from warehouse.models import RackPlacement
from warehouse.racks import layout as rules
from warehouse.racks.optimiser import optimise
from warehouse.racks.selectors import rack_layout
from warehouse.racks.services import RackRuleError, placement_create, proposal_apply

pytestmark = pytest.mark.django_db


def _positions(rack):
    return dict(RackPlacement.objects.filter(rack=rack).values_list("asset_id", "start_u"))


def _moves(rack, seed=1):
    return [m.to_dict() for m in optimise(rack_layout(rack), seed=seed, iterations=3000).moves]


def test_applying_a_proposal_moves_every_device_it_names(rack, placed):
    moves = _moves(rack)
    proposal_apply(rack=rack, moves=moves)
    assert _positions(rack) == {
        **{p.asset_id: p.start_u for p in placed.values()},
        **{m["asset"]: m["to_u"] for m in moves},
    }


def test_a_device_placed_in_the_way_after_the_proposal_makes_apply_move_nothing(rack, placed):
    moves = _moves(rack)
    target = next(m for m in moves if m["to_face"] == "front")
    placement_create(rack=rack, asset=device("intruder"), start_u=target["to_u"], face="front")
    before = _positions(rack)
    with pytest.raises(RackRuleError) as error:
        proposal_apply(rack=rack, moves=moves)
    assert error.value.rule == rules.RULE_OVERLAP
    assert "intruder" in " ".join(error.value.messages)
    assert _positions(rack) == before


def test_a_device_moved_since_the_proposal_makes_apply_move_nothing(rack, placed):
    moves = _moves(rack)
    moved = RackPlacement.objects.get(asset_id=moves[0]["asset"])
    RackPlacement.objects.filter(pk=moved.pk).update(start_u=40)
    before = _positions(rack)
    with pytest.raises(RackRuleError) as error:
        proposal_apply(rack=rack, moves=moves)
    assert error.value.rule == rules.RULE_STALE
    assert "has moved since the proposal" in error.value.messages[0]
    assert _positions(rack) == before


def test_a_locked_device_in_the_moves_is_refused(rack, placed):
    placement = placed["web"]
    RackPlacement.objects.filter(pk=placement.pk).update(is_locked=True)
    move = {
        "asset": placement.asset_id,
        "from_u": 20,
        "from_face": "front",
        "to_u": 25,
        "to_face": "front",
    }
    with pytest.raises(RackRuleError) as error:
        proposal_apply(rack=rack, moves=[move])
    assert error.value.rule == rules.RULE_LOCKED


def test_moves_that_would_overlap_each_other_are_refused(rack, placed):
    moves = [
        {
            "asset": placed["web"].asset_id,
            "from_u": 20,
            "from_face": "front",
            "to_u": 30,
            "to_face": "front",
        },
        {
            "asset": placed["db"].asset_id,
            "from_u": 1,
            "from_face": "front",
            "to_u": 29,
            "to_face": "front",
        },
    ]
    with pytest.raises(RackRuleError) as error:
        proposal_apply(rack=rack, moves=moves)
    assert error.value.rule == rules.RULE_OVERLAP
    assert _positions(rack)[placed["db"].asset_id] == 1


def test_two_devices_may_swap_places_in_one_apply(rack, placed):
    moves = [
        {
            "asset": placed["web"].asset_id,
            "from_u": 20,
            "from_face": "front",
            "to_u": 1,
            "to_face": "front",
        },
        {
            "asset": placed["db"].asset_id,
            "from_u": 1,
            "from_face": "front",
            "to_u": 19,
            "to_face": "front",
        },
    ]
    proposal_apply(rack=rack, moves=moves)
    positions = _positions(rack)
    assert (positions[placed["web"].asset_id], positions[placed["db"].asset_id]) == (1, 19)
