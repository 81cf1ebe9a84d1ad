"""OEE models: lines and their products, shift calendars, runs, downtime, daily OEE, forecasts.

Rules that must hold for every row are CHECK constraints named ``<table>_<rule>``; the one rule
SQLite cannot state (downtime events of one line must not overlap: no exclusion constraint) is
enforced by ``analytics.oee.services.downtime_record`` under a lock on the line.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from analytics.oee.choices import (
    REASON_CATEGORY,
    DaySource,
    DowntimeReason,
    ForecastMethod,
    LossCategory,
    Weekday,
)
from config.validators import validate_identifier

RATIO = {"max_digits": 12, "decimal_places": 6, "null": True, "blank": True}


class ShiftCalendar(models.Model):
    """Planned shift windows per weekday and the holidays: which days a line runs."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShiftWindow(models.Model):
    calendar = models.ForeignKey(ShiftCalendar, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    break_minutes = models.PositiveIntegerField(
        default=0, help_text="Planned breaks inside the window (planned downtime)."
    )

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="analytics_shiftwindow_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="analytics_shiftwindow_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Holiday(models.Model):
    calendar = models.ForeignKey(ShiftCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="analytics_holiday_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class ProductionLine(models.Model):
    code = models.CharField(max_length=32, unique=True, validators=[validate_identifier])
    name = models.CharField(max_length=200, blank=True)
    warehouse = models.ForeignKey(
        "warehouse.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="production_lines",
        help_text="The warehouse this line feeds.",
    )
    calendar = models.ForeignKey(
        ShiftCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        help_text="Which days the line runs; without one, the days it reported are used.",
    )
    oee_target = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal("0.85"), help_text="OEE target, 0–1."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(oee_target__gte=0, oee_target__lte=1),
                name="analytics_productionline_target_between_0_and_1",
            )
        ]

    def __str__(self) -> str:
        return self.code


class LineProduct(models.Model):
    """A product part a line builds, with the ideal cycle time the line builds it at."""

    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="products")
    part = models.ForeignKey("inventory.Part", on_delete=models.PROTECT, related_name="+")
    ideal_cycle_seconds = models.DecimalField(max_digits=10, decimal_places=3)

    class Meta:
        ordering = ["line", "part"]
        constraints = [
            models.UniqueConstraint(fields=["line", "part"], name="analytics_lineproduct_unique"),
            models.CheckConstraint(
                condition=Q(ideal_cycle_seconds__gt=0),
                name="analytics_lineproduct_cycle_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.part} @ {self.ideal_cycle_seconds} s"


class ProductionRun(models.Model):
    """One shift record of one product on one line, as entered by a person or a machine."""

    line = models.ForeignKey(ProductionLine, on_delete=models.PROTECT, related_name="runs")
    product = models.ForeignKey(LineProduct, on_delete=models.PROTECT, related_name="runs")
    shift_start = models.DateTimeField()
    shift_end = models.DateTimeField()
    day = models.DateField(db_index=True, help_text="The production day (date of the start).")
    planned_seconds = models.PositiveIntegerField(
        help_text="Planned busy time: the shift less planned downtime."
    )
    run_seconds = models.PositiveIntegerField()
    ideal_cycle_seconds = models.DecimalField(
        max_digits=10, decimal_places=3, help_text="The product's ideal cycle time when recorded."
    )
    total_count = models.PositiveIntegerField()
    good_count = models.PositiveIntegerField()
    reject_count = models.PositiveIntegerField(default=0)
    rework_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shift_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shift_end__gt=F("shift_start")),
                name="analytics_productionrun_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(good_count__lte=F("total_count")),
                name="analytics_productionrun_good_within_total",
            ),
            models.CheckConstraint(
                condition=Q(run_seconds__lte=F("planned_seconds")),
                name="analytics_productionrun_run_within_planned",
            ),
            models.CheckConstraint(
                condition=Q(
                    total_count__gte=0,
                    good_count__gte=0,
                    reject_count__gte=0,
                    rework_count__gte=0,
                    planned_seconds__gte=0,
                    run_seconds__gte=0,
                ),
                name="analytics_productionrun_counts_not_negative",
            ),
            models.UniqueConstraint(
                fields=["line", "product", "shift_start"],
                name="analytics_productionrun_one_per_product_and_start",
            ),
        ]
        indexes = [models.Index(fields=["line", "day"], name="analytics_run_line_day")]

    def __str__(self) -> str:
        return f"{self.line} {self.shift_start:%Y-%m-%d %H:%M}"


class DowntimeEvent(models.Model):
    line = models.ForeignKey(ProductionLine, on_delete=models.PROTECT, related_name="downtime")
    start = models.DateTimeField()
    end = models.DateTimeField()
    day = models.DateField(db_index=True, help_text="The production day (date of the start).")
    seconds = models.PositiveIntegerField(help_text="end − start, kept for SQL sums.")
    reason = models.CharField(max_length=32, choices=DowntimeReason.choices)
    category = models.CharField(
        max_length=32, choices=LossCategory.choices, help_text="From the reason."
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="analytics_downtimeevent_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["line", "start"], name="analytics_downtime_line_start")]

    def __str__(self) -> str:
        return f"{self.line} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} {self.reason}"

    @property
    def is_planned(self) -> bool:
        return REASON_CATEGORY.get(self.reason) == LossCategory.PLANNED


class OeeDaily(models.Model):
    """One line's day: the summed figures, their ratios as reported, and data-quality flags.

    Rows come from runs (kept up to date by the run and downtime services) or from an imported
    plant report. A flagged day keeps its impossible figures as reported; aggregates and model
    training leave it out and say how many days they left out.
    """

    # The day's figures in their reported order: what the daily service writes and the OEE
    # report lists, one list for both.
    FIGURE_FIELDS = (
        "source",
        "planned_seconds",
        "run_seconds",
        "ideal_seconds",
        "total_count",
        "good_count",
        "downtime_seconds",
        "availability",
        "performance",
        "quality",
        "oee",
    )

    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    source = models.CharField(max_length=8, choices=DaySource.choices, default=DaySource.RUNS)
    planned_seconds = models.BigIntegerField(default=0)
    run_seconds = models.BigIntegerField(default=0)
    ideal_seconds = models.DecimalField(
        max_digits=16, decimal_places=3, default=0, help_text="Σ ideal cycle time × output."
    )
    total_count = models.BigIntegerField(default=0)
    good_count = models.BigIntegerField(default=0)
    downtime_seconds = models.BigIntegerField(default=0)
    availability = models.DecimalField(**RATIO)
    performance = models.DecimalField(**RATIO)
    quality = models.DecimalField(**RATIO)
    oee = models.DecimalField(**RATIO)
    flags = models.JSONField(default=list, blank=True)
    is_flagged = models.BooleanField(default=False, db_index=True)
    reported = models.JSONField(
        default=dict, blank=True, help_text="Ratios the plant report stated (not used)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line", "date"]
        verbose_name = "daily OEE"
        verbose_name_plural = "daily OEE"
        constraints = [
            models.UniqueConstraint(fields=["line", "date"], name="analytics_oeedaily_one_per_day"),
            models.CheckConstraint(
                condition=Q(
                    planned_seconds__gte=0,
                    run_seconds__gte=0,
                    ideal_seconds__gte=0,
                    total_count__gte=0,
                    good_count__gte=0,
                    downtime_seconds__gte=0,
                ),
                name="analytics_oeedaily_counts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["date", "is_flagged"], name="analytics_oeedaily_date")]

    def __str__(self) -> str:
        return f"{self.line} {self.date}"


class ForecastModel(models.Model):
    """The method chosen for a line by its walk-forward backtest, with its rivals' scores."""

    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="forecasts")
    method = models.CharField(max_length=32, choices=ForecastMethod.choices)
    parameters = models.JSONField(default=dict, blank=True)
    train_from = models.DateField()
    train_to = models.DateField()
    training_days = models.PositiveIntegerField(default=0)
    left_out_days = models.PositiveIntegerField(
        default=0, help_text="Flagged days not used for training."
    )
    backtest = models.JSONField(
        default=dict, help_text="{method: {horizon: {mae, mase}}} for every candidate."
    )
    note = models.CharField(max_length=300, blank=True)
    is_current = models.BooleanField(default=True)
    fitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line", "-fitted_at"]

    def __str__(self) -> str:
        return f"{self.line} {self.method} ({self.fitted_at:%Y-%m-%d})"


class Prediction(models.Model):
    """One stored forecast of one day; ``actual`` and ``error`` are filled when the day arrives."""

    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="predictions")
    model = models.ForeignKey(ForecastModel, on_delete=models.CASCADE, related_name="predictions")
    made_on = models.DateField()
    target_date = models.DateField()
    horizon = models.PositiveSmallIntegerField(help_text="Production days ahead of made_on.")
    value = models.FloatField()
    lower80 = models.FloatField()
    upper80 = models.FloatField()
    lower95 = models.FloatField()
    upper95 = models.FloatField()
    actual = models.FloatField(null=True, blank=True)
    error = models.FloatField(null=True, blank=True, help_text="actual − value.")

    class Meta:
        ordering = ["line", "target_date", "horizon"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "target_date"], name="analytics_prediction_one_per_model_day"
            ),
            models.CheckConstraint(
                condition=Q(lower95__lte=F("lower80"), lower80__lte=F("value"))
                & Q(value__lte=F("upper80"), upper80__lte=F("upper95")),
                name="analytics_prediction_intervals_nested",
            ),
        ]
        indexes = [models.Index(fields=["line", "target_date"], name="analytics_pred_line_day")]

    def __str__(self) -> str:
        return f"{self.line} {self.target_date} h{self.horizon}"
