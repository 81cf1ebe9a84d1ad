"""Posting and cancelling stock documents: the only way a stock level changes.

``document_post`` (and ``document_cancel``) runs in one transaction: it turns the lines into
signed per-location changes, locks the affected ``StockLevel`` rows in (part id, location id)
order so concurrent postings cannot deadlock, checks every change before writing anything,
values the receipts (moving-average cost) and writes the new balances and one ``StockMove`` per
change.

Posting is the hot path (the benchmark wants 1,000 lines/s on two cores), so it works on ids
and plain values rather than model instances, and the three statements that touch the stock
rows (find, lock, update) are written as SQL: row-value IN lists cost Django's ORM more to
build than PostgreSQL takes to run them. Everything stays inside the caller's transaction.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from config.numbers import FOUR_PLACES, format_quantity, from_db
from inventory.models import Part
from warehouse import metrics
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import Location, PartValuation, StockDocument, StockLevel, StockMove
from warehouse.revisions import STOCK
from warehouse.services.documents import (
    build_first_hint,
    build_requirements,
    lock_draft,
    stamp,
)
from warehouse.services.errors import (
    CancelRefusedError,
    DocumentStateError,
    InsufficientStockError,
    StockError,
)

logger = logging.getLogger("partline.warehouse")

ZERO = Decimal("0")


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


@dataclass(frozen=True)
class _Refusal:
    """How a posting or a cancelling says that stock is short."""

    error_class: type[InsufficientStockError]
    # (part sku, location, requested, available, part is an assembly) -> message
    message: Callable[[str, str, str, str, bool], str]


_VERB = {
    DocumentType.ISSUE: "issue",
    DocumentType.TRANSFER: "transfer",
    DocumentType.BUILD: "consume",
    DocumentType.ADJUSTMENT: "adjust",
    DocumentType.RECEIPT: "take back",
}


# --------------------------------------------------------------------------- changes


def _parts(part_ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """{part id: (sku, is_assembly)}."""
    return {
        pk: (sku, is_assembly)
        for pk, sku, is_assembly in Part.objects.filter(pk__in=set(part_ids)).values_list(
            "pk", "sku", "is_assembly"
        )
    }


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

    The services wrote the lines, but a BUILD's bill of materials can change after its draft
    was made and a line's part or location can be changed in the database: posting re-checks.
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
        parts = _parts(line.part_id for line, _ in problems)
        errors = [
            f"Line {line.position or line.id} "
            f"({parts.get(line.part_id, (line.part_id,))[0]}): {text}."
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

    The BOM can change after the draft was made: posting compares again, so no assembly is
    ever made from nothing and no component disappears without one.
    """
    if document.build_part_id is None:
        return [f"{document.number} is a build without the assembly to build."]
    quantity = document.build_quantity
    if quantity is None or quantity <= 0 or quantity != quantity.to_integral_value():
        return [f"{document.number}: the build quantity must be a whole number above 0."]
    expected: dict[int, Decimal] = {document.build_part_id: quantity}
    for component, needed in build_requirements(
        build_part_id=document.build_part_id, quantity=quantity
    ):
        expected[component.pk] = expected.get(component.pk, ZERO) + needed
    found: dict[int, Decimal] = {}
    for line in lines:
        found[line.part_id] = found.get(line.part_id, ZERO) + line.quantity
    if found == expected:
        return []
    skus = {pk: sku for pk, (sku, _) in _parts(set(expected) | set(found)).items()}
    differences = [
        f"{skus.get(part_id, part_id)} {format_quantity(expected.get(part_id, ZERO))} "
        f"expected, {format_quantity(found.get(part_id, ZERO))} on the lines"
        for part_id in sorted(set(expected) | set(found), key=lambda pk: skus.get(pk, ""))
        if expected.get(part_id) != found.get(part_id)
    ]
    return [
        f"{document.number}: the lines are not {format_quantity(quantity)} × the bill of "
        f"materials of {skus.get(document.build_part_id)} ({'; '.join(differences)}). "
        "Edit the draft to take its lines from the current bill of materials."
    ]


# --------------------------------------------------------------------------- locking


def _keys_sql(keys: list[tuple[int, int]], alias: str) -> tuple[str, list[Any]]:
    """The (part_id, location_id) keys as a table ``alias`` to join: on PostgreSQL two array
    parameters (the same statement text at any size, nothing for the driver to split), elsewhere
    a VALUES list."""
    if connection.vendor == "postgresql":
        return (
            f"unnest(%s::bigint[], %s::bigint[]) AS {alias}(part_id, location_id)",
            [[p for p, _ in keys], [loc for _, loc in keys]],
        )
    values = ", ".join(["(%s, %s)"] * len(keys))
    return (
        f"(SELECT column1 AS part_id, column2 AS location_id FROM (VALUES {values})) AS {alias}",
        [value for key in keys for value in key],
    )


def _insert_missing_levels(missing: list[tuple[int, int]]) -> None:
    """Insert-or-ignore zero stock rows for these (part, location) keys, in key order."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        StockLevel.objects.bulk_create(
            [
                StockLevel(part_id=p, location_id=loc, quantity=ZERO, updated_at=now)
                for p, loc in missing
            ],
            ignore_conflicts=True,
        )
        return
    keys, params = _keys_sql(missing, "k")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(StockLevel._meta.db_table)} "
            "(part_id, location_id, quantity, updated_at) "
            f"SELECT k.part_id, k.location_id, 0, %s FROM {keys} "
            "ORDER BY k.part_id, k.location_id ON CONFLICT DO NOTHING",
            [now, *params],
        )


def _lock_levels(
    keys: set[tuple[int, int]],
) -> tuple[dict[tuple[int, int], list], dict[int, Decimal]]:
    """Create missing stock rows, then lock all of them in (part, location) order.

    Returns ({(part_id, location_id): [level id, quantity]}, {part_id: unit cost}), the cost
    being the moving average or, before the first receipt, the part's standard cost. Missing
    rows are inserted sorted and insert-or-ignore before any stock row is locked, so two
    postings that need the same new row wait for each other instead of failing or deadlocking;
    all rows are then locked by one statement in one global order, so postings can wait for
    each other but never in a cycle. Each statement's cost is linear in the keys (on
    PostgreSQL the keys travel as two arrays).
    """
    if not keys:
        return {}, {}
    ordered = sorted(keys)
    quote = connection.ops.quote_name
    levels = quote(StockLevel._meta.db_table)
    joined, params = _keys_sql(ordered, "k")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.part_id, s.location_id FROM {levels} s JOIN {joined} "
            "ON s.part_id = k.part_id AND s.location_id = k.location_id",
            params,
        )
        existing = set(cursor.fetchall())
    missing = [key for key in ordered if key not in existing]
    if missing:
        _insert_missing_levels(missing)
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.part_id, s.location_id, s.id, s.quantity, p.unit_cost, "
            f"v.average_unit_cost FROM {levels} s "
            f"JOIN {joined} ON s.part_id = k.part_id AND s.location_id = k.location_id "
            f"JOIN {quote(Part._meta.db_table)} p ON p.id = s.part_id "
            f"LEFT JOIN {quote(PartValuation._meta.db_table)} v ON v.part_id = s.part_id "
            f"ORDER BY s.part_id, s.location_id{lock}",
            params,
        )
        rows = cursor.fetchall()
    costs = {p: from_db(average if average is not None else cost) for p, *_, cost, average in rows}
    return {(p, loc): [pk, from_db(quantity)] for p, loc, pk, quantity, _, _ in rows}, costs


def _lock_valuations(part_ids: set[int]) -> dict[int, Decimal]:
    """Lock the valuation rows of received parts (after the stock rows, in part order, as in
    every posting) and return their current average costs. A part without one gets one at its
    standard cost first (insert-or-ignore)."""
    ordered = sorted(part_ids)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(PartValuation._meta.db_table)} "
                "(part_id, average_unit_cost, updated_at) "
                f"SELECT p.id, p.unit_cost, %s FROM {quote(Part._meta.db_table)} p "
                "WHERE p.id = ANY(%s::bigint[]) ORDER BY p.id ON CONFLICT DO NOTHING",
                [timezone.now(), ordered],
            )
            cursor.execute(
                f"SELECT v.part_id, v.average_unit_cost FROM "
                f"{quote(PartValuation._meta.db_table)} v WHERE v.part_id = ANY(%s::bigint[]) "
                "ORDER BY v.part_id FOR UPDATE",
                [ordered],
            )
            return {part_id: from_db(cost) for part_id, cost in cursor.fetchall()}
    standard = dict(Part.objects.filter(pk__in=part_ids).values_list("pk", "unit_cost"))
    PartValuation.objects.bulk_create(
        [PartValuation(part_id=pk, average_unit_cost=standard[pk]) for pk in ordered],
        ignore_conflicts=True,
    )
    return dict(
        PartValuation.objects.select_for_update()
        .filter(part_id__in=part_ids)
        .order_by("part_id")
        .values_list("part_id", "average_unit_cost")
    )


# --------------------------------------------------------------------------- check, value, write


def _check_changes(
    changes: list[_Change], levels: dict[tuple[int, int], list], refusal: _Refusal
) -> None:
    """Resolve counts into signed changes and refuse the lot if any balance would go below 0."""
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
    if not short:
        return
    parts = _parts(c.part_id for c, _, _ in short)
    places = _location_names(c.location_id for c, _, _ in short)
    shortages, messages = [], []
    for change, requested, available in short:
        sku, is_assembly = parts[change.part_id]
        row = {
            "part": sku,
            "location": places[change.location_id],
            "requested": format_quantity(requested),
            "available": format_quantity(available),
        }
        shortages.append(row)
        messages.append(refusal.message(*row.values(), is_assembly))
    raise refusal.error_class(messages, shortages)


def _value_changes(
    document: StockDocument, changes: list[_Change], costs: dict[int, Decimal]
) -> None:
    """Give every receipt its unit cost and move the average cost of each received part."""
    for change in changes:
        if change.is_count and change.quantity <= 0:
            change.unit_cost = None  # a shortfall leaves at the average cost
    receipts = [
        c
        for c in changes
        if c.is_receipt or (c.is_count and c.unit_cost is not None and c.quantity > 0)
    ]
    if not receipts:
        return
    # BUILD: the assemblies are valued at the average cost of what they consumed.
    if document.doc_type == DocumentType.BUILD:
        consumed = sum((-c.quantity * costs[c.part_id] for c in changes if c.quantity < 0), ZERO)
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
            costs[part_id] = average.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
        on_hand[part_id] = total
        changed[part_id] = costs[part_id]
    _write_averages(changed)


def _write_averages(costs: dict[int, Decimal]) -> None:
    """Write the new average costs (rows locked by _lock_valuations) in one statement on
    PostgreSQL, one prepared UPDATE per part elsewhere: linear in the parts, like the levels."""
    if not costs:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(PartValuation._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS v SET average_unit_cost = n.cost, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS n(part_id, cost) "
                "WHERE v.part_id = n.part_id",
                [now, list(costs), list(costs.values())],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET average_unit_cost = CAST(%s AS NUMERIC(14, 4)), "
                "updated_at = %s WHERE part_id = %s",
                [(cost, now, part_id) for part_id, cost in costs.items()],
            )


def _write_changes(
    *,
    document: StockDocument,
    user: Any,
    changes: list[_Change],
    levels: dict[tuple[int, int], list],
    costs: dict[int, Decimal],
) -> list[tuple]:
    """Write the new balances and one ledger move per change; return the moves."""
    stamp_at = connection.ops.adapt_datetimefield_value(timezone.now())
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
                cost.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP),
                user_id,
                stamp_at,
            )
        )
    new_quantities = {
        level[0]: running[key] for key, level in levels.items() if running[key] != level[1]
    }
    try:
        # No savepoint: on an error the whole posting rolls back anyway.
        _write_levels(new_quantities, stamp_at)
        _insert_moves(moves)
    except IntegrityError as exc:
        # The CHECK constraint is the last line of defence; say it in words.
        raise StockError(
            f"{document.number} would leave a stock level below zero; nothing was posted."
        ) from exc
    return moves


def _write_levels(new_quantities: dict[int, Decimal], now: Any) -> None:
    """Write the changed stock rows (locked by _lock_levels) at a cost linear in their number.

    PostgreSQL: one ``UPDATE … FROM unnest(ids, quantities)`` with two array parameters, so the
    statement's text and plan are the same at any size (a ``CASE id WHEN …`` with one branch per
    row took minutes to plan and JIT-compile at 100,000 rows). Other databases (SQLite): one
    prepared UPDATE executed per row.
    """
    if not new_quantities:
        return
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS s SET quantity = v.quantity, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, quantity) WHERE s.id = v.id",
                [now, list(new_quantities), list(new_quantities.values())],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET quantity = CAST(%s AS NUMERIC(16, 4)), updated_at = %s "
                "WHERE id = %s",
                [(quantity, now, pk) for pk, quantity in new_quantities.items()],
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
# Their PostgreSQL types, for the arrays of _insert_moves.
MOVE_COLUMN_TYPES = (
    "bigint",
    "bigint",
    "bigint",
    "bigint",
    "numeric",
    "numeric",
    "numeric",
    "bigint",
    "timestamptz",
)


def _insert_moves(moves: list[tuple]) -> None:
    """Append the moves to the ledger in one INSERT: on PostgreSQL from one array per column
    (the statement's text is the same at any size), elsewhere a VALUES list, in batches where
    the database limits the parameters of a statement (SQLite)."""
    if not moves:
        return
    table = connection.ops.quote_name(StockMove._meta.db_table)
    columns = ", ".join(MOVE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in MOVE_COLUMN_TYPES)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})",
                [list(column) for column in zip(*moves, strict=True)],
            )
            return
        row = "(" + ", ".join(["%s"] * len(MOVE_COLUMNS)) + ")"
        max_params = connection.features.max_query_params
        batch = max_params // len(MOVE_COLUMNS) if max_params else len(moves)
        for start in range(0, len(moves), batch):
            chunk = moves[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))}",
                [value for move in chunk for value in move],
            )


def _without_jit() -> None:
    """Keep PostgreSQL's JIT compiler out of this posting transaction (``SET LOCAL``: until
    its end). Posting's statements are short; compiling them cost more than running them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _apply(
    *, document: StockDocument, user: Any, changes: list[_Change], refusal: _Refusal
) -> list[tuple]:
    """Lock, check every change, value the receipts, then write balances and moves."""
    STOCK.bump()  # balances are written in bulk, without signals
    levels, costs = _lock_levels({(c.part_id, c.location_id) for c in changes})
    # Counted stock found with a unit cost (opening balances) is valued like a receipt.
    valued = {
        c.part_id for c in changes if c.is_receipt or (c.is_count and c.unit_cost is not None)
    }
    if valued:
        costs.update(_lock_valuations(valued))
    _check_changes(changes, levels, refusal)
    _value_changes(document, changes, costs)
    return _write_changes(document=document, user=user, changes=changes, levels=levels, costs=costs)


# --------------------------------------------------------------------------- post and cancel


def _post_refusal(document: StockDocument) -> _Refusal:
    verb = _VERB.get(document.doc_type, "move")
    hints = document.doc_type == DocumentType.BUILD

    def message(part: str, location: str, requested: str, available: str, assembly: bool) -> str:
        hint = build_first_hint(sku=part, is_assembly=assembly and hints)
        return f"Cannot {verb} {requested} × {part} from {location}: {available} available.{hint}"

    return _Refusal(InsufficientStockError, message)


def _cancel_refusal(document: StockDocument) -> _Refusal:
    def message(part: str, location: str, requested: str, available: str, assembly: bool) -> str:
        return (
            f"Cannot cancel {document.number}: the {requested} × {part} it put into "
            f"{location} have since been used ({available} left)."
        )

    return _Refusal(CancelRefusedError, message)


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
    _without_jit()
    try:
        locked = lock_draft(document=document, action="posted")
        lines = _document_lines(locked)
        changes = _changes_for(locked, lines)
        moves = _apply(document=locked, user=user, changes=changes, refusal=_post_refusal(locked))
        stamp(locked, DocumentStatus.POSTED, user, "posted")
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
    _without_jit()
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
            document=locked, user=user, changes=changes, refusal=_cancel_refusal(locked)
        )
        stamp(locked, DocumentStatus.CANCELLED, user, "cancelled")
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
