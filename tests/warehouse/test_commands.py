"""Management commands and the nightly task: import_stock, post_document, verify_stock."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import PartFactory, StockMoveFactory
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.metrics import StockVerificationCollector
from warehouse.models import StockDocument, StockLevel, StockVerification
from warehouse.selectors import verification_freshness
from warehouse.services import document_create
from warehouse.tasks import verify_stock_task

pytestmark = pytest.mark.django_db


def write_csv(tmp_path, text):
    path = tmp_path / "stock.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_stock_posts_one_adjustment_with_every_row(tmp_path, warehouse, bin_a, part):
    other = PartFactory(sku="PSU-5V-4A")
    path = write_csv(
        tmp_path,
        "warehouse,location,sku,quantity,unit_cost\n"
        "WH1,A-01,STS3215-7V4,12,14.50\n"
        "wh1,,psu-5v-4a,3,\n",
    )

    call_command("import_stock", path)

    document = StockDocument.objects.get()
    assert (document.doc_type, document.status) == (DocumentType.ADJUSTMENT, DocumentStatus.POSTED)
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("12")
    receiving = warehouse.locations.get(is_default_receiving=True)
    assert StockLevel.objects.get(location=receiving, part=other).quantity == Decimal("3")
    assert part.valuation.average_unit_cost == Decimal("14.5000")


def test_import_stock_with_a_bad_row_imports_nothing_and_names_each_bad_row(
    tmp_path, warehouse, bin_a, part, capsys
):
    path = write_csv(
        tmp_path,
        "warehouse,location,sku,quantity\n"
        "WH1,A-01,STS3215-7V4,12\n"
        "WH1,A-01,NO-SUCH-SKU,1\n"
        "WH1,NOWHERE,STS3215-7V4,1\n"
        "WH1,A-01,STS3215-7V4,-4\n",
    )

    with pytest.raises(CommandError, match=r"3 problem\(s\); nothing was imported"):
        call_command("import_stock", path)

    errors = capsys.readouterr().err
    assert "Row 3: unknown SKU 'NO-SUCH-SKU'" in errors
    assert "Row 4: unknown location 'NOWHERE' in WH1" in errors
    assert "Row 5" in errors
    assert not StockDocument.objects.exists()
    assert not StockLevel.objects.exists()


def test_import_stock_without_the_required_columns_is_refused(tmp_path, warehouse):
    path = write_csv(tmp_path, "sku,qty\nX,1\n")

    with pytest.raises(CommandError):
        call_command("import_stock", path)


def test_post_document_posts_a_draft_by_number(storekeeper, part, bin_a, capsys):
    document = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": 4, "to_location": bin_a}],
    )

    call_command("post_document", document.number)

    document.refresh_from_db()
    assert document.status == DocumentStatus.POSTED
    assert f"Posted {document.number}" in capsys.readouterr().out


def test_post_document_exits_non_zero_when_stock_is_short(storekeeper, part, bin_a):
    document = document_create(
        doc_type=DocumentType.ISSUE,
        user=storekeeper,
        lines=[{"part": part, "quantity": 4, "from_location": bin_a}],
    )

    with pytest.raises(CommandError, match="0 available"):
        call_command("post_document", document.number)


def test_post_document_with_an_unknown_number_exits_non_zero():
    with pytest.raises(CommandError, match="No stock document"):
        call_command("post_document", "REC-1999-00001")


def test_verify_stock_is_clean_after_postings(receive, part, bin_a, capsys):
    receive(part, bin_a, "5")

    call_command("verify_stock")

    assert "no mismatches" in capsys.readouterr().out


def test_verify_stock_is_clean_when_the_ledger_sums_need_all_four_decimals(
    receive, storekeeper, part, bin_a, capsys
):
    from warehouse.services import document_create, document_post

    receive(part, bin_a, "10000")
    issue = document_create(
        doc_type="ISSUE",
        user=storekeeper,
        lines=[{"part": part, "quantity": Decimal("9999.9999"), "from_location": bin_a}],
    )
    document_post(document=issue, user=storekeeper)

    call_command("verify_stock")  # SQLite sums these as floats: 0.0000999999992...

    assert "no mismatches" in capsys.readouterr().out
    assert StockLevel.objects.get(part=part).quantity == Decimal("0.0001")


def test_verify_stock_exits_1_listing_a_level_that_differs_from_the_ledger(
    receive, part, bin_a, capsys
):
    receive(part, bin_a, "5")
    StockLevel.objects.filter(part=part).update(quantity=Decimal("6"))

    with pytest.raises(CommandError) as failed:
        call_command("verify_stock")

    assert failed.value.returncode == 1
    assert "MISMATCH WH1/A-01 STS3215-7V4: stock level 6, ledger 5" in (capsys.readouterr().out)
    StockLevel.objects.filter(part=part).update(quantity=Decimal("5"))  # leave it clean


def test_verify_stock_finds_ledger_moves_without_a_stock_level(capsys):
    move = StockMoveFactory(quantity=Decimal("2"), balance_after=Decimal("2"))

    with pytest.raises(CommandError):
        call_command("verify_stock")

    # The ledger is append-only: leave it clean by giving the move the level it implies.
    StockLevel.objects.create(location=move.location, part=move.part, quantity=Decimal("2"))


def exported_mismatches() -> float:
    mismatches = next(iter(StockVerificationCollector().collect()))
    return mismatches.samples[0].value


def test_the_nightly_task_records_its_result_which_the_metrics_export(receive, part, bin_a):
    receive(part, bin_a, "5")
    StockLevel.objects.filter(part=part).update(quantity=Decimal("9"))

    result = verify_stock_task.delay().get()

    verification = StockVerification.objects.get(pk=result["verification_id"])
    assert verification.mismatch_count == 1
    assert exported_mismatches() == 1
    assert verification_freshness()["stock_verification"]["ok"] is False
    StockLevel.objects.filter(part=part).update(quantity=Decimal("5"))
    verify_stock_task.delay().get()
    assert exported_mismatches() == 0
    assert verification_freshness()["stock_verification"]["ok"] is True


def test_the_task_writes_one_result_per_task_id_however_often_it_runs():
    first = verify_stock_task.apply(task_id="nightly-2026-11-23").get()
    again = verify_stock_task.apply(task_id="nightly-2026-11-23").get()

    assert again["verification_id"] == first["verification_id"]
    assert StockVerification.objects.filter(job_id="nightly-2026-11-23").count() == 1


def test_a_verification_started_through_the_api_says_so(client_for):
    response = client_for("manager").post("/api/stock-verifications/run/")

    assert response.status_code == 202
    assert StockVerification.objects.get().triggered_by == "api"


def test_import_stock_larger_than_a_document_posts_several_adjustments_in_one_go(
    tmp_path, warehouse, bin_a, settings
):
    settings.DOCUMENT_MAX_LINES = 2
    parts = [PartFactory(sku=f"IMP-{n}") for n in range(5)]
    path = tmp_path / "many.csv"
    path.write_text(
        "warehouse,location,sku,quantity\n"
        + "".join(
            f"{warehouse.code},{bin_a.code},{part.sku},{n + 1}\n" for n, part in enumerate(parts)
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_stock", path, stdout=out)

    documents = StockDocument.objects.filter(doc_type="ADJUSTMENT", status="POSTED")
    assert sorted(d.lines.count() for d in documents) == [1, 2, 2]
    assert "Imported 5 rows as" in out.getvalue()
    assert {
        level.part.sku: level.quantity for level in StockLevel.objects.filter(location=bin_a)
    } == {part.sku: n + 1 for n, part in enumerate(parts)}
