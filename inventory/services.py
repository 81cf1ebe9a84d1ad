"""Writes of the inventory app: BOM lines (refusing cycles), category moves, guarded deletes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Model, ProtectedError, RestrictedError

from config.errors import ConflictError, DomainError
from inventory import bom
from inventory.models import BomLine, BomRevision, Category, Part
from inventory.revisions import PARTS
from inventory.selectors import bom_graph_below
from inventory.validators import validate_bom_quantity

# Any constant: BOM structure writes take this PostgreSQL advisory lock so that two concurrent
# writes cannot each pass the cycle check and together close a loop.
BOM_WRITE_LOCK = 7_340_031
# Likewise for moves in the category tree: two concurrent moves cannot together close a loop.
CATEGORY_WRITE_LOCK = 7_340_032


class InventoryError(DomainError):
    """A refused inventory write, with a message for people."""


class BomCycleError(InventoryError):
    """The line would make an assembly contain itself."""


class StillInUseError(InventoryError, ConflictError):
    """A record cannot be deleted while other records refer to it (409)."""


def bom_revision_bump() -> None:
    """Count one more change to BOM lines (inside the caller's transaction)."""
    PARTS.bump()  # a BOM change may mark a part as an assembly with a bulk update()
    bump = {"number": F("number") + 1, "token": uuid.uuid4()}
    if not BomRevision.objects.filter(pk=1).update(**bump):
        _, created = BomRevision.objects.get_or_create(pk=1, defaults={"number": 1})
        if not created:
            BomRevision.objects.filter(pk=1).update(**bump)


def bom_revision_bump_on_change(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata
    bom_revision_bump()


def format_path(skus: list[str]) -> str:
    return " → ".join(skus)


def lock_bom_structure() -> None:
    """Serialise BOM structure changes on PostgreSQL (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BOM_WRITE_LOCK])


def lock_category_tree() -> None:
    """Serialise category moves on PostgreSQL until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATEGORY_WRITE_LOCK])


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Create or change a category; refuse a parent that would put it inside itself.

    The check (``Category.clean``) runs under the category lock, so two moves that are each
    fine alone cannot together make a loop.
    """
    lock_category_tree()
    category.full_clean()
    category.save()
    return category


def bom_cycle_check(*, assembly: Part, component: Part) -> None:
    """Refuse assembly → component when the component already contains the assembly.

    Two queries whatever the depth: the graph below the component, then the SKUs on the path.
    """
    if assembly.pk == component.pk:
        raise BomCycleError(
            f"{assembly.sku} cannot contain itself: {format_path([assembly.sku, assembly.sku])}.",
            code="cycle",
        )
    graph = bom_graph_below(part_id=component.pk)
    _refuse_cycle(assembly, component, bom.cycle_path_if_added(graph, assembly.pk, component.pk))


def _refuse_cycle(assembly: Part, component: Part, path: list[int] | None) -> None:
    if path is None:
        return
    skus = Part.objects.in_bulk(path)
    raise BomCycleError(
        f"Cannot add {component.sku} to {assembly.sku}: it would create a cycle "
        f"{format_path([skus[p].sku for p in path])}.",
        code="cycle",
    )


def _check_quantity(quantity: Decimal) -> Decimal:
    quantity = Decimal(quantity)
    try:
        validate_bom_quantity(quantity)
    except ValidationError as exc:
        raise InventoryError({"quantity": exc.messages})
    return quantity


@transaction.atomic
def bom_line_add(
    *,
    assembly: Part,
    component: Part,
    quantity: Decimal,
    reference: str = "",
    optional: bool = False,
    note: str = "",
    position: int = 0,
) -> BomLine:
    """Add a component to an assembly; refuse duplicates, non-positive quantities and cycles."""
    quantity = _check_quantity(quantity)
    lock_bom_structure()
    if BomLine.objects.filter(assembly=assembly, component=component).exists():
        raise InventoryError(
            {"component": f"{assembly.sku} already has a line for {component.sku}."}
        )
    bom_cycle_check(assembly=assembly, component=component)
    if not assembly.is_assembly:
        Part.objects.filter(pk=assembly.pk).update(is_assembly=True)
        assembly.is_assembly = True
    return BomLine.objects.create(
        assembly=assembly,
        component=component,
        quantity=quantity,
        reference=reference,
        optional=optional,
        note=note,
        position=position,
    )


@transaction.atomic
def bom_line_update(*, line: BomLine, **changes: Any) -> BomLine:
    """Change a BOM line; a new assembly or component is checked for cycles again."""
    allowed = {"assembly", "component", "quantity", "reference", "optional", "note", "position"}
    unknown = set(changes) - allowed
    if unknown:
        raise InventoryError(f"Unknown BOM line fields: {', '.join(sorted(unknown))}.")
    if "quantity" in changes:
        changes["quantity"] = _check_quantity(changes["quantity"])
    assembly = changes.get("assembly", line.assembly)
    component = changes.get("component", line.component)
    if assembly.pk != line.assembly_id or component.pk != line.component_id:
        lock_bom_structure()
        duplicate = BomLine.objects.filter(assembly=assembly, component=component).exclude(
            pk=line.pk
        )
        if duplicate.exists():
            raise InventoryError(
                {"component": f"{assembly.sku} already has a line for {component.sku}."}
            )
        # Check the new edge against the graph without the line being moved.
        graph = bom_graph_below(part_id=component.pk)
        graph = bom.BomGraph.from_edges(
            e for e in graph.edges() if not (e[0] == line.assembly_id and e[1] == line.component_id)
        )
        if assembly.pk == component.pk:
            bom_cycle_check(assembly=assembly, component=component)
        _refuse_cycle(
            assembly, component, bom.cycle_path_if_added(graph, assembly.pk, component.pk)
        )
    if assembly.pk != line.assembly_id and not assembly.is_assembly:
        Part.objects.filter(pk=assembly.pk).update(is_assembly=True)
        assembly.is_assembly = True
    for name, value in changes.items():
        setattr(line, name, value)
    line.save()
    return line


@transaction.atomic
def bom_line_delete(*, line: BomLine) -> None:
    line.delete()


def _describe_users(objects: Any) -> str:
    counts: dict[str, int] = {}
    for obj in objects:
        name = str(obj._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))


@transaction.atomic
def record_delete(*, record: Model) -> None:
    """Delete a category, manufacturer, part or supplier; refuse (409) while others use it,
    naming what still does."""
    try:
        record.delete()
    except (ProtectedError, RestrictedError) as exc:
        users = getattr(exc, "protected_objects", None) or exc.restricted_objects
        raise StillInUseError(
            f"Cannot delete {record}: still used by {_describe_users(users)}. "
            "Remove those first, or mark it inactive."
        )
