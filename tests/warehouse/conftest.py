"""Warehouse test fixtures: every test that touched the database leaves a ledger that verifies."""

from decimal import Decimal

import pytest
from django.db import DatabaseError

from tests.factories import LocationFactory, PartFactory, UserFactory
from warehouse.choices import DocumentType
from warehouse.selectors import stock_ledger_mismatches
from warehouse.services import document_create, document_post, warehouse_create


@pytest.fixture(autouse=True)
def _ledger_verifies_clean(request):
    """After each database test, every stock level must equal the sum of its ledger moves."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if uses_db:
        # Open the database before this fixture so that the check runs before it is torn down.
        request.getfixturevalue("_django_db_helper")
    yield
    if not uses_db:
        return
    try:
        checked, mismatches = stock_ledger_mismatches()
    except DatabaseError:
        return  # the test broke its transaction and has failed already; don't report it twice
    assert mismatches == [], f"stock levels differ from the ledger: {mismatches}"


@pytest.fixture
def storekeeper(db):
    return UserFactory(role="storekeeper")


@pytest.fixture
def warehouse(db):
    return warehouse_create(code="WH1", name="Main warehouse")


@pytest.fixture
def bin_a(warehouse):
    return LocationFactory(warehouse=warehouse, code="A-01")


@pytest.fixture
def bin_b(warehouse):
    return LocationFactory(warehouse=warehouse, code="B-01")


@pytest.fixture
def part(db):
    return PartFactory(sku="STS3215-7V4", unit_cost=Decimal("14.00"), reorder_point=Decimal("5"))


@pytest.fixture
def receive(storekeeper):
    """receive(part, location, quantity, unit_cost=None) posts a RECEIPT and returns it."""

    def make(part, location, quantity, unit_cost=None):
        document = document_create(
            doc_type=DocumentType.RECEIPT,
            user=storekeeper,
            lines=[
                {
                    "part": part,
                    "quantity": Decimal(quantity),
                    "to_location": location,
                    "unit_cost": unit_cost,
                }
            ],
        )
        return document_post(document=document, user=storekeeper)

    return make
