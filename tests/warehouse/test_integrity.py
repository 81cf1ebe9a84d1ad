"""Invariants that hold whatever door a change comes through (services, API, admin, ORM, SQL):
the location tree stays inside one warehouse without cycles, the ledger is append-only, a
build posts exactly N × its bill of materials, a movement line moves a positive quantity."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from tests.factories import (
    AssemblyFactory,
    BomLineFactory,
    LocationFactory,
    PartFactory,
    StockDocumentFactory,
)
from warehouse import services
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.models import DocumentLine, LedgerIsAppendOnly, Location, StockLevel, StockMove

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- location tree


@pytest.fixture
def tree(warehouse):
    zone = LocationFactory(warehouse=warehouse, code="A", kind="zone")
    shelf = LocationFactory(warehouse=warehouse, code="A-01", kind="shelf", parent=zone)
    box = LocationFactory(warehouse=warehouse, code="A-01-01", parent=shelf)
    return zone, shelf, box


def test_a_location_cannot_be_moved_under_its_own_descendant(tree):
    zone, _, box = tree
    zone.parent = box
    with pytest.raises(ValidationError) as refused:
        zone.full_clean()
    assert "A location cannot be inside itself: A → A-01 → A-01-01 → A." in str(refused.value)


def test_the_api_refuses_a_cycle_with_a_400_naming_the_path(tree, client_for):
    zone, _, box = tree
    response = client_for("manager").patch(
        f"/api/locations/{zone.pk}/", {"parent": box.pk}, format="json"
    )
    assert response.status_code == 400
    assert "A → A-01 → A-01-01 → A" in str(response.json()["parent"])
    zone.refresh_from_db()
    assert zone.parent is None


def test_a_parent_in_another_warehouse_is_refused(tree):
    other = services.warehouse_create(code="WH2", name="Second")
    stray = LocationFactory(warehouse=other, code="X-1")
    stray.parent = tree[0]
    with pytest.raises(ValidationError, match="is in another warehouse"):
        stray.full_clean()


def test_a_location_with_stock_keeps_its_warehouse(tree, receive, part, client_for):
    _, _, box = tree
    receive(part, box, "3")
    other = services.warehouse_create(code="WH2", name="Second")

    response = client_for("manager").patch(
        f"/api/locations/{box.pk}/", {"warehouse": other.pk, "parent": None}, format="json"
    )

    assert response.status_code == 400
    assert "holds stock, so it stays in its warehouse" in str(response.json()["warehouse"])
    box.refresh_from_db()
    assert box.warehouse.code == "WH1"


def test_a_location_with_children_keeps_its_warehouse(tree):
    zone = tree[0]
    zone.warehouse = services.warehouse_create(code="WH2", name="Second")
    with pytest.raises(ValidationError, match="contains other locations"):
        zone.full_clean()


def test_an_empty_leaf_may_move_to_another_warehouse(warehouse):
    lonely = LocationFactory(warehouse=warehouse, code="TMP")
    lonely.warehouse = services.warehouse_create(code="WH2", name="Second")
    lonely.full_clean()


def test_the_admin_refuses_a_cycle_with_a_form_error(tree, client, user_in_role):
    zone, shelf, box = tree
    client.force_login(user_in_role("superuser"))
    response = client.post(
        reverse("admin:warehouse_location_change", args=[zone.pk]),
        {
            "warehouse": zone.warehouse_id,
            "parent": box.pk,
            "code": zone.code,
            "name": "",
            "kind": "zone",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "A location cannot be inside itself" in response.content.decode()
    assert Location.objects.get(pk=zone.pk).parent_id is None


# --------------------------------------------------------------------------- the ledger


def test_the_orm_never_updates_or_deletes_a_stock_move(receive, part, bin_a):
    move = receive(part, bin_a, "2").moves.get()

    with pytest.raises(LedgerIsAppendOnly):
        StockMove.objects.filter(pk=move.pk).update(quantity=Decimal("5"))
    with pytest.raises(LedgerIsAppendOnly):
        StockMove.objects.filter(pk=move.pk).delete()
    move.quantity = Decimal("5")
    with pytest.raises(LedgerIsAppendOnly):
        move.save()
    with pytest.raises(LedgerIsAppendOnly):
        move.delete()
    assert StockMove.objects.get(pk=move.pk).quantity == Decimal("2")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_sql_that_rewrites_the_ledger(receive, part, bin_a):
    move = receive(part, bin_a, "2").moves.get()
    table = StockMove._meta.db_table
    for statement in (
        f"UPDATE {table} SET quantity = 7 WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="stock moves are append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [move.pk])
    assert StockMove.objects.get(pk=move.pk).quantity == Decimal("2")


# --------------------------------------------------------------------------- builds


@pytest.fixture
def arm_with_stock(receive, bin_a):
    arm = AssemblyFactory(sku="ARM-1")
    servo, bracket = PartFactory(sku="SERVO"), PartFactory(sku="BRACKET")
    BomLineFactory(assembly=arm, component=servo, quantity=Decimal("6"))
    BomLineFactory(assembly=arm, component=bracket, quantity=Decimal("2"))
    receive(servo, bin_a, "12")
    receive(bracket, bin_a, "4")
    return arm, servo, bracket


def _build(arm, bin_a, storekeeper, quantity="2"):
    return services.document_create(
        doc_type=DocumentType.BUILD,
        user=storekeeper,
        lines=[],
        build_part=arm,
        build_quantity=quantity,
        source_location=bin_a,
    )


def test_a_build_whose_component_lines_were_removed_is_refused(arm_with_stock, bin_a, storekeeper):
    arm, servo, _ = arm_with_stock
    draft = _build(arm, bin_a, storekeeper)
    draft.lines.exclude(part=arm).delete()  # as an admin inline could

    with pytest.raises(services.StockError) as refused:
        services.document_post(document=draft, user=storekeeper)

    message = " ".join(refused.value.messages)
    assert "the lines are not 2 × the bill of materials of ARM-1" in message
    assert "SERVO 12 expected, 0 on the lines" in message
    assert not StockLevel.objects.filter(part=arm).exists()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


def test_a_build_whose_bom_changed_since_the_draft_is_refused(arm_with_stock, bin_a, storekeeper):
    arm, servo, bracket = arm_with_stock
    draft = _build(arm, bin_a, storekeeper)
    BomLineFactory(assembly=arm, component=PartFactory(sku="CABLE"), quantity=Decimal("1"))

    with pytest.raises(services.StockError, match="CABLE 2 expected, 0 on the lines"):
        services.document_post(document=draft, user=storekeeper)


def test_a_build_without_its_assembly_is_refused(bin_a, storekeeper):
    draft = StockDocumentFactory(doc_type=DocumentType.BUILD, build_part=None)
    DocumentLine.objects.create(
        document=draft, part=PartFactory(), quantity=Decimal("1"), from_location=bin_a
    )
    with pytest.raises(services.StockError, match="without the assembly to build"):
        services.document_post(document=draft, user=storekeeper)


def test_a_build_made_from_its_bom_posts(arm_with_stock, bin_a, storekeeper):
    arm, servo, bracket = arm_with_stock
    services.document_post(document=_build(arm, bin_a, storekeeper), user=storekeeper)
    assert StockLevel.objects.get(part=arm, location=bin_a).quantity == Decimal("2")
    assert StockLevel.objects.get(part=servo, location=bin_a).quantity == Decimal("0")


def test_the_admin_takes_a_builds_lines_from_the_bom_and_shows_them_read_only(
    arm_with_stock, bin_a, client, user_in_role
):
    arm, servo, bracket = arm_with_stock
    client.force_login(user_in_role("superuser"))
    data = {
        "doc_type": "BUILD",
        "source_location": bin_a.pk,
        "build_part": arm.pk,
        "build_quantity": "1",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        # a line typed by hand is replaced by the BOM's
        "lines-0-part": PartFactory(sku="STRAY").pk,
        "lines-0-quantity": "99",
        "lines-0-from_location": bin_a.pk,
        "lines-0-position": "1",
    }
    response = client.post(reverse("admin:warehouse_stockdocument_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = DocumentLine.objects.filter(part=arm).get().document
    lines = {line.part.sku: line.quantity for line in document.lines.all()}
    assert lines == {"SERVO": Decimal("6"), "BRACKET": Decimal("2"), "ARM-1": Decimal("1")}
    page = client.get(reverse("admin:warehouse_stockdocument_change", args=[document.pk]))
    assert 'name="lines-0-quantity"' not in page.content.decode()


def test_the_admin_refuses_a_build_without_an_assembly(bin_a, client, user_in_role):
    client.force_login(user_in_role("superuser"))
    response = client.post(
        reverse("admin:warehouse_stockdocument_add"),
        {
            "doc_type": "BUILD",
            "source_location": bin_a.pk,
            "build_quantity": "1",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "A build document needs the assembly to build." in response.content.decode()


# --------------------------------------------------------------------------- line quantities


def test_the_database_refuses_a_zero_quantity_movement_line(bin_a):
    draft = StockDocumentFactory(doc_type=DocumentType.ISSUE)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentLine.objects.bulk_create(
            [DocumentLine(document=draft, part=PartFactory(), quantity=0, from_location=bin_a)]
        )


def test_a_count_may_find_zero(bin_a, storekeeper):
    count = services.document_create(
        doc_type=DocumentType.ADJUSTMENT,
        user=storekeeper,
        lines=[{"part": PartFactory(), "quantity": "0", "to_location": bin_a}],
    )
    line = count.lines.get()
    assert line.is_count and line.quantity == 0
