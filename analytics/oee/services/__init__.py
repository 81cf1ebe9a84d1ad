"""OEE writes, one module per seam: records (runs, downtime, bulk), daily (OeeDaily recompute and
plant-report import), forecasts (fit, store predictions, fill in actuals)."""

from analytics.oee.services.daily import (
    ImportSummary,
    oee_daily_import,
    oee_daily_recompute,
    oee_daily_recompute_range,
    oee_day_values,
)
from analytics.oee.services.records import (
    BulkRejected,
    DowntimeOverlapError,
    OeeRecordError,
    downtime_bulk_record,
    downtime_delete,
    downtime_record,
    run_delete,
    run_record,
    runs_bulk_record,
)

__all__ = [
    "BulkRejected",
    "DowntimeOverlapError",
    "ImportSummary",
    "OeeRecordError",
    "downtime_bulk_record",
    "downtime_delete",
    "downtime_record",
    "oee_daily_import",
    "oee_daily_recompute",
    "oee_daily_recompute_range",
    "oee_day_values",
    "run_delete",
    "run_record",
    "runs_bulk_record",
]
