"""Stock writes: warehouses and locations, numbered documents, posting and cancelling them.

Posting is the heart of the warehouse: every change of a stock level goes through
``document_post`` (or ``document_cancel``), which runs in one transaction, locks the affected
``StockLevel`` rows in (part id, location id) order so concurrent postings cannot deadlock,
checks every line before writing anything and writes one ``StockMove`` per change.
"""

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from config.errors import DomainError
from inventory.models import BomLine, Part
from warehouse import metrics
from warehouse.choices import (
    DOCUMENT_NUMBER_PREFIX,
    DocumentStatus,
    DocumentType,
    LocationKind,
)
from warehouse.models import (
    DocumentLine,
    DocumentSequence,
    Location,
    PartValuation,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)
from warehouse.selectors import format_quantity, stock_ledger_mismatches

logger = logging.getLogger("partline.warehouse")

ZERO = Decimal("0")
MAX_NUMBER = Decimal("1E10")
COST_PLACES = Decimal("0.0001")
DEFAULT_RECEIVING_CODE = "RECEIVING"


# --------------------------------------------------------------------------- errors


class StockError(DomainError):
    """A stock operation that cannot be done; the message says why, for a person."""

    http_status = 400
    reason = "invalid"


class DocumentStateError(StockError):
    """The document's status does not allow the operation (posting twice, editing a posted one)."""

    http_status = 409
    reason = "state"

    def extra_body(self) -> dict[str, Any]:
        return {"shortages": []}


class InsufficientStockError(StockError):
    """Lines would drive a stock level below zero; ``shortages`` lists each short line."""

    http_status = 409
    reason = "insufficient_stock"

    def __init__(self, messages: list[str], shortages: list[dict[str, str]]) -> None:
        super().__init__(messages)
        self.shortages = shortages

    def extra_body(self) -> dict[str, Any]:
        return {"shortages": self.shortages}


class CancelRefusedError(InsufficientStockError):
    """The stock a posted document brought in has since been used, so it cannot be reversed."""

    reason = "cancel_refused"


class StockImportError(StockError):
    """An import file with row errors; ``messages`` holds one line per bad row."""

    reason = "import"


# --------------------------------------------------------------------------- warehouses


@transaction.atomic
def warehouse_create(*, code: str, name: str, address: str = "") -> Warehouse:
    """Create a warehouse together with its default receiving location."""
    warehouse = Warehouse(code=code.strip(), name=name.strip(), address=address)
    warehouse.full_clean()
    warehouse.save()
    Location.objects.create(
        warehouse=warehouse,
        code=DEFAULT_RECEIVING_CODE,
        name="Receiving",
        kind=LocationKind.RECEIVING,
        is_default_receiving=True,
    )
    return warehouse


def default_receiving_location(*, warehouse: Warehouse) -> Location:
    """The warehouse's receiving location (created if a warehouse was made without one)."""
    location = Location.objects.filter(warehouse=warehouse, is_default_receiving=True).first()
    if location is not None:
        return location
    with transaction.atomic():
        location, _ = Location.objects.get_or_create(
            warehouse=warehouse,
            code=DEFAULT_RECEIVING_CODE,
            defaults={
                "name": "Receiving",
                "kind": LocationKind.RECEIVING,
                "is_default_receiving": True,
            },
        )
    return location


@transaction.atomic
def location_create(
    *,
    warehouse: Warehouse,
    code: str,
    kind: str = LocationKind.BIN,
    name: str = "",
    parent: Location | None = None,
) -> Location:
    """Create a location in the tree of one warehouse; the parent must be in the same one."""
    if parent is not None and parent.warehouse_id != warehouse.pk:
        raise StockError(f"Parent location {parent} is in another warehouse than {warehouse.code}.")
    location = Location(warehouse=warehouse, code=code.strip(), kind=kind, name=name, parent=parent)
    location.full_clean()
    location.save()
    return location


# --------------------------------------------------------------------------- numbering


def _next_document_number(*, doc_type: str, year: int) -> str:
    """Take the next number of the (type, year) series; the row lock makes the series gap-free.

    The lock is held until the caller's transaction ends, so a rolled-back document gives its
    number back. Creating the series row survives a race: insert-or-ignore, then select.
    """
    sequences = DocumentSequence.objects.select_for_update()
    sequence = sequences.filter(doc_type=doc_type, year=year).first()
    if sequence is None:
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(doc_type=doc_type, year=year, last_number=0)],
            ignore_conflicts=True,
        )
        sequence = sequences.get(doc_type=doc_type, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{DOCUMENT_NUMBER_PREFIX[doc_type]}-{year}-{sequence.last_number:05d}"


def document_number_take(*, doc_type: str) -> str:
    """The next number of the type's series for this year, for a document saved elsewhere
    (the admin). Call it inside the transaction that saves the document."""
    if doc_type not in DocumentType.values:
        raise StockError(f"Unknown document type '{doc_type}'.")
    return _next_document_number(doc_type=doc_type, year=timezone.now().year)


# --------------------------------------------------------------------------- drafts


@dataclass
class _LineInput:
    part: Part
    quantity: Decimal
    from_location: Location | None
    to_location: Location | None
    unit_cost: Decimal | None


def _as_decimal(value: Any, label: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise StockError(f"{label}: '{value}' is not a number.")
    if not number.is_finite():
        raise StockError(f"{label}: '{value}' is not a number.")
    if abs(number) >= MAX_NUMBER:
        # Quantities and costs are stored with 14 digits, 4 after the point.
        raise StockError(f"{label}: '{value}' is too large (at most 9,999,999,999.9999).")
    return number


def _as_instance(model: type, value: Any) -> Any:
    if value is None or isinstance(value, model):
        return value
    return model.objects.get(pk=value)


def _normalise_lines(
    *,
    doc_type: str,
    lines: Iterable[dict[str, Any]],
    source_location: Location | None,
    destination_location: Location | None,
) -> list[_LineInput]:
    """Check the lines of a document of this type and fill in the header's locations."""
    result: list[_LineInput] = []
    errors: list[str] = []
    counted: set[tuple[int, int]] = set()
    for number, raw in enumerate(lines, start=1):
        label = f"Line {number}"
        part = _as_instance(Part, raw.get("part"))
        if part is None:
            errors.append(f"{label}: choose a part.")
            continue
        try:
            quantity = _as_decimal(raw.get("quantity"), label)
            unit_cost = raw.get("unit_cost")
            unit_cost = None if unit_cost in (None, "") else _as_decimal(unit_cost, label)
        except StockError as exc:
            errors.extend(exc.messages)
            continue
        from_location = _as_instance(Location, raw.get("from_location")) or None
        to_location = _as_instance(Location, raw.get("to_location")) or None
        if doc_type == DocumentType.ADJUSTMENT:
            to_location = to_location or from_location or destination_location or source_location
            from_location = None
            if quantity < 0:
                errors.append(f"{label}: the counted quantity of {part.sku} cannot be negative.")
            if to_location is None:
                errors.append(f"{label}: say where {part.sku} was counted.")
            elif (part.pk, to_location.pk) in counted:
                errors.append(f"{label}: {part.sku} at {to_location} is counted twice.")
            else:
                counted.add((part.pk, to_location.pk))
        else:
            if quantity <= 0:
                errors.append(f"{label}: the quantity of {part.sku} must be greater than 0.")
            if doc_type in (DocumentType.ISSUE, DocumentType.TRANSFER):
                from_location = from_location or source_location
                if from_location is None:
                    errors.append(f"{label}: say where {part.sku} comes from.")
            if doc_type in (DocumentType.RECEIPT, DocumentType.TRANSFER):
                to_location = to_location or destination_location
                if to_location is None:
                    errors.append(f"{label}: say where {part.sku} goes to.")
            if doc_type == DocumentType.RECEIPT:
                from_location = None
            if doc_type == DocumentType.ISSUE:
                to_location = None
            if (
                doc_type == DocumentType.TRANSFER
                and from_location is not None
                and from_location == to_location
            ):
                errors.append(
                    f"{label}: {part.sku} cannot be moved from {from_location} to itself."
                )
        if unit_cost is not None and unit_cost < 0:
            errors.append(f"{label}: the unit cost of {part.sku} cannot be negative.")
        result.append(_LineInput(part, quantity, from_location, to_location, unit_cost))
    if errors:
        raise StockError(errors)
    return result


def _allocate_from_warehouse(
    *, warehouse: Warehouse, requirements: list[tuple[Part, Decimal]], build_part: Part
) -> list[_LineInput]:
    """One consuming line per (component, bin): the bins holding most stock first.

    A requirement is split over as many bins as it needs; a component the warehouse
    does not hold enough of is refused with what is missing (and, for a sub-assembly,
    that it has to be built first).
    """
    part_ids = [part.pk for part, _ in requirements]
    stock: dict[int, list[tuple[Location, Decimal]]] = {pk: [] for pk in part_ids}
    for level in (
        StockLevel.objects.filter(
            part_id__in=part_ids,
            location__warehouse=warehouse,
            location__is_active=True,
            quantity__gt=0,
        )
        .select_related("location__warehouse")
        .order_by("-quantity", "location__code", "location_id")
    ):
        stock[level.part_id].append((level.location, level.quantity))
    lines: list[_LineInput] = []
    errors: list[str] = []
    for part, needed in requirements:
        available = sum((quantity for _, quantity in stock[part.pk]), Decimal("0"))
        if available < needed:
            hint = f" {part.sku} is a sub-assembly: build it first." if part.is_assembly else ""
            errors.append(
                f"Cannot build {format_quantity(needed)} × {part.sku} into "
                f"{build_part.sku} from {warehouse.code}: "
                f"{format_quantity(available)} available.{hint}"
            )
            continue
        remaining = needed
        for location, quantity in stock[part.pk]:
            if remaining <= 0:
                break
            take = min(quantity, remaining)
            lines.append(_LineInput(part, take, location, None, None))
            remaining -= take
    if errors:
        raise InsufficientStockError(errors, [])
    return lines


def _build_lines(
    *,
    build_part: Part | None,
    build_quantity: Any,
    source_location: Location | None,
    destination_location: Location | None,
    source_warehouse: Warehouse | None = None,
) -> tuple[Decimal, list[_LineInput]]:
    """The lines of a BUILD: each non-optional component × N out, N assemblies in.

    Components come from ``source_location``, or, without one, from wherever
    ``source_warehouse`` holds them (each line then carries its own bin).
    """
    if build_part is None:
        raise StockError("A build document needs the assembly to build.")
    quantity = _as_decimal(build_quantity, "Build quantity")
    if quantity <= 0:
        raise StockError("The build quantity must be greater than 0.")
    if quantity != quantity.to_integral_value():
        raise StockError(
            f"Build quantity: '{build_quantity}' is not a whole number; "
            "assemblies are built in whole units."
        )
    if source_location is None and source_warehouse is None:
        raise StockError("A build document needs the location the components come from.")
    if destination_location is None:
        destination_location = source_location or default_receiving_location(
            warehouse=source_warehouse
        )
    bom = list(
        BomLine.objects.filter(assembly=build_part, optional=False)
        .select_related("component")
        .order_by("position", "id")
    )
    if not bom:
        raise StockError(f"{build_part.sku} has no bill of materials to build from.")
    if source_location is not None:
        lines = [
            _LineInput(row.component, row.quantity * quantity, source_location, None, None)
            for row in bom
        ]
    else:
        lines = _allocate_from_warehouse(
            warehouse=source_warehouse,
            requirements=[(row.component, row.quantity * quantity) for row in bom],
            build_part=build_part,
        )
    lines.append(_LineInput(build_part, quantity, None, destination_location, None))
    return quantity, lines


def build_lines_check(
    *,
    build_part: Part | None,
    build_quantity: Any,
    source_location: Location | None,
    destination_location: Location | None = None,
) -> None:
    """Raise StockError when a BUILD with this header could not take its lines from the BOM
    (a form's check before it saves; nothing is written)."""
    _build_lines(
        build_part=build_part,
        build_quantity=build_quantity,
        source_location=source_location,
        destination_location=destination_location,
    )


def _warehouse_of(locations: Iterable[Location | None]) -> Warehouse | None:
    warehouses = {location.warehouse_id for location in locations if location is not None}
    if len(warehouses) == 1:
        return Warehouse.objects.get(pk=warehouses.pop())
    return None


def _line_rows(document: StockDocument, lines: list[_LineInput]) -> list[DocumentLine]:
    return [
        DocumentLine(
            document=document,
            part=line.part,
            quantity=line.quantity,
            from_location=line.from_location,
            to_location=line.to_location,
            unit_cost=line.unit_cost,
            position=position,
            is_count=document.doc_type == DocumentType.ADJUSTMENT,
        )
        for position, line in enumerate(lines, start=1)
    ]


def _set_header_warehouses(document: StockDocument, lines: list[_LineInput]) -> None:
    document.source_warehouse = (
        document.source_location.warehouse
        if document.source_location
        else _warehouse_of(line.from_location for line in lines)
    )
    document.destination_warehouse = (
        document.destination_location.warehouse
        if document.destination_location
        else _warehouse_of(line.to_location for line in lines)
    )


@transaction.atomic
def document_create(
    *,
    doc_type: str,
    user: Any,
    lines: list[dict[str, Any]],
    source_location: Location | None = None,
    destination_location: Location | None = None,
    build_part: Part | None = None,
    build_quantity: Any = None,
    source_warehouse: Warehouse | None = None,
    partner: str = "",
    external_reference: str = "",
    note: str = "",
    idempotency_key: str | None = None,
) -> StockDocument:
    """Create a DRAFT document with its lines and the next number of its yearly series.

    With an ``idempotency_key`` that was used before, the existing document is returned.
    A BUILD document's lines come from the assembly's bill of materials; without a
    ``source_location`` its components are taken from the bins of ``source_warehouse``
    that hold them (most stock first), each line with its own ``from_location``.
    """
    if doc_type not in DocumentType.values:
        raise StockError(f"Unknown document type '{doc_type}'.")
    idempotency_key = idempotency_key or None
    if idempotency_key:
        existing = StockDocument.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if doc_type == DocumentType.BUILD:
        build_quantity, normalised = _build_lines(
            build_part=build_part,
            build_quantity=build_quantity,
            source_location=source_location,
            destination_location=destination_location,
            source_warehouse=source_warehouse,
        )
        destination_location = normalised[-1].to_location
    else:
        build_part, build_quantity = None, None
        normalised = _normalise_lines(
            doc_type=doc_type,
            lines=lines,
            source_location=source_location,
            destination_location=destination_location,
        )
    document = StockDocument(
        doc_type=doc_type,
        source_location=source_location,
        destination_location=destination_location,
        build_part=build_part,
        build_quantity=build_quantity,
        partner=partner,
        external_reference=external_reference,
        note=note,
        idempotency_key=idempotency_key,
        created_by=_actor(user),
    )
    _set_header_warehouses(document, normalised)
    try:
        with transaction.atomic():
            document.number = _next_document_number(doc_type=doc_type, year=timezone.now().year)
            document.save()
    except IntegrityError:
        existing = (
            StockDocument.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if existing is None:
            raise
        return existing
    DocumentLine.objects.bulk_create(_line_rows(document, normalised))
    return document


def _actor(user: Any) -> Any:
    """The user to record, or None for a job or command acting without a saved user."""
    return user if getattr(user, "pk", None) else None


def _stamp(document: StockDocument, status: str, user: Any, event: str) -> None:
    """Move a locked document to ``status``, recording who and when as ``<event>_by/_at``."""
    document.status = status
    setattr(document, f"{event}_by", _actor(user))
    setattr(document, f"{event}_at", timezone.now())
    document.save(update_fields=["status", f"{event}_by", f"{event}_at"])


def _lock_draft(document: StockDocument, action: str) -> StockDocument:
    locked = StockDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.DRAFT:
        raise DocumentStateError(
            f"{locked.number} is {locked.get_status_display().lower()}; "
            f"only drafts can be {action}."
        )
    return locked


@transaction.atomic
def document_update(
    *,
    document: StockDocument,
    lines: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> StockDocument:
    """Change a draft's header fields and, when ``lines`` is given, replace its lines."""
    locked = _lock_draft(document, "edited")
    allowed = {
        "source_location",
        "destination_location",
        "partner",
        "external_reference",
        "note",
        "build_part",
        "build_quantity",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise StockError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.doc_type == DocumentType.BUILD and (
        lines is not None or {"build_part", "build_quantity", "source_location"} & set(fields)
    ):
        locked.build_quantity, normalised = _build_lines(
            build_part=locked.build_part,
            build_quantity=locked.build_quantity,
            source_location=locked.source_location,
            destination_location=locked.destination_location,
            source_warehouse=locked.source_warehouse,
        )
        locked.destination_location = normalised[-1].to_location
    elif lines is not None:
        normalised = _normalise_lines(
            doc_type=locked.doc_type,
            lines=lines,
            source_location=locked.source_location,
            destination_location=locked.destination_location,
        )
    else:
        normalised = None
    if normalised is not None:
        _set_header_warehouses(locked, normalised)
        locked.lines.all().delete()
        DocumentLine.objects.bulk_create(_line_rows(locked, normalised))
    locked.save()
    return locked


def document_update_lines(*, document: StockDocument, lines: list[dict[str, Any]]) -> StockDocument:
    """Replace the lines of a draft."""
    return document_update(document=document, lines=lines)


@transaction.atomic
def document_discard(*, document: StockDocument, user: Any) -> StockDocument:
    """Discard a draft: it becomes CANCELLED and keeps its number.

    Documents are never deleted, so every number of a yearly series stays accounted for;
    a draft moved no stock, so there is nothing to reverse.
    """
    locked = _lock_draft(document, "discarded")
    _stamp(locked, DocumentStatus.CANCELLED, user, "cancelled")
    return locked


# --------------------------------------------------------------------------- posting
#
# Posting is the hot path (the benchmark wants 1,000 lines/s on two cores), so it works on ids
# and plain values rather than model instances, and the three statements that touch the stock
# rows (find, lock, update) are written as SQL: row-value IN lists cost Django's ORM more to
# build than PostgreSQL takes to run them. Everything stays inside the caller's transaction.


@dataclass
class _Change:
    line_id: int | None
    location_id: int
    part_id: int
    quantity: Decimal  # signed; for a count: the counted quantity until resolved
    is_count: bool = False
    is_receipt: bool = False
    unit_cost: Decimal | None = None


@dataclass
class _Line:
    id: int
    position: int
    part_id: int
    quantity: Decimal
    from_location_id: int | None
    to_location_id: int | None
    unit_cost: Decimal | None


_VERB = {
    DocumentType.ISSUE: "issue",
    DocumentType.TRANSFER: "transfer",
    DocumentType.BUILD: "consume",
    DocumentType.ADJUSTMENT: "adjust",
    DocumentType.RECEIPT: "take back",
}


def _skus(part_ids: Iterable[int]) -> dict[int, str]:
    return dict(Part.objects.filter(pk__in=set(part_ids)).values_list("pk", "sku"))


def _location_names(location_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        (pk, f"{warehouse}/{code}")
        for pk, warehouse, code in Location.objects.filter(pk__in=set(location_ids)).values_list(
            "pk", "warehouse__code", "code"
        )
    )


def _document_lines(document: StockDocument) -> list[_Line]:
    return [
        _Line(*row)
        for row in document.lines.order_by("position", "id").values_list(
            "id",
            "position",
            "part_id",
            "quantity",
            "from_location_id",
            "to_location_id",
            "unit_cost",
        )
    ]


def _changes_for(document: StockDocument, lines: list[_Line]) -> list[_Change]:
    """Turn the lines into signed per-location changes, checking each line's shape again.

    Drafts can be edited in the admin too, so posting re-checks what the services checked.
    """
    problems: list[tuple[_Line, str]] = []
    changes: list[_Change] = []
    doc_type = document.doc_type
    for line in lines:
        if doc_type == DocumentType.ADJUSTMENT:
            location_id = line.to_location_id or line.from_location_id
            if location_id is None:
                problems.append((line, "no location to count at"))
                continue
            changes.append(
                _Change(
                    line.id,
                    location_id,
                    line.part_id,
                    line.quantity,
                    is_count=True,
                    unit_cost=line.unit_cost,
                )
            )
            continue
        if line.quantity <= 0:
            problems.append((line, "the quantity must be greater than 0"))
            continue
        wants_from = doc_type in (DocumentType.ISSUE, DocumentType.TRANSFER)
        wants_to = doc_type in (DocumentType.RECEIPT, DocumentType.TRANSFER)
        if doc_type == DocumentType.BUILD:
            wants_from = line.part_id != document.build_part_id
            wants_to = not wants_from
        if wants_from and line.from_location_id is None:
            problems.append((line, "no location to take it from"))
            continue
        if wants_to and line.to_location_id is None:
            problems.append((line, "no location to put it in"))
            continue
        if wants_from:
            changes.append(_Change(line.id, line.from_location_id, line.part_id, -line.quantity))
        if wants_to:
            changes.append(
                _Change(
                    line.id,
                    line.to_location_id,
                    line.part_id,
                    line.quantity,
                    is_receipt=doc_type in (DocumentType.RECEIPT, DocumentType.BUILD),
                    unit_cost=line.unit_cost,
                )
            )
    errors = []
    if problems:
        skus = _skus(line.part_id for line, _ in problems)
        errors = [
            f"Line {line.position or line.id} ({skus.get(line.part_id, line.part_id)}): {text}."
            for line, text in problems
        ]
    if not lines:
        errors.append(f"{document.number} has no lines to post.")
    elif doc_type == DocumentType.BUILD:
        errors.extend(_build_mismatches(document, lines))
    if errors:
        raise StockError(errors)
    return changes


def _build_mismatches(document: StockDocument, lines: list[_Line]) -> list[str]:
    """A BUILD posts exactly N assemblies in and N × its bill of materials out.

    Lines are written by the services from the BOM, but a draft can be edited in the admin and
    the BOM can change after the draft was made: posting compares again, so no assembly is
    ever made from nothing and no component disappears without one.
    """
    if document.build_part_id is None:
        return [f"{document.number} is a build without the assembly to build."]
    quantity = document.build_quantity
    if quantity is None or quantity <= 0 or quantity != quantity.to_integral_value():
        return [f"{document.number}: the build quantity must be a whole number above 0."]
    expected: dict[int, Decimal] = {document.build_part_id: quantity}
    for component_id, per_unit in BomLine.objects.filter(
        assembly_id=document.build_part_id, optional=False
    ).values_list("component_id", "quantity"):
        expected[component_id] = expected.get(component_id, Decimal(0)) + per_unit * quantity
    found: dict[int, Decimal] = {}
    for line in lines:
        found[line.part_id] = found.get(line.part_id, Decimal(0)) + line.quantity
    if found == expected:
        return []
    skus = _skus(set(expected) | set(found))
    differences = [
        f"{skus.get(part_id, part_id)} {format_quantity(expected.get(part_id, Decimal(0)))} "
        f"expected, {format_quantity(found.get(part_id, Decimal(0)))} on the lines"
        for part_id in sorted(set(expected) | set(found), key=lambda pk: skus.get(pk, ""))
        if expected.get(part_id) != found.get(part_id)
    ]
    return [
        f"{document.number}: the lines are not {format_quantity(quantity)} × the bill of "
        f"materials of {skus.get(document.build_part_id)} ({'; '.join(differences)}). "
        "Edit the draft to take its lines from the current bill of materials."
    ]


def _pairs_sql(keys: list[tuple[int, int]]) -> tuple[str, list[int]]:
    return ", ".join(["(%s, %s)"] * len(keys)), [value for key in keys for value in key]


def _lock_levels(
    keys: set[tuple[int, int]],
) -> tuple[dict[tuple[int, int], list], dict[int, Decimal]]:
    """Create missing stock rows, then lock all of them in (part, location) order.

    Returns ({(part_id, location_id): [level id, quantity]}, {part_id: unit cost}), the cost
    being the moving average or, before the first receipt, the part's standard cost. Missing
    rows are inserted sorted and insert-or-ignore before any stock row is locked, so two
    postings that need the same new row wait for each other instead of failing or deadlocking;
    all rows are then locked by one statement in one global order, so postings can wait for
    each other but never in a cycle.
    """
    if not keys:
        return {}, {}
    ordered = sorted(keys)
    quote = connection.ops.quote_name
    levels = quote(StockLevel._meta.db_table)
    pairs, params = _pairs_sql(ordered)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT part_id, location_id FROM {levels} "
            f"WHERE (part_id, location_id) IN (VALUES {pairs})",
            params,
        )
        existing = set(cursor.fetchall())
    missing = [key for key in ordered if key not in existing]
    if missing:
        now = timezone.now()
        StockLevel.objects.bulk_create(
            [
                StockLevel(part_id=p, location_id=loc, quantity=ZERO, updated_at=now)
                for p, loc in missing
            ],
            ignore_conflicts=True,
        )
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.part_id, s.location_id, s.id, s.quantity, p.unit_cost, "
            f"v.average_unit_cost FROM {levels} s "
            f"JOIN {quote(Part._meta.db_table)} p ON p.id = s.part_id "
            f"LEFT JOIN {quote(PartValuation._meta.db_table)} v ON v.part_id = s.part_id "
            f"WHERE (s.part_id, s.location_id) IN (VALUES {pairs}) "
            f"ORDER BY s.part_id, s.location_id{lock}",
            params,
        )
        rows = cursor.fetchall()
    costs = {p: _decimal(average if average is not None else cost) for p, *_, cost, average in rows}
    return {(p, loc): [pk, _decimal(quantity)] for p, loc, pk, quantity, _, _ in rows}, costs


def _decimal(value: Any) -> Decimal:
    # SQLite hands numbers back as int/float/str; PostgreSQL as Decimal.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _write_levels(new_quantities: dict[int, Decimal], now: Any) -> None:
    """One UPDATE for all changed stock rows (the rows are locked by _lock_levels)."""
    if not new_quantities:
        return
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    cases = " ".join(["WHEN %s THEN CAST(%s AS NUMERIC(16, 4))"] * len(new_quantities))
    ids = list(new_quantities)
    params: list[Any] = [v for pk in ids for v in (pk, new_quantities[pk])]
    params.append(now)
    params.extend(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET quantity = CASE id {cases} END, updated_at = %s "
            f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
            params,
        )


MOVE_COLUMNS = (
    "document_id",
    "line_id",
    "location_id",
    "part_id",
    "quantity",
    "balance_after",
    "unit_cost",
    "user_id",
    "created_at",
)


def _insert_moves(moves: list[tuple]) -> None:
    """Append the moves to the ledger in one INSERT."""
    if not moves:
        return
    row = "(" + ", ".join(["%s"] * len(MOVE_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(StockMove._meta.db_table)} "
            f"({', '.join(MOVE_COLUMNS)}) VALUES {', '.join([row] * len(moves))}",
            [value for move in moves for value in move],
        )


def _lock_valuations(part_ids: set[int]) -> dict[int, Decimal]:
    """Lock the valuation rows of received parts (after the stock rows, in part order, as in
    every posting) and return their current average costs."""
    standard = dict(Part.objects.filter(pk__in=part_ids).values_list("pk", "unit_cost"))
    PartValuation.objects.bulk_create(
        [PartValuation(part_id=pk, average_unit_cost=standard[pk]) for pk in sorted(part_ids)],
        ignore_conflicts=True,
    )
    return dict(
        PartValuation.objects.select_for_update()
        .filter(part_id__in=part_ids)
        .order_by("part_id")
        .values_list("part_id", "average_unit_cost")
    )


def _update_averages(
    receipts: list[_Change], costs: dict[int, Decimal], levels_before: dict[int, Decimal]
) -> None:
    """Moving average per received part: (old qty × old cost + qty × cost) / (old qty + qty)."""
    changed: dict[int, Decimal] = {}
    on_hand = dict(levels_before)
    for change in receipts:
        part_id = change.part_id
        old_quantity = max(on_hand.get(part_id, ZERO), ZERO)
        old_cost = costs[part_id]
        total = old_quantity + change.quantity
        if total > 0:
            average = (old_quantity * old_cost + change.quantity * change.unit_cost) / total
            costs[part_id] = average.quantize(COST_PLACES, rounding=ROUND_HALF_UP)
        on_hand[part_id] = total
        changed[part_id] = costs[part_id]
    now = timezone.now()
    for part_id, cost in changed.items():
        PartValuation.objects.filter(part_id=part_id).update(average_unit_cost=cost, updated_at=now)


def _apply(
    *,
    document: StockDocument,
    user: Any,
    changes: list[_Change],
    message_for: Any,
    error_class: type[InsufficientStockError],
) -> list[tuple]:
    """Lock, check every change, then write the new balances and one move per change."""
    levels, costs = _lock_levels({(c.part_id, c.location_id) for c in changes})
    # Counted stock found with a unit cost (opening balances) is valued like a receipt.
    valued = {
        c.part_id for c in changes if c.is_receipt or (c.is_count and c.unit_cost is not None)
    }
    if valued:
        costs.update(_lock_valuations(valued))

    balances = {key: level[1] for key, level in levels.items()}
    short: list[tuple[_Change, Decimal, Decimal]] = []
    for change in changes:
        key = (change.part_id, change.location_id)
        before = balances[key]
        if change.is_count:
            change.quantity = change.quantity - before
        after = before + change.quantity
        if after < 0:
            short.append((change, -change.quantity, max(before, ZERO)))
        balances[key] = after
    if short:
        skus = _skus(c.part_id for c, _, _ in short)
        places = _location_names(c.location_id for c, _, _ in short)
        shortages = [
            {
                "part": skus[c.part_id],
                "location": places[c.location_id],
                "requested": format_quantity(requested),
                "available": format_quantity(available),
            }
            for c, requested, available in short
        ]
        raise error_class([message_for(**s) for s in shortages], shortages)

    for change in changes:
        if change.is_count and change.quantity <= 0:
            change.unit_cost = None  # a shortfall leaves at the average cost
    receipts = [
        c
        for c in changes
        if c.is_receipt or (c.is_count and c.unit_cost is not None and c.quantity > 0)
    ]
    if receipts:
        # BUILD: the assemblies are valued at the average cost of what they consumed.
        if document.doc_type == DocumentType.BUILD:
            consumed = sum(
                (-c.quantity * costs[c.part_id] for c in changes if c.quantity < 0), ZERO
            )
            for change in receipts:
                change.unit_cost = consumed / change.quantity
        for change in receipts:
            if change.unit_cost is None:
                change.unit_cost = costs[change.part_id]
        on_hand = dict(
            StockLevel.objects.filter(part_id__in={c.part_id for c in receipts})
            .values("part_id")
            .annotate(total=Sum("quantity"))
            .values_list("part_id", "total")
        )
        _update_averages(receipts, costs, on_hand)

    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    user_id = getattr(user, "pk", None)
    running = {key: level[1] for key, level in levels.items()}
    moves: list[tuple] = []
    for change in changes:
        if change.quantity == 0:
            continue
        key = (change.part_id, change.location_id)
        running[key] += change.quantity
        cost = change.unit_cost if change.unit_cost is not None else costs[change.part_id]
        moves.append(
            (
                document.pk,
                change.line_id,
                change.location_id,
                change.part_id,
                change.quantity,
                running[key],
                cost.quantize(COST_PLACES, rounding=ROUND_HALF_UP),
                user_id,
                stamp,
            )
        )
    new_quantities = {
        level[0]: running[key] for key, level in levels.items() if running[key] != level[1]
    }
    try:
        # No savepoint: on an error the whole posting rolls back anyway.
        _write_levels(new_quantities, stamp)
        _insert_moves(moves)
    except IntegrityError as exc:
        # The CHECK constraint is the last line of defence; say it in words.
        raise StockError(
            f"{document.number} would leave a stock level below zero; nothing was posted."
        ) from exc
    return moves


def _shortage_message(document: StockDocument) -> Any:
    verb = _VERB.get(document.doc_type, "move")

    def message(*, part: str, location: str, requested: str, available: str) -> str:
        return f"Cannot {verb} {requested} × {part} from {location}: {available} available."

    return message


def _cancel_message(document: StockDocument) -> Any:
    def message(*, part: str, location: str, requested: str, available: str) -> str:
        return (
            f"Cannot cancel {document.number}: the {requested} × {part} it put into "
            f"{location} have since been used ({available} left)."
        )

    return message


def _record_failure(document: StockDocument, action: str, exc: StockError) -> None:
    metrics.DOCUMENT_POST_FAILURES.labels(reason=exc.reason).inc()
    logger.warning(
        "stock document %s refused: %s",
        action,
        "; ".join(exc.messages),
        extra={
            "event": f"document_{action}_refused",
            "document_id": document.pk,
            "document_number": document.number,
            "doc_type": document.doc_type,
            "reason": exc.reason,
        },
    )


@transaction.atomic
def document_post(*, document: StockDocument, user: Any) -> StockDocument:
    """Post a draft: all its movements or none. Raises InsufficientStockError (409) on shortage."""
    try:
        locked = _lock_draft(document, "posted")
        lines = _document_lines(locked)
        changes = _changes_for(locked, lines)
        moves = _apply(
            document=locked,
            user=user,
            changes=changes,
            message_for=_shortage_message(locked),
            error_class=InsufficientStockError,
        )
        _stamp(locked, DocumentStatus.POSTED, user, "posted")
    except StockError as exc:
        _record_failure(document, "post", exc)
        raise
    metrics.DOCUMENTS_POSTED.labels(doc_type=locked.doc_type).inc()
    metrics.DOCUMENT_LINES_POSTED.inc(len(lines))
    logger.info(
        "stock document posted",
        extra={
            "event": "document_posted",
            "document_id": locked.pk,
            "document_number": locked.number,
            "doc_type": locked.doc_type,
            "lines": len(lines),
            "moves": len(moves),
            "user": getattr(user, "pk", None),
        },
    )
    return locked


@transaction.atomic
def document_cancel(*, document: StockDocument, user: Any) -> StockDocument:
    """Cancel a posted document by posting the exact reverse of its moves.

    Refused (CancelRefusedError, 409) when the stock it brought in has since been used.
    The moving-average cost is not rewound: later receipts were valued against it.
    """
    try:
        locked = StockDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != DocumentStatus.POSTED:
            raise DocumentStateError(
                f"{locked.number} is {locked.get_status_display().lower()}; "
                "only posted documents can be cancelled."
            )
        changes = [
            _Change(line_id, location_id, part_id, -quantity, unit_cost=unit_cost)
            for line_id, location_id, part_id, quantity, unit_cost in locked.moves.order_by(
                "-id"
            ).values_list("line_id", "location_id", "part_id", "quantity", "unit_cost")
        ]
        reverse = _apply(
            document=locked,
            user=user,
            changes=changes,
            message_for=_cancel_message(locked),
            error_class=CancelRefusedError,
        )
        _stamp(locked, DocumentStatus.CANCELLED, user, "cancelled")
    except StockError as exc:
        _record_failure(document, "cancel", exc)
        raise
    metrics.DOCUMENTS_CANCELLED.labels(doc_type=locked.doc_type).inc()
    logger.info(
        "stock document cancelled",
        extra={
            "event": "document_cancelled",
            "document_id": locked.pk,
            "document_number": locked.number,
            "doc_type": locked.doc_type,
            "moves": len(reverse),
            "user": getattr(user, "pk", None),
        },
    )
    return locked


# --------------------------------------------------------------------------- verification


def stock_verify(*, triggered_by: str = "schedule", job_id: str | None = None) -> StockVerification:
    """Recompute every balance from the ledger, record the result and export the gauge.

    With a ``job_id`` (the Celery task id) the result is written once per job: a task that is
    redelivered after its worker died having already written returns the stored result.
    """
    if job_id:
        existing = StockVerification.objects.filter(job_id=job_id).first()
        if existing is not None:
            return existing
    started_at = timezone.now()
    checked, mismatches = stock_ledger_mismatches()
    try:
        with transaction.atomic():
            verification = StockVerification.objects.create(
                started_at=started_at,
                finished_at=timezone.now(),
                levels_checked=checked,
                mismatch_count=len(mismatches),
                mismatches=mismatches[:500],
                triggered_by=triggered_by,
                job_id=job_id or None,
            )
    except IntegrityError:
        # Two deliveries of one job raced; the other wrote first.
        return StockVerification.objects.get(job_id=job_id)
    metrics.STOCK_VERIFY_MISMATCHES.set(len(mismatches))
    return verification


# --------------------------------------------------------------------------- import

IMPORT_COLUMNS = ("warehouse", "location", "sku", "quantity", "unit_cost")


def _read_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("warehouse", "sku", "quantity") if name not in header]
    if missing:
        raise StockImportError(
            f"The file needs the columns {', '.join(IMPORT_COLUMNS)}; "
            f"missing: {', '.join(missing)}."
        )
    reader.fieldnames = header
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@transaction.atomic
def stock_import_csv(*, text: str, user: Any, note: str = "", post: bool = True) -> StockDocument:
    """Opening balances from CSV as one ADJUSTMENT document: every row is right, or nothing.

    Columns: warehouse (code), location (code; empty = the receiving location), sku,
    quantity (the counted quantity), unit_cost (optional). Errors name each bad row.
    """
    rows = _read_rows(text)
    if not rows:
        raise StockImportError("The file has no rows.")
    warehouses = {w.code.lower(): w for w in Warehouse.objects.all()}
    skus = {row.get("sku", "").lower() for row in rows}
    parts = {p.sku.lower(): p for p in Part.objects.filter(sku__in={r["sku"] for r in rows})}
    if len(parts) < len(skus):
        for part in Part.objects.all().only("pk", "sku", "unit_cost"):
            if part.sku.lower() in skus:
                parts.setdefault(part.sku.lower(), part)
    locations = {
        (loc.warehouse_id, loc.code.lower()): loc
        for loc in Location.objects.filter(warehouse__in=warehouses.values())
    }
    errors: list[str] = []
    lines: list[dict[str, Any]] = []
    seen: dict[tuple[int, int], int] = {}
    for number, row in enumerate(rows, start=2):
        label = f"Row {number}"
        warehouse = warehouses.get(row.get("warehouse", "").lower())
        if warehouse is None:
            errors.append(f"{label}: unknown warehouse '{row.get('warehouse', '')}'.")
            continue
        code = row.get("location", "")
        if code:
            location = locations.get((warehouse.pk, code.lower()))
        else:
            location = default_receiving_location(warehouse=warehouse)
        if location is None:
            errors.append(f"{label}: unknown location '{code}' in {warehouse.code}.")
            continue
        part = parts.get(row.get("sku", "").lower())
        if part is None:
            errors.append(f"{label}: unknown SKU '{row.get('sku', '')}'.")
            continue
        try:
            quantity = _as_decimal(row.get("quantity", ""), label)
            cost_text = row.get("unit_cost", "")
            unit_cost = _as_decimal(cost_text, label) if cost_text else None
        except StockError as exc:
            errors.extend(exc.messages)
            continue
        if quantity < 0:
            errors.append(f"{label}: the quantity of {part.sku} cannot be negative.")
            continue
        if unit_cost is not None and unit_cost < 0:
            errors.append(f"{label}: the unit cost of {part.sku} cannot be negative.")
            continue
        key = (part.pk, location.pk)
        if key in seen:
            errors.append(f"{label}: {part.sku} at {location} is already on row {seen[key]}.")
            continue
        seen[key] = number
        lines.append(
            {"part": part, "quantity": quantity, "to_location": location, "unit_cost": unit_cost}
        )
    if errors:
        raise StockImportError(errors)
    document = document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=user,
        lines=lines,
        note=note or "Opening balances imported from CSV.",
    )
    if post:
        document = document_post(document=document, user=user)
    return document
