"""Pure bill-of-materials algorithms: explode, cost roll-up, where-used, buildable and shortages.

Nothing here touches the ORM. Callers load a graph once (see ``inventory.selectors``) and pass
stock, costs and supplier terms in as plain dicts, so the same functions serve the API, the
pages, the management commands, the tests and the benchmark.

Conventions:

* A *leaf* is a part with no BOM lines below it in the graph (purchased or printed parts).
  Requirements and shortages are reported for leaves.
* Optional lines are left out unless ``include_optional=True``.
* Sub-assemblies are built in whole units: when the stock of a sub-assembly does not cover its
  requirement, the shortfall is rounded up to a whole unit before its components are required.
  This matches how a workshop works (nobody builds half a wrist) and keeps the search exact.
* The finished stock of the assembly being planned is *not* netted: "buildable" answers how many
  more units can be built from what is on the shelf.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, partial
from operator import mul
from typing import Any, Literal, NamedTuple, overload

import numpy as np

ZERO = Decimal("0")
ONE = Decimal("1")

# (assembly_id, component_id, quantity, optional)
Edge = tuple[int, int, Decimal, bool]


class BomError(ValueError):
    """A BOM that cannot be computed (empty assembly, cycle)."""


@dataclass(frozen=True)
class BomGraph:
    """Lines below (or above) some part, indexed by assembly.

    ``children[a]`` is the list of ``(component_id, quantity, optional)`` of assembly ``a``.
    """

    children: dict[int, list[tuple[int, Decimal, bool]]]

    @classmethod
    def from_edges(cls, edges: Iterable[Edge]) -> BomGraph:
        children: dict[int, list[tuple[int, Decimal, bool]]] = defaultdict(list)
        for assembly_id, component_id, quantity, optional in edges:
            children[assembly_id].append((component_id, quantity, optional))
        return cls(children=dict(children))

    def edges(self) -> list[Edge]:
        return [(a, c, q, o) for a, lines in self.children.items() for c, q, o in lines]

    def lines_of(
        self, part_id: int, include_optional: bool = False
    ) -> list[tuple[int, Decimal, bool]]:
        lines = self.children.get(part_id, [])
        if include_optional:
            return lines
        return [line for line in lines if not line[2]]

    def is_leaf(self, part_id: int) -> bool:
        return not self.children.get(part_id)

    def parts_below(self, root_id: int, include_optional: bool = True) -> set[int]:
        """Every part reachable from ``root_id`` (not including it)."""
        seen: set[int] = set()
        stack = [root_id]
        while stack:
            node = stack.pop()
            for child, _, optional in self.children.get(node, ()):
                if (include_optional or not optional) and child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen


# --------------------------------------------------------------------------- structure


def _ordered_subgraph(
    graph: BomGraph, root_id: int, include_optional: bool
) -> tuple[list[int], dict[int, list[tuple[int, Decimal, bool]]]]:
    """(parts below the root in topological order, their lines) with each line list built once."""
    adjacency: dict[int, list[tuple[int, Decimal, bool]]] = {}
    stack = [root_id]
    while stack:
        node = stack.pop()
        if node in adjacency:
            continue
        lines = graph.lines_of(node, include_optional)
        adjacency[node] = lines
        stack.extend(c for c, _, _ in lines if c not in adjacency)
    indegree: dict[int, int] = dict.fromkeys(adjacency, 0)
    for lines in adjacency.values():
        for child, _, _ in lines:
            indegree[child] += 1
    queue = deque([node for node, degree in indegree.items() if degree == 0])
    order: list[int] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for child, _, _ in adjacency[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    if len(order) != len(adjacency):
        raise BomError("The BOM contains a cycle.")
    return order, adjacency


def topological_order(graph: BomGraph, root_id: int, include_optional: bool = False) -> list[int]:
    """Parts reachable from the root, every part after all of its parents (low-level-code order).

    Raises BomError if the graph below the root has a cycle.
    """
    return _ordered_subgraph(graph, root_id, include_optional)[0]


def low_level_codes(
    graph: BomGraph, root_id: int, include_optional: bool = False
) -> dict[int, int]:
    """The deepest level at which each part occurs below the root (root = 0)."""
    codes = {root_id: 0}
    for node in topological_order(graph, root_id, include_optional):
        for child, _, _ in graph.lines_of(node, include_optional):
            codes[child] = max(codes.get(child, 0), codes[node] + 1)
    return codes


def find_path(graph: BomGraph, start_id: int, goal_id: int) -> list[int] | None:
    """A path of part ids from start down to goal, both included, or None."""
    if start_id == goal_id:
        return [start_id]
    previous: dict[int, int] = {}
    queue = deque([start_id])
    seen = {start_id}
    while queue:
        node = queue.popleft()
        for child, _, _ in graph.children.get(node, ()):
            if child in seen:
                continue
            previous[child] = node
            if child == goal_id:
                path = [child]
                while path[-1] != start_id:
                    path.append(previous[path[-1]])
                return path[::-1]
            seen.add(child)
            queue.append(child)
    return None


def cycle_path_if_added(graph: BomGraph, assembly_id: int, component_id: int) -> list[int] | None:
    """The cycle that the line assembly → component would close, e.g. [A, B, A], or None.

    ``graph`` must contain (at least) the lines below ``component_id``.
    """
    path = find_path(graph, component_id, assembly_id)
    if path is None:
        return None
    return [assembly_id, *path]


def find_any_cycle(graph: BomGraph) -> list[int] | None:
    """Some cycle in the whole graph as a closed path [A, B, …, A], or None."""
    state: dict[int, int] = {}  # 1 = on the stack, 2 = done
    for start in list(graph.children):
        if state.get(start):
            continue
        stack: list[tuple[int, Iterable]] = [(start, iter(graph.children.get(start, ())))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            advanced = False
            for child, _, _ in children:
                mark = state.get(child)
                if mark == 1:
                    return [*path[path.index(child) :], child]
                if mark is None:
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(graph.children.get(child, ()))))
                    advanced = True
                    break
            if not advanced:
                state[node] = 2
                path.pop()
                stack.pop()
    return None


# --------------------------------------------------------------------------- explode


def explode(
    graph: BomGraph, root_id: int, quantity: Decimal | int = 1, include_optional: bool = False
) -> dict[int, Decimal]:
    """Gross requirement of every leaf part for ``quantity`` units of the root, all levels."""
    return explode_compiled(_compile_plain(graph, root_id, include_optional), quantity)


def extended_quantities(
    graph: BomGraph, root_id: int, quantity: Decimal | int = 1, include_optional: bool = False
) -> dict[int, Decimal]:
    """Total quantity of every part below the root (sub-assemblies too) per ``quantity`` roots."""
    structure = _compile_plain(graph, root_id, include_optional)
    return dict(zip(structure.order, _extended(structure, Decimal(quantity)), strict=True))


def explode_compiled(structure: BomStructure, quantity: Decimal | int = 1) -> dict[int, Decimal]:
    """``explode`` on a compiled structure (e.g. ``inventory.selectors.bom_structure``'s)."""
    totals = _extended(structure, Decimal(quantity))
    order = structure.order
    return {order[j]: totals[j] for j in structure.leaves}


def _compile_plain(graph: BomGraph, root_id: int, include_optional: bool) -> BomStructure:
    """The structure of a graph for one Decimal computation (no numpy plan: used once)."""
    return BomStructure.compile(graph, root_id, include_optional, vectorize=False)


def _extended(structure: BomStructure, quantity: Decimal) -> list[Decimal]:
    """Total quantity of every node per ``quantity`` roots, in ``structure.order``."""
    return _extended_with_lines(structure, quantity, None)


def _extended_with_lines(
    structure: BomStructure, quantity: Decimal, per_line: list[Decimal] | None
) -> list[Decimal]:
    """``_extended``, also filling ``per_line`` (if given) with each line's extended quantity
    (its assembly's total × its quantity), in the order of the structure's lines.

    The same Decimal operations in the same order as pushing each node's total down its lines
    in topological order: a component's total is zero plus its incoming lines' amounts in the
    order that walk reaches them (``by_component``), and every parent's total is final first.
    """
    totals = [ZERO] * len(structure.order)
    totals[0] = quantity
    get = totals.__getitem__
    lines = structure.decimal_lines
    if per_line is None:
        for j, parents, quantities in lines.by_component:
            totals[j] = sum(map(mul, map(get, parents), quantities), ZERO)
        return totals
    amounts: list[Decimal] = []
    for j, parents, quantities in lines.by_component:
        incoming = list(map(mul, map(get, parents), quantities))
        amounts += incoming
        totals[j] = sum(incoming, ZERO)
    per_line[:] = map(amounts.__getitem__, lines.component_position)
    return totals


# --------------------------------------------------------------------------- cost roll-up


class CostLine(NamedTuple):
    assembly_id: int
    component_id: int
    quantity: Decimal  # per one assembly
    unit_cost: Decimal  # of one component (rolled up for sub-assemblies)
    extended_cost: Decimal  # quantity × unit cost, per one assembly
    extended_quantity: Decimal  # of the component, per one top-level unit, through this line
    contribution: Decimal  # of this line to the cost of one top-level unit
    is_leaf: bool


class CostLines(Sequence[CostLine]):
    """The lines of a cost roll-up: reads like a list, equal to any sequence of equal lines.

    The rolled-up unit costs are computed with the roll-up; the per-line figures the first time
    a line is read, all lines at once, kept as columns: extended cost and contribution (two
    Decimal multiplications a line), next to each line's extended quantity, which the BOM alone
    fixes and the structure keeps (``BomStructure.line_extended_quantities``). A ``CostLine``
    is made as it is read: a 50,000-line roll-up holds a few lists rather than 50,000 objects
    for the garbage collector to walk, and a caller that needs only the unit costs (a part page)
    pays nothing for the lines.
    """

    __slots__ = ("_columns", "_rolled", "_structure")

    def __init__(self, structure: BomStructure, rolled: list[Decimal]) -> None:
        self._structure = structure
        self._rolled = rolled
        self._columns: tuple[list[Any], ...] | None = None

    def columns(self) -> tuple[list[Any], ...]:
        """One list per ``CostLine`` field, in the structure's line order."""
        if self._columns is None:  # two threads may both compute it: same values
            self._columns = _cost_line_columns(self._structure, self._rolled)
        return self._columns

    def __len__(self) -> int:
        return len(self._structure.decimal_lines.parents)

    @overload
    def __getitem__(self, index: int) -> CostLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[CostLine]: ...

    def __getitem__(self, index: int | slice) -> CostLine | list[CostLine]:
        if isinstance(index, slice):
            columns = [column[index] for column in self.columns()]
            return list(map(_new_line, zip(*columns, strict=True)))
        return CostLine._make(column[index] for column in self.columns())

    def __iter__(self) -> Iterator[CostLine]:
        return map(_new_line, zip(*self.columns(), strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CostLines({list(self)!r})"


def _cost_line_columns(structure: BomStructure, rolled: list[Decimal]) -> tuple[list[Any], ...]:
    """The ``CostLine`` fields of every line as columns: each figure is the same Decimal
    operation a line-by-line walk makes (extended quantity = the assembly's extended quantity ×
    the line's quantity; extended cost = quantity × the component's rolled-up cost;
    contribution = extended quantity × that cost)."""
    lines = structure.decimal_lines
    quantities = lines.quantities
    extended_quantity = structure.line_extended_quantities
    component_costs = list(map(rolled.__getitem__, lines.children))
    return (
        lines.assembly_ids,
        lines.component_ids,
        quantities,
        component_costs,
        list(map(mul, quantities, component_costs)),
        extended_quantity,
        list(map(mul, extended_quantity, component_costs)),
        lines.child_is_leaf,
    )


# CostLine._make without its Python frame: lines are made one per read.
_new_line = partial(tuple.__new__, CostLine)


@dataclass(frozen=True)
class CostRollup:
    part_id: int
    unit_cost: Decimal
    unit_costs: dict[int, Decimal]
    lines: Sequence[CostLine] = field(default_factory=list)


def cost_rollup(
    graph: BomGraph,
    root_id: int,
    unit_costs: Mapping[int, Decimal],
    include_optional: bool = False,
) -> CostRollup:
    """Material cost of one unit of the root through all levels, with each line's contribution.

    A leaf costs its own unit cost; an assembly costs the sum of its lines. The contributions of
    the leaf lines add up to the total; a sub-assembly line's contribution is the part of the
    total that flows through it.
    """
    return cost_rollup_compiled(_compile_plain(graph, root_id, include_optional), unit_costs)


def rolled_up_costs(structure: BomStructure, unit_costs: Mapping[int, Decimal]) -> list[Decimal]:
    """Unit cost of every node of a compiled structure (in ``structure.order``), rolled up: a
    leaf costs its own unit cost, an assembly the sum of its lines' quantity × component cost
    (zero plus each line in order, as a line-by-line walk adds them)."""
    order = structure.order
    rolled: list[Decimal] = [ZERO] * len(order)
    for j in structure.leaves:
        rolled[j] = Decimal(unit_costs.get(order[j], ZERO))
    if not structure.has_lines:
        rolled[0] = Decimal(unit_costs.get(order[0], ZERO))
    get = rolled.__getitem__
    for i, children, quantities in reversed(structure.decimal_lines.by_assembly):
        rolled[i] = sum(map(mul, quantities, map(get, children)), ZERO)
    return rolled


def cost_rollup_compiled(structure: BomStructure, unit_costs: Mapping[int, Decimal]) -> CostRollup:
    """``cost_rollup`` on a compiled structure; only its parts need entries in ``unit_costs``.

    The unit costs are rolled up here; the lines' figures when they are first read
    (``CostLines``).
    """
    rolled = rolled_up_costs(structure, unit_costs)
    return CostRollup(
        part_id=structure.root_id,
        unit_cost=rolled[0],
        unit_costs=dict(zip(reversed(structure.order), reversed(rolled), strict=True)),
        lines=CostLines(structure, rolled),
    )


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class TreeRow:
    depth: int  # 1 = direct component of the root
    assembly_id: int
    component_id: int
    quantity: Decimal  # per one assembly
    extended_quantity: Decimal  # per one top-level unit, along this path
    optional: bool
    has_children: bool


def indented_tree(
    graph: BomGraph, root_id: int, max_depth: int | None = None, max_rows: int = 5000
) -> tuple[list[TreeRow], bool]:
    """The BOM as an indented list (depth first), optional lines included and flagged.

    A shared sub-assembly appears under every parent, as on paper. Returns (rows, truncated).
    """
    rows: list[TreeRow] = []
    # Stack of (rows still to emit at this level, in reverse order).
    stack: list[list[TreeRow]] = [list(reversed(_child_rows(graph, root_id, 1, ONE)))]
    while stack:
        pending = stack[-1]
        if not pending:
            stack.pop()
            continue
        row = pending.pop()
        rows.append(row)
        if len(rows) >= max_rows:
            return rows, True
        if row.has_children and (max_depth is None or row.depth < max_depth):
            children = _child_rows(graph, row.component_id, row.depth + 1, row.extended_quantity)
            stack.append(list(reversed(children)))
    return rows, False


def _child_rows(graph: BomGraph, node: int, depth: int, multiplier: Decimal) -> list[TreeRow]:
    return [
        TreeRow(
            depth=depth,
            assembly_id=node,
            component_id=child,
            quantity=q,
            extended_quantity=multiplier * q,
            optional=optional,
            has_children=bool(graph.children.get(child)),
        )
        for child, q, optional in graph.children.get(node, [])
    ]


# --------------------------------------------------------------------------- where-used


@dataclass(frozen=True)
class UsedIn:
    assembly_id: int
    level: int  # 1 = uses the part directly
    quantity: Decimal  # of the part per one unit of this assembly, all paths


def where_used(
    parents: Mapping[int, Iterable[tuple[int, Decimal, bool]]], part_id: int
) -> list[UsedIn]:
    """Every assembly that uses ``part_id`` at any depth.

    ``parents[c]`` lists ``(assembly_id, quantity, optional)`` for each line that uses ``c``.
    """
    level: dict[int, int] = {}
    queue = deque([(part_id, 0)])
    while queue:
        node, depth = queue.popleft()
        for assembly, _, _ in parents.get(node, ()):
            if assembly not in level and assembly != part_id:
                level[assembly] = depth + 1
                queue.append((assembly, depth + 1))
    # Quantity of the part in one unit of each user: sum over paths, computed top-down from the
    # part with a memo (the upward graph is a DAG).
    memo: dict[int, Decimal] = {part_id: ONE}
    children_of: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for component, users in parents.items():
        for assembly, q, _ in users:
            children_of[assembly].append((component, q))

    def amount(node: int) -> Decimal:
        if node in memo:
            return memo[node]
        memo[node] = ZERO  # guards a malformed cyclic input
        memo[node] = sum(
            (q * amount(c) for c, q in children_of.get(node, ()) if c in level or c == part_id),
            ZERO,
        )
        return memo[node]

    return sorted(
        (UsedIn(assembly_id=a, level=lvl, quantity=amount(a)) for a, lvl in level.items()),
        key=lambda used: (used.level, used.assembly_id),
    )


# --------------------------------------------------------------------------- buildable


def _decimals(values: Iterable[Decimal]) -> int:
    """How many decimal places are needed to write every value exactly."""
    return max(
        (-d.as_tuple().exponent for d in values if d.is_finite()),  # type: ignore[operator]
        default=0,
    )


# Bumped whenever BomStructure's fields change, so that a cache never hands an older layout back.
STRUCTURE_FORMAT = 3


@dataclass(frozen=True)
class _DecimalLines:
    """A structure's lines as flat lists, in its order, with the quantities as Decimal."""

    parents: list[int]  # node index of each line's assembly
    children: list[int]  # node index of each line's component
    quantities: list[Decimal]  # as read from the BOM
    assembly_ids: list[int]
    component_ids: list[int]
    child_is_leaf: list[bool]
    by_assembly: list[tuple[int, list[int], list[Decimal]]]  # (index, child indexes, quantities)
    # The same lines grouped by component, components in order, each group's lines in the order
    # above: (component index, parent indexes, quantities); the root has no group.
    by_component: list[tuple[int, list[int], list[Decimal]]]
    # For each line (in the order above), its position when the groups are laid end to end.
    component_position: list[int]


@dataclass(frozen=True)
class BomStructure:
    """The lines below one root compiled to integer arrays, in low-level-code order.

    Holds no stock, so it can be cached and reused until the BOM changes. Quantities are scaled
    to integers by ``scale`` (a power of ten that writes every quantity exactly); ``quantities``
    gives back the Decimal each scaled quantity was read as, for the Decimal computations
    (explode, cost roll-up).
    """

    root_id: int
    order: list[int]  # part ids; the root first, every part after all its parents
    assemblies: list[tuple[int, list[tuple[int, int]]]]  # (index, [(child index, qty × scale)])
    leaves: list[int]  # indexes of parts without lines
    scale: int
    quantities: dict[int, Decimal] = field(default_factory=dict, compare=False, repr=False)
    # The same lines as numpy arrays by level (built by compile unless vectorize=False).
    vector: _VectorPlan | None = field(default=None, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # Derived views (cached properties) are rebuilt after unpickling, not stored in a cache.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @cached_property
    def decimal_lines(self) -> _DecimalLines:
        """The lines as flat lists with Decimal quantities, built once per structure object."""
        scale = self.scale
        places = len(str(scale)) - 1
        decimal_of = dict(self.quantities)
        for _, lines in self.assemblies:
            for _, q in lines:
                if q not in decimal_of:
                    decimal_of[q] = Decimal(q).scaleb(-places)
        order = self.order
        is_leaf = [True] * len(order)
        by_assembly = []
        for i, lines in self.assemblies:
            is_leaf[i] = False
            by_assembly.append((i, [c for c, _ in lines], [decimal_of[q] for _, q in lines]))
        parents = [i for i, lines, _ in by_assembly for _ in lines]
        children = [c for _, lines, _ in by_assembly for c in lines]
        quantities = [q for _, _, line_quantities in by_assembly for q in line_quantities]
        into: list[list[int]] = [[] for _ in order]
        for line, child in enumerate(children):
            into[child].append(line)
        by_component = []
        component_position = [0] * len(children)
        position = 0
        for j in range(1, len(order)):
            lines_in = into[j]
            by_component.append(
                (j, [parents[k] for k in lines_in], [quantities[k] for k in lines_in])
            )
            for k in lines_in:
                component_position[k] = position
                position += 1
        return _DecimalLines(
            parents=parents,
            children=children,
            quantities=quantities,
            assembly_ids=[order[i] for i in parents],
            component_ids=[order[c] for c in children],
            child_is_leaf=[is_leaf[c] for c in children],
            by_assembly=by_assembly,
            by_component=by_component,
            component_position=component_position,
        )

    @cached_property
    def line_extended_quantities(self) -> list[Decimal]:
        """Each line's extended quantity per one unit of the root (the assembly's per-unit total
        × the line's quantity), in line order: the BOM alone fixes it, so it is kept with the
        structure, built the first time a cost roll-up's lines are read."""
        per_line: list[Decimal] = []
        _extended_with_lines(self, ONE, per_line)
        return per_line

    @classmethod
    def compile(
        cls,
        graph: BomGraph,
        root_id: int,
        include_optional: bool = False,
        min_decimals: int = 0,
        vectorize: bool = True,
    ) -> BomStructure:
        adjacency: dict[int, list[tuple[int, Decimal]]] = {}
        stack = [root_id]
        children = graph.children
        while stack:
            node = stack.pop()
            if node in adjacency:
                continue
            lines = [
                (c, q)
                for c, q, optional in children.get(node, ())
                if include_optional or not optional
            ]
            adjacency[node] = lines
            stack.extend(c for c, _ in lines if c not in adjacency)
        indegree = dict.fromkeys(adjacency, 0)
        for lines in adjacency.values():
            for c, _ in lines:
                indegree[c] += 1
        queue = deque([root_id]) if indegree[root_id] == 0 else deque()
        order: list[int] = []
        while queue:
            node = queue.popleft()
            order.append(node)
            for c, _ in adjacency[node]:
                indegree[c] -= 1
                if indegree[c] == 0:
                    queue.append(c)
        if len(order) != len(adjacency):
            raise BomError("The BOM contains a cycle.")
        quantities = {q for lines in adjacency.values() for _, q in lines}
        scale = 10 ** max(_decimals(quantities), min_decimals, 0)
        scaled = {q: int(q * scale) for q in quantities}
        index = {part: i for i, part in enumerate(order)}
        assemblies = []
        leaves = []
        for i, node in enumerate(order):
            lines = adjacency[node]
            if lines:
                assemblies.append((i, [(index[c], scaled[q]) for c, q in lines]))
            elif i != 0:
                leaves.append(i)
        structure = cls(
            root_id=root_id,
            order=order,
            assemblies=assemblies,
            leaves=leaves,
            scale=scale,
            quantities={whole: q for q, whole in scaled.items()},
        )
        if not vectorize:
            return structure
        return replace(structure, vector=_VectorPlan.of(structure))

    @property
    def has_lines(self) -> bool:
        return bool(self.assemblies) and self.assemblies[0][0] == 0


# A netting pass in int64 is exact while every value stays below this; beyond it the pass runs
# on Python integers (arbitrary size), which is slower but gives the same answer.
_INT64_SAFE = float(2**61)


@dataclass(frozen=True)
class _Level:
    """The assemblies at one low-level code and their lines, laid out for whole-array passes."""

    nodes: np.ndarray  # node indexes of the assemblies at this level
    parents: np.ndarray  # per line, the parent's node index; lines sorted by child
    line_children: np.ndarray  # per line, the child's node index, in the same order
    quantities: np.ndarray  # per line, quantity × scale (int64)
    children: np.ndarray  # the distinct children, ascending
    starts: np.ndarray  # where each distinct child's lines start (for np.add.reduceat)
    by_parent: np.ndarray  # a permutation of the lines sorting them by parent
    parent_nodes: np.ndarray  # the distinct parents, ascending
    parent_starts: np.ndarray  # where each distinct parent's lines start, in by_parent order


@dataclass(frozen=True)
class _VectorPlan:
    """The structure's lines grouped by the low-level code of their assembly, as numpy arrays.

    Every parent of a node has a lower level than the node, so a pass level by level sees each
    assembly's whole requirement before deciding how many to build: the same netting as the
    loop over ``BomStructure.assemblies``, a level at a time instead of a line at a time.
    """

    size: int
    levels: list[_Level]
    leaves: np.ndarray
    per_unit: float  # bound on any requirement per top-level unit (scaled), for overflow
    slack: float  # bound on what whole-unit rounding adds to any requirement (scaled)

    @classmethod
    def of(cls, structure: BomStructure) -> _VectorPlan | None:
        """The plan, or None when a scaled quantity is too large for int64 (Python ints then)."""
        if any(q >= _INT64_SAFE for _, lines in structure.assemblies for _, q in lines):
            return None
        size = len(structure.order)
        level = [0] * size
        for i, lines in structure.assemblies:  # topological order: parents come first
            for j, _ in lines:
                if level[j] <= level[i]:
                    level[j] = level[i] + 1
        grouped: dict[int, list[tuple[int, list[tuple[int, int]]]]] = defaultdict(list)
        for i, lines in structure.assemblies:
            grouped[level[i]].append((i, lines))
        levels = []
        for code in sorted(grouped):
            members = grouped[code]
            parents = np.array([i for i, lines in members for _ in lines], dtype=np.int64)
            children = np.array([j for _, lines in members for j, _ in lines], dtype=np.int64)
            quantities = np.array([q for _, lines in members for _, q in lines], dtype=np.int64)
            by_child = np.argsort(children, kind="stable")
            distinct, starts = np.unique(children[by_child], return_index=True)
            by_parent = np.argsort(parents[by_child], kind="stable")
            parent_nodes, parent_starts = np.unique(parents[by_child][by_parent], return_index=True)
            levels.append(
                _Level(
                    nodes=np.array([i for i, _ in members], dtype=np.int64),
                    parents=parents[by_child],
                    line_children=children[by_child],
                    quantities=quantities[by_child],
                    children=distinct,
                    starts=starts,
                    by_parent=by_parent,
                    parent_nodes=parent_nodes,
                    parent_starts=parent_starts,
                )
            )
        # Bounds without any stock: a requirement is at most per_unit × n + slack, because a
        # rounded-up build adds at most one unit of each sub-assembly.
        scale = float(structure.scale)
        unit = np.zeros(size)
        extra = np.zeros(size)
        for lvl in levels:
            made = np.where(lvl.nodes == 0, 1.0, unit[lvl.nodes] / scale)
            made_extra = np.where(lvl.nodes == 0, 0.0, extra[lvl.nodes] / scale + 1.0)
            made_of = np.zeros(size)
            made_of[lvl.nodes] = made
            extra_of = np.zeros(size)
            extra_of[lvl.nodes] = made_extra
            q = lvl.quantities.astype(float)
            unit[lvl.children] += np.add.reduceat(made_of[lvl.parents] * q, lvl.starts)
            extra[lvl.children] += np.add.reduceat(extra_of[lvl.parents] * q, lvl.starts)
        return cls(
            size=size,
            levels=levels,
            leaves=np.array(structure.leaves, dtype=np.int64),
            per_unit=float(unit.max(initial=0.0)),
            slack=float(extra.max(initial=0.0)),
        )

    def fits(self, n: int) -> bool:
        """Whether a pass for n top-level units stays exact in int64."""
        if n >= _INT64_SAFE:  # also keeps n × per_unit a finite float
            return False
        return n * self.per_unit + self.slack < _INT64_SAFE

    def gross(self, n: int, stock: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
        gross = np.zeros(self.size, dtype=np.int64)
        built = np.zeros(self.size, dtype=np.int64)
        for lvl in self.levels:
            missing = gross[lvl.nodes] - stock[lvl.nodes]
            make = np.where(missing > 0, -((-missing) // scale), 0)
            make[lvl.nodes == 0] = n  # the root is built n times, its own stock not netted
            built[lvl.nodes] = make
            gross[lvl.children] += np.add.reduceat(built[lvl.parents] * lvl.quantities, lvl.starts)
        return gross, built

    def upper_bound(self, stock: np.ndarray, scale: int) -> float:
        """Float relaxation ignoring sharing (see ``Netting.upper_bound``), level by level."""
        best = stock / scale
        for lvl in reversed(self.levels):  # children before parents
            per_line = best[lvl.line_children] * scale / lvl.quantities
            can_make = np.minimum.reduceat(per_line[lvl.by_parent], lvl.parent_starts)
            own = np.where(lvl.parent_nodes == 0, 0.0, best[lvl.parent_nodes])
            best[lvl.parent_nodes] = own + can_make
        return float(best[0])


def _positive_stock(structure: BomStructure, on_hand: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Node index → stock, for the structure's parts with stock above zero.

    Negative balances count as none; parts not in the structure are ignored.
    """
    position = {part: i for i, part in enumerate(structure.order)}
    found = {}
    for part, value in on_hand.items():
        i = position.get(part)
        if i is None or not value:
            continue
        amount = value if isinstance(value, Decimal) else Decimal(value)
        if amount > 0:
            found[i] = amount
    return found


def _scaled_stock(structure: BomStructure, on_hand: Mapping[int, Decimal]) -> list[int] | None:
    """Stock per node of the structure in its integer scale; None if a value is not exact there."""
    scale = structure.scale
    stock = [0] * len(structure.order)
    for i, amount in _positive_stock(structure, on_hand).items():
        exact = amount * scale
        whole = int(exact)
        if whole != exact:
            return None
        stock[i] = whole
    return stock


class Netting:
    """Exact, fast, repeated netting of stock against a compiled BOM structure.

    Each netting pass goes through the lines in integers: as whole numpy arrays, a level of
    assemblies at a time, while the numbers fit in int64 (``_VectorPlan.fits``), and otherwise
    in a loop over Python integers. Both give the same answer (tests run both). Pass either a
    graph (compiled here) or an already compiled ``structure`` (e.g. from a cache).
    ``engine="python"`` forces the loop.
    """

    def __init__(
        self,
        graph: BomGraph | None,
        root_id: int,
        on_hand: Mapping[int, Decimal],
        include_optional: bool = False,
        structure: BomStructure | None = None,
        engine: Literal["auto", "python"] = "auto",
    ) -> None:
        if structure is None:
            if graph is None:
                raise BomError("Pass the BOM graph or its compiled structure.")
            structure = BomStructure.compile(graph, root_id, include_optional)
        stock = _scaled_stock(structure, on_hand)
        if stock is None:  # stock written with more decimals than the structure's scale
            if graph is None:
                raise BomError("Stock has more decimals than the compiled BOM; pass the graph.")
            stock_decimals = _decimals(_positive_stock(structure, on_hand).values())
            structure = BomStructure.compile(graph, root_id, include_optional, stock_decimals)
            stock = _scaled_stock(structure, on_hand)
            assert stock is not None  # the scale now writes every stock value exactly
        self.structure = structure
        self.root_id = root_id
        self.scale = structure.scale
        self.order = structure.order
        self.assemblies = structure.assemblies
        self.leaves = structure.leaves
        self.on_hand = on_hand
        self.stock = stock
        self._vector: _VectorPlan | None = None
        self._stock_array: np.ndarray | None = None
        if engine == "auto" and (not stock or max(stock) < _INT64_SAFE):
            self._vector = getattr(structure, "vector", None) or _VectorPlan.of(structure)
            self._stock_array = np.array(stock, dtype=np.int64)

    def _pass(self, n: int) -> tuple[Any, Any]:
        """(gross per node, builds per node): numpy arrays when int64 holds them, else lists."""
        if self._vector is not None and self._vector.fits(n):
            return self._vector.gross(n, self._stock_array, self.scale)
        return self._python_gross(n)

    def gross(self, n: int) -> tuple[list[int], list[int]]:
        """(gross requirement per node, whole units built per node) for n top-level units."""
        gross, built = self._pass(n)
        if isinstance(gross, np.ndarray):
            return gross.tolist(), built.tolist()
        return gross, built

    def _python_gross(self, n: int) -> tuple[list[int], list[int]]:
        scale = self.scale
        stock = self.stock
        gross = [0] * len(self.order)
        built = [0] * len(self.order)
        for i, lines in self.assemblies:
            if i == 0:
                make = n
            else:
                missing = gross[i] - stock[i]
                if missing <= 0:
                    continue
                make = -(-missing // scale)
            built[i] = make
            for j, q in lines:
                gross[j] += make * q
        return gross, built

    def shortfall(self, n: int) -> list[tuple[int, int]]:
        """(leaf index, scaled requirement) of every leaf the stock does not cover for n units."""
        gross, _ = self._pass(n)
        if isinstance(gross, np.ndarray):
            leaves = self._vector.leaves  # type: ignore[union-attr]
            need = gross[leaves]
            short = need > self._stock_array[leaves]  # type: ignore[index]
            return list(zip(leaves[short].tolist(), need[short].tolist(), strict=True))
        stock = self.stock
        return [(j, gross[j]) for j in self.leaves if gross[j] > stock[j]]

    def feasible(self, n: int) -> bool:
        return not self.shortfall(n)

    def upper_bound(self) -> int:
        """Relaxation that ignores sharing: each component's whole stock serves every parent."""
        if self._vector is not None:
            top = self._vector.upper_bound(self._stock_array.astype(float), self.scale)
        else:
            best: list[float] = [0.0] * len(self.order)
            lines_of = dict(self.assemblies)
            for i in reversed(range(len(self.order))):
                lines = lines_of.get(i)
                if lines is None:
                    best[i] = self.stock[i] / self.scale
                    continue
                can_make = min(best[j] * self.scale / q for j, q in lines)
                best[i] = can_make if i == 0 else self.stock[i] / self.scale + can_make
            top = best[0]
        if math.isinf(top):
            return 0
        return math.floor(top * (1 + 1e-9)) + 1

    def buildable(self) -> Buildable:
        if not self.structure.has_lines:
            raise BomError("The assembly has no required BOM lines.")
        stock = self.stock
        low, high = 0, max(self.upper_bound(), 1)  # low is feasible
        while True:  # the bound is a float estimate; make sure it is infeasible
            short = self.shortfall(high)
            if short:
                break
            low, high = high, high * 2
        # Requirements grow about linearly with N, so N ≈ high × the scarcest part's cover is a
        # close first guess; it is checked like any other, so the answer stays exact.
        cover = min(stock[j] / need for j, need in short)
        guess = min(max(math.floor(high * cover), low + 1), high - 1)
        if low < guess < high:
            if self.feasible(guess):
                low = guess
                if not self.feasible(guess + 1):
                    high = guess + 1
            else:
                high = guess
        while high - low > 1:
            middle = (low + high) // 2
            if self.feasible(middle):
                low = middle
            else:
                high = middle
        scale = Decimal(self.scale)
        limiting = {self.order[j]: Decimal(need) / scale for j, need in self.shortfall(low + 1)}
        return Buildable(
            part_id=self.root_id,
            quantity=low,
            limiting_part_ids=sorted(limiting),
            required_for_next=limiting,
        )

    def requirements(self, n: int) -> NetRequirements:
        """Leaf requirements and sub-assembly builds for n units, sub-assembly stock netted."""
        if n < 0:
            raise BomError("The quantity cannot be negative.")
        gross, built = self.gross(n)
        scale = Decimal(self.scale)
        on_hand = self.on_hand
        leaves = {}
        for j in self.leaves:
            if gross[j]:
                part = self.order[j]
                leaves[part] = (Decimal(gross[j]) / scale, Decimal(on_hand.get(part, ZERO)))
        builds = [
            BuildStep(
                part_id=self.order[i],
                required=Decimal(gross[i]) / scale,
                available=Decimal(on_hand.get(self.order[i], ZERO)),
                to_build=built[i],
            )
            for i, _ in self.assemblies
            if i != 0
        ]
        return NetRequirements(part_id=self.root_id, quantity=n, leaves=leaves, builds=builds)


@dataclass(frozen=True)
class Buildable:
    part_id: int
    quantity: int
    limiting_part_ids: list[int]
    required_for_next: dict[int, Decimal] = field(default_factory=dict)  # limiting parts only


def buildable(
    graph: BomGraph,
    root_id: int,
    on_hand: Mapping[int, Decimal],
    include_optional: bool = False,
) -> Buildable:
    """The largest whole N of the root that the stock allows, and the parts that stop N + 1.

    Sub-assembly stock is netted first, level by level in low-level-code order; the remaining
    requirement is exploded to the components. Feasibility is monotone in N, so N is found by
    binary search below an upper bound taken from the leaves.
    """
    if not graph.lines_of(root_id, include_optional):
        raise BomError("The assembly has no required BOM lines.")
    return Netting(graph, root_id, on_hand, include_optional).buildable()


# --------------------------------------------------------------------------- shortages


@dataclass(frozen=True)
class SupplyOption:
    """Purchase terms of one supplier part, as the shortage list needs them."""

    supplier_part_id: int | None
    supplier_id: int | None
    price: Decimal
    moq: Decimal = ONE
    pack_size: Decimal = ONE
    lead_time_days: int = 0
    is_preferred: bool = False


@dataclass(frozen=True)
class ShortageLine:
    part_id: int
    required: Decimal
    available: Decimal
    short: Decimal
    order_quantity: Decimal
    unit_price: Decimal
    cost: Decimal
    lead_time_days: int
    supplier_part_id: int | None
    supplier_id: int | None


@dataclass(frozen=True)
class BuildStep:
    part_id: int
    required: Decimal
    available: Decimal
    to_build: int


@dataclass(frozen=True)
class NetRequirements:
    part_id: int
    quantity: int
    leaves: dict[int, tuple[Decimal, Decimal]]  # part -> (required, available); required > 0
    builds: list[BuildStep]  # sub-assemblies: netted against stock, the rest to build

    def short(self) -> dict[int, Decimal]:
        return {p: req - have for p, (req, have) in self.leaves.items() if req > have}


@dataclass(frozen=True)
class ShortageReport:
    part_id: int
    quantity: int
    lines: list[ShortageLine]  # the short leaves, by part id
    builds: list[BuildStep]
    total_cost: Decimal
    earliest_date: date

    @property
    def short_lines(self) -> list[ShortageLine]:
        return self.lines


def choose_supply(options: Iterable[SupplyOption]) -> SupplyOption | None:
    """The preferred supplier part, else the cheapest (then the fastest)."""
    options = list(options)
    if not options:
        return None
    preferred = [o for o in options if o.is_preferred]
    return min(preferred or options, key=lambda o: (o.price, o.lead_time_days))


def order_quantity(short: Decimal, moq: Decimal = ONE, pack_size: Decimal = ONE) -> Decimal:
    """The shortfall raised to the MOQ, then rounded up to whole packs."""
    if short <= 0:
        return ZERO
    wanted = max(short, moq)
    if pack_size > 0:
        packs = (wanted / pack_size).to_integral_value(rounding="ROUND_CEILING")
        wanted = packs * pack_size
    return wanted


def price_shortages(
    net: NetRequirements,
    supply: Mapping[int, Iterable[SupplyOption]] | None = None,
    unit_costs: Mapping[int, Decimal] | None = None,
    lead_times: Mapping[int, int] | None = None,
    today: date | None = None,
) -> ShortageReport:
    """Buy each short leaf from its preferred or cheapest supplier part, rounded up to MOQ and
    pack size; a part without a supplier part is priced at its own unit cost and lead time. The
    earliest date is today plus the longest lead time among the short parts.

    Only the short parts need entries in ``supply``, ``unit_costs`` and ``lead_times``.
    """
    supply = supply or {}
    unit_costs = unit_costs or {}
    lead_times = lead_times or {}
    today = today or date.today()
    lines: list[ShortageLine] = []
    total = ZERO
    longest = 0
    for part, short in sorted(net.short().items()):
        required, available = net.leaves[part]
        option = choose_supply(supply.get(part, ()))
        if option is None:
            option = SupplyOption(
                supplier_part_id=None,
                supplier_id=None,
                price=Decimal(unit_costs.get(part, ZERO)),
                lead_time_days=int(lead_times.get(part, 0)),
            )
        to_order = order_quantity(short, option.moq, option.pack_size)
        cost = to_order * option.price
        total += cost
        longest = max(longest, option.lead_time_days)
        lines.append(
            ShortageLine(
                part_id=part,
                required=required,
                available=available,
                short=short,
                order_quantity=to_order,
                unit_price=option.price,
                cost=cost,
                lead_time_days=option.lead_time_days,
                supplier_part_id=option.supplier_part_id,
                supplier_id=option.supplier_id,
            )
        )
    return ShortageReport(
        part_id=net.part_id,
        quantity=net.quantity,
        lines=lines,
        builds=net.builds,
        total_cost=total,
        earliest_date=today + timedelta(days=longest),
    )


def shortages(
    graph: BomGraph,
    root_id: int,
    quantity: int,
    on_hand: Mapping[int, Decimal],
    supply: Mapping[int, Iterable[SupplyOption]] | None = None,
    unit_costs: Mapping[int, Decimal] | None = None,
    lead_times: Mapping[int, int] | None = None,
    today: date | None = None,
    include_optional: bool = False,
) -> ShortageReport:
    """What building ``quantity`` units lacks, what buying it costs and when it could be in.

    Sub-assembly stock is netted first (as in ``buildable``); see ``price_shortages``.
    """
    net = Netting(graph, root_id, on_hand, include_optional).requirements(quantity)
    return price_shortages(net, supply, unit_costs, lead_times, today)
