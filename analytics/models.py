"""Models of the analytics app, one module per sub-domain (in analytics/oee/ and analytics/geo/)."""

from analytics.geo.models import (
    City,
    DataSource,
    MarketingArea,
    Order,
    OrderCellMonth,
    RefreshRun,
    Vendor,
)
from analytics.oee.models import (
    DowntimeEvent,
    ForecastModel,
    Holiday,
    LineProduct,
    OeeDaily,
    Prediction,
    ProductionLine,
    ProductionRun,
    ShiftCalendar,
    ShiftWindow,
)

__all__ = [
    "City",
    "DataSource",
    "MarketingArea",
    "Order",
    "OrderCellMonth",
    "RefreshRun",
    "Vendor",
    "DowntimeEvent",
    "ForecastModel",
    "Holiday",
    "LineProduct",
    "OeeDaily",
    "Prediction",
    "ProductionLine",
    "ProductionRun",
    "ShiftCalendar",
    "ShiftWindow",
]
