"""Warehouse models: locations and stock (stock.py), racks and assets (racks.py)."""

from warehouse.models.racks import Asset, Connection, RackPlacement
from warehouse.models.stock import (
    DocumentLine,
    DocumentSequence,
    IdempotencyRecord,
    LedgerIsAppendOnly,
    Location,
    PartValuation,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)

__all__ = [
    "Asset",
    "Connection",
    "DocumentLine",
    "DocumentSequence",
    "IdempotencyRecord",
    "LedgerIsAppendOnly",
    "Location",
    "PartValuation",
    "RackPlacement",
    "StockDocument",
    "StockLevel",
    "StockMove",
    "StockVerification",
    "Warehouse",
]
