"""The warehouse API: documents with nested lines, post/cancel, idempotency, filters."""

from decimal import Decimal

import pytest

from tests.factories import (
    AssemblyFactory,
    BomLineFactory,
    LocationFactory,
    PartFactory,
    WarehouseFactory,
)
from warehouse.choices import DocumentStatus
from warehouse.models import IdempotencyRecord, Location, StockDocument, StockLevel, StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def storekeeper_client(client_for):
    return client_for("storekeeper")


def create_issue(client, part, location, quantity="3"):
    response = client.post(
        "/api/documents/",
        {
            "doc_type": "ISSUE",
            "partner": "Line 2",
            "lines": [{"part": part.pk, "quantity": quantity, "from_location": location.pk}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_document_is_created_with_its_lines_in_one_request(storekeeper_client, part, bin_a):
    body = create_issue(storekeeper_client, part, bin_a)

    assert body["status"] == "DRAFT"
    assert body["number"].startswith("ISS-")
    assert [line["part_sku"] for line in body["lines"]] == [part.sku]
    assert body["source_warehouse"] == bin_a.warehouse_id


def test_a_document_without_lines_is_refused(storekeeper_client):
    response = storekeeper_client.post("/api/documents/", {"doc_type": "ISSUE"}, format="json")

    assert response.status_code == 400
    assert "lines" in response.json()


def test_a_line_with_zero_quantity_is_refused_with_a_readable_message(
    storekeeper_client, part, bin_a
):
    response = storekeeper_client.post(
        "/api/documents/",
        {
            "doc_type": "ISSUE",
            "lines": [{"part": part.pk, "quantity": "0", "from_location": bin_a.pk}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "greater than 0" in str(response.json())


def test_posting_through_the_api_moves_the_stock(storekeeper_client, receive, part, bin_a):
    receive(part, bin_a, "10")
    document = create_issue(storekeeper_client, part, bin_a)

    response = storekeeper_client.post(f"/api/documents/{document['id']}/post/")

    assert response.status_code == 200
    assert response.json()["status"] == "POSTED"
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("7")


def test_posting_short_stock_answers_409_listing_each_short_line(
    storekeeper_client, receive, part, bin_a
):
    receive(part, bin_a, "2")
    document = create_issue(storekeeper_client, part, bin_a, quantity="5")

    response = storekeeper_client.post(f"/api/documents/{document['id']}/post/")

    assert response.status_code == 409
    assert response.json()["shortages"] == [
        {"part": part.sku, "location": "WH1/A-01", "requested": "5", "available": "2"}
    ]
    assert response.json()["detail"] == "Cannot issue 5 × STS3215-7V4 from WH1/A-01: 2 available."


def test_posting_twice_answers_409(storekeeper_client, receive, part, bin_a):
    receive(part, bin_a, "10")
    document = create_issue(storekeeper_client, part, bin_a)
    storekeeper_client.post(f"/api/documents/{document['id']}/post/")

    response = storekeeper_client.post(f"/api/documents/{document['id']}/post/")

    assert response.status_code == 409
    assert "posted" in response.json()["detail"]
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("7")


def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(
    storekeeper_client, receive, part, bin_a
):
    receive(part, bin_a, "10")
    document = create_issue(storekeeper_client, part, bin_a)
    url = f"/api/documents/{document['id']}/post/"

    first = storekeeper_client.post(url, HTTP_IDEMPOTENCY_KEY="retry-1")
    second = storekeeper_client.post(url, HTTP_IDEMPOTENCY_KEY="retry-1")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert StockMove.objects.filter(document_id=document["id"]).count() == 1
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("7")


def test_the_same_idempotency_key_for_another_request_answers_422(
    storekeeper_client, receive, part, bin_a
):
    receive(part, bin_a, "10")
    first = create_issue(storekeeper_client, part, bin_a)
    second = create_issue(storekeeper_client, part, bin_a)
    storekeeper_client.post(f"/api/documents/{first['id']}/post/", HTTP_IDEMPOTENCY_KEY="k-1")

    response = storekeeper_client.post(
        f"/api/documents/{second['id']}/post/", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "This Idempotency-Key was already used for a different request."
    )
    assert StockDocument.objects.get(pk=second["id"]).status == DocumentStatus.DRAFT
    assert IdempotencyRecord.objects.count() == 1


def test_the_same_idempotency_key_from_another_user_never_replays_the_first_users_answer(
    storekeeper_client, client_for, receive, part, bin_a
):
    receive(part, bin_a, "10")
    mine = create_issue(storekeeper_client, part, bin_a)
    other_client = client_for("storekeeper")
    theirs = create_issue(other_client, part, bin_a, quantity="2")

    first = storekeeper_client.post(f"/api/documents/{mine['id']}/post/", HTTP_IDEMPOTENCY_KEY="k")
    second = other_client.post(f"/api/documents/{theirs['id']}/post/", HTTP_IDEMPOTENCY_KEY="k")
    again = other_client.post(f"/api/documents/{mine['id']}/post/", HTTP_IDEMPOTENCY_KEY="k2")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["id"] == theirs["id"] and second.json()["status"] == "POSTED"
    assert again.status_code == 409  # their own key: a new request, not a replay of mine
    assert IdempotencyRecord.objects.filter(key="k").count() == 2
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("5")


def test_a_refused_posting_is_not_remembered_under_its_idempotency_key(
    storekeeper_client, receive, part, bin_a
):
    document = create_issue(storekeeper_client, part, bin_a, quantity="5")
    url = f"/api/documents/{document['id']}/post/"
    refused = storekeeper_client.post(url, HTTP_IDEMPOTENCY_KEY="wait-for-stock")
    receive(part, bin_a, "5")

    retried = storekeeper_client.post(url, HTTP_IDEMPOTENCY_KEY="wait-for-stock")

    assert (refused.status_code, retried.status_code) == (409, 200)


def test_cancelling_through_the_api_reverses_the_moves(storekeeper_client, receive, part, bin_a):
    receive(part, bin_a, "10")
    document = create_issue(storekeeper_client, part, bin_a)
    storekeeper_client.post(f"/api/documents/{document['id']}/post/")

    response = storekeeper_client.post(f"/api/documents/{document['id']}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "CANCELLED"
    assert StockLevel.objects.get(location=bin_a, part=part).quantity == Decimal("10")


def test_a_posted_document_is_read_only_in_the_api(storekeeper_client, receive, part, bin_a):
    receive(part, bin_a, "10")
    document = create_issue(storekeeper_client, part, bin_a)
    url = f"/api/documents/{document['id']}/"
    storekeeper_client.post(f"{url}post/")

    patched = storekeeper_client.patch(url, {"note": "changed"}, format="json")
    deleted = storekeeper_client.delete(url)

    assert (patched.status_code, deleted.status_code) == (409, 409)
    assert "read-only" in patched.json()["detail"]
    assert StockDocument.objects.get(pk=document["id"]).note == ""


def test_a_draft_can_be_edited_with_new_lines(storekeeper_client, part, bin_a):
    document = create_issue(storekeeper_client, part, bin_a)
    other = PartFactory()

    response = storekeeper_client.patch(
        f"/api/documents/{document['id']}/",
        {"lines": [{"part": other.pk, "quantity": "2", "from_location": bin_a.pk}]},
        format="json",
    )

    assert response.status_code == 200
    assert [line["part"] for line in response.json()["lines"]] == [other.pk]


def test_a_viewer_may_read_documents_but_not_post_them(client_for, storekeeper_client, part, bin_a):
    document = create_issue(storekeeper_client, part, bin_a)
    viewer = client_for("viewer")

    assert viewer.get(f"/api/documents/{document['id']}/").status_code == 200
    assert viewer.post(f"/api/documents/{document['id']}/post/").status_code == 403


def test_a_planner_may_not_post_or_cancel(client_for, storekeeper_client, part, bin_a):
    document = create_issue(storekeeper_client, part, bin_a)
    planner = client_for("planner")

    assert planner.post(f"/api/documents/{document['id']}/post/").status_code == 403
    assert planner.post(f"/api/documents/{document['id']}/cancel/").status_code == 403


def test_creating_a_warehouse_through_the_api_gives_it_a_receiving_location(manager_client):
    response = manager_client.post("/api/warehouses/", {"code": "WH7", "name": "Seven"})

    assert response.status_code == 201
    assert Location.objects.filter(
        warehouse_id=response.json()["id"], is_default_receiving=True
    ).exists()


def test_a_location_code_must_be_unique_within_its_warehouse(manager_client, bin_a):
    response = manager_client.post(
        "/api/locations/", {"warehouse": bin_a.warehouse_id, "code": "A-01", "kind": "bin"}
    )

    assert response.status_code == 400


def test_a_location_with_stock_cannot_be_deleted(manager_client, receive, part, bin_a):
    receive(part, bin_a, "1")

    response = manager_client.delete(f"/api/locations/{bin_a.pk}/")

    assert response.status_code == 409


def test_stock_levels_filter_by_warehouse_part_and_below_reorder(
    client_for, receive, part, bin_a, bin_b
):
    plenty = PartFactory(reorder_point=Decimal("1"))
    receive(part, bin_a, "3")  # reorder point 5: low
    receive(plenty, bin_b, "10")
    other_warehouse = LocationFactory(code="X", warehouse=WarehouseFactory(code="FAR"))
    receive(plenty, other_warehouse, "1")
    viewer = client_for("viewer")

    in_wh1 = viewer.get("/api/stock-levels/", {"warehouse": bin_a.warehouse_id}).json()
    low = viewer.get("/api/stock-levels/", {"below_reorder": "true"}).json()
    of_part = viewer.get("/api/stock-levels/", {"part": plenty.pk}).json()

    assert in_wh1["count"] == 2
    assert [row["part_sku"] for row in low["results"]] == [part.sku]
    assert of_part["count"] == 2


def test_moves_filter_by_part_location_and_date(client_for, receive, part, bin_a, bin_b):
    receive(part, bin_a, "3")
    receive(PartFactory(), bin_b, "3")
    viewer = client_for("viewer")

    by_part = viewer.get("/api/moves/", {"part": part.pk}).json()
    by_location = viewer.get("/api/moves/", {"location": bin_b.pk}).json()
    future = viewer.get("/api/moves/", {"date_from": "2999-01-01"}).json()

    assert by_part["count"] == 1 and by_part["results"][0]["balance_after"] == "3.0000"
    assert by_location["count"] == 1
    assert future["count"] == 0


def test_moves_are_read_only(manager_client, receive, part, bin_a):
    receive(part, bin_a, "3")
    move = StockMove.objects.get()

    assert manager_client.delete(f"/api/moves/{move.pk}/").status_code == 405
    assert manager_client.post("/api/moves/", {}).status_code == 405


def test_documents_filter_by_type_status_and_warehouse(storekeeper_client, receive, part, bin_a):
    receive(part, bin_a, "3")
    create_issue(storekeeper_client, part, bin_a)
    elsewhere = LocationFactory(code="Z", warehouse=WarehouseFactory(code="FAR"))

    drafts = storekeeper_client.get("/api/documents/", {"status": "DRAFT"}).json()
    receipts = storekeeper_client.get("/api/documents/", {"doc_type": "RECEIPT"}).json()
    other = storekeeper_client.get("/api/documents/", {"warehouse": elsewhere.warehouse_id}).json()

    assert drafts["count"] == 1 and drafts["results"][0]["doc_type"] == "ISSUE"
    assert receipts["count"] == 1
    assert other["count"] == 0


def test_creating_with_another_users_idempotency_key_creates_their_own_document(
    storekeeper_client, client_for, part, bin_a
):
    body = {
        "doc_type": "RECEIPT",
        "idempotency_key": "delivery-881",
        "lines": [{"part": part.pk, "quantity": "2", "to_location": bin_a.pk}],
    }
    other_client = client_for("storekeeper")

    mine = storekeeper_client.post("/api/documents/", body, format="json")
    theirs = other_client.post("/api/documents/", body, format="json")
    theirs_again = other_client.post("/api/documents/", body, format="json")

    assert (mine.status_code, theirs.status_code, theirs_again.status_code) == (201, 201, 200)
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs_again.json()["id"] == theirs.json()["id"]
    assert theirs.json()["created_by"] != mine.json()["created_by"]
    assert StockDocument.objects.filter(idempotency_key="delivery-881").count() == 2


def test_creating_again_with_the_same_idempotency_key_returns_the_first_document(
    storekeeper_client, part, bin_a
):
    body = {
        "doc_type": "RECEIPT",
        "idempotency_key": "delivery-881",
        "lines": [{"part": part.pk, "quantity": "2", "to_location": bin_a.pk}],
    }

    first = storekeeper_client.post("/api/documents/", body, format="json")
    again = storekeeper_client.post("/api/documents/", body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert StockDocument.objects.count() == 1


def test_the_document_list_takes_a_constant_number_of_queries(
    storekeeper_client, receive, part, bin_a, django_assert_max_num_queries
):
    for _ in range(3):
        receive(part, bin_a, "1")
    storekeeper_client.get("/api/documents/")  # warm the permission cache
    with django_assert_max_num_queries(8) as few:
        storekeeper_client.get("/api/documents/")
    for _ in range(10):
        receive(PartFactory(), bin_a, "1")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = storekeeper_client.get("/api/documents/")

    assert response.json()["count"] == 13


def test_the_stock_level_list_takes_a_constant_number_of_queries(
    client_for, receive, bin_a, django_assert_max_num_queries, settings
):
    settings.API_LIST_CACHE_SECONDS = 0  # the reads themselves (a cached page reads nothing)
    viewer = client_for("viewer")
    receive(PartFactory(), bin_a, "1")
    viewer.get("/api/stock-levels/")
    with django_assert_max_num_queries(8) as few:
        viewer.get("/api/stock-levels/")
    for _ in range(10):
        receive(PartFactory(), bin_a, "1")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = viewer.get("/api/stock-levels/")

    assert response.json()["count"] == 11


def test_posting_a_build_short_of_a_sub_assembly_says_to_build_it_first(
    storekeeper_client, receive, part, bin_a
):
    leader = AssemblyFactory(sku="SO-ARM100-L")
    BomLineFactory(assembly=leader, component=part, quantity=Decimal("6"))
    kit = AssemblyFactory(sku="SO-ARM100-KIT")
    BomLineFactory(assembly=kit, component=leader, quantity=Decimal("1"))
    created = storekeeper_client.post(
        "/api/documents/",
        {
            "doc_type": "BUILD",
            "build_part": kit.pk,
            "build_quantity": "1",
            "source_location": bin_a.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content

    response = storekeeper_client.post(f"/api/documents/{created.json()['id']}/post/")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Cannot consume 1 × SO-ARM100-L from WH1/A-01: 0 available. "
        "SO-ARM100-L is a sub-assembly: build it first."
    )
    assert response.json()["shortages"] == [
        {"part": "SO-ARM100-L", "location": "WH1/A-01", "requested": "1", "available": "0"}
    ]


def test_a_location_sent_as_default_receiving_is_refused_naming_the_read_only_field(
    manager_client, warehouse
):
    response = manager_client.post(
        "/api/locations/",
        {"warehouse": warehouse.pk, "code": "R-2", "kind": "bin", "is_default_receiving": True},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"is_default_receiving": ["This field is read-only."]}
    assert not Location.objects.filter(code="R-2").exists()


def test_a_location_sent_back_as_it_was_read_is_accepted(manager_client, bin_a):
    url = f"/api/locations/{bin_a.pk}/"
    body = {**manager_client.get(url).json(), "name": "Aisle A, first bin"}

    response = manager_client.put(url, body, format="json")

    assert response.status_code == 200, response.content
    bin_a.refresh_from_db()
    assert bin_a.name == "Aisle A, first bin" and not bin_a.is_default_receiving


def test_a_document_number_sent_by_a_client_is_refused(storekeeper_client, part, bin_a):
    response = storekeeper_client.post(
        "/api/documents/",
        {
            "doc_type": "RECEIPT",
            "number": "REC-1999-00001",
            "lines": [{"part": part.pk, "quantity": "1", "to_location": bin_a.pk}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"number": ["This field is read-only."]}


def test_a_posted_document_answers_409_even_to_a_body_that_would_not_validate(
    storekeeper_client, receive, part, bin_a
):
    receive(part, bin_a, "10")
    document = create_issue(storekeeper_client, part, bin_a)
    url = f"/api/documents/{document['id']}/"
    storekeeper_client.post(f"{url}post/")

    response = storekeeper_client.put(url, {"lines": "not a list"}, format="json")

    assert response.status_code == 409
    assert "only drafts can be edited" in response.json()["detail"]
