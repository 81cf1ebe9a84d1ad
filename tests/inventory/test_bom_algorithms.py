"""The pure BOM algorithms: explode, cost roll-up, where-used, buildable and shortages."""

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory import bom
from inventory.bom import BomGraph, SupplyOption

D = Decimal
ROOT, SUB, LEAF_A, LEAF_B, DEEP = 1, 2, 3, 4, 5


def three_level_graph() -> BomGraph:
    # ROOT = 2 × SUB + 1 × LEAF_A; SUB = 3 × LEAF_A + 1 × DEEP (optional) + 1 × LEAF_B
    return BomGraph.from_edges(
        [
            (ROOT, SUB, D("2"), False),
            (ROOT, LEAF_A, D("1"), False),
            (SUB, LEAF_A, D("3"), False),
            (SUB, LEAF_B, D("0.5"), False),
            (SUB, DEEP, D("1"), True),
        ]
    )


def test_explode_multiplies_through_every_level_and_sums_shared_parts():
    assert bom.explode(three_level_graph(), ROOT, 10) == {LEAF_A: D("70"), LEAF_B: D("10.0")}


def test_explode_includes_optional_lines_only_when_asked():
    exploded = bom.explode(three_level_graph(), ROOT, 1, include_optional=True)
    assert exploded[DEEP] == D("2")


def test_cost_rollup_sums_lines_through_sub_assemblies():
    costs = {LEAF_A: D("2.00"), LEAF_B: D("10.00"), DEEP: D("100")}
    rollup = bom.cost_rollup(three_level_graph(), ROOT, costs)
    # SUB = 3 × 2 + 0.5 × 10 = 11; ROOT = 2 × 11 + 2 = 24
    assert rollup.unit_cost == D("24.00")
    assert rollup.unit_costs[SUB] == D("11.00")


def test_cost_rollup_leaf_contributions_add_up_to_the_unit_cost():
    costs = {LEAF_A: D("2.00"), LEAF_B: D("10.00")}
    rollup = bom.cost_rollup(three_level_graph(), ROOT, costs)
    assert sum(line.contribution for line in rollup.lines if line.is_leaf) == rollup.unit_cost
    sub_line = next(line for line in rollup.lines if line.component_id == SUB)
    assert sub_line.contribution == D("22.00")


def test_where_used_finds_every_assembly_above_a_part_with_its_quantity():
    parents = {
        LEAF_A: [(ROOT, D("1"), False), (SUB, D("3"), False)],
        SUB: [(ROOT, D("2"), False)],
    }
    used = bom.where_used(parents, LEAF_A)
    assert [(u.assembly_id, u.level, u.quantity) for u in used] == [
        (ROOT, 1, D("7")),
        (SUB, 1, D("3")),
    ]


def test_cycle_path_names_the_loop_that_a_new_line_would_close():
    graph = BomGraph.from_edges([(2, 3, D("1"), False), (3, 1, D("1"), False)])
    assert bom.cycle_path_if_added(graph, 1, 2) == [1, 2, 3, 1]
    assert bom.cycle_path_if_added(graph, 2, 1) is None


def test_find_any_cycle_reports_a_closed_path():
    graph = BomGraph.from_edges(
        [(1, 2, D("1"), False), (2, 3, D("1"), False), (3, 2, D("1"), False)]
    )
    cycle = bom.find_any_cycle(graph)
    assert cycle[0] == cycle[-1] and set(cycle) == {2, 3}


def test_indented_tree_lists_components_depth_first_and_respects_depth():
    rows, truncated = bom.indented_tree(three_level_graph(), ROOT)
    assert [(r.depth, r.component_id) for r in rows] == [
        (1, SUB),
        (2, LEAF_A),
        (2, LEAF_B),
        (2, DEEP),
        (1, LEAF_A),
    ]
    assert not truncated
    shallow, _ = bom.indented_tree(three_level_graph(), ROOT, max_depth=1)
    assert [r.component_id for r in shallow] == [SUB, LEAF_A]


def test_buildable_nets_sub_assembly_stock_before_building_from_components():
    # 7 × LEAF_A per ROOT from scratch; 2 finished SUBs on the shelf cover one ROOT's SUBs.
    stock = {LEAF_A: D("15"), LEAF_B: D("100"), SUB: D("2")}
    result = bom.buildable(three_level_graph(), ROOT, stock)
    # N=2: SUB needed 4, 2 on hand → build 2 → LEAF_A 6 + 2 = 8 ≤ 15; N=3: build 4 → 12+3=15 ✓
    # N=4: build 6 → 18 + 4 > 15
    assert result.quantity == 3
    assert result.limiting_part_ids == [LEAF_A]


def test_buildable_is_zero_and_names_the_missing_part_when_a_component_is_absent():
    result = bom.buildable(three_level_graph(), ROOT, {LEAF_A: D("100")})
    assert result.quantity == 0
    assert result.limiting_part_ids == [LEAF_B]


def test_buildable_when_finished_sub_assemblies_alone_cover_the_first_units():
    # One SUB per ROOT, one LEAF_A per SUB: five SUBs on the shelf need no leaf at all at first.
    graph = BomGraph.from_edges([(ROOT, SUB, D("1"), False), (SUB, LEAF_A, D("1"), False)])
    assert bom.buildable(graph, ROOT, {SUB: D("5")}).quantity == 5
    assert bom.buildable(graph, ROOT, {SUB: D("5"), LEAF_A: D("1000000")}).quantity == 1_000_005


def test_buildable_is_exact_for_large_stock_and_fractional_quantities():
    graph = BomGraph.from_edges([(ROOT, LEAF_A, D("0.3"), False), (ROOT, LEAF_B, D("7"), False)])
    stock = {LEAF_A: D("123456789.9"), LEAF_B: D("10") ** 12}
    # 123456789.9 / 0.3 = 411522633 exactly; LEAF_B allows 142857142857.
    result = bom.buildable(graph, ROOT, stock)
    assert result.quantity == 411_522_633
    assert result.limiting_part_ids == [LEAF_A]
    assert result.required_for_next == {LEAF_A: D("123456790.2")}


def test_numbers_beyond_int64_fall_back_to_python_integers_and_stay_exact():
    graph = BomGraph.from_edges(
        [
            (ROOT, SUB, D("1000"), False),
            (SUB, LEAF_A, D("1000.0001"), False),
            (ROOT, LEAF_B, D("3"), False),
        ]
    )
    stock = {LEAF_A: D("10") ** 18 + D("0.5"), LEAF_B: D("10") ** 20, SUB: D("7")}
    vectorised = bom.Netting(graph, ROOT, stock)
    looped = bom.Netting(graph, ROOT, stock, engine="python")
    assert vectorised._vector is None  # stock itself is past what int64 holds here
    assert vectorised.buildable() == looped.buildable()
    small = {LEAF_A: D("5000000.0005"), LEAF_B: D("100"), SUB: D("7")}
    mixed = bom.Netting(graph, ROOT, small)
    assert mixed._vector is not None and mixed._vector.fits(10) and not mixed._vector.fits(10**12)
    # A pass too large for int64 runs on Python integers within the same netting.
    assert mixed.gross(10**12) == bom.Netting(graph, ROOT, small, engine="python").gross(10**12)
    assert mixed.gross(33) == bom.Netting(graph, ROOT, small, engine="python").gross(33)
    assert mixed.buildable() == bom.Netting(graph, ROOT, small, engine="python").buildable()


@pytest.mark.parametrize(
    "stock",
    [
        {LEAF_A: D("5.0000000000000001")},  # sixteen decimals: quantity × scale passes int64
        {LEAF_A: D("5"), 99: D("0.0000000000000001")},  # a part that is not in the BOM
        {LEAF_A: D("-0.0000000000000001")},  # a negative balance
    ],
)
def test_stock_too_fine_for_int64_is_netted_on_python_integers(stock):
    graph = BomGraph.from_edges([(ROOT, LEAF_A, D("1000"), False)])
    result = bom.buildable(graph, ROOT, stock)
    assert (result.quantity, result.limiting_part_ids) == (0, [LEAF_A])
    assert result.required_for_next == {LEAF_A: D("1000")}
    assert bom.Netting(graph, ROOT, stock, engine="python").buildable() == result


def test_a_pass_for_an_astronomical_quantity_runs_on_python_integers():
    graph = BomGraph.from_edges([(ROOT, LEAF_A, D("2"), False)])
    netting = bom.Netting(graph, ROOT, {LEAF_A: D("5")})
    gross, built = netting.gross(10**400)
    assert gross[1] == 2 * 10**400 * netting.scale and built[0] == 10**400


def test_stock_with_more_decimals_than_the_compiled_structure_is_recompiled_exactly():
    graph = three_level_graph()
    structure = bom.BomStructure.compile(graph, ROOT)
    stock = {LEAF_A: D("15.00001"), LEAF_B: D("100"), SUB: D("2")}
    netting = bom.Netting(graph, ROOT, stock, structure=structure)
    assert netting.scale == 10**5
    assert netting.buildable().quantity == 3
    with pytest.raises(bom.BomError):
        bom.Netting(None, ROOT, stock, structure=structure)


def test_buildable_of_an_assembly_without_lines_is_an_error():
    with pytest.raises(bom.BomError):
        bom.buildable(BomGraph.from_edges([]), ROOT, {})


def test_order_quantity_is_raised_to_the_moq_and_rounded_up_to_whole_packs():
    assert bom.order_quantity(D("3"), moq=D("10"), pack_size=D("4")) == D("12")
    assert bom.order_quantity(D("13"), moq=D("10"), pack_size=D("4")) == D("16")
    assert bom.order_quantity(D("0"), moq=D("10"), pack_size=D("4")) == D("0")


def test_shortages_price_the_short_parts_and_date_the_last_one_in():
    supply = {
        LEAF_A: [
            SupplyOption(
                supplier_part_id=1, supplier_id=1, price=D("2"), moq=D("50"), lead_time_days=5
            ),
            SupplyOption(
                supplier_part_id=2, supplier_id=2, price=D("1"), moq=D("1"), lead_time_days=30
            ),
        ],
    }
    report = bom.shortages(
        three_level_graph(),
        ROOT,
        10,
        {LEAF_A: D("20"), LEAF_B: D("10")},
        supply=supply,
        today=date(2026, 1, 1),
    )
    (line,) = report.short_lines
    assert (line.part_id, line.required, line.short) == (LEAF_A, D("70"), D("50"))
    # The cheapest option wins when no supplier part is preferred.
    assert (line.order_quantity, line.cost, line.lead_time_days) == (D("50"), D("50"), 30)
    assert report.total_cost == D("50")
    assert report.earliest_date == date(2026, 1, 31)


def test_shortages_prefer_the_preferred_supplier_part():
    supply = {
        LEAF_B: [
            SupplyOption(supplier_part_id=1, supplier_id=1, price=D("9"), is_preferred=True),
            SupplyOption(supplier_part_id=2, supplier_id=2, price=D("1")),
        ]
    }
    report = bom.shortages(three_level_graph(), ROOT, 2, {LEAF_A: D("100")}, supply=supply)
    assert report.short_lines[0].supplier_part_id == 1


# --------------------------------------------------------------------------- property test

TOP = 1
FIRST_SUB, FIRST_LEAF = 10, 20
MAX_LEVEL = 3  # sub-assemblies on levels 1-3 under the top, leaves below: up to 4 levels of lines
# Sub-assemblies are used in whole units; leaves in any of these.
LEAF_QUANTITIES = st.sampled_from([D("0.5"), D("1"), D("2"), D("3")])
SUB_QUANTITIES = st.sampled_from([D("1"), D("2"), D("3")])
OPTIONAL = st.sampled_from([False, False, False, True])  # about one line in four
LEAF_STOCK = st.sampled_from([0, *range(2, 21)])  # now and then none at all


@st.composite
def random_bom(draw):
    """A random BOM below TOP and the stock of its parts: ``(edges, stock)``.

    The shape is drawn: how many sub-assemblies (0-4) and leaves (1-4), the level of each
    sub-assembly (1-3), its parents (any assemblies on higher levels, so sub-assemblies are
    shared), which assemblies use which leaves (leaves are shared too), every quantity, and
    whether each line is optional. ``stock`` has an entry for every part except TOP.
    """
    n_subs = draw(st.integers(0, 4))
    n_leaves = draw(st.integers(1, 4))
    levels = sorted(draw(st.integers(1, MAX_LEVEL)) for _ in range(n_subs))
    subs = [FIRST_SUB + i for i in range(n_subs)]
    leaves = [FIRST_LEAF + i for i in range(n_leaves)]
    level_of = {TOP: 0, **dict(zip(subs, levels, strict=True))}
    lines: dict[tuple[int, int], tuple[Decimal, bool]] = {}
    for sub in subs:
        above = [node for node, level in level_of.items() if level < level_of[sub]]
        for parent in draw(st.lists(st.sampled_from(above), min_size=1, max_size=3, unique=True)):
            lines[(parent, sub)] = (draw(SUB_QUANTITIES), draw(OPTIONAL))
    for assembly in (TOP, *subs):
        for leaf in draw(st.lists(st.sampled_from(leaves), max_size=n_leaves, unique=True)):
            lines[(assembly, leaf)] = (draw(LEAF_QUANTITIES), draw(OPTIONAL))
    # Every sub-assembly uses some leaf in whole units (often required), which bounds how many
    # of it can ever be built and so keeps the brute force small.
    for sub in subs:
        leaf = draw(st.sampled_from(leaves))
        lines[(sub, leaf)] = (draw(st.sampled_from([D("1"), D("2")])), draw(OPTIONAL))
    if not any(a == TOP and not optional for (a, _), (_, optional) in lines.items()):
        lines[(TOP, draw(st.sampled_from(leaves)))] = (D("1"), False)
    edges = [(a, c, q, optional) for (a, c), (q, optional) in lines.items()]
    stock = {sub: D(draw(st.integers(0, 4))) for sub in subs}
    stock.update({leaf: D(draw(LEAF_STOCK)) for leaf in leaves})
    return edges, stock


def brute_force_buildable(edges, stock, include_optional: bool = False) -> int:
    """The largest N for which some whole number of builds of each sub-assembly works.

    Semantics of ``inventory.bom``: optional lines count only with ``include_optional``; a part
    without counted lines is bought, not built (only its stock can be used); sub-assembly stock
    is used before building; TOP's own stock is not. Every N up to a bound and every number of
    builds that could be feasible are tried (no monotonicity is assumed).
    """
    lines = [(a, c, q) for a, c, q, optional in edges if include_optional or not optional]
    children: dict[int, list[tuple[int, Decimal]]] = {}
    for a, c, q in lines:
        children.setdefault(a, []).append((c, q))
    built = sorted((p for p in children if p != TOP), key=_depth_key(children))
    # At most cap[p] units of p can ever be built: each line needs that many components.
    cap: dict[int, int] = {}
    for part in reversed(built):
        cap[part] = min(int((stock[c] + cap.get(c, 0)) // q) for c, q in children[part])
    top_bound = min(int((stock[c] + cap.get(c, 0)) // q) for c, q in children[TOP])

    def feasible(demand: dict[int, Decimal], remaining: list[int]) -> bool:
        if any(demand[p] > stock[p] for p in demand if p not in cap or p not in remaining):
            return False  # a bought part, or a built one whose builds are fixed, is short
        if not remaining:
            return True
        part, rest = remaining[0], remaining[1:]
        # Every parent of ``part`` comes earlier, so its demand is final here.
        fewest = max(0, math.ceil(demand[part] - stock[part]))
        for builds in range(fewest, cap[part] + 1):
            more = dict(demand)
            more[part] -= builds  # built units cover demand like stock does
            for c, q in children[part]:
                more[c] = more.get(c, D(0)) + builds * q
            if feasible(more, rest):
                return True
        return False

    for n in range(top_bound, -1, -1):
        demand = dict.fromkeys(stock, D(0))
        for c, q in children[TOP]:
            demand[c] += n * q
        if feasible(demand, built):
            return n
    return 0


def _depth_key(children):
    """Sort key putting every assembly after all assemblies that use it (longest path from TOP)."""
    depth = {TOP: 0}
    frontier = [TOP]
    while frontier:
        node = frontier.pop()
        for child, _ in children.get(node, ()):
            if depth.get(child, -1) < depth[node] + 1:
                depth[child] = depth[node] + 1
                frontier.append(child)
    return lambda part: (depth.get(part, 0), part)


@settings(max_examples=60, deadline=None)
@given(random_bom())
def test_buildable_equals_brute_force_on_random_multi_level_boms(case):
    edges, stock = case
    result = bom.buildable(BomGraph.from_edges(edges), TOP, stock)
    assert result.quantity == brute_force_buildable(edges, stock)
    # The loop over Python integers (used when int64 could overflow) gives the same answer.
    looped = bom.Netting(BomGraph.from_edges(edges), TOP, stock, engine="python").buildable()
    assert looped == result


@settings(max_examples=60, deadline=None)
@given(random_bom())
def test_buildable_with_optional_lines_equals_brute_force_counting_them(case):
    edges, stock = case
    result = bom.buildable(BomGraph.from_edges(edges), TOP, stock, include_optional=True)
    assert result.quantity == brute_force_buildable(edges, stock, include_optional=True)


@settings(max_examples=60, deadline=None)
@given(random_bom())
def test_buildable_quantity_has_no_shortage_and_one_more_has(case):
    edges, stock = case
    graph = BomGraph.from_edges(edges)
    result = bom.buildable(graph, TOP, stock)
    assert bom.shortages(graph, TOP, result.quantity, stock).short_lines == []
    over = bom.shortages(graph, TOP, result.quantity + 1, stock).short_lines
    assert {line.part_id for line in over} == set(result.limiting_part_ids)


def test_the_brute_force_leaves_optional_lines_out_and_buys_parts_without_required_lines():
    # TOP = 1 × SUB; SUB = 2 × LEAF (optional) + 1 × OTHER (optional): SUB has no required
    # lines, so it is bought, and only its 3 units on the shelf count.
    edges = [
        (TOP, FIRST_SUB, D("1"), False),
        (FIRST_SUB, FIRST_LEAF, D("2"), True),
        (FIRST_SUB, FIRST_LEAF + 1, D("1"), True),
    ]
    stock = {FIRST_SUB: D("3"), FIRST_LEAF: D("8"), FIRST_LEAF + 1: D("8")}
    assert brute_force_buildable(edges, stock) == 3
    assert bom.buildable(BomGraph.from_edges(edges), TOP, stock).quantity == 3
    # Counting the optional lines, SUB is built too: 3 + min(8 / 2, 8 / 1) = 7.
    assert brute_force_buildable(edges, stock, include_optional=True) == 7
    assert (
        bom.buildable(BomGraph.from_edges(edges), TOP, stock, include_optional=True).quantity == 7
    )
