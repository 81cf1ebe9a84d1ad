"""Stock documents while they are drafts: numbers, lines checked against the type, create,
update and discard.

Every way of writing a draft (pages, API, admin, planner, import) goes through
``document_check`` (the lines a document of its type needs, checked and completed from the
header) and ``document_save`` (the one write); ``document_create`` and ``document_update`` are
the two together. Only drafts change: ``draft_check`` is the one check of that rule.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.numbers import format_quantity, parse_decimal
from inventory.models import BomLine, Part
from warehouse.choices import DOCUMENT_NUMBER_PREFIX, DocumentStatus, DocumentType
from warehouse.models import (
    DocumentLine,
    DocumentSequence,
    Location,
    StockDocument,
    StockLevel,
    Warehouse,
)
from warehouse.services.errors import DocumentStateError, InsufficientStockError, StockError
from warehouse.services.warehouses import default_receiving_location

# The header fields a draft's editor may change (the type and the key are fixed at creation).
EDITABLE_HEADER_FIELDS = frozenset(StockDocument.HEADER_FIELDS) - {"doc_type"}
# A BUILD's lines are derived from these: changing one rewrites them.
BUILD_FIELDS = frozenset({"build_part", "build_quantity", "source_location"})


# --------------------------------------------------------------------------- numbering


# A new document is written under a pending number (unique, never shown once its transaction
# commits) and takes its real one last, so the series row stays locked for milliseconds.
PENDING_NUMBER_PREFIX = "PENDING-"


def _pending_number() -> str:
    return f"{PENDING_NUMBER_PREFIX}{uuid.uuid4().hex[:24]}"


def _take_document_numbers(*, doc_type: str, year: int, count: int) -> list[str]:
    """Take the next ``count`` numbers of the (type, year) series; the row lock makes the
    series gap-free.

    The lock is held until the caller's transaction ends, so a rolled-back document gives its
    number back; callers take it as the last thing their transaction does (see
    ``documents_number``). Creating the series row survives a race: insert-or-ignore, then
    select.
    """
    sequences = DocumentSequence.objects.select_for_update()
    sequence = sequences.filter(doc_type=doc_type, year=year).first()
    if sequence is None:
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(doc_type=doc_type, year=year, last_number=0)],
            ignore_conflicts=True,
        )
        sequence = sequences.get(doc_type=doc_type, year=year)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    prefix = DOCUMENT_NUMBER_PREFIX[doc_type]
    return [f"{prefix}-{year}-{number:05d}" for number in range(first, first + count)]


def documents_number(*, documents: list[StockDocument]) -> None:
    """Give documents written under a pending number their real numbers, in creation order.

    Call it as the last write of the transaction that created them (a big import: after
    every document is written and posted), so the series row is locked only from here to the
    commit: every other creator of that type waits milliseconds, not for the whole import.
    Each series is locked once, series in (type, year) order, so two numbering transactions
    never wait for each other in a cycle. Numbers stay gap-free (a rollback gives them back)
    and unique (the database constraint).
    """
    pending = [d for d in documents if d.number.startswith(PENDING_NUMBER_PREFIX)]
    if not pending:
        return
    if connection.vendor == "postgresql":
        # PostgreSQL checks foreign keys at COMMIT (Django makes them deferrable): run those
        # checks now, before the lock, or a 100,000-row import holds the series for seconds.
        connection.check_constraints()
    by_series: dict[tuple[str, int], list[StockDocument]] = {}
    for document in sorted(pending, key=lambda d: d.pk):
        year = (document.created_at or timezone.now()).year
        by_series.setdefault((document.doc_type, year), []).append(document)
    for (doc_type, year), group in sorted(by_series.items()):
        numbers = _take_document_numbers(doc_type=doc_type, year=year, count=len(group))
        for document, number in zip(group, numbers, strict=True):
            document.number = number
    StockDocument.objects.bulk_update(pending, ["number"])


# --------------------------------------------------------------------------- lines


@dataclass
class DraftLine:
    """One checked line of a draft, its locations filled in from the header."""

    part: Part
    quantity: Decimal
    from_location: Location | None
    to_location: Location | None
    unit_cost: Decimal | None


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
) -> list[DraftLine]:
    """Check the lines of a document of this type and fill in the header's locations."""
    result: list[DraftLine] = []
    errors: list[str] = []
    counted: set[tuple[int, int]] = set()
    for number, raw in enumerate(lines, start=1):
        label = f"Line {number}"
        part = _as_instance(Part, raw.get("part"))
        if part is None:
            errors.append(f"{label}: choose a part.")
            continue
        try:
            quantity = parse_decimal(raw.get("quantity"), label, error=StockError)
            unit_cost = raw.get("unit_cost")
            if unit_cost not in (None, ""):
                unit_cost = parse_decimal(unit_cost, label, error=StockError)
            else:
                unit_cost = None
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
        result.append(DraftLine(part, quantity, from_location, to_location, unit_cost))
    if errors:
        raise StockError(errors)
    if not result:
        # Only a BUILD fills its lines itself (from the bill of materials).
        raise StockError({"lines": ["Add at least one line: a part and its quantity."]})
    return result


# --------------------------------------------------------------------------- builds


def build_first_hint(*, sku: str, is_assembly: bool) -> str:
    """What a refused BUILD adds after a missing component: a sub-assembly is built first."""
    return f" {sku} is a sub-assembly: build it first." if is_assembly else ""


def build_requirements(*, build_part_id: int, quantity: Decimal) -> list[tuple[Part, Decimal]]:
    """(component, N × per-unit quantity) for each non-optional line of the bill of materials,
    in BOM order: what building N assemblies consumes."""
    return [
        (row.component, row.quantity * quantity)
        for row in BomLine.objects.filter(assembly_id=build_part_id, optional=False)
        .select_related("component")
        .order_by("position", "id")
    ]


def _allocate_from_warehouse(
    *, warehouse: Warehouse, requirements: list[tuple[Part, Decimal]], build_part: Part
) -> list[DraftLine]:
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
    lines: list[DraftLine] = []
    errors: list[str] = []
    for part, needed in requirements:
        available = sum((quantity for _, quantity in stock[part.pk]), Decimal("0"))
        if available < needed:
            hint = build_first_hint(sku=part.sku, is_assembly=part.is_assembly)
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
            lines.append(DraftLine(part, take, location, None, None))
            remaining -= take
    if errors:
        raise InsufficientStockError(errors, [])
    return lines


def build_quantity_check(value: Any) -> Decimal:
    """A BUILD's quantity: a whole number above 0 (assemblies are built in whole units)."""
    quantity = parse_decimal(value, "Build quantity", error=StockError)
    if quantity <= 0:
        raise StockError("The build quantity must be greater than 0.")
    if quantity != quantity.to_integral_value():
        raise StockError(
            f"Build quantity: '{value}' is not a whole number; assemblies are built in whole units."
        )
    return quantity


def _build_lines(document: StockDocument) -> list[DraftLine]:
    """The lines of a BUILD: each non-optional component × N out, N assemblies in.

    Components come from the header's ``source_location``, or, without one, from wherever
    ``source_warehouse`` holds them (each line then carries its own bin). Completes the
    header: the normalised quantity and the location the assemblies go to.
    """
    build_part = document.build_part
    if build_part is None:
        raise StockError("A build document needs the assembly to build.")
    quantity = build_quantity_check(document.build_quantity)
    source_location, source_warehouse = document.source_location, document.source_warehouse
    if source_location is None and source_warehouse is None:
        raise StockError("A build document needs the location the components come from.")
    requirements = build_requirements(build_part_id=build_part.pk, quantity=quantity)
    if not requirements:
        raise StockError(f"{build_part.sku} has no bill of materials to build from.")
    destination = document.destination_location or source_location
    if destination is None:
        destination = default_receiving_location(warehouse=source_warehouse)
    if source_location is not None:
        lines = [
            DraftLine(component, needed, source_location, None, None)
            for component, needed in requirements
        ]
    else:
        lines = _allocate_from_warehouse(
            warehouse=source_warehouse, requirements=requirements, build_part=build_part
        )
    lines.append(DraftLine(build_part, quantity, None, destination, None))
    document.build_quantity, document.destination_location = quantity, destination
    return lines


# --------------------------------------------------------------------------- check and save


def _warehouse_of(locations: Iterable[Location | None]) -> Warehouse | None:
    warehouses = {location.warehouse_id for location in locations if location is not None}
    if len(warehouses) == 1:
        return Warehouse.objects.get(pk=warehouses.pop())
    return None


def document_line_count_check(*, count: int) -> None:
    """Refuse a document of more than ``DOCUMENT_MAX_LINES`` lines (a 400 naming the limit),
    so no single posting locks and writes an unbounded number of rows."""
    limit = settings.DOCUMENT_MAX_LINES
    if count > limit:
        raise StockError(
            f"A document can have at most {limit:,} lines (setting DOCUMENT_MAX_LINES); "
            f"this one has {count:,}. Split it into several documents."
        )


def document_check(*, document: StockDocument, lines: list[dict[str, Any]]) -> list[DraftLine]:
    """The checked lines of a draft with this header (a BUILD's from its bill of materials,
    ``lines`` ignored), completing the header from them; raises StockError. Writes no
    document (a warehouse without a receiving location gets its one, as everywhere)."""
    if document.doc_type not in DocumentType.values:
        raise StockError(f"Unknown document type '{document.doc_type}'.")
    document_line_count_check(count=len(lines))
    if document.doc_type == DocumentType.BUILD:
        checked = _build_lines(document)
        document_line_count_check(count=len(checked))
    else:
        document.build_part, document.build_quantity = None, None
        checked = _normalise_lines(
            doc_type=document.doc_type,
            lines=lines,
            source_location=document.source_location,
            destination_location=document.destination_location,
        )
    document.source_warehouse = (
        document.source_location.warehouse
        if document.source_location
        else _warehouse_of(line.from_location for line in checked)
    )
    document.destination_warehouse = (
        document.destination_location.warehouse
        if document.destination_location
        else _warehouse_of(line.to_location for line in checked)
    )
    return checked


LINE_COLUMNS = (
    "document_id",
    "part_id",
    "quantity",
    "from_location_id",
    "to_location_id",
    "unit_cost",
    "position",
    "is_count",
)
# Their PostgreSQL types, for the arrays of _insert_lines.
LINE_COLUMN_TYPES = (
    "bigint",
    "bigint",
    "numeric",
    "bigint",
    "bigint",
    "numeric",
    "integer",
    "boolean",
)


def _insert_lines(document: StockDocument, lines: list[DraftLine]) -> None:
    """Insert the draft's lines with one statement: on PostgreSQL from one array per column
    (no model instance per line, the same statement text at any size), elsewhere
    ``bulk_create``."""
    is_count = document.doc_type == DocumentType.ADJUSTMENT
    if connection.vendor != "postgresql":
        DocumentLine.objects.bulk_create(
            [
                DocumentLine(
                    document=document,
                    part=line.part,
                    quantity=line.quantity,
                    from_location=line.from_location,
                    to_location=line.to_location,
                    unit_cost=line.unit_cost,
                    position=position,
                    is_count=is_count,
                )
                for position, line in enumerate(lines, start=1)
            ]
        )
        return
    rows = [
        (
            document.pk,
            line.part.pk,
            line.quantity,
            line.from_location.pk if line.from_location is not None else None,
            line.to_location.pk if line.to_location is not None else None,
            line.unit_cost,
            position,
            is_count,
        )
        for position, line in enumerate(lines, start=1)
    ]
    if not rows:
        return
    arrays = ", ".join(f"%s::{kind}[]" for kind in LINE_COLUMN_TYPES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(DocumentLine._meta.db_table)} "
            f"({', '.join(LINE_COLUMNS)}) SELECT * FROM unnest({arrays})",
            [list(column) for column in zip(*rows, strict=True)],
        )


@transaction.atomic
def document_save(
    *,
    document: StockDocument,
    lines: list[DraftLine] | None,
    user: Any = None,
    number_later: bool = False,
) -> StockDocument:
    """Write a draft checked by ``document_check``: a new one gets ``user`` as its creator and
    the next number of its yearly series, taken after its lines are written (the series lock
    is the last one its transaction takes); an existing one must still be a draft. With
    ``lines`` (None: keep them) the draft's lines are replaced in one bulk insert.

    ``number_later``: a new document keeps its pending number; the caller gives it its real
    one with ``documents_number`` as the last write of its transaction (a big import)."""
    numbering = document.pk is None
    if numbering:
        document.created_by = _actor(user)
        document.number = _pending_number()
    else:
        lock_draft(document=document, action="edited")
    document.save()
    if lines is not None:
        if not numbering:
            document.lines.all().delete()
        _insert_lines(document, lines)
    if numbering and not number_later:
        documents_number(documents=[document])
    return document


@transaction.atomic
def document_create_once(
    *,
    doc_type: str,
    user: Any,
    lines: list[dict[str, Any]],
    source_warehouse: Warehouse | None = None,
    idempotency_key: str | None = None,
    number_later: bool = False,
    **header: Any,
) -> tuple[StockDocument, bool]:
    """``document_create``, saying whether the document was created (False: the
    ``idempotency_key`` was used before and its document is returned unchanged)."""
    idempotency_key = idempotency_key or None
    existing = _document_with_key(user, idempotency_key)
    if existing is not None:
        return existing, False
    document = StockDocument(
        doc_type=doc_type,
        source_warehouse=source_warehouse,
        idempotency_key=idempotency_key,
        **_header(header),
    )
    checked = document_check(document=document, lines=lines)
    try:
        with transaction.atomic():
            saved = document_save(
                document=document, lines=checked, user=user, number_later=number_later
            )
            return saved, True
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its document.
        existing = _document_with_key(user, idempotency_key)
        if existing is None:
            raise
        return existing, False


def _document_with_key(user: Any, idempotency_key: str | None) -> StockDocument | None:
    """The document ``user`` created with this key before (keys are scoped to their user)."""
    if not idempotency_key:
        return None
    return StockDocument.objects.filter(
        created_by=_actor(user), idempotency_key=idempotency_key
    ).first()


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
    number_later: bool = False,
) -> StockDocument:
    """Create a DRAFT document with its lines and the next number of its yearly series.

    With an ``idempotency_key`` that was used before, the existing document is returned.
    A BUILD document's lines come from the assembly's bill of materials; without a
    ``source_location`` its components are taken from the bins of ``source_warehouse``
    that hold them (most stock first), each line with its own ``from_location``.
    ``number_later``: see ``document_save``.
    """
    document, _ = document_create_once(
        doc_type=doc_type,
        user=user,
        lines=lines,
        source_location=source_location,
        destination_location=destination_location,
        build_part=build_part,
        build_quantity=build_quantity,
        source_warehouse=source_warehouse,
        partner=partner,
        external_reference=external_reference,
        note=note,
        idempotency_key=idempotency_key,
        number_later=number_later,
    )
    return document


def _header(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE_HEADER_FIELDS
    if unknown:
        raise StockError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    return fields


def _actor(user: Any) -> Any:
    """The user to record, or None for a job or command acting without a saved user."""
    return user if getattr(user, "pk", None) else None


def stamp(document: StockDocument, status: str, user: Any, event: str) -> None:
    """Move a locked document to ``status``, recording who and when as ``<event>_by/_at``."""
    document.status = status
    setattr(document, f"{event}_by", _actor(user))
    setattr(document, f"{event}_at", timezone.now())
    document.save(update_fields=["status", f"{event}_by", f"{event}_at"])


def draft_check(*, document: StockDocument, action: str) -> None:
    """The one check of "only drafts change", for pages, API, admin and posting alike:
    DocumentStateError (409) saying why ``action`` ("edited", "posted") cannot be done."""
    if not document.is_editable:
        raise DocumentStateError(
            f"{document.number} is {document.get_status_display().lower()} and read-only; "
            f"only drafts can be {action}."
        )


def lock_draft(*, document: StockDocument, action: str) -> StockDocument:
    """Lock the document's row and return it as stored, if it is still a draft."""
    locked = StockDocument.objects.select_for_update().get(pk=document.pk)
    draft_check(document=locked, action=action)
    return locked


@transaction.atomic
def document_update(
    *,
    document: StockDocument,
    lines: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> StockDocument:
    """Change a draft's header fields and, when ``lines`` is given, replace its lines.

    A BUILD's lines are taken again from the bill of materials when its assembly, quantity
    or source changes (or ``lines`` is given: what it holds is ignored).
    """
    locked = lock_draft(document=document, action="edited")
    for name, value in _header(fields).items():
        setattr(locked, name, value)
    refresh = lines is not None
    if locked.doc_type == DocumentType.BUILD:
        refresh = refresh or bool(BUILD_FIELDS & set(fields))
    checked = document_check(document=locked, lines=lines or []) if refresh else None
    return document_save(document=locked, lines=checked)


def document_update_lines(*, document: StockDocument, lines: list[dict[str, Any]]) -> StockDocument:
    """Replace the lines of a draft."""
    return document_update(document=document, lines=lines)


@transaction.atomic
def document_discard(*, document: StockDocument, user: Any) -> StockDocument:
    """Discard a draft: it becomes CANCELLED and keeps its number.

    Documents are never deleted, so every number of a yearly series stays accounted for;
    a draft moved no stock, so there is nothing to reverse.
    """
    locked = lock_draft(document=document, action="discarded")
    stamp(locked, DocumentStatus.CANCELLED, user, "cancelled")
    return locked
