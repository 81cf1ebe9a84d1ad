"""OEE arithmetic of one shift record (ISO 22400): the worked example, empty shifts, refusals."""

from decimal import Decimal

import pytest

from analytics.oee.compute import InvalidShiftRecord, oee_components


def test_the_textbook_shift():
    # An 8 h shift less a 60 min break: 420 min planned; 47 min down: 373 min run; at the
    # ideal 60 s per piece that is 373 pieces, 10 lost to slow running: 363 made, 348 good.
    result = oee_components(
        planned_seconds=420 * 60,
        run_seconds=373 * 60,
        ideal_cycle_seconds=60,
        produced=363,
        good=348,
    )
    assert result.availability == Decimal(373) / Decimal(420)
    assert result.performance == Decimal(363) / Decimal(373)
    assert result.quality == Decimal(348) / Decimal(363)
    assert round(result.oee, 4) == round(Decimal(348) / Decimal(420), 4)


def test_a_line_that_did_not_run_has_oee_zero():
    result = oee_components(
        planned_seconds=0, run_seconds=0, ideal_cycle_seconds=30, produced=0, good=0
    )
    assert (result.availability, result.performance, result.quality, result.oee) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"run_seconds": 500}, "Run time: 500 s is longer than the planned busy time"),
        ({"good": 11}, "Good quantity: 11 is more than was produced (10)"),
        ({"ideal_cycle_seconds": 50}, "Produced quantity: 10 at the ideal cycle time of 50 s"),
        ({"produced": -1}, "Produced quantity: -1 is negative."),
        ({"planned_seconds": "abc"}, "Planned busy time: 'abc' is not a number."),
        ({"run_seconds": "NaN"}, "Run time: 'NaN' is not a finite number."),
    ],
)
def test_impossible_records_are_refused_with_the_field_named(record, message):
    valid = {
        "planned_seconds": 480,
        "run_seconds": 400,
        "ideal_cycle_seconds": 30,
        "produced": 10,
        "good": 9,
    }
    with pytest.raises(InvalidShiftRecord) as refused:
        oee_components(**{**valid, **record})
    assert message in str(refused.value)
