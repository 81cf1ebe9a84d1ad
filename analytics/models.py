"""Production lines, OEE, forecasts, vendors, orders and data refreshes.

The models arrive with the OEE and order-map issues (see ARCHITECTURE.md); this app already
owns the role-group data migration because it is the one app that depends on both others.
"""

from analytics.geo.models import (  # noqa: F401  (the order map's models, analytics/geo/)
    City,
    DataSource,
    MarketingArea,
    Order,
    OrderCellMonth,
    RefreshRun,
    Vendor,
)
