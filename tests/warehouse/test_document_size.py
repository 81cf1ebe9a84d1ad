"""Documents of many lines: created and posted over the API in a number of queries that does
not grow with the lines, numbered last, with DRF's messages for bad line references."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import LocationFactory, PartFactory
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import DocumentSequence, StockDocument, StockLevel
from warehouse.services import document_create, document_post, stock_import_csv
from warehouse.services.documents import PENDING_NUMBER_PREFIX, documents_number

pytestmark = pytest.mark.django_db

# Create (17 queries today on SQLite, 19 on PostgreSQL, which runs its deferred foreign-key
# checks before the number is taken): one read each for the parts and the locations, the
# document and its lines, the number series, the answer's lines. Post (17): the document and its
# lines, the stock rows (find, insert, lock), the valuations, the ledger, the answer's lines.
# Neither grows with the number of lines (a per-line query would add at least 90 at 100 lines).
CREATE_QUERIES = 22
POST_QUERIES = 20


@pytest.fixture
def receipt_body(bin_a):
    def make(parts):
        return {
            "doc_type": DocumentType.RECEIPT,
            "destination_location": bin_a.pk,
            "lines": [
                {"part": part.pk, "quantity": "2", "unit_cost": "1.25", "to_location": bin_a.pk}
                for part in parts
            ],
        }

    return make


@pytest.mark.parametrize("size", [10, 100])
def test_creating_and_posting_a_document_over_the_api_costs_the_same_queries_at_any_size(
    client_for, receipt_body, size, django_assert_max_num_queries
):
    client = client_for("storekeeper")
    parts = PartFactory.create_batch(size)
    client.get("/api/documents/")  # the session and permission caches: not what is measured

    with django_assert_max_num_queries(CREATE_QUERIES):
        created = client.post("/api/documents/", receipt_body(parts), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [line["part_sku"] for line in body["lines"]] == [part.sku for part in parts]
    assert not body["number"].startswith(PENDING_NUMBER_PREFIX)

    with django_assert_max_num_queries(POST_QUERIES):
        posted = client.post(f"/api/documents/{body['id']}/post/")
    assert posted.status_code == 200, posted.json()
    assert posted.json()["status"] == DocumentStatus.POSTED
    assert StockLevel.objects.filter(quantity=Decimal("2")).count() == size


def test_an_unknown_part_or_location_on_a_line_gets_drf_s_message_at_its_line(
    client_for, receipt_body, bin_a
):
    parts = PartFactory.create_batch(3)
    body = receipt_body(parts)
    body["lines"][1]["part"] = 999_999
    body["lines"][2]["to_location"] = "nope"

    response = client_for("storekeeper").post("/api/documents/", body, format="json")

    assert response.status_code == 400
    assert response.json()["lines"] == {
        "1": {"part": ['Invalid pk "999999" - object does not exist.']},
        "2": {"to_location": ["Incorrect type. Expected pk value, received str."]},
    }


def test_a_line_naming_its_part_as_a_string_of_digits_is_accepted(client_for, bin_a, part):
    response = client_for("storekeeper").post(
        "/api/documents/",
        {
            "doc_type": DocumentType.RECEIPT,
            "lines": [{"part": str(part.pk), "quantity": "1", "to_location": str(bin_a.pk)}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["lines"][0]["part_sku"] == part.sku


def test_a_new_document_takes_the_next_number_after_its_lines(storekeeper, bin_a, part):
    first = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": "1", "to_location": bin_a}],
    )
    second = document_create(
        doc_type=DocumentType.RECEIPT,
        user=storekeeper,
        lines=[{"part": part, "quantity": "1", "to_location": bin_a}],
    )

    year = first.created_at.year
    assert [first.number, second.number] == [f"REC-{year}-00001", f"REC-{year}-00002"]
    assert StockDocument.objects.get(pk=second.pk).number == second.number


def test_documents_written_to_be_numbered_later_are_numbered_in_creation_order(storekeeper, bin_a):
    parts = PartFactory.create_batch(3)
    documents = [
        document_create(
            doc_type=DocumentType.ADJUSTMENT,
            user=storekeeper,
            lines=[{"part": part, "quantity": "1", "to_location": bin_a}],
            number_later=True,
        )
        for part in parts
    ]
    assert all(d.number.startswith(PENDING_NUMBER_PREFIX) for d in documents)
    documents[1] = document_post(document=documents[1], user=storekeeper)

    documents_number(documents=documents)

    year = documents[0].created_at.year
    expected = [f"ADJ-{year}-{n:05d}" for n in (1, 2, 3)]
    assert [d.number for d in documents] == expected
    assert list(StockDocument.objects.order_by("pk").values_list("number", flat=True)) == expected
    assert DocumentSequence.objects.get(doc_type=DocumentType.ADJUSTMENT).last_number == 3


def test_an_import_in_several_documents_numbers_them_in_order_and_reports_progress(
    storekeeper, warehouse, settings
):
    settings.DOCUMENT_MAX_LINES = 2
    place = LocationFactory(warehouse=warehouse, code="IMP")
    parts = PartFactory.create_batch(5)
    text = "warehouse,location,sku,quantity\n" + "".join(
        f"{warehouse.code},{place.code},{part.sku},{n + 1}\n" for n, part in enumerate(parts)
    )
    seen: list[tuple[int, int, int]] = []

    documents = stock_import_csv(
        text=text, user=storekeeper, progress=lambda *step: seen.append(step)
    )

    assert seen == [(1, 3, 2), (2, 3, 4), (3, 3, 5)]
    year = documents[0].created_at.year
    assert [d.number for d in documents] == [f"ADJ-{year}-{n:05d}" for n in (1, 2, 3)]
    assert not StockDocument.objects.filter(number__startswith=PENDING_NUMBER_PREFIX).exists()


def test_import_stock_reports_each_document_at_verbosity_2(tmp_path, warehouse, bin_a, settings):
    settings.DOCUMENT_MAX_LINES = 2
    parts = PartFactory.create_batch(3)
    path = tmp_path / "counts.csv"
    path.write_text(
        "warehouse,location,sku,quantity\n"
        + "".join(f"{warehouse.code},{bin_a.code},{part.sku},1\n" for part in parts),
        encoding="utf-8",
    )
    out = StringIO()

    call_command("import_stock", str(path), verbosity=2, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "Posted document 1 of 2 (2 rows so far).",
        "Posted document 2 of 2 (3 rows so far).",
    ]
    assert lines[2].startswith("Imported 3 rows as ADJ-")
