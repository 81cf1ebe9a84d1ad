"""Models of the analytics app, one module per sub-domain (OEE in analytics/oee/models.py)."""

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
