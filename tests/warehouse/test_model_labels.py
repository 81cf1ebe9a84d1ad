"""Admin and logs show model rows by SKU and number, never by raw ids."""

from decimal import Decimal

import pytest

from tests.factories import (
    BomLineFactory,
    DocumentLineFactory,
    StockLevelFactory,
    StockMoveFactory,
)


@pytest.mark.django_db
def test_a_bom_line_reads_as_assembly_quantity_component():
    line = BomLineFactory(
        assembly__sku="ARM-101", component__sku="STS3215-7V4", quantity=Decimal("6.0000")
    )
    assert str(line) == "ARM-101: 6 × STS3215-7V4"


@pytest.mark.django_db
def test_a_document_line_reads_with_the_document_number_and_sku():
    line = DocumentLineFactory(
        document__number="REC-2026-00001", part__sku="PSU-5V-4A", quantity=Decimal("10.0000")
    )
    assert str(line) == "REC-2026-00001: 10 × PSU-5V-4A"


@pytest.mark.ledger_unchecked
@pytest.mark.django_db
def test_a_stock_level_reads_with_location_and_sku():
    level = StockLevelFactory(
        location__warehouse__code="WH1",
        location__code="A-01",
        part__sku="USB-CAM",
        quantity=Decimal("2.5000"),
    )
    assert str(level) == "WH1/A-01 · USB-CAM: 2.5"


@pytest.mark.ledger_unchecked
@pytest.mark.django_db
def test_a_stock_move_reads_as_a_signed_change_and_balance():
    move = StockMoveFactory(
        location__warehouse__code="WH1",
        location__code="A-01",
        part__sku="USB-CAM",
        quantity=Decimal("-2"),
        balance_after=Decimal("3"),
    )
    assert str(move) == "WH1/A-01 · USB-CAM: -2 → 3"
