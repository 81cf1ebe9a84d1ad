"""Posting stock documents: receipts, issues, transfers, counts, builds, cancelling, numbering."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import AssemblyFactory, BomLineFactory, LocationFactory, PartFactory
from warehouse.choices import DocumentStatus, DocumentType, LocationKind
from warehouse.models import (
    DocumentLine,
    Location,
    PartValuation,
    StockDocument,
    StockLevel,
    StockMove,
)
from warehouse.services import (
    CancelRefusedError,
    DocumentStateError,
    InsufficientStockError,
    StockError,
    document_cancel,
    document_create,
    document_post,
    document_update_lines,
    warehouse_create,
)

pytestmark = pytest.mark.django_db


def quantity_at(location, part) -> Decimal:
    level = StockLevel.objects.filter(location=location, part=part).first()
    return level.quantity if level else Decimal("0")


def issue(user, lines):
    return document_create(doc_type=DocumentType.ISSUE, user=user, lines=lines)


def test_creating_a_warehouse_also_creates_its_default_receiving_location():
    warehouse = warehouse_create(code="WH9", name="Nine")

    receiving = Location.objects.get(warehouse=warehouse, is_default_receiving=True)
    assert receiving.kind == LocationKind.RECEIVING


def test_a_new_document_is_a_draft_numbered_from_its_yearly_series(storekeeper, part, bin_a):
    year = timezone.now().year
    first = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": 1, "to_location": bin_a}],
    )
    second = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": 1, "to_location": bin_a}],
    )
    other_type = issue(storekeeper, [{"part": part, "quantity": 1, "from_location": bin_a}])

    assert (first.number, second.number) == (f"REC-{year}-00001", f"REC-{year}-00002")
    assert other_type.number == f"ISS-{year}-00001"
    assert first.status == DocumentStatus.DRAFT


def test_a_rolled_back_document_gives_its_number_back(storekeeper, part, bin_a):
    with pytest.raises(StockError):
        document_create(
            doc_type=DocumentType.RECEIPT,
            user=storekeeper,
            lines=[{"part": part, "quantity": 0, "to_location": bin_a}],
        )
    document = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": 1, "to_location": bin_a}],
    )

    assert document.number.endswith("-00001")


def test_a_receipt_adds_stock_and_writes_one_move_with_the_balance_after(receive, part, bin_a):
    receive(part, bin_a, "7")
    document = receive(part, bin_a, "3")

    assert quantity_at(bin_a, part) == Decimal("10")
    move = StockMove.objects.get(document=document)
    assert (move.quantity, move.balance_after) == (Decimal("3"), Decimal("10"))
    assert document.status == DocumentStatus.POSTED and document.posted_at is not None


def test_an_issue_takes_stock_out(receive, storekeeper, part, bin_a):
    receive(part, bin_a, "10")
    document = issue(storekeeper, [{"part": part, "quantity": 4, "from_location": bin_a}])

    document_post(document=document, user=storekeeper)

    assert quantity_at(bin_a, part) == Decimal("6")


def test_an_issue_that_would_go_negative_is_refused_and_changes_nothing(
    receive, storekeeper, part, bin_a
):
    receive(part, bin_a, "2")
    document = issue(storekeeper, [{"part": part, "quantity": 5, "from_location": bin_a}])

    with pytest.raises(InsufficientStockError) as refused:
        document_post(document=document, user=storekeeper)

    assert refused.value.http_status == 409
    assert refused.value.messages == ["Cannot issue 5 × STS3215-7V4 from WH1/A-01: 2 available."]
    assert quantity_at(bin_a, part) == Decimal("2")
    assert not StockMove.objects.filter(document=document).exists()
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT


def test_a_posting_that_fails_on_the_fifth_line_leaves_no_trace(receive, storekeeper, bin_a):
    parts = [PartFactory() for _ in range(6)]
    for part in parts:
        receive(part, bin_a, "10")
    new_location = LocationFactory(warehouse=bin_a.warehouse, code="EMPTY")
    lines = [{"part": p, "quantity": 3, "from_location": bin_a} for p in parts[:4]]
    lines.append({"part": parts[4], "quantity": 11, "from_location": bin_a})
    lines.append({"part": parts[5], "quantity": 1, "from_location": new_location})
    document = issue(storekeeper, lines)
    moves_before = StockMove.objects.count()

    with pytest.raises(InsufficientStockError) as refused:
        document_post(document=document, user=storekeeper)

    assert len(refused.value.shortages) == 2
    assert refused.value.shortages[0] == {
        "part": parts[4].sku,
        "location": "WH1/A-01",
        "requested": "11",
        "available": "10",
    }
    assert all(quantity_at(bin_a, p) == Decimal("10") for p in parts)
    assert StockMove.objects.count() == moves_before
    assert not StockLevel.objects.filter(location=new_location).exists()


def test_two_lines_of_the_same_part_are_checked_against_the_running_balance(
    receive, storekeeper, part, bin_a
):
    receive(part, bin_a, "5")
    document = issue(
        storekeeper,
        [
            {"part": part, "quantity": 3, "from_location": bin_a},
            {"part": part, "quantity": 3, "from_location": bin_a},
        ],
    )

    with pytest.raises(InsufficientStockError):
        document_post(document=document, user=storekeeper)

    assert quantity_at(bin_a, part) == Decimal("5")


def test_posting_twice_is_refused(receive, storekeeper, part, bin_a):
    document = receive(part, bin_a, "5")

    with pytest.raises(DocumentStateError):
        document_post(document=document, user=storekeeper)

    assert quantity_at(bin_a, part) == Decimal("5")


def test_a_transfer_moves_stock_between_locations(receive, storekeeper, part, bin_a, bin_b):
    receive(part, bin_a, "8")
    document = document_create(
        doc_type=DocumentType.TRANSFER,
        user=storekeeper,
        lines=[{"part": part, "quantity": 5, "from_location": bin_a, "to_location": bin_b}],
    )

    document_post(document=document, user=storekeeper)

    assert (quantity_at(bin_a, part), quantity_at(bin_b, part)) == (Decimal("3"), Decimal("5"))
    assert StockMove.objects.filter(document=document).count() == 2


def test_a_transfer_to_the_same_location_is_refused(storekeeper, part, bin_a):
    with pytest.raises(StockError, match="to itself"):
        document_create(
            doc_type=DocumentType.TRANSFER,
            user=storekeeper,
            lines=[{"part": part, "quantity": 1, "from_location": bin_a, "to_location": bin_a}],
        )


def test_an_adjustment_posts_the_difference_to_the_counted_quantity(
    receive, storekeeper, part, bin_a
):
    receive(part, bin_a, "10")
    other = PartFactory()
    document = document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=storekeeper,
        lines=[
            {"part": part, "quantity": 7, "to_location": bin_a},
            {"part": other, "quantity": 4, "to_location": bin_a},
        ],
    )

    document_post(document=document, user=storekeeper)

    assert quantity_at(bin_a, part) == Decimal("7")
    assert quantity_at(bin_a, other) == Decimal("4")
    deltas = dict(StockMove.objects.filter(document=document).values_list("part_id", "quantity"))
    assert deltas == {part.pk: Decimal("-3"), other.pk: Decimal("4")}


def test_an_adjustment_that_matches_the_stock_writes_no_move(receive, storekeeper, part, bin_a):
    receive(part, bin_a, "10")
    document = document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=storekeeper,
        lines=[{"part": part, "quantity": 10, "to_location": bin_a}],
    )

    document_post(document=document, user=storekeeper)

    assert not StockMove.objects.filter(document=document).exists()


def test_a_build_consumes_the_components_and_receives_the_assemblies(
    receive, storekeeper, bin_a, bin_b
):
    servo = PartFactory(unit_cost=Decimal("14"))
    board = PartFactory(unit_cost=Decimal("11"))
    clamp = PartFactory()
    arm = AssemblyFactory()
    BomLineFactory(assembly=arm, component=servo, quantity=Decimal("6"))
    BomLineFactory(assembly=arm, component=board, quantity=Decimal("1"))
    BomLineFactory(assembly=arm, component=clamp, quantity=Decimal("1"), optional=True)
    receive(servo, bin_a, "20")
    receive(board, bin_a, "5")
    document = document_create(
        doc_type=DocumentType.BUILD,
        user=storekeeper,
        lines=[],
        build_part=arm,
        build_quantity=3,
        source_location=bin_a,
        destination_location=bin_b,
    )

    document_post(document=document, user=storekeeper)

    assert quantity_at(bin_a, servo) == Decimal("2")
    assert quantity_at(bin_a, board) == Decimal("2")
    assert quantity_at(bin_b, arm) == Decimal("3")
    assert not DocumentLine.objects.filter(document=document, part=clamp).exists()
    assert PartValuation.objects.get(part=arm).average_unit_cost == Decimal("95.0000")


def test_a_build_without_enough_components_lists_each_shortage(receive, storekeeper, bin_a):
    servo, board = PartFactory(), PartFactory()
    arm = AssemblyFactory()
    BomLineFactory(assembly=arm, component=servo, quantity=Decimal("6"))
    BomLineFactory(assembly=arm, component=board, quantity=Decimal("1"))
    receive(servo, bin_a, "6")
    document = document_create(
        doc_type=DocumentType.BUILD,
        user=storekeeper,
        lines=[],
        build_part=arm,
        build_quantity=2,
        source_location=bin_a,
    )

    with pytest.raises(InsufficientStockError) as refused:
        document_post(document=document, user=storekeeper)

    assert [s["part"] for s in refused.value.shortages] == [servo.sku, board.sku]
    assert quantity_at(bin_a, arm) == Decimal("0")


def test_receipts_update_the_moving_average_cost(receive, part, bin_a, bin_b):
    receive(part, bin_a, "10", unit_cost=Decimal("10"))
    receive(part, bin_b, "30", unit_cost=Decimal("14"))

    assert PartValuation.objects.get(part=part).average_unit_cost == Decimal("13.0000")


def test_cancelling_a_posted_document_posts_the_exact_reverse(
    receive, storekeeper, part, bin_a, bin_b
):
    receive(part, bin_a, "10")
    document = document_create(
        doc_type=DocumentType.TRANSFER,
        user=storekeeper,
        lines=[{"part": part, "quantity": 4, "from_location": bin_a, "to_location": bin_b}],
    )
    document_post(document=document, user=storekeeper)

    cancelled = document_cancel(document=document, user=storekeeper)

    assert cancelled.status == DocumentStatus.CANCELLED
    assert (quantity_at(bin_a, part), quantity_at(bin_b, part)) == (Decimal("10"), Decimal("0"))
    assert sorted(
        StockMove.objects.filter(document=document).values_list("quantity", flat=True)
    ) == [
        Decimal("-4"),
        Decimal("-4"),
        Decimal("4"),
        Decimal("4"),
    ]


def test_cancelling_a_receipt_whose_stock_was_used_is_refused_with_the_reason(
    receive, storekeeper, part, bin_a
):
    receipt = receive(part, bin_a, "5")
    document_post(
        document=issue(storekeeper, [{"part": part, "quantity": 4, "from_location": bin_a}]),
        user=storekeeper,
    )

    with pytest.raises(CancelRefusedError) as refused:
        document_cancel(document=receipt, user=storekeeper)

    assert "have since been used (1 left)" in refused.value.messages[0]
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.POSTED
    assert quantity_at(bin_a, part) == Decimal("1")


def test_a_draft_cannot_be_cancelled_and_a_cancelled_document_cannot_be_posted(
    receive, storekeeper, part, bin_a
):
    receipt = receive(part, bin_a, "5")
    document_cancel(document=receipt, user=storekeeper)

    with pytest.raises(DocumentStateError):
        document_post(document=receipt, user=storekeeper)
    with pytest.raises(DocumentStateError):
        document_cancel(document=receipt, user=storekeeper)


def test_draft_lines_can_be_replaced_but_posted_ones_cannot(receive, storekeeper, part, bin_a):
    draft = issue(storekeeper, [{"part": part, "quantity": 1, "from_location": bin_a}])
    document_update_lines(
        document=draft, lines=[{"part": part, "quantity": 2, "from_location": bin_a}]
    )
    posted = receive(part, bin_a, "3")

    assert list(draft.lines.values_list("quantity", flat=True)) == [Decimal("2")]
    with pytest.raises(DocumentStateError):
        document_update_lines(
            document=posted, lines=[{"part": part, "quantity": 9, "to_location": bin_a}]
        )


def test_movement_lines_need_a_positive_quantity(storekeeper, part, bin_a):
    with pytest.raises(StockError, match="greater than 0"):
        issue(storekeeper, [{"part": part, "quantity": 0, "from_location": bin_a}])


def test_the_same_idempotency_key_returns_the_first_document(storekeeper, part, bin_a):
    lines = [{"part": part, "quantity": 1, "to_location": bin_a}]
    first = document_create(
        doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines, idempotency_key="abc"
    )
    again = document_create(
        doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines, idempotency_key="abc"
    )

    assert first.pk == again.pk
    assert StockDocument.objects.count() == 1


def test_posting_counts_documents_lines_and_failures_by_reason(receive, storekeeper, part, bin_a):
    from warehouse import metrics

    posted = metrics.DOCUMENTS_POSTED.labels(doc_type="RECEIPT")._value.get()
    lines = metrics.DOCUMENT_LINES_POSTED._value.get()
    short = metrics.DOCUMENT_POST_FAILURES.labels(reason="insufficient_stock")._value.get()
    receive(part, bin_a, "1")
    with pytest.raises(InsufficientStockError):
        document_post(
            document=issue(storekeeper, [{"part": part, "quantity": 5, "from_location": bin_a}]),
            user=storekeeper,
        )

    assert metrics.DOCUMENTS_POSTED.labels(doc_type="RECEIPT")._value.get() == posted + 1
    assert metrics.DOCUMENT_LINES_POSTED._value.get() == lines + 1
    assert (
        metrics.DOCUMENT_POST_FAILURES.labels(reason="insufficient_stock")._value.get() == short + 1
    )


def test_each_posting_writes_one_structured_log_line(receive, part, bin_a, caplog):
    with caplog.at_level("INFO", logger="partline.warehouse"):
        document = receive(part, bin_a, "2")

    records = [r for r in caplog.records if getattr(r, "event", "") == "document_posted"]
    assert len(records) == 1
    assert (records[0].document_number, records[0].lines) == (document.number, 1)


def _level_writes(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if 'UPDATE "warehouse_stocklevel"' in q["sql"]]


def test_posting_many_lines_writes_every_balance_with_a_statement_that_does_not_grow(
    storekeeper, warehouse
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parts = PartFactory.create_batch(300)
    bins = [LocationFactory(warehouse=warehouse) for _ in range(2)]
    lines = [
        {"part": part, "quantity": n % 7 + 1, "to_location": bins[n % 2]}
        for n, part in enumerate(parts)
    ]
    small = document_create(doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines[:2])
    big = document_create(doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines)
    document_post(document=small, user=storekeeper)
    document_post(document=big, user=storekeeper)  # new rows: posted twice to update them
    again = document_create(doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines)
    with CaptureQueriesContext(connection) as captured:
        document_post(document=again, user=storekeeper)

    for n, part in enumerate(parts):
        expected = (n % 7 + 1) * (3 if n < 2 else 2)
        assert quantity_at(bins[n % 2], part) == Decimal(expected)
    writes = _level_writes(captured.captured_queries)
    assert writes and all("CASE" not in sql for sql in writes)
    if connection.vendor == "postgresql":  # one statement, its values as two array parameters
        assert len(writes) == 1 and "FROM unnest(" in writes[0]
        assert "SET LOCAL jit = off" in [q["sql"] for q in captured.captured_queries]
    else:  # one prepared statement executed per row
        assert len(writes) == 1 and writes[0].startswith("300 times: ") and len(writes[0]) < 200


def test_a_document_over_the_line_limit_is_refused_naming_the_limit(
    storekeeper, part, bin_a, settings
):
    settings.DOCUMENT_MAX_LINES = 3
    lines = [{"part": PartFactory(), "quantity": 1, "to_location": bin_a} for _ in range(4)]

    with pytest.raises(StockError, match="at most 3 lines .*DOCUMENT_MAX_LINES.*this one has 4"):
        document_create(doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines)

    assert not StockDocument.objects.exists()
    document_create(doc_type=DocumentType.RECEIPT, user=storekeeper, lines=lines[:3])
