"""Warehouse admin: stock and documents (stock.py), racks and assets (racks.py)."""

from warehouse.admin import racks, stock  # noqa: F401
