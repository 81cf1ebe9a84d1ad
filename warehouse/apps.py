from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "warehouse"
    verbose_name = "Warehouse"

    def ready(self) -> None:
        from inventory.stock import register_stock_provider
        from warehouse.models import Location, StockLevel, Warehouse
        from warehouse.racks.selectors import connect_rack_cache_receivers
        from warehouse.revisions import STOCK
        from warehouse.selectors import stock_on_hand

        # Inventory may not import warehouse; it asks this registry for stock on hand instead.
        register_stock_provider(stock_on_hand)
        # Cached rack reads are forgotten whenever what a rack's layout is made of changes.
        connect_rack_cache_receivers()
        # Cached API lists of stock levels are forgotten whenever a balance can have changed.
        STOCK.connect(StockLevel, Location, Warehouse)
