"""Every enumeration of the OEE sub-domain, in one place."""

from django.db import models

from analytics.oee import compute


class LossCategory(models.TextChoices):
    """The six big losses, plus planned downtime (not a loss of OEE: it is outside planned
    busy time, and counts only against TEEP's loading)."""

    BREAKDOWN = "breakdown", "Breakdowns"
    SETUP = "setup", "Setup and adjustments"
    SMALL_STOP = "small_stop", "Small stops"
    REDUCED_SPEED = "reduced_speed", "Reduced speed"
    STARTUP_REJECTS = "startup_rejects", "Start-up rejects"
    PRODUCTION_REJECTS = "production_rejects", "Production rejects"
    PLANNED = "planned", "Planned downtime"


class DowntimeReason(models.TextChoices):
    MECHANICAL_FAILURE = "mechanical_failure", "Mechanical failure"
    ELECTRICAL_FAILURE = "electrical_failure", "Electrical failure"
    TOOLING_FAILURE = "tooling_failure", "Tooling failure"
    CHANGEOVER = "changeover", "Changeover"
    CALIBRATION = "calibration", "Calibration and adjustment"
    JAM = "jam", "Jam or misfeed"
    MATERIAL_WAIT = "material_wait", "Waiting for material"
    SENSOR_BLOCKED = "sensor_blocked", "Sensor blocked"
    SLOW_CYCLE = "slow_cycle", "Running below rated speed"
    WARMUP_SCRAP = "warmup_scrap", "Warm-up scrap"
    QUALITY_HOLD = "quality_hold", "Quality hold and rework"
    PLANNED_MAINTENANCE = "planned_maintenance", "Planned maintenance"
    BREAK = "break", "Break or meeting"
    NO_ORDERS = "no_orders", "No orders planned"


# Each reason belongs to exactly one loss category (the loss tree's second level).
REASON_CATEGORY: dict[str, str] = {
    DowntimeReason.MECHANICAL_FAILURE: LossCategory.BREAKDOWN,
    DowntimeReason.ELECTRICAL_FAILURE: LossCategory.BREAKDOWN,
    DowntimeReason.TOOLING_FAILURE: LossCategory.BREAKDOWN,
    DowntimeReason.CHANGEOVER: LossCategory.SETUP,
    DowntimeReason.CALIBRATION: LossCategory.SETUP,
    DowntimeReason.JAM: LossCategory.SMALL_STOP,
    DowntimeReason.MATERIAL_WAIT: LossCategory.SMALL_STOP,
    DowntimeReason.SENSOR_BLOCKED: LossCategory.SMALL_STOP,
    DowntimeReason.SLOW_CYCLE: LossCategory.REDUCED_SPEED,
    DowntimeReason.WARMUP_SCRAP: LossCategory.STARTUP_REJECTS,
    DowntimeReason.QUALITY_HOLD: LossCategory.PRODUCTION_REJECTS,
    DowntimeReason.PLANNED_MAINTENANCE: LossCategory.PLANNED,
    DowntimeReason.BREAK: LossCategory.PLANNED,
    DowntimeReason.NO_ORDERS: LossCategory.PLANNED,
}


class OeeFlag(models.TextChoices):
    """Why a reported day cannot be true; such a day is stored as reported and left out of plant
    aggregates and model training (keys shared with analytics.oee.compute)."""

    PERFORMANCE_OVER_100 = (
        compute.FLAG_PERFORMANCE_OVER_100,
        "Performance above 100 % (ideal cycle time probably wrong)",
    )
    OUTPUT_WITHOUT_RUN_TIME = compute.FLAG_OUTPUT_WITHOUT_RUN_TIME, "Output with no run time"
    RUN_WITHOUT_PLANNED_TIME = (
        compute.FLAG_RUN_WITHOUT_PLANNED_TIME,
        "Run time with no planned time",
    )
    RUN_LONGER_THAN_PLANNED = compute.FLAG_RUN_LONGER_THAN_PLANNED, "Run time above planned time"
    GOOD_ABOVE_TOTAL = compute.FLAG_GOOD_ABOVE_TOTAL, "More good output than total output"


class DaySource(models.TextChoices):
    RUNS = "runs", "Computed from runs"
    IMPORT = "import", "Imported plant report"


class Granularity(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class ForecastMethod(models.TextChoices):
    SEASONAL_NAIVE = "seasonal_naive", "Seasonal naive (weekly)"
    HOLT_WINTERS = "holt_winters", "Holt-Winters (weekly seasonality)"
    SARIMA = "sarima", "SARIMA"
    SEASONAL_MEAN = "seasonal_mean", "Seasonal moving average (last 4 weeks)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"
