"""The demo loader: real posted documents, idempotent, some parts below their reorder point."""

import pytest

from inventory.demo import load_demo_inventory
from warehouse.choices import DocumentStatus
from warehouse.demo import load_demo_warehouse
from warehouse.models import StockDocument, StockMove, Warehouse
from warehouse.selectors import parts_below_reorder

pytestmark = pytest.mark.django_db


def test_the_demo_posts_its_stock_through_documents_and_leaves_some_parts_low():
    load_demo_inventory()

    summary = load_demo_warehouse()

    assert summary.startswith("warehouse: 2 warehouses")
    assert set(Warehouse.objects.values_list("code", flat=True)) >= {"WH1", "WH2"}
    statuses = set(StockDocument.objects.values_list("status", flat=True))
    assert statuses == {DocumentStatus.POSTED}
    assert StockDocument.objects.filter(doc_type="BUILD").exists()
    assert parts_below_reorder().exists()


def test_loading_the_demo_twice_posts_nothing_again():
    load_demo_inventory()
    load_demo_warehouse()
    documents, moves = StockDocument.objects.count(), StockMove.objects.count()

    load_demo_warehouse()

    assert (StockDocument.objects.count(), StockMove.objects.count()) == (documents, moves)


def test_the_demo_without_parts_is_skipped_with_a_message():
    assert "skipped" in load_demo_warehouse()


def test_the_demo_supplier_prices_agree_with_the_parts_unit_costs():
    """A supplier's price per unit is within a factor of two of the part's unit cost."""
    from inventory.models import SupplierPart

    load_demo_inventory()
    offers = SupplierPart.objects.select_related("part", "supplier")
    assert offers.exists()
    for offer in offers:
        ratio = offer.price / offer.part.unit_cost
        assert 0.5 <= ratio <= 2, (offer.supplier.code, offer.part.sku, offer.price)
