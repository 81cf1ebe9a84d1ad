"""Warehouse test fixtures (the ledger check after every test lives in tests/conftest.py)."""

from decimal import Decimal

import pytest

from tests.factories import LocationFactory, PartFactory, UserFactory
from warehouse.choices import DocumentType
from warehouse.services import document_create, document_post, warehouse_create


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
