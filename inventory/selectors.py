"""Reads of the inventory app that need care: whole BOM graphs in one query, where-used, figures."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from config.numbers import from_db
from config.trees import walk_up
from inventory import bom
from inventory.bom import BomGraph, SupplyOption
from inventory.models import (
    CATEGORY_MAX_DEPTH,
    BomLine,
    BomRevision,
    Category,
    Part,
    SupplierPart,
)

logger = logging.getLogger(__name__)
STRUCTURE_CACHE_SECONDS = 24 * 3600
# The last few compiled structures, kept in this process as well: unpickling a 50,000-line BOM
# from the shared cache takes longer than netting stock against it. Keys hold the revision, so
# an entry is never served after a change; the structures are immutable.
_STRUCTURE_MEMO: OrderedDict[str, bom.BomStructure] = OrderedDict()
_STRUCTURE_MEMO_SIZE = 8
_STRUCTURE_MEMO_LOCK = threading.Lock()


def forget_compiled_boms() -> None:
    """Empty this process's memo of compiled BOMs (the shared cache is left alone)."""
    with _STRUCTURE_MEMO_LOCK:
        _STRUCTURE_MEMO.clear()


def _memo_get(key: str) -> bom.BomStructure | None:
    with _STRUCTURE_MEMO_LOCK:
        structure = _STRUCTURE_MEMO.get(key)
        if structure is not None:
            _STRUCTURE_MEMO.move_to_end(key)
        return structure


def _memo_put(key: str, structure: bom.BomStructure) -> None:
    with _STRUCTURE_MEMO_LOCK:
        _STRUCTURE_MEMO[key] = structure
        _STRUCTURE_MEMO.move_to_end(key)
        while len(_STRUCTURE_MEMO) > _STRUCTURE_MEMO_SIZE:
            _STRUCTURE_MEMO.popitem(last=False)


def _recursive_lines_sql(direction: str, *, roots: int) -> str:
    """One recursive CTE (valid on SQLite and PostgreSQL): every line below (or above) ``roots``
    parts, given as that many parameters.

    ``UNION`` (not ``UNION ALL``) visits each part once, so a DAG with shared sub-assemblies costs
    one row per part and a cycle cannot loop forever.
    """
    table = connection.ops.quote_name(BomLine._meta.db_table)
    part_table = connection.ops.quote_name(Part._meta.db_table)
    if direction == "below":
        step, join = "component_id", "assembly_id"
    else:
        step, join = "assembly_id", "component_id"
    placeholders = ", ".join(["%s"] * roots)
    return (
        f"WITH RECURSIVE reach(part_id) AS ("
        f" SELECT id FROM {part_table} WHERE id IN ({placeholders})"
        f" UNION"
        f" SELECT l.{step} FROM {table} l JOIN reach r ON l.{join} = r.part_id"
        f") "
        f"SELECT l.assembly_id, l.component_id, l.quantity, l.optional"
        f" FROM {table} l JOIN reach r ON l.{join} = r.part_id"
        f" ORDER BY l.assembly_id, l.position, l.id"
    )


def bom_edges(*, part_ids: Sequence[int], direction: str = "below") -> list[bom.Edge]:
    """Every BOM line below (or ``"above"``) the given parts, all levels, in one query."""
    if not part_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_recursive_lines_sql(direction, roots=len(part_ids)), list(part_ids))
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return rows  # already (int, int, Decimal, bool)
    # SQLite hands back int or float; a BOM has few distinct quantities: convert each once.
    converted: dict[Any, Decimal] = {}
    edges = []
    for a, c, q, o in rows:
        quantity = converted.get(q)
        if quantity is None:
            quantity = converted[q] = from_db(q)
        edges.append((a, c, quantity, bool(o)))
    return edges


def bom_edges_below(*, part_id: int) -> list[bom.Edge]:
    """Every BOM line below the part, all levels, in one query."""
    return bom_edges(part_ids=[part_id])


def bom_graph_below(*, part_id: int) -> BomGraph:
    """The BOM graph below an assembly, loaded with one query whatever its depth."""
    return BomGraph.from_edges(bom_edges_below(part_id=part_id))


def bom_revision() -> int:
    """The current BOM revision number (bumped by every change to BOM lines)."""
    return bom_revision_key()[0]


def bom_revision_key() -> tuple[int, str]:
    """(number, token) of the current BOM revision, in one query; (0, "none") before any."""
    row = BomRevision.objects.filter(pk=1).values_list("number", "token").first()
    return (row[0], row[1].hex if hasattr(row[1], "hex") else str(row[1])) if row else (0, "none")


def bom_structure(*, part_id: int, include_optional: bool = False) -> bom.BomStructure:
    """The compiled BOM below a part, kept in this process and the shared cache until it changes.

    One query for the revision; on a miss, one more for the lines. The cache key holds the
    revision, which is bumped in the same transaction as any change to lines, so a committed
    change is never answered from an older structure. Stock is not cached. If the cache is
    unreachable the structure is compiled from the database.
    """
    number, token = bom_revision_key()
    layout = bom.STRUCTURE_FORMAT
    key = f"inventory:bom-structure:v{layout}:{number}-{token}:{part_id}:{int(include_optional)}"
    # Before the first recorded change there is no token to tell databases apart: no memo.
    memo = number > 0
    structure = _memo_get(key) if memo else None
    if structure is not None:
        return structure
    try:
        structure = cache.get(key)
    except Exception:  # the cache is an optimisation; never fail a plan because it is down
        logger.warning("BOM structure cache unavailable", exc_info=True)
        structure = None
    if structure is None:
        graph = bom_graph_below(part_id=part_id)
        # Four decimals: stock and quantities are stored with four, so no recompile is needed.
        structure = bom.BomStructure.compile(graph, part_id, include_optional, min_decimals=4)
        try:
            cache.set(key, structure, STRUCTURE_CACHE_SECONDS)
        except Exception:
            logger.warning("BOM structure cache unavailable", exc_info=True)
    if memo:
        _memo_put(key, structure)
    return structure


def bom_parents_above(*, part_id: int) -> dict[int, list[tuple[int, Decimal, bool]]]:
    """For every part on a path above ``part_id``: the lines that use it, in one query."""
    parents: dict[int, list[tuple[int, Decimal, bool]]] = defaultdict(list)
    for assembly_id, component_id, quantity, optional in bom_edges(
        part_ids=[part_id], direction="above"
    ):
        parents[component_id].append((assembly_id, quantity, optional))
    return dict(parents)


def bom_graph_all() -> BomGraph:
    """Every BOM line in the database (for whole-file import validation), in one query."""
    return BomGraph.from_edges(
        (a, c, q, o)
        for a, c, q, o in BomLine.objects.values_list(
            "assembly_id", "component_id", "quantity", "optional"
        )
    )


# What BOM pages, exports and computations read of each part: loading only these keeps a
# 10,000-part BOM cheap.
PART_SUMMARY_FIELDS = (
    "id",
    "sku",
    "name",
    "unit",
    "unit_cost",
    "currency",
    "is_assembly",
    "is_purchased",
    "lead_time_days",
)


def parts_by_id(ids: Iterable[int]) -> dict[int, Part]:
    return Part.objects.only(*PART_SUMMARY_FIELDS).in_bulk(list(set(ids)))


def where_used(*, part: Part) -> list[dict[str, Any]]:
    """Every assembly that uses the part at any depth, with level and quantity per unit."""
    used = bom.where_used(bom_parents_above(part_id=part.pk), part.pk)
    parts = parts_by_id(u.assembly_id for u in used)
    return [{"part": parts[u.assembly_id], "level": u.level, "quantity": u.quantity} for u in used]


def unit_costs(parts: Iterable[Part]) -> dict[int, Decimal]:
    return {p.pk: p.unit_cost for p in parts}


def supply_options(*, part_ids: Iterable[int]) -> dict[int, list[SupplyOption]]:
    """Purchase terms of the active suppliers' parts, per part, in one query."""
    options: dict[int, list[SupplyOption]] = defaultdict(list)
    rows = SupplierPart.objects.filter(
        part_id__in=list(part_ids), supplier__is_active=True
    ).values_list(
        "id",
        "part_id",
        "supplier_id",
        "price",
        "moq",
        "pack_size",
        "lead_time_days",
        "is_preferred",
    )
    for sp_id, part_id, supplier_id, price, moq, pack, lead, preferred in rows:
        options[part_id].append(
            SupplyOption(
                supplier_part_id=sp_id,
                supplier_id=supplier_id,
                price=price,
                moq=moq,
                pack_size=pack,
                lead_time_days=lead,
                is_preferred=preferred,
            )
        )
    return dict(options)


def bom_tree(*, part: Part, depth: int | None = None, max_rows: int = 2000) -> dict[str, Any]:
    """Indented BOM rows with parts and rolled-up costs: three queries whatever the size."""
    graph = bom_graph_below(part_id=part.pk)
    parts = parts_by_id(graph.parts_below(part.pk) | {part.pk})
    rows, truncated = bom.indented_tree(graph, part.pk, max_depth=depth, max_rows=max_rows)
    own_costs = unit_costs(parts.values())
    # Every cost leaves optional lines out, like the headline and each part's own page, so a
    # sub-assembly row shows the same unit cost as that sub-assembly's page.
    required = bom.cost_rollup(graph, part.pk, own_costs, include_optional=False)
    costs = dict(required.unit_costs)
    for node in parts:  # parts reached only through optional lines
        if node not in costs:
            costs.update(bom.cost_rollup(graph, node, own_costs, include_optional=False).unit_costs)
    return {
        "graph": graph,
        "parts": parts,
        "rows": rows,
        "truncated": truncated,
        "unit_costs": costs,
        "unit_cost": required.unit_cost if graph.children.get(part.pk) else part.unit_cost,
    }


def rolled_up_unit_costs(*, part_ids: Iterable[int]) -> dict[int, Decimal]:
    """Material cost per unit (optional lines excluded) of each given part that has BOM lines.

    Two queries however many parts: one recursive CTE for the lines below all of them, one for
    the unit costs of the parts found. Parts without lines are left out.
    """
    ids = sorted(set(part_ids))
    if not ids:
        return {}
    edges = bom_edges(part_ids=ids)
    graph = BomGraph.from_edges(edges)
    nodes = {n for a, c, _, _ in edges for n in (a, c)}
    own_costs = dict(Part.objects.filter(pk__in=nodes).values_list("id", "unit_cost"))
    costs: dict[int, Decimal] = {}
    for part_id in ids:
        if graph.children.get(part_id) and part_id not in costs:
            rollup = bom.cost_rollup(graph, part_id, own_costs, include_optional=False)
            costs[part_id] = rollup.unit_cost
    return costs


class PartRef(NamedTuple):
    """What the cost roll-up and explode show of a part: cheap to load for a 10,000-part BOM
    (a ``Part`` instance costs several times more to build than the row it comes from)."""

    pk: int
    sku: str
    name: str
    unit_cost: Decimal


_new_ref = partial(tuple.__new__, PartRef)  # PartRef._make without a Python frame per row


def _ids_table(ids: Iterable[int]) -> tuple[str, str]:
    """(SQL of a derived table ``wanted(id)`` holding the ids, its one parameter).

    The ids travel as one string: an ``IN`` list of 10,000 placeholders costs more to build and
    bind than the query costs to run (the same reason as ``warehouse.selectors.stock_on_hand``).
    """
    if connection.vendor == "postgresql":
        sql = "unnest(string_to_array(%s, ',')::bigint[]) AS wanted(id)"
        return sql, ",".join(map(str, map(int, ids)))
    return "(SELECT value AS id FROM json_each(%s)) AS wanted", json.dumps([int(pk) for pk in ids])


def part_refs(ids: Iterable[int]) -> dict[int, PartRef]:
    """Id, SKU, name and unit cost of the given parts, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    table = connection.ops.quote_name(Part._meta.db_table)
    ids_sql, param = _ids_table(wanted)
    sql = (
        f"SELECT p.id, p.sku, p.name, p.unit_cost FROM {table} p JOIN {ids_sql} ON wanted.id = p.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        rows = cursor.fetchall()
    if connection.vendor != "postgresql":  # PostgreSQL hands back Decimal, SQLite int or float
        rows = [(pk, sku, name, from_db(cost)) for pk, sku, name, cost in rows]
    return dict(zip(map(itemgetter(0), rows), map(_new_ref, rows), strict=True))


def cost_rollup(
    *, part: Part, include_optional: bool = False
) -> tuple[bom.CostRollup, dict[int, PartRef]]:
    """Material cost of one unit of the part, all levels, with every line's contribution, and
    the parts of those lines.

    Two queries while the compiled BOM is cached (the revision, the parts with their costs);
    see ``bom_structure``.
    """
    structure = bom_structure(part_id=part.pk, include_optional=include_optional)
    parts = part_refs(structure.order)
    costs = dict(zip(parts, map(attrgetter("unit_cost"), parts.values()), strict=True))
    return bom.cost_rollup_compiled(structure, costs), parts


def explode(
    *, part: Part, quantity: Decimal | int = 1, include_optional: bool = False
) -> tuple[dict[int, Decimal], dict[int, PartRef]]:
    """Gross requirement of every leaf part for ``quantity`` units, and those parts.

    Two queries while the compiled BOM is cached (the revision, the leaf parts).
    """
    structure = bom_structure(part_id=part.pk, include_optional=include_optional)
    required = bom.explode_compiled(structure, quantity)
    return required, part_refs(required)


def category_choices() -> list[tuple[int, str]]:
    """Every category as (id, "Robots / Arms / Grippers"), sorted by that path, in one query."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
    }

    parents = {pk: parent for pk, (_, parent) in rows.items()}

    def path(pk: int) -> str:
        ids, _ = walk_up(parents, pk, max_depth=CATEGORY_MAX_DEPTH)
        return " / ".join(rows[node][0] for node in reversed(ids))

    return sorted(((pk, path(pk)) for pk in rows), key=lambda choice: choice[1].casefold())


def category_and_descendant_ids(*, category_id: int) -> list[int]:
    """The category and every category below it, at any depth, in one query.

    A recursive CTE with ``UNION`` (not ``UNION ALL``) visits each category once, so rows that
    loop (written around ``Category.clean``) cannot make it run forever.
    """
    table = connection.ops.quote_name(Category._meta.db_table)
    sql = (
        f"WITH RECURSIVE tree(id) AS ("
        f" SELECT CAST(%s AS BIGINT)"
        f" UNION"
        f" SELECT c.id FROM {table} c JOIN tree t ON c.parent_id = t.id"
        f") SELECT id FROM tree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [category_id])
        return [row[0] for row in cursor.fetchall()]


def parts_in_category(parts: Any, *, category_id: int) -> Any:
    """Filter a part queryset to a category and all of its sub-categories."""
    return parts.filter(category_id__in=category_and_descendant_ids(category_id=category_id))


def part_search_q(text: str, prefix: str = "") -> Q:
    """SKU, name or MPN contains ``text`` (any case); ``prefix`` reaches the part through a
    relation, e.g. ``"part__"`` from stock levels."""
    return (
        Q(**{f"{prefix}sku__icontains": text})
        | Q(**{f"{prefix}name__icontains": text})
        | Q(**{f"{prefix}mpn__icontains": text})
    )


def dashboard_figures(*, user: Any) -> list[dict[str, Any]]:
    """Figures for the home page: parts, assemblies and BOM lines."""
    if not user.has_perm("inventory.view_part"):
        return []
    counts = Part.objects.aggregate(
        parts=Count("id", filter=Q(is_active=True)),
        assemblies=Count("id", filter=Q(is_active=True, is_assembly=True)),
    )
    url = reverse("inventory:part-list")
    return [
        {"label": "Active parts", "value": counts["parts"], "url": url},
        {"label": "Assemblies", "value": counts["assemblies"], "url": f"{url}?assembly=yes"},
        {"label": "BOM lines", "value": BomLine.objects.count(), "url": url},
    ]


def part_search(*, text: str, limit: int, assemblies_only: bool = False) -> list[Part]:
    """Active parts whose SKU or name holds ``text`` (case-insensitive), SKUs that start with it
    first, then by SKU; at most ``limit`` (the pickers' autocomplete)."""
    parts = Part.objects.filter(is_active=True).only("pk", "sku", "name")
    if assemblies_only:
        parts = parts.filter(is_assembly=True)
    if not text:
        return list(parts.order_by("sku")[:limit])
    found = list(parts.filter(sku__istartswith=text).order_by("sku")[:limit])
    if len(found) < limit:
        found += (
            parts.filter(Q(sku__icontains=text) | Q(name__icontains=text))
            .exclude(sku__istartswith=text)
            .order_by("sku")[: limit - len(found)]
        )
    return found
