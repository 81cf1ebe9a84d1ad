"""OEE arithmetic (ISO 22400) as pure functions: one shift record, sums of records, data flags.

availability = run time / planned busy time
performance  = ideal cycle time × produced quantity / run time
quality      = good quantity / produced quantity
OEE          = availability × performance × quality

The models, services and SQL aggregates share it: per line and day/week/month the sums are taken
in SQL, then the ratios come from ``ratios_from_sums`` — any aggregate is a ratio of sums, and
performance is weighted by ideal time (Σ ideal cycle time × produced / Σ run time), never a mean
of daily ratios nor a mean cycle time. A record
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
    problems = shift_record_problems(
        planned_seconds=planned_seconds,
        run_seconds=run_seconds,
        ideal_cycle_seconds=ideal_cycle_seconds,
        produced=produced,
        good=good,
    )
    if problems:
        raise InvalidShiftRecord(next(iter(problems.values())))
    planned, run = Decimal(str(planned_seconds)), Decimal(str(run_seconds))
    ideal, total, ok = (
        Decimal(str(ideal_cycle_seconds)),
        Decimal(str(produced)),
        Decimal(str(good)),
    )
    return OeeComponents(
        availability=run / planned if planned else ZERO,
        performance=ideal * total / run if run else ZERO,
        quality=ok / total if total else ZERO,
    )


def shift_record_problems(
    *,
    planned_seconds: Any,
    run_seconds: Any,
    ideal_cycle_seconds: Any,
    produced: Any,
    good: Any,
) -> dict[str, str]:
    """Why a shift record cannot be true, keyed by the field at fault (empty when it can).

    The one place for the rules "run ≤ planned", "good ≤ produced" and "no faster than the
    ideal cycle": ``oee_components`` raises the first, the run service refuses with all of them.
    """
    fields = (
        ("planned_seconds", planned_seconds, "Planned busy time"),
        ("run_seconds", run_seconds, "Run time"),
        ("ideal_cycle_seconds", ideal_cycle_seconds, "Ideal cycle time"),
        ("total_count", produced, "Produced quantity"),
        ("good_count", good, "Good quantity"),
    )
    numbers: dict[str, Decimal] = {}
    problems: dict[str, str] = {}
    for key, value, name in fields:
        try:
            numbers[key] = _number(value, name)
        except InvalidShiftRecord as refused:
            problems[key] = str(refused)
    if problems:
        return problems
    planned, run = numbers["planned_seconds"], numbers["run_seconds"]
    ideal, total, ok = numbers["ideal_cycle_seconds"], numbers["total_count"], numbers["good_count"]
    if run > planned:
        problems["run_seconds"] = (
            f"Run time: {run} s is longer than the planned busy time ({planned} s)."
        )
    if ok > total:
        problems["good_count"] = f"Good quantity: {ok} is more than was produced ({total})."
    if ideal * total > run and "run_seconds" not in problems:
        problems["total_count"] = (
            f"Produced quantity: {total} at the ideal cycle time of {ideal} s needs "
            f"{ideal * total} s, more than the run time ({run} s); check the ideal cycle time."
        )
    return problems


@dataclass(frozen=True)
class OeeSums:
    """Summed seconds and counts of any set of records (a shift, a day, a line-week, the plant).

    ``ideal_seconds`` is Σ ideal cycle time × produced, so lines with different cycle times
    weigh by the time their output should have taken.
    """

    planned_seconds: Decimal
    run_seconds: Decimal
    ideal_seconds: Decimal
    total_count: Decimal
    good_count: Decimal


@dataclass(frozen=True)
class OeeRatios:
    """Ratios of one set of sums; None where the denominator is zero and the numerator is not
    (a figure that cannot be computed is shown as missing, never as 0 %)."""

    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None

    @property
    def oee(self) -> Decimal | None:
        parts = (self.availability, self.performance, self.quality)
        if any(part is None for part in parts):
            return None
        return self.availability * self.performance * self.quality  # type: ignore[operator]


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator:
        return numerator / denominator
    return ZERO if not numerator else None


def ratios_from_sums(sums: OeeSums) -> OeeRatios:
    """Availability, performance and quality of summed figures, uncapped (as reported)."""
    return OeeRatios(
        availability=_ratio(sums.run_seconds, sums.planned_seconds),
        performance=_ratio(sums.ideal_seconds, sums.run_seconds),
        quality=_ratio(sums.good_count, sums.total_count),
    )


# Data-quality flags of a reported day (keys of analytics.oee.choices.OeeFlag).
FLAG_PERFORMANCE_OVER_100 = "performance_over_100"
FLAG_OUTPUT_WITHOUT_RUN_TIME = "output_without_run_time"
FLAG_RUN_WITHOUT_PLANNED_TIME = "run_without_planned_time"
FLAG_RUN_LONGER_THAN_PLANNED = "run_longer_than_planned"
FLAG_GOOD_ABOVE_TOTAL = "good_above_total"


def day_flags(sums: OeeSums) -> list[str]:
    """What makes a reported day impossible (empty when it could be true), in a fixed order."""
    flags = []
    if sums.total_count and not sums.run_seconds:
        flags.append(FLAG_OUTPUT_WITHOUT_RUN_TIME)
    elif sums.run_seconds and sums.ideal_seconds > sums.run_seconds:
        flags.append(FLAG_PERFORMANCE_OVER_100)
    if sums.run_seconds and not sums.planned_seconds:
        flags.append(FLAG_RUN_WITHOUT_PLANNED_TIME)
    elif sums.run_seconds > sums.planned_seconds:
        flags.append(FLAG_RUN_LONGER_THAN_PLANNED)
    if sums.good_count > sums.total_count:
        flags.append(FLAG_GOOD_ABOVE_TOTAL)
    return flags


def teep(
    oee: Decimal | None, *, planned_seconds: Decimal, calendar_seconds: Decimal
) -> Decimal | None:
    """TEEP = OEE × loading, loading = planned busy time / calendar time (all of it, closed days
    and nights included)."""
    if oee is None or not calendar_seconds:
        return None
    return oee * planned_seconds / calendar_seconds
