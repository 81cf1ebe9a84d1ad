"""OEE writes, one module per seam: records (runs, downtime, bulk), daily (OeeDaily recompute and
plant-report import), forecasts (fit, store predictions, fill in actuals)."""

from analytics.oee.services.daily import (
    ImportSummary,
    oee_daily_import,
    oee_daily_recompute,
    oee_daily_recompute_range,
    oee_day_values,
    predictions_fill_actuals,
)
from analytics.oee.services.forecasts import (
    MAX_HORIZON,
    REFIT_PERMISSION,
    ForecastUnavailable,
    forecast_refit_start,
    forecast_refresh,
    forecast_refresh_all,
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
    "MAX_HORIZON",
    "REFIT_PERMISSION",
    "BulkRejected",
    "DowntimeOverlapError",
    "ForecastUnavailable",
    "ImportSummary",
    "OeeRecordError",
    "downtime_bulk_record",
    "downtime_delete",
    "downtime_record",
    "forecast_refit_start",
    "forecast_refresh",
    "forecast_refresh_all",
    "oee_daily_import",
    "oee_daily_recompute",
    "oee_daily_recompute_range",
    "oee_day_values",
    "predictions_fill_actuals",
    "run_delete",
    "run_record",
    "runs_bulk_record",
]
