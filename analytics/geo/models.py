"""The order map's data: cities, vendors, orders (with their H3 cell), marketing areas, sources.

Coordinates are floats (degrees, WGS 84): they are measurements, not money or quantities, so the
Decimal rule of config/numbers.py does not apply to them; a vendor's delivery radius is a Decimal
(km, two places) because people type and compare it.

Each order stores its H3 cell at resolution 9 as a 64-bit integer (``cells.py`` derives coarser
cells from it by bit arithmetic, also in SQL). ``OrderCellMonth`` is the rollup the heatmaps read:
orders counted per city, local month, resolution (5–9), cell, business line and organic flag,
rebuilt for the months a refresh touched (``refresh.rollup_rebuild``).

On PostgreSQL the orders table is partitioned by month of ``created_at`` (``partitions.py``; its
primary key is ``(id, created_at)``, Django still addresses a row by ``id``, which the sequence
keeps unique). A partitioned table cannot hold a unique key without the partition column, so
``OrderKey`` (one row per order id, primary key ``order_id``) keeps order ids unique and says
where each order is; the refresh reads it to replace a changed order (``docs/map.md``).
"""

from django.db import models
from django.db.models import Q

GRADES = ("A", "B", "C", "D")


class City(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    min_latitude = models.FloatField()
    max_latitude = models.FloatField()
    min_longitude = models.FloatField()
    max_longitude = models.FloatField()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "cities"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_latitude__gte=-90, max_latitude__lte=90)
                & Q(min_latitude__lte=models.F("max_latitude")),
                name="geo_city_latitude_bounds",
            ),
            models.CheckConstraint(
                condition=Q(min_longitude__gte=-180, max_longitude__lte=180)
                & Q(min_longitude__lte=models.F("max_longitude")),
                name="geo_city_longitude_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def contains(self, latitude: float, longitude: float) -> bool:
        return (
            self.min_latitude <= latitude <= self.max_latitude
            and self.min_longitude <= longitude <= self.max_longitude
        )


def _coordinates_valid(prefix: str = "") -> Q:
    return Q(**{f"{prefix}latitude__gte": -90, f"{prefix}latitude__lte": 90}) & Q(
        **{f"{prefix}longitude__gte": -180, f"{prefix}longitude__lte": 180}
    )


class Vendor(models.Model):
    class Grade(models.TextChoices):
        A = "A"
        B = "B"
        C = "C"
        D = "D"

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="vendors")
    latitude = models.FloatField()
    longitude = models.FloatField()
    grade = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    business_line = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32, blank=True, default="active")
    visible = models.BooleanField(default=True)
    open = models.BooleanField(default=True)
    radius_km = models.DecimalField(max_digits=6, decimal_places=2, default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["city", "grade"], name="geo_vendor_city_grade")]
        constraints = [
            models.CheckConstraint(condition=_coordinates_valid(), name="geo_vendor_coordinates"),
            models.CheckConstraint(
                condition=Q(grade__in=("", *GRADES)), name="geo_vendor_grade_known"
            ),
            models.CheckConstraint(
                condition=Q(radius_km__gte=0, radius_km__lte=100), name="geo_vendor_radius_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Order(models.Model):
    # Unique and looked up through OrderKey: a unique index here would need created_at in it
    # (partitions), and every index on this table costs the ingest. The foreign keys' own
    # indexes would duplicate the leading columns of the composite indexes below.
    order_id = models.CharField(max_length=64)
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="orders", db_index=False)
    business_line = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    user_id = models.CharField(max_length=64)
    is_organic = models.BooleanField(default=False)
    cell = models.BigIntegerField(help_text="H3 cell of the customer, resolution 9, as integer.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["city", "created_at"], name="geo_order_city_created"),
            models.Index(fields=["city", "cell"], name="geo_order_city_cell"),
            models.Index(fields=["vendor", "created_at"], name="geo_order_vendor_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=_coordinates_valid(), name="geo_order_coordinates"),
            models.CheckConstraint(condition=Q(cell__gt=0), name="geo_order_cell_set"),
        ]

    def __str__(self) -> str:
        return self.order_id


class OrderKey(models.Model):
    """One row per loaded order id: what keeps order ids unique across the monthly partitions.

    Written with the orders, in the same transaction, by every write path (``refresh``); the
    refresh reads it to find an order already loaded (its city and created_at, hence its
    partition) and replaces that row, so an order whose created_at changes moves partitions
    instead of being duplicated.
    """

    order_id = models.CharField(max_length=64, primary_key=True)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.order_id


class OrderCellMonth(models.Model):
    """Orders per city, local calendar month, resolution, H3 cell, business line, organic flag.

    Monthly, not daily or hourly: orders are sparse at resolution 9 (a day's orders mostly fall
    in distinct cells), so a daily key would hold about one row per order and save nothing. Each
    month is stored at every heatmap resolution (5–9; the coarser rows summed from the res-9
    ones), so a year at resolution 7 reads twelve months of resolution-7 rows, not the res-9
    rows regrouped. A period's whole months are read here and its partial months at either end
    from the orders; filters by hour, weekday or grade read the orders (``selectors``).
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the local month.")
    resolution = models.PositiveSmallIntegerField(default=9)
    cell = models.BigIntegerField(help_text="H3 cell at this row's resolution, as integer.")
    business_line = models.CharField(max_length=64, blank=True)
    is_organic = models.BooleanField()
    orders = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "month", "resolution", "cell", "business_line", "is_organic"],
                name="geo_rollup_one_row_per_key",
            ),
            models.CheckConstraint(
                condition=Q(resolution__gte=5, resolution__lte=9), name="geo_rollup_resolution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.month:%Y-%m} {self.cell}: {self.orders}"


class OrderCellMonthTotal(models.Model):
    """``OrderCellMonth`` summed over business lines, organic orders a column: the rows a heatmap
    without a business-line or area filter reads (a sixth of the rollup's rows with three lines:
    a year at resolution 9 is one row per cell and month)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(help_text="The first day of the local month.")
    resolution = models.PositiveSmallIntegerField()
    cell = models.BigIntegerField(help_text="H3 cell at this row's resolution, as integer.")
    orders = models.PositiveIntegerField()
    organic_orders = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "resolution", "month", "cell"], name="geo_rollup_total_one_row"
            ),
            models.CheckConstraint(
                condition=Q(organic_orders__lte=models.F("orders")),
                name="geo_rollup_total_organic_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.month:%Y-%m} r{self.resolution} {self.cell}: {self.orders}"


class MarketingArea(models.Model):
    name = models.CharField(max_length=100)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="areas")
    geojson = models.JSONField(help_text="A GeoJSON Polygon (or MultiPolygon) inside the city.")
    target_percent = models.DecimalField(max_digits=5, decimal_places=2, default=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="geo_area_unique_name"),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0, target_percent__lte=100),
                name="geo_area_target_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city.code}: {self.name}"


class DataSource(models.Model):
    class Kind(models.TextChoices):
        ORDERS = "orders"
        VENDORS = "vendors"
        GRADES = "grades"

    class SourceType(models.TextChoices):
        METABASE = "metabase"
        CSV = "csv"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source_type = models.CharField(max_length=16, choices=SourceType.choices)
    url = models.CharField(
        max_length=500, help_text="Metabase base URL, or a CSV file's path or http(s) URL."
    )
    card_id = models.PositiveIntegerField(null=True, blank=True, help_text="Metabase card id.")
    secret_env = models.CharField(
        max_length=100,
        blank=True,
        help_text="Name of the environment variable holding the API key (never the key itself).",
    )
    overlap_hours = models.PositiveIntegerField(
        default=48, help_text="Orders refresh from the newest loaded order minus this window."
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_type="metabase") | Q(card_id__isnull=False),
                name="geo_source_metabase_card",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RefreshRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        PARTIAL = "partial"  # finished, some rows rejected
        FAILED = "failed"

    source = models.ForeignKey(
        DataSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    kind = models.CharField(max_length=16, choices=DataSource.Kind.choices)
    origin = models.CharField(max_length=500, blank=True, help_text="The file or URL read.")
    full = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    rows_read = models.PositiveIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    rejects = models.JSONField(default=list, blank=True, help_text="[{row, reason}], first 1000.")
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "finished_at"], name="geo_run_fresh")]

    def __str__(self) -> str:
        return f"{self.kind} refresh {self.started_at:%Y-%m-%d %H:%M} ({self.status})"
