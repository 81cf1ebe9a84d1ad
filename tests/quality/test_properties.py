"""Hypothesis properties that span the apps, on the real database and the real services.

- Stock: random receipts, issues, transfers and counts (ADJUSTMENT), each of one to three
  lines, and cancellations, in random order, never make verify_stock fail, never drive a level
  negative, and leave exactly the balances a plain Python model of the same accepted operations
  predicts. Refused documents change nothing, whatever their number of lines.
- BOM × stock: for random BOMs of random shape (up to four levels, shared sub-assemblies and
  components, optional lines) stored as parts and BOM lines, with stock received through posted
  documents, the build planner's buildable quantity equals brute force, with and without the
  optional lines. (The pure algorithm's own property lives in
  tests/inventory/test_bom_algorithms.py, whose generator and brute force are reused here.)
- OEE aggregates: the plant over a week, from random runs on lines of different cycle times,
  equals a brute-force ratio of sums over the raw runs (analytics/oee/selectors.py).
- OEE: for any valid shift record (run time within the planned time, good within produced,
  production no faster than the ideal cycle), availability, performance, quality and OEE each
  lie in [0, 1]; any record breaking one of those is refused, never reported above 100 %.
  (analytics/oee/compute.py; the OEE models and their SQL aggregates arrive with the OEE issue and
  reuse it.)

Each example runs in a savepoint that is rolled back, so examples never see each other's rows.
PROPERTY_EXAMPLES sets the examples per property (default 25 in CI; `make fuzz` uses more).
"""

import os
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import _clear_own_cache_keys
from tests.factories import AssemblyFactory, LocationFactory, PartFactory, WarehouseFactory
from tests.inventory.test_bom_algorithms import TOP, brute_force_buildable, random_bom
from warehouse.models import StockLevel, StockMove
from warehouse.selectors import stock_ledger_mismatches
from warehouse.services import StockError, document_cancel, document_create, document_post

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- stock documents

PARTS, LOCATIONS = 2, 3
QUANTITY = st.integers(min_value=1, max_value=9)
COUNTED = st.integers(min_value=0, max_value=9)
PART = st.integers(min_value=0, max_value=PARTS - 1)
LOCATION = st.integers(min_value=0, max_value=LOCATIONS - 1)
# A line is (part, from location, to location, quantity); a count line is (part, location,
# counted quantity). Documents have one to three lines.
LINES = {
    "RECEIPT": st.tuples(PART, st.just(None), LOCATION, QUANTITY),
    "ISSUE": st.tuples(PART, LOCATION, st.just(None), QUANTITY),
    "TRANSFER": st.tuples(PART, LOCATION, LOCATION, QUANTITY).filter(lambda t: t[1] != t[2]),
    "ADJUSTMENT": st.tuples(PART, LOCATION, COUNTED),
}
OPERATIONS = st.lists(
    st.one_of(
        *(
            st.tuples(st.just(doc_type), st.lists(line, min_size=1, max_size=3))
            for doc_type, line in LINES.items()
        ),
        st.tuples(st.just("CANCEL"), st.integers(min_value=0, max_value=15)),
    ),
    min_size=1,
    max_size=14,
)


class StockModel:
    """What the balances must be: a dict per (part, location), changed only by accepted moves.

    A document's changes are applied in line order (from before to); if any change would take
    a balance below zero the whole document is refused and nothing changes. A count sets the
    balance, i.e. moves by the difference, and moves nothing when it matches.
    """

    def __init__(self) -> None:
        self.levels: dict[tuple[int, int], int] = {}

    def apply(self, changes: list[tuple[int, int, int, bool]]) -> list[tuple[int, int, int]] | None:
        """Apply (part, location, quantity, is_count) changes: the moves made, None if refused."""
        after = dict(self.levels)
        moves = []
        for part, location, quantity, is_count in changes:
            before = after.get((part, location), 0)
            delta = quantity - before if is_count else quantity
            if before + delta < 0:
                return None
            after[(part, location)] = before + delta
            if delta:
                moves.append((part, location, delta))
        self.levels = after
        return moves


def _changes(doc_type: str, lines: list[tuple]) -> list[tuple[int, int, int, bool]]:
    if doc_type == "ADJUSTMENT":
        return [(part, location, counted, True) for part, location, counted in lines]
    changes = []
    for part, source, destination, quantity in lines:
        if source is not None:
            changes.append((part, source, -quantity, False))
        if destination is not None:
            changes.append((part, destination, quantity, False))
    return changes


def _line_input(doc_type: str, line: tuple, parts: list, locations: list) -> dict:
    if doc_type == "ADJUSTMENT":
        part, location, counted = line
        return {
            "part": parts[part],
            "quantity": Decimal(counted),
            "to_location": locations[location],
        }
    part, source, destination, quantity = line
    return {
        "part": parts[part],
        "quantity": Decimal(quantity),
        "from_location": locations[source] if source is not None else None,
        "to_location": locations[destination] if destination is not None else None,
    }


def _balances(parts: list, locations: list) -> dict[tuple[int, int], Decimal]:
    return {
        (parts.index(level.part), locations.index(level.location)): level.quantity
        for level in StockLevel.objects.select_related("part", "location")
        if level.quantity
    }


@PROPERTY_SETTINGS
@given(operations=OPERATIONS)
def test_random_postings_and_cancellations_keep_the_ledger_and_the_balances_right(operations):
    with rolled_back():
        warehouse = WarehouseFactory()
        parts = [PartFactory() for _ in range(PARTS)]
        locations = [LocationFactory(warehouse=warehouse) for _ in range(LOCATIONS)]
        model = StockModel()
        posted: list[tuple[object, list[tuple[int, int, int]]]] = []
        for operation in operations:
            before = _balances(parts, locations)
            moves_before = StockMove.objects.count()
            if operation[0] == "CANCEL":
                if not posted:
                    continue
                document, moves = posted[operation[1] % len(posted)]
                # A cancel posts the reverse of the document's moves, the last one first.
                reverse = [(p, loc, -delta, False) for p, loc, delta in reversed(moves)]
                was_posted = document.status == "POSTED"
                applied = StockModel()
                applied.levels = dict(model.levels)
                accepted = was_posted and applied.apply(reverse) is not None
                try:
                    with transaction.atomic():
                        document_cancel(document=document, user=None)
                except StockError:
                    assert not accepted, f"cancel refused although allowed: {operation}"
                    assert _balances(parts, locations) == before, "a refused cancel moved stock"
                    assert StockMove.objects.count() == moves_before
                else:
                    assert accepted, f"cancel accepted although it must be refused: {operation}"
                    model.levels = applied.levels
                document.refresh_from_db()
                continue
            doc_type, lines = operation
            counted = [(line[0], line[1]) for line in lines] if doc_type == "ADJUSTMENT" else []
            if len(set(counted)) != len(counted):
                # Counting one part at one place twice is refused when the document is made.
                with pytest.raises(StockError, match="counted twice"):
                    document_create(
                        doc_type=doc_type,
                        user=None,
                        lines=[_line_input(doc_type, line, parts, locations) for line in lines],
                    )
                assert _balances(parts, locations) == before
                continue
            document = document_create(
                doc_type=doc_type,
                user=None,
                lines=[_line_input(doc_type, line, parts, locations) for line in lines],
            )
            trial = StockModel()
            trial.levels = dict(model.levels)
            moves = trial.apply(_changes(doc_type, lines))
            try:
                with transaction.atomic():
                    document = document_post(document=document, user=None)
            except StockError:
                assert moves is None, f"posting refused although stock allowed it: {operation}"
                # All or nothing: a refused document, however many lines, changes nothing.
                assert _balances(parts, locations) == before, "a refused posting moved stock"
                assert StockMove.objects.count() == moves_before
                document.refresh_from_db()
                assert document.status == "DRAFT"
            else:
                assert moves is not None, (
                    f"posting accepted although it must be refused: {operation}"
                )
                model.levels = trial.levels
                posted.append((document, moves))
                assert StockMove.objects.count() == moves_before + len(moves)

        checked, mismatches = stock_ledger_mismatches()
        assert mismatches == []
        call_command("verify_stock", stdout=StringIO())  # raises CommandError on a mismatch
        assert all(level.quantity >= 0 for level in StockLevel.objects.all())
        expected = {key: Decimal(value) for key, value in model.levels.items() if value}
        assert _balances(parts, locations) == expected


# --------------------------------------------------------------------------- BOM × stock


@PROPERTY_SETTINGS
@given(case=random_bom())
def test_the_planner_on_stored_boms_and_posted_stock_agrees_with_brute_force(case):
    from inventory.models import BomLine
    from warehouse.planning.selectors import build_plan

    edges, stock = case
    assemblies = {TOP} | {assembly for assembly, _, _, _ in edges}
    with rolled_back():
        _clear_own_cache_keys()  # rolled-back ids repeat on SQLite; no compiled BOM may linger
        location = LocationFactory()
        parts = {
            key: AssemblyFactory() if key in assemblies else PartFactory() for key in [TOP, *stock]
        }
        for assembly, component, quantity, optional in edges:
            BomLine.objects.create(
                assembly=parts[assembly],
                component=parts[component],
                quantity=quantity,
                optional=optional,
            )
        lines = [
            {"part": parts[key], "quantity": quantity, "to_location": location}
            for key, quantity in stock.items()
            if quantity > 0
        ]
        if lines:
            document_post(
                document=document_create(doc_type="RECEIPT", user=None, lines=lines), user=None
            )
        plan = build_plan(part=parts[TOP])
        assert plan.buildable == brute_force_buildable(edges, stock)
        with_optional = build_plan(part=parts[TOP], include_optional=True)
        assert with_optional.buildable == brute_force_buildable(edges, stock, include_optional=True)


# --------------------------------------------------------------------------- OEE

SECONDS = st.decimals(min_value=0, max_value=86_400, places=3, allow_nan=False)
COUNT = st.integers(min_value=0, max_value=100_000)


@st.composite
def valid_shift(draw):
    planned = draw(SECONDS)
    run = draw(st.decimals(min_value=0, max_value=planned, places=3))
    produced = draw(COUNT)
    good = draw(st.integers(min_value=0, max_value=produced))
    if produced and run:
        ideal = draw(st.decimals(min_value=0, max_value=run / produced, places=6))
        ideal = min(ideal, run / produced)
    else:
        ideal = draw(SECONDS) if not produced else Decimal("0")
    return {
        "planned_seconds": planned,
        "run_seconds": run,
        "ideal_cycle_seconds": ideal,
        "produced": produced,
        "good": good,
    }


@PROPERTY_SETTINGS
@given(record=valid_shift())
def test_oee_components_of_a_valid_shift_lie_between_0_and_1(record):
    from analytics.oee.compute import oee_components

    result = oee_components(**record)
    for name in ("availability", "performance", "quality", "oee"):
        assert Decimal(0) <= getattr(result, name) <= Decimal(1), (name, record, result)


@PROPERTY_SETTINGS
@given(
    planned=SECONDS,
    run=SECONDS,
    ideal=SECONDS,
    produced=COUNT,
    good=COUNT,
)
def test_any_shift_record_is_either_refused_or_gives_components_in_0_1(
    planned, run, ideal, produced, good
):
    from analytics.oee.compute import InvalidShiftRecord, oee_components

    try:
        result = oee_components(
            planned_seconds=planned,
            run_seconds=run,
            ideal_cycle_seconds=ideal,
            produced=produced,
            good=good,
        )
    except InvalidShiftRecord as refused:
        assert str(refused).split(":")[0] in {
            "Run time",
            "Good quantity",
            "Produced quantity",
        }
        return
    assert all(
        Decimal(0) <= value <= Decimal(1)
        for value in (result.availability, result.performance, result.quality, result.oee)
    )


# --------------------------------------------------------------------------- OEE aggregates

RANDOM_RUN = st.tuples(
    st.integers(min_value=0, max_value=2),  # line
    st.integers(min_value=0, max_value=6),  # day of the week
    st.integers(min_value=1, max_value=8 * 3600),  # planned seconds
    st.integers(min_value=0, max_value=100),  # run time, percent of planned
    st.integers(min_value=0, max_value=100),  # output, percent of what the run time allows
    st.integers(min_value=0, max_value=100),  # good, percent of output
)


@PROPERTY_SETTINGS
@given(runs=st.lists(RANDOM_RUN, min_size=1, max_size=12))
def test_oee_aggregates_of_random_runs_equal_a_brute_force_ratio_of_sums(runs):
    """The plant over a week, computed in SQL from OeeDaily, equals Σ run / Σ planned ×
    Σ(ideal × output) / Σ run × Σ good / Σ output over the raw runs."""
    import datetime

    from analytics.oee.selectors import oee_series
    from analytics.oee.services import oee_daily_recompute_range
    from tests.factories import LineProductFactory, ProductionRunFactory

    monday = datetime.datetime(2026, 3, 2, 6, tzinfo=datetime.UTC)
    with rolled_back():
        products = [
            LineProductFactory(ideal_cycle_seconds=Decimal(cycle)) for cycle in (7, 45, 600)
        ]
        planned_sum = run_sum = ideal_sum = total_sum = good_sum = Decimal(0)
        for index, (line, day, planned, run_pct, out_pct, good_pct) in enumerate(runs):
            product = products[line]
            run = planned * run_pct // 100
            total = int(run // product.ideal_cycle_seconds) * out_pct // 100
            good = total * good_pct // 100
            ProductionRunFactory(
                product=product,
                shift_start=monday + datetime.timedelta(days=day, minutes=index),
                planned_seconds=planned,
                run_seconds=run,
                total_count=total,
                good_count=good,
            )
            planned_sum += planned
            run_sum += run
            ideal_sum += product.ideal_cycle_seconds * total
            total_sum += total
            good_sum += good
        oee_daily_recompute_range()
        [week] = oee_series(
            date_from=monday.date(),
            date_to=monday.date() + datetime.timedelta(days=6),
            granularity="week",
        )
    assert week["availability"] == pytest.approx(float(run_sum / planned_sum), abs=1e-5)
    if run_sum:
        assert week["performance"] == pytest.approx(float(ideal_sum / run_sum), abs=1e-5)
    if total_sum:
        assert week["quality"] == pytest.approx(float(good_sum / total_sum), abs=1e-5)
    for name in ("availability", "performance", "quality", "oee"):
        assert week[name] is None or 0 <= week[name] <= 1 + 1e-9
