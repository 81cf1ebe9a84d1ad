"""Where inventory pages get stock on hand from, without inventory importing the app that keeps it.

Dependencies point warehouse → inventory (ARCHITECTURE.md), yet the part page is where people
look for stock. The app that keeps stock registers a provider when it starts (the warehouse
app does so in ``WarehouseConfig.ready``); with none registered, pages simply show no stock.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol


class StockProvider(Protocol):
    def __call__(self, *, part_ids: list[int]) -> Mapping[int, Decimal]:
        """Quantity on hand per part id, over all warehouses; parts without stock may be absent."""
        ...


# Set once at start-up by an AppConfig.ready(); not request state.
_provider: StockProvider | None = None


def register_stock_provider(provider: StockProvider | None) -> None:
    """Make ``provider`` the source of stock on hand (None removes it)."""
    global _provider
    _provider = provider


def on_hand_provider() -> StockProvider | None:
    """The registered stock provider, or None when no installed app keeps stock."""
    return _provider
