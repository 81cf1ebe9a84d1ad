"""BUILD drafts from the planner: components come from the bins that hold them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import AssemblyFactory, BomLineFactory, LocationFactory, PartFactory
from warehouse import services
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import StockDocument, StockLevel

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def arm():
    """SO-ARM100-F = 6 × STS3215-7V4 + 1 × BASE-PLATE."""
    arm = AssemblyFactory(sku="SO-ARM100-F")
    BomLineFactory(assembly=arm, component=PartFactory(sku="STS3215-7V4"), quantity=D("6"))
    BomLineFactory(assembly=arm, component=PartFactory(sku="BASE-PLATE"), quantity=D("1"))
    return arm


def _on_hand(sku, location):
    level = StockLevel.objects.filter(part__sku=sku, location=location).first()
    return level.quantity if level else D("0")


def test_planner_build_with_components_in_two_bins_posts_and_the_ledger_stays_clean(
    arm, client, user_in_role, warehouse, receive, storekeeper
):
    servo, plate = arm.bom_lines.order_by("position")[0].component, arm.bom_lines.last().component
    bin_one = LocationFactory(warehouse=warehouse, code="A-01-01")
    bin_two = LocationFactory(warehouse=warehouse, code="P-01")
    receive(servo, bin_one, "4")
    receive(servo, bin_two, "3")
    receive(plate, bin_two, "1")
    client.force_login(user_in_role("storekeeper"))

    response = client.post(
        reverse("warehouse:document-create-build"),
        {"part": arm.pk, "quantity": 1, "warehouse": warehouse.pk},
    )

    document = StockDocument.objects.get(doc_type=DocumentType.BUILD)
    assert response.status_code == 302
    services.document_post(document=document, user=storekeeper)
    document.refresh_from_db()
    assert document.status == DocumentStatus.POSTED
    assert _on_hand("STS3215-7V4", bin_one) + _on_hand("STS3215-7V4", bin_two) == D("1")
    assert _on_hand("SO-ARM100-F", services.default_receiving_location(warehouse=warehouse)) == 1
    assert services.stock_verify(triggered_by="test").mismatch_count == 0


def test_build_lines_take_the_bin_with_most_stock_first(arm, warehouse, receive, storekeeper):
    servo, plate = arm.bom_lines.order_by("position")[0].component, arm.bom_lines.last().component
    small, large = LocationFactory(warehouse=warehouse), LocationFactory(warehouse=warehouse)
    receive(servo, small, "2")
    receive(servo, large, "5")
    receive(plate, small, "1")

    document = services.document_create(
        doc_type=DocumentType.BUILD,
        user=storekeeper,
        lines=[],
        build_part=arm,
        build_quantity=1,
        source_warehouse=warehouse,
    )

    servo_lines = list(document.lines.filter(part=servo).order_by("position"))
    assert [(line.from_location, line.quantity) for line in servo_lines] == [
        (large, D("5")),
        (small, D("1")),
    ]


def test_build_of_an_assembly_whose_sub_assembly_is_not_on_the_shelf_says_build_it_first(
    arm, warehouse, storekeeper
):
    robot = AssemblyFactory(sku="LEKIWI-12V")
    BomLineFactory(assembly=robot, component=arm, quantity=D("1"))

    with pytest.raises(services.StockError, match="SO-ARM100-F is a sub-assembly: build it first"):
        services.document_create(
            doc_type=DocumentType.BUILD,
            user=storekeeper,
            lines=[],
            build_part=robot,
            build_quantity=1,
            source_warehouse=warehouse,
        )


def test_a_fractional_build_quantity_is_refused(arm, warehouse, storekeeper):
    with pytest.raises(services.StockError, match="whole units"):
        services.document_create(
            doc_type=DocumentType.BUILD,
            user=storekeeper,
            lines=[],
            build_part=arm,
            build_quantity="0.5",
            source_location=LocationFactory(warehouse=warehouse),
        )


def test_the_api_refuses_a_fractional_build_quantity_with_400(arm, warehouse, client_for):
    location = LocationFactory(warehouse=warehouse)
    response = client_for("storekeeper").post(
        "/api/documents/",
        {
            "doc_type": "BUILD",
            "build_part": arm.pk,
            "build_quantity": "0.5",
            "source_location": location.pk,
            "lines": [],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "whole units" in str(response.json())


# --------------------------------------------------------------------------- discarding drafts


def _receipt_draft(user, location):
    return services.document_create(
        doc_type=DocumentType.RECEIPT,
        user=user,
        lines=[{"part": PartFactory(), "quantity": "1", "to_location": location}],
    )


def test_discarding_a_draft_cancels_it_and_keeps_its_number(storekeeper, bin_a):
    draft = _receipt_draft(storekeeper, bin_a)

    services.document_discard(document=draft, user=storekeeper)

    draft.refresh_from_db()
    assert draft.status == DocumentStatus.CANCELLED
    assert StockDocument.objects.get(pk=draft.pk).number == draft.number
    assert draft.cancelled_by == storekeeper


def test_the_next_document_after_a_discarded_draft_leaves_no_gap(storekeeper, bin_a):
    first = _receipt_draft(storekeeper, bin_a)
    services.document_discard(document=first, user=storekeeper)

    second = _receipt_draft(storekeeper, bin_a)

    numbers = sorted(StockDocument.objects.values_list("number", flat=True))
    assert numbers == [first.number, second.number]
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_a_posted_document_cannot_be_discarded(storekeeper, bin_a):
    draft = _receipt_draft(storekeeper, bin_a)
    services.document_post(document=draft, user=storekeeper)

    with pytest.raises(services.DocumentStateError, match="only drafts can be discarded"):
        services.document_discard(document=draft, user=storekeeper)


def test_api_delete_of_a_draft_discards_it(storekeeper, bin_a, client_for):
    draft = _receipt_draft(storekeeper, bin_a)

    response = client_for("storekeeper").delete(f"/api/documents/{draft.pk}/")

    draft.refresh_from_db()
    assert response.status_code == 204
    assert draft.status == DocumentStatus.CANCELLED


def test_the_discard_button_cancels_the_draft_and_asks_first(
    storekeeper, bin_a, client, user_in_role
):
    draft = _receipt_draft(storekeeper, bin_a)
    client.force_login(user_in_role("manager"))
    page = client.get(reverse("warehouse:document-detail", args=[draft.pk])).content.decode()

    response = client.post(reverse("warehouse:document-delete", args=[draft.pk]))

    draft.refresh_from_db()
    assert "Discard draft" in page and "data-confirm=" in page and "js/confirm.js" in page
    assert response.status_code == 302 and draft.status == DocumentStatus.CANCELLED


def test_the_admin_never_deletes_a_document(storekeeper, bin_a, user_in_role):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    draft = _receipt_draft(storekeeper, bin_a)
    request = RequestFactory().get("/")
    request.user = user_in_role("superuser")

    assert not site._registry[StockDocument].has_delete_permission(request, draft)


# --------------------------------------------------------------------------- planning across all


@pytest.fixture
def stocked_elsewhere(arm, warehouse, receive):
    """A server room that sorts first and holds nothing; WH1 holds the stock for 2 arms."""
    from warehouse.services import warehouse_create

    server_room = warehouse_create(code="DC1", name="Server room")
    servo, plate = arm.bom_lines.order_by("position")[0].component, arm.bom_lines.last().component
    shelf = LocationFactory(warehouse=warehouse)
    receive(servo, shelf, "12")
    receive(plate, shelf, "2")
    return server_room


def test_planning_across_all_warehouses_preselects_the_warehouse_whose_stock_covers_the_build(
    arm, warehouse, stocked_elsewhere, client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))

    html = client.get(reverse("warehouse:planner"), {"part": arm.pk, "quantity": 2}).content
    html = html.decode()

    assert f'<option value="{warehouse.pk}" selected>WH1' in html
    assert f'<option value="{stocked_elsewhere.pk}" selected>' not in html
    assert "Build in WH1: its stock covers 2 × SO-ARM100-F" in html


def test_planning_more_than_any_warehouse_holds_preselects_none_and_asks_for_a_pick(
    arm, warehouse, stocked_elsewhere, client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))

    html = client.get(reverse("warehouse:planner"), {"part": arm.pk, "quantity": 3}).content
    html = html.decode()

    assert '<option value="" selected>Pick the warehouse to build in…</option>' in html
    assert "No single warehouse holds the stock for 3 × SO-ARM100-F" in html
    assert "WH1 2" in html


def test_a_build_without_a_warehouse_is_refused_keeping_the_input_and_naming_where_to_build(
    arm, stocked_elsewhere, client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))

    response = client.post(
        reverse("warehouse:document-create-build"),
        {"part": arm.pk, "quantity": 2, "scope": "", "warehouse": ""},
        follow=True,
    )

    html = response.content.decode()
    assert not StockDocument.objects.filter(doc_type=DocumentType.BUILD).exists()
    assert response.redirect_chain[-1][0].startswith(reverse("warehouse:planner"))
    assert "Pick the warehouse to build in. Build in WH1: its stock covers 2 × SO-ARM100-F" in html
    assert f'name="part" value="{arm.pk}"' in html and 'min="1" value="2"' in html


def test_a_build_refused_by_the_chosen_warehouse_returns_to_the_same_plan_with_the_pick_kept(
    arm, stocked_elsewhere, client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))

    response = client.post(
        reverse("warehouse:document-create-build"),
        {"part": arm.pk, "quantity": 2, "scope": "", "warehouse": stocked_elsewhere.pk},
        follow=True,
    )

    html = response.content.decode()
    query = response.redirect_chain[-1][0]
    assert not StockDocument.objects.filter(doc_type=DocumentType.BUILD).exists()
    assert f"part={arm.pk}" in query and "quantity=2" in query and "warehouse=&" in query
    assert "from DC1: 0 available" in html  # the refusal itself, then where stock is
    assert "Build in WH1: its stock covers 2 × SO-ARM100-F" in html
    assert f'<option value="{stocked_elsewhere.pk}" selected>DC1' in html


def test_a_build_from_a_plan_across_all_warehouses_in_the_picked_warehouse_makes_the_draft(
    arm, warehouse, stocked_elsewhere, client, user_in_role
):
    client.force_login(user_in_role("storekeeper"))

    response = client.post(
        reverse("warehouse:document-create-build"),
        {"part": arm.pk, "quantity": 2, "scope": "", "warehouse": warehouse.pk},
    )

    document = StockDocument.objects.get(doc_type=DocumentType.BUILD)
    assert response.status_code == 302 and response["Location"].endswith(f"/{document.pk}/")
    assert document.status == DocumentStatus.DRAFT and document.build_quantity == 2
