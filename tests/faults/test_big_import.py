"""A big import does not wedge other users: while an import_stock transaction is open, another
connection creates and posts an ADJUSTMENT and a RECEIPT of other parts.

The import's transaction is held open deterministically: its progress hook, called after its
first document is written and posted, signals and then waits for the test. The other
connection runs with a lock timeout, so a lock the import still held (the number series, as
before the documents were numbered last) fails the test with LockNotAvailable instead of
hanging it. PostgreSQL only: SQLite has one writer at a time by design.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from inventory.models import Part
from tests.factories import PartFactory, UserFactory
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import StockDocument, StockLevel
from warehouse.services import (
    document_create,
    document_post,
    location_create,
    stock_import_csv,
    warehouse_create,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = 3_000
WAIT = 60  # seconds: a bound on every wait, never a measured figure


def test_other_users_create_and_post_while_an_import_transaction_is_open(settings):
    settings.DOCUMENT_MAX_LINES = 1_000  # the import writes three documents
    user = UserFactory()
    warehouse = warehouse_create(code="IMP", name="Import")
    place = location_create(warehouse=warehouse, code="BIN-1")
    Part.objects.bulk_create(
        Part(sku=f"IMP-{n:05d}", name=f"Imported {n}", unit_cost=Decimal("1")) for n in range(ROWS)
    )
    other, received = PartFactory(sku="OTHER-1"), PartFactory(sku="OTHER-2")
    text = "warehouse,location,sku,quantity,unit_cost\n" + "".join(
        f"IMP,BIN-1,IMP-{n:05d},{n % 7 + 1},2.50\n" for n in range(ROWS)
    )
    import_open, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_open(done: int, total: int, rows: int) -> None:
        if done == 1:
            import_open.set()
            assert release.wait(WAIT), "the test never released the import"

    def run_import() -> None:
        try:
            outcome["documents"] = stock_import_csv(text=text, user=user, progress=hold_open)
        except Exception as exc:  # asserted on below
            outcome["error"] = exc
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert import_open.wait(WAIT), f"the import never reached its first document: {outcome}"
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            count = document_create(
                doc_type=DocumentType.ADJUSTMENT,
                user=user,
                lines=[{"part": other, "quantity": "4", "to_location": place}],
            )
            count = document_post(document=count, user=user)
            receipt = document_create(
                doc_type=DocumentType.RECEIPT,
                user=user,
                lines=[{"part": received, "quantity": "2", "to_location": place}],
            )
            receipt = document_post(document=receipt, user=user)
        # Still open: the import's first document (posted) is not visible to anyone else.
        assert importer.is_alive()
        assert set(StockDocument.objects.values_list("pk", flat=True)) == {count.pk, receipt.pk}
    finally:
        release.set()
        importer.join(WAIT)
    assert not importer.is_alive(), "the import did not finish"
    assert "error" not in outcome, outcome.get("error")

    year = count.created_at.year
    assert (count.number, count.status) == (f"ADJ-{year}-00001", DocumentStatus.POSTED)
    assert receipt.status == DocumentStatus.POSTED
    imported = outcome["documents"]
    assert [d.number for d in imported] == [f"ADJ-{year}-{n:05d}" for n in (2, 3, 4)]
    assert StockDocument.objects.filter(doc_type=DocumentType.ADJUSTMENT).count() == 4
    assert StockLevel.objects.filter(part__sku__startswith="IMP-").count() == ROWS
    assert StockLevel.objects.get(part=other).quantity == Decimal("4")
