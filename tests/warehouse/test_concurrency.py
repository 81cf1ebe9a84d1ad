"""Concurrent postings on PostgreSQL: scarce stock, opposite transfers, the number series."""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import LocationFactory, PartFactory, UserFactory
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import StockDocument, StockLevel, StockMove
from warehouse.services import (
    DocumentStateError,
    InsufficientStockError,
    document_create,
    document_post,
    warehouse_create,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_in_threads(work: Callable[[int], object], count: int = THREADS) -> list[object]:
    """Run work(i) in `count` threads started together; each thread uses its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a posting hung (deadlock?)"
    return results


@pytest.fixture
def setup():
    user = UserFactory()  # transactional tests flush the role groups
    warehouse = warehouse_create(code="WHC", name="Concurrent")
    bin_a = LocationFactory(warehouse=warehouse, code="A")
    bin_b = LocationFactory(warehouse=warehouse, code="B")
    return user, bin_a, bin_b


def receive(user, part, location, quantity):
    document = document_create(
        doc_type=DocumentType.RECEIPT,
        user=user,
        lines=[{"part": part, "quantity": Decimal(quantity), "to_location": location}],
    )
    document_post(document=document, user=user)


def test_concurrent_issues_never_issue_more_than_was_in_stock(setup):
    user, bin_a, _ = setup
    scarce, plenty = PartFactory(), PartFactory()
    receive(user, scarce, bin_a, "10")
    receive(user, plenty, bin_a, "100")
    drafts = [
        document_create(
            doc_type=DocumentType.ISSUE,
            user=user,
            lines=[
                {"part": plenty, "quantity": Decimal("1"), "from_location": bin_a},
                {"part": scarce, "quantity": Decimal("3"), "from_location": bin_a},
            ],
        )
        for _ in range(THREADS)
    ]

    results = run_in_threads(lambda i: document_post(document=drafts[i], user=user))

    posted = [r for r in results if isinstance(r, StockDocument)]
    refused = [r for r in results if isinstance(r, InsufficientStockError)]
    assert len(posted) == 3 and len(refused) == THREADS - 3, results
    assert StockLevel.objects.get(location=bin_a, part=scarce).quantity == Decimal("1")
    assert StockLevel.objects.get(location=bin_a, part=plenty).quantity == Decimal("97")
    assert not StockLevel.objects.filter(quantity__lt=0).exists()
    refused_ids = [d.pk for d in drafts if d.pk not in {p.pk for p in posted}]
    assert not StockMove.objects.filter(document_id__in=refused_ids).exists()
    assert set(
        StockDocument.objects.filter(pk__in=refused_ids).values_list("status", flat=True)
    ) == {DocumentStatus.DRAFT}


def test_concurrent_transfers_in_opposite_directions_do_not_deadlock(setup):
    user, bin_a, bin_b = setup
    parts = [PartFactory() for _ in range(5)]
    for part in parts:
        receive(user, part, bin_a, "50")
        receive(user, part, bin_b, "50")

    def transfer(index: int) -> StockDocument:
        source, target = (bin_a, bin_b) if index % 2 else (bin_b, bin_a)
        # Lines in opposite part order too, so a naive lock order would cross.
        ordered = parts if index % 2 else list(reversed(parts))
        document = document_create(
            doc_type=DocumentType.TRANSFER,
            user=user,
            lines=[
                {
                    "part": p,
                    "quantity": Decimal("2"),
                    "from_location": source,
                    "to_location": target,
                }
                for p in ordered
            ],
        )
        return document_post(document=document, user=user)

    results = run_in_threads(transfer)

    assert all(isinstance(r, StockDocument) for r in results), results
    for part in parts:
        assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("50")
        assert StockLevel.objects.get(location=bin_b, part=part).quantity == Decimal("50")


def test_concurrent_receipts_into_a_new_location_create_one_stock_row(setup):
    user, _, _ = setup
    part = PartFactory()
    fresh = LocationFactory(warehouse=setup[1].warehouse, code="FRESH")

    results = run_in_threads(lambda i: receive(user, part, fresh, "2"))

    assert not any(isinstance(r, Exception) for r in results), results
    assert StockLevel.objects.get(location=fresh, part=part).quantity == Decimal("16")


def test_concurrent_document_numbers_have_no_gaps_or_duplicates(setup):
    user, bin_a, _ = setup
    part = PartFactory()

    def create_many(index: int) -> list[str]:
        return [
            document_create(
                doc_type=DocumentType.RECEIPT,
                user=user,
                lines=[{"part": part, "quantity": Decimal("1"), "to_location": bin_a}],
            ).number
            for _ in range(5)
        ]

    results = run_in_threads(create_many)

    assert not any(isinstance(r, Exception) for r in results), results
    numbers = sorted(int(n.rsplit("-", 1)[1]) for batch in results for n in batch)
    assert numbers == list(range(1, THREADS * 5 + 1))


def test_posting_the_same_document_concurrently_posts_it_once(setup):
    user, bin_a, _ = setup
    part = PartFactory()
    receive(user, part, bin_a, "100")
    draft = document_create(
        doc_type=DocumentType.ISSUE,
        user=user,
        lines=[{"part": part, "quantity": Decimal("5"), "from_location": bin_a}],
    )

    results = run_in_threads(lambda i: document_post(document=draft, user=user))

    assert sum(isinstance(r, StockDocument) for r in results) == 1, results
    assert all(isinstance(r, (StockDocument, DocumentStateError)) for r in results), results
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("95")
    assert StockMove.objects.filter(document=draft).count() == 1
