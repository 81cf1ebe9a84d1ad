"""OEE of one shift record (ISO 22400), as a pure function.

availability = run time / planned busy time
performance  = ideal cycle time × produced quantity / run time
quality      = good quantity / produced quantity
OEE          = availability × performance × quality

This is the arithmetic the OEE issue's models and SQL aggregates will share (ARCHITECTURE.md):
per line and day/shift/week the sums are taken in SQL, then the ratios come from here. A record
that cannot describe a real shift (run longer than planned, more good than produced, producing
faster than the ideal cycle allows) is refused with a message naming the field, rather than
reported as an OEE above 100 %.

Conventions for empty shifts: nothing planned gives availability 0; no run time gives
performance 0; nothing produced gives quality 0 — each then drags OEE to 0, which is what a
dashboard should show for a line that did not run.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO, ONE = Decimal("0"), Decimal("1")


class InvalidShiftRecord(ValueError):
    """A shift record whose figures cannot all be true at once; the message says which."""


@dataclass(frozen=True)
class OeeComponents:
    availability: Decimal
    performance: Decimal
    quality: Decimal

    @property
    def oee(self) -> Decimal:
        return self.availability * self.performance * self.quality


def _number(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidShiftRecord(f"{name}: '{value}' is not a number.") from None
    if not number.is_finite():
        raise InvalidShiftRecord(f"{name}: '{value}' is not a finite number.")
    if number < 0:
        raise InvalidShiftRecord(f"{name}: {value} is negative.")
    return number


def oee_components(
    *,
    planned_seconds: Any,
    run_seconds: Any,
    ideal_cycle_seconds: Any,
    produced: Any,
    good: Any,
) -> OeeComponents:
    """Availability, performance and quality of one shift record, each in [0, 1]."""
    planned = _number(planned_seconds, "Planned busy time")
    run = _number(run_seconds, "Run time")
    ideal = _number(ideal_cycle_seconds, "Ideal cycle time")
    total = _number(produced, "Produced quantity")
    ok = _number(good, "Good quantity")
    if run > planned:
        raise InvalidShiftRecord(
            f"Run time: {run} s is longer than the planned busy time ({planned} s)."
        )
    if ok > total:
        raise InvalidShiftRecord(f"Good quantity: {ok} is more than was produced ({total}).")
    if ideal * total > run:
        raise InvalidShiftRecord(
            f"Produced quantity: {total} at the ideal cycle time of {ideal} s needs "
            f"{ideal * total} s, more than the run time ({run} s); check the ideal cycle time."
        )
    return OeeComponents(
        availability=run / planned if planned else ZERO,
        performance=ideal * total / run if run else ZERO,
        quality=ok / total if total else ZERO,
    )
