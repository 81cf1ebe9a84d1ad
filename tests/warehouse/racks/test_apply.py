"""Applying a proposal: whole, unchanged, only to the rack it was made for, atomic, re-checked."""

from decimal import Decimal

import pytest

from tests.warehouse.racks.conftest import device
from warehouse.models import Location, RackPlacement
from warehouse.racks import layout as rules
from warehouse.racks.layout import layout_fingerprint
from warehouse.racks.selectors import rack_layout
from warehouse.racks.services import (
    RackRuleError,
    placement_create,
    proposal_apply,
    proposal_make,
    proposal_signature,
)

pytestmark = pytest.mark.django_db


def _positions(rack):
    return dict(RackPlacement.objects.filter(rack=rack).values_list("asset_id", "start_u"))


def _proposal(rack, seed=1):
    proposal = proposal_make(rack=rack, seed=seed, iterations=3000)
    assert proposal.moves, "the fixture rack should have something to improve"
    return proposal


def _apply(rack, proposal, moves=None):
    return proposal_apply(
        rack=rack,
        fingerprint=proposal.fingerprint,
        signature=proposal.signature,
        moves=[m.to_dict() for m in proposal.moves] if moves is None else moves,
    )


def _signed(rack, moves):
    """Hand-written moves signed like a proposal for the rack as it is now."""
    fingerprint = layout_fingerprint(rack_layout(rack))
    signature = proposal_signature(rack=rack, fingerprint=fingerprint, moves=moves)
    return {"fingerprint": fingerprint, "signature": signature, "moves": moves}


def _move(placement, to_u):
    return {
        "asset": placement.asset_id,
        "from_u": placement.start_u,
        "from_face": placement.face,
        "to_u": to_u,
        "to_face": placement.face,
    }


def test_applying_a_whole_proposal_moves_every_device_it_names(rack, placed):
    proposal = _proposal(rack)
    _apply(rack, proposal)
    assert _positions(rack) == {
        **{p.asset_id: p.start_u for p in placed.values()},
        **{m.device_id: m.to_slot.start_u for m in proposal.moves},
    }


def test_applying_part_of_a_proposal_is_refused_and_moves_nothing(rack, placed):
    proposal = _proposal(rack)
    before = _positions(rack)
    with pytest.raises(RackRuleError) as error:
        _apply(rack, proposal, moves=[m.to_dict() for m in proposal.moves][:-1])
    assert (error.value.rule, error.value.http_status) == (rules.RULE_PROPOSAL, 400)
    assert "complete, unchanged set" in error.value.messages[0]
    assert _positions(rack) == before


def test_applying_an_edited_move_is_refused_and_moves_nothing(rack, placed):
    proposal = _proposal(rack)
    moves = [m.to_dict() for m in proposal.moves]
    moves[0]["to_u"] = 40 if moves[0]["to_u"] != 40 else 41
    before = _positions(rack)
    with pytest.raises(RackRuleError) as error:
        _apply(rack, proposal, moves=moves)
    assert error.value.rule == rules.RULE_PROPOSAL
    assert _positions(rack) == before


def test_a_device_placed_anywhere_after_the_proposal_makes_apply_move_nothing(rack, placed):
    proposal = _proposal(rack)
    # Units nobody's proposal needs: the rack still changed, so the plan is stale.
    layout = rack_layout(rack)
    taken = {
        unit
        for slots in (layout.slots, proposal.slots)
        for device_id, slot in slots.items()
        for unit in range(slot.start_u, slot.start_u + layout.devices[device_id].height_u)
    }
    free_u = max(set(range(1, 43)) - taken)
    placement_create(rack=rack, asset=device("intruder"), start_u=free_u, face="front")
    before = _positions(rack)
    with pytest.raises(RackRuleError) as error:
        _apply(rack, proposal)
    assert (error.value.rule, error.value.http_status) == (rules.RULE_STALE, 409)
    assert "changed since the proposal; run the optimiser again" in error.value.messages[0]
    assert _positions(rack) == before


def test_a_device_moved_since_the_proposal_makes_apply_move_nothing(rack, placed):
    proposal = _proposal(rack)
    RackPlacement.objects.filter(pk=placed["web"].pk).update(start_u=40)
    before = _positions(rack)
    with pytest.raises(RackRuleError) as error:
        _apply(rack, proposal)
    assert error.value.rule == rules.RULE_STALE
    assert _positions(rack) == before


def test_a_rack_limit_edited_since_the_proposal_makes_apply_move_nothing(rack, placed):
    proposal = _proposal(rack)
    Location.objects.filter(pk=rack.pk).update(max_power_w=Decimal("9000"))
    with pytest.raises(RackRuleError) as error:
        _apply(rack, proposal)
    assert error.value.rule == rules.RULE_STALE


def test_a_locked_device_in_the_moves_is_refused(rack, placed):
    RackPlacement.objects.filter(pk=placed["web"].pk).update(is_locked=True)
    with pytest.raises(RackRuleError) as error:
        proposal_apply(rack=rack, **_signed(rack, [_move(placed["web"], 25)]))
    assert error.value.rule == rules.RULE_LOCKED


def test_moves_that_would_overlap_each_other_are_refused(rack, placed):
    moves = [_move(placed["web"], 30), _move(placed["db"], 29)]
    with pytest.raises(RackRuleError) as error:
        proposal_apply(rack=rack, **_signed(rack, moves))
    assert error.value.rule == rules.RULE_OVERLAP
    assert _positions(rack)[placed["db"].asset_id] == 1


def test_two_devices_may_swap_places_in_one_apply(rack, placed):
    moves = [_move(placed["web"], 1), _move(placed["db"], 19)]
    proposal_apply(rack=rack, **_signed(rack, moves))
    positions = _positions(rack)
    assert (positions[placed["web"].asset_id], positions[placed["db"].asset_id]) == (1, 19)


def test_proposal_make_uses_the_layout_it_is_given_without_reading_the_rack(
    rack, placed, django_assert_num_queries
):
    layout = rack_layout(rack)
    with django_assert_num_queries(0):
        proposal = proposal_make(rack=rack, layout=layout, seed=1, locked=[placed["db"].asset_id])
    assert placed["db"].asset_id not in {move.device_id for move in proposal.moves}
    assert placed["db"].asset_id not in layout.locked  # the caller's layout is left as it was
