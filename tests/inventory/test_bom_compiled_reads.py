"""Explode and cost roll-up on the compiled BOM structure equal a brute force over every path.

The compiled path (``bom.explode_compiled`` and ``bom.cost_rollup_compiled`` on a
``BomStructure``, and the selectors that read the cached structure) is compared with a
recursive walk of every path from the top, on random multi-level BOMs with shared
sub-assemblies, optional lines and quantities such as 0.25. The quantities and costs are chosen
so that no Decimal result needs more than 28 digits: both sides are then exact, and equal.
"""

import pickle
import random
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory import bom, selectors, services
from inventory.bom import BomGraph, BomStructure
from inventory.models import BomLine, Part
from tests.factories import AssemblyFactory, BomLineFactory, PartFactory

D = Decimal
TOP = 1
QUANTITIES = [D("0.25"), D("0.5"), D("1"), D("1.5"), D("2"), D("3"), D("0.0001"), D("7.125")]
COSTS = st.integers(0, 99_999).map(lambda cents: D(cents) / 100)  # 0.00 to 999.99


@st.composite
def random_bom(draw):
    """``(edges, unit_costs)`` below TOP: sub-assemblies on levels 1-4, each used by one to
    three assemblies above it (shared), leaves used by any assembly, about one line in four
    optional (so some parts are reached, and some assemblies have lines, only optionally)."""
    n_subs = draw(st.integers(0, 6))
    n_leaves = draw(st.integers(1, 6))
    subs = list(range(2, 2 + n_subs))
    leaves = list(range(100, 100 + n_leaves))
    level = {TOP: 0, **{sub: draw(st.integers(1, 4)) for sub in subs}}
    quantity = st.sampled_from(QUANTITIES)
    optional = st.sampled_from([False, False, False, True])
    lines: dict[tuple[int, int], tuple[Decimal, bool]] = {}
    for sub in subs:
        above = [node for node, lvl in level.items() if lvl < level[sub]]
        for parent in draw(st.lists(st.sampled_from(above), min_size=1, max_size=3, unique=True)):
            lines[(parent, sub)] = (draw(quantity), draw(optional))
    for assembly in (TOP, *subs):
        for leaf in draw(st.lists(st.sampled_from(leaves), min_size=1, unique=True)):
            lines[(assembly, leaf)] = (draw(quantity), draw(optional))
    edges = [(a, c, q, o) for (a, c), (q, o) in lines.items()]
    draw(st.randoms()).shuffle(edges)  # line order within an assembly is the input's
    costs = {part: draw(COSTS) for part in (TOP, *subs, *leaves)}
    return edges, costs


def brute_force(edges, unit_costs, include_optional, top=TOP):
    """(per-unit quantity of every part summed over every path from TOP, lines by assembly,
    rolled-up unit cost of every reached part), by plain recursion."""
    children: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for a, c, q, optional in edges:
        if include_optional or not optional:
            children[a].append((c, q))
    per_unit: dict[int, Decimal] = defaultdict(Decimal)

    def walk(node, product):
        per_unit[node] += product
        for child, q in children.get(node, ()):
            walk(child, product * q)

    walk(top, D(1))

    def cost(node):
        if not children.get(node):
            return unit_costs.get(node, D(0))
        return sum((q * cost(child) for child, q in children[node]), D(0))

    return dict(per_unit), children, {part: cost(part) for part in per_unit}


def expected_explode(edges, include_optional, quantity, top=TOP):
    per_unit, children, _ = brute_force(edges, {}, include_optional, top)
    return {p: quantity * n for p, n in per_unit.items() if p != top and not children.get(p)}


def expected_lines(edges, unit_costs, include_optional, top=TOP):
    """Every line reached, by (assembly, component): the figures of a ``CostLine``."""
    per_unit, children, costs = brute_force(edges, unit_costs, include_optional, top)
    lines = {}
    for assembly in per_unit:
        for child, q in children.get(assembly, ()):
            extended = per_unit[assembly] * q
            lines[(assembly, child)] = (
                q,
                costs[child],
                q * costs[child],
                extended,
                extended * costs[child],
                not children.get(child),
            )
    return lines


def figures(rollup):
    return {
        (line.assembly_id, line.component_id): (
            line.quantity,
            line.unit_cost,
            line.extended_cost,
            line.extended_quantity,
            line.contribution,
            line.is_leaf,
        )
        for line in rollup.lines
    }


def cached_like(graph, include_optional):
    """The structure as the selectors keep it: four decimals, numpy plan, through a pickle."""
    structure = BomStructure.compile(graph, TOP, include_optional, min_decimals=4)
    structure.decimal_lines  # noqa: B018 — built before pickling, must not travel with it
    return pickle.loads(pickle.dumps(structure))


@settings(max_examples=150, deadline=None)
@given(random_bom(), st.booleans(), st.sampled_from([D("1"), D("10"), D("2.5"), D("0.25")]))
def test_compiled_explode_and_cost_roll_up_equal_the_brute_force(case, include_optional, n):
    edges, costs = case
    graph = BomGraph.from_edges(edges)
    structure = cached_like(graph, include_optional)
    assert "decimal_lines" not in pickle.loads(pickle.dumps(structure)).__dict__

    exploded = bom.explode_compiled(structure, n)
    assert exploded == expected_explode(edges, include_optional, n)
    assert bom.explode(graph, TOP, n, include_optional) == exploded

    per_unit, _, rolled = brute_force(edges, costs, include_optional)
    rollup = bom.cost_rollup_compiled(structure, costs)
    assert rollup.unit_cost == rolled[TOP]
    assert rollup.unit_costs == rolled
    assert figures(rollup) == expected_lines(edges, costs, include_optional)
    assert len(rollup.lines) == len(figures(rollup))
    if structure.has_lines:  # else the top is bought: its own unit cost, no lines
        leaf_total = sum(line.contribution for line in rollup.lines if line.is_leaf)
        assert leaf_total == rollup.unit_cost
    # The graph entry point (compiled without four decimals or numpy) agrees line by line.
    assert bom.cost_rollup(graph, TOP, costs, include_optional) == rollup
    # Every part reached, sub-assemblies too.
    assert bom.extended_quantities(graph, TOP, 1, include_optional) == per_unit


def test_cost_lines_read_like_a_list_in_the_order_of_the_structure():
    # TOP = 2 × SUB + 0.25 × LEAF_A; SUB = 3 × LEAF_A + 0.5 × LEAF_B (+ optional DEEP)
    edges = [
        (TOP, 2, D("2"), False),
        (TOP, 3, D("0.25"), False),
        (2, 3, D("3"), False),
        (2, 4, D("0.5"), False),
        (2, 5, D("1"), True),
    ]
    costs = {3: D("2.00"), 4: D("10.00"), 5: D("100")}
    rollup = bom.cost_rollup(BomGraph.from_edges(edges), TOP, costs)
    lines = list(rollup.lines)
    assert [(line.assembly_id, line.component_id) for line in lines] == [
        (TOP, 2),
        (TOP, 3),
        (2, 3),
        (2, 4),
    ]
    assert rollup.lines[1] == lines[1] and rollup.lines[-1] == lines[-1]
    assert rollup.lines[1:3] == lines[1:3]
    assert rollup.lines == lines and rollup.lines != lines[:-1]
    sub = lines[0]
    # SUB = 3 × 2 + 0.5 × 10 = 11; TOP = 2 × 11 + 0.25 × 2 = 22.5
    assert (sub.unit_cost, sub.extended_cost, sub.contribution) == (D("11"), D("22"), D("22"))
    assert lines[2].extended_quantity == D("6") and lines[2].contribution == D("12")
    assert rollup.unit_cost == D("22.5")


def test_a_structure_without_its_decimal_quantities_gives_the_same_values():
    edges = [(TOP, 2, D("0.25"), False), (2, 3, D("1.5"), False), (TOP, 3, D("3"), False)]
    graph = BomGraph.from_edges(edges)
    structure = BomStructure.compile(graph, TOP, min_decimals=4)
    bare = replace(structure, quantities={})  # read back from the scaled integers
    assert bom.explode_compiled(bare, 4) == bom.explode_compiled(structure, 4) == {3: D("13.5")}
    costs = {3: D("1.10")}
    assert bom.cost_rollup_compiled(bare, costs) == bom.cost_rollup_compiled(structure, costs)


def test_an_assembly_without_lines_costs_its_own_unit_cost_and_explodes_to_nothing():
    structure = BomStructure.compile(BomGraph.from_edges([]), TOP)
    rollup = bom.cost_rollup_compiled(structure, {TOP: D("4.20")})
    assert (rollup.unit_cost, list(rollup.lines)) == (D("4.20"), [])
    assert bom.explode_compiled(structure, 3) == {}


# --------------------------------------------------------------------------- selectors


def _random_bom_in_database(rng: random.Random):
    """A random four-level BOM with shared sub-assemblies and optional lines; the top part."""
    levels = [[AssemblyFactory()]]
    for size in (3, 4, 5):
        levels.append([AssemblyFactory() for _ in range(size)])
    leaves = [PartFactory(unit_cost=D(rng.randint(1, 99_999)) / 100) for _ in range(12)]
    for depth, assemblies in enumerate(levels):
        below = [p for level in levels[depth + 1 :] for p in level]
        for assembly in assemblies:
            components = rng.sample(below, min(len(below), rng.randint(1, 3))) if below else []
            components += rng.sample(leaves, rng.randint(1, 4))
            for position, component in enumerate(components):
                BomLineFactory(
                    assembly=assembly,
                    component=component,
                    quantity=rng.choice(QUANTITIES),
                    optional=rng.random() < 0.2,
                    position=position,
                )
    for level in levels[1:]:  # make sure every sub-assembly is used somewhere
        for assembly in level:
            if not BomLine.objects.filter(component=assembly).exists():
                BomLineFactory(assembly=levels[0][0], component=assembly, quantity=D("0.25"))
    return levels[0][0]


def _edges_and_costs():
    """Every BOM line and unit cost in the database."""
    edges = list(BomLine.objects.values_list("assembly_id", "component_id", "quantity", "optional"))
    return edges, dict(Part.objects.values_list("pk", "unit_cost"))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("include_optional", [False, True])
def test_the_selectors_equal_the_brute_force_and_follow_a_change(seed, include_optional):
    rng = random.Random(seed)
    top = _random_bom_in_database(rng)

    def check():
        edges, costs = _edges_and_costs()
        required, parts = selectors.explode(
            part=top, quantity=D("2.5"), include_optional=include_optional
        )
        assert required == expected_explode(edges, include_optional, D("2.5"), top.pk)
        assert set(parts) == set(required)
        assert all(ref.pk == pk and ref.sku and ref.name for pk, ref in parts.items())

        rollup, parts = selectors.cost_rollup(part=top, include_optional=include_optional)
        _, _, rolled = brute_force(edges, costs, include_optional, top.pk)
        assert rollup.unit_cost == rolled[top.pk]
        assert rollup.unit_costs == rolled
        assert figures(rollup) == expected_lines(edges, costs, include_optional, top.pk)
        assert set(parts) == set(rolled)
        assert all(ref.unit_cost == costs[pk] for pk, ref in parts.items())

    check()
    # A changed line is read at once (the cached structure is keyed by the BOM revision).
    line = BomLine.objects.filter(assembly=top).order_by("position").first()
    services.bom_line_update(line=line, quantity=D("3.5"), optional=False)
    check()
