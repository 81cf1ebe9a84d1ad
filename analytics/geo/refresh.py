"""Refreshing vendors, orders and grades from a source, and the rollup the heatmaps read.

A run streams the source in chunks of ``CHUNK_ROWS`` rows; each chunk is validated row by row
(a refused row is recorded on the run with its reason, the others load) and written in its own
transaction with bulk statements (PostgreSQL: the known keys read, their rows deleted, then
``COPY`` straight into the orders and key tables; other databases: executemany and
``bulk_create``). A source that
fails mid-stream leaves the chunks already committed — whole, valid rows — and nothing half
written; the run is recorded as failed with the error, and the previous data is still served.
After the last chunk (or the failure) the rollup is rebuilt for the local months the run
touched, so ``OrderCellMonth`` always equals the raw aggregate of committed orders. Orders are
written by ``replace_orders`` (a changed order's old row deleted, the new one inserted, its
``OrderKey`` written), in the monthly partitions of PostgreSQL (``partitions``), created
for each month a chunk holds before it is written.
"""

import itertools
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from time import perf_counter as time_counter
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from analytics.geo import partitions
from analytics.geo import rows as source_rows
from analytics.geo.cells import MIN_RESOLUTION, STORED_RESOLUTION, cell_of, parent_masks
from analytics.geo.models import (
    City,
    DataSource,
    Order,
    OrderCellMonth,
    OrderCellMonthTotal,
    OrderKey,
    RefreshRun,
    Vendor,
)
from analytics.geo.sources import describe, open_source

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000
MAX_REJECTS_KEPT = 1000
CITY_MARGIN_KM = 10
ORDER_FIELDS = (
    "order_id",
    "vendor_id",
    "city_id",
    "business_line",
    "created_at",
    "latitude",
    "longitude",
    "user_id",
    "is_organic",
    "cell",
)


def refresh_data(
    *,
    kind: str,
    source: DataSource | None = None,
    path: str | None = None,
    full: bool = False,
) -> RefreshRun:
    """Load one source (or a file) of ``kind``; returns the finished run, whatever happened.

    Errors opening or reading the source end the run as failed (the error recorded); a file that
    cannot be opened at all (missing, missing columns) is also re-raised for the caller to show.
    """
    run = RefreshRun.objects.create(
        kind=kind, source=source, origin=describe(source=source, path=path)[:500], full=full
    )
    loader = LOADERS[kind](run)
    if kind == "orders" and not full:
        loader.since = _orders_since(source)
    try:
        with open_source(source=source, path=path) as stream:
            for chunk in _chunks(source_rows.read_rows(stream, kind), CHUNK_ROWS):
                with transaction.atomic():
                    loader.load(chunk)
    except Exception as error:
        logger.warning("geo refresh %s failed: %s", run.pk, error)
        run.status = RefreshRun.Status.FAILED
        run.error = str(getattr(error, "message", None) or error)[:2000]
        run.summary["error_type"] = type(error).__name__
    finally:
        started = time_counter()
        loader.finish()
        run.summary["rollup_seconds"] = round(time_counter() - started, 2)
        run.rejects.sort(key=lambda reject: reject["row"])
        if run.status == RefreshRun.Status.RUNNING:
            run.status = (
                RefreshRun.Status.PARTIAL if run.rows_rejected else RefreshRun.Status.SUCCEEDED
            )
        run.finished_at = timezone.now()
        run.save()
    return run


def _orders_since(source: DataSource | None) -> datetime | None:
    """Incremental: rows older than the newest loaded order minus the overlap window are skipped."""
    # Per city: each is an index probe ((city, created_at)) per partition, not a scan of all.
    found = [
        Order.objects.filter(city_id=city_id).aggregate(newest=Max("created_at"))["newest"]
        for city_id in City.objects.values_list("pk", flat=True)
    ]
    newest = max((when for when in found if when is not None), default=None)
    if newest is None:
        return None
    overlap = source.overlap_hours if source is not None else 48
    return newest - timedelta(hours=overlap)


def _chunks(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class _Loader:
    """Per-kind chunk loading; counts and rejects go on the run."""

    parse = staticmethod(source_rows.parse_grade)

    def __init__(self, run: RefreshRun) -> None:
        self.run = run
        self.since: datetime | None = None
        self.cities = {city.code: city for city in City.objects.all()}

    def parsed(self, chunk: list[tuple[int, dict]]) -> list[tuple[int, Any]]:
        self.run.rows_read += len(chunk)
        good = []
        for line, row in chunk:
            try:
                good.append((line, self.parse(row)))
            except source_rows.RowError as error:
                self.reject(line, str(error))
        return good

    def reject(self, line: int, reason: str) -> None:
        self.run.rows_rejected += 1
        if len(self.run.rejects) < MAX_REJECTS_KEPT:
            self.run.rejects.append({"row": line, "reason": reason})

    def load(self, chunk: list[tuple[int, dict]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        return None


class _GradeLoader(_Loader):
    def load(self, chunk: list[tuple[int, dict]]) -> None:
        parsed = self.parsed(chunk)
        known = set(
            Vendor.objects.filter(code__in={row.code for _, row in parsed}).values_list(
                "code", flat=True
            )
        )
        by_grade: dict[str, set[str]] = defaultdict(set)
        for line, row in parsed:
            if row.code not in known:
                self.reject(line, f"unknown vendor {row.code!r}")
            else:
                by_grade[row.grade].add(row.code)
        for grade, codes in by_grade.items():
            self.run.rows_updated += Vendor.objects.filter(code__in=codes).update(
                grade=grade, updated_at=timezone.now()
            )


class _VendorLoader(_Loader):
    parse = staticmethod(source_rows.parse_vendor)

    def __init__(self, run: RefreshRun) -> None:
        super().__init__(run)
        self.created: dict[str, list[tuple[float, float]]] = {}

    def load(self, chunk: list[tuple[int, dict]]) -> None:
        parsed = self.parsed(chunk)
        self._create_or_widen_cities([row for _, row in parsed])
        vendors: dict[str, Vendor] = {}
        for line, row in parsed:
            city = self.cities[row.city]
            if not city.contains(row.latitude, row.longitude):
                self.reject(line, f"({row.latitude}, {row.longitude}) is outside city {city.code}")
                continue
            vendors[row.code] = Vendor(
                code=row.code,
                name=row.name,
                city=city,
                latitude=row.latitude,
                longitude=row.longitude,
                business_line=row.business_line,
                grade=row.grade,
                status=row.status,
                visible=row.visible,
                open=row.open,
                radius_km=row.radius_km,
            )
        existing = set(Vendor.objects.filter(code__in=vendors).values_list("code", flat=True))
        Vendor.objects.bulk_create(
            vendors.values(),
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[
                "name",
                "city",
                "latitude",
                "longitude",
                "business_line",
                "grade",
                "status",
                "visible",
                "open",
                "radius_km",
                "updated_at",
            ],
        )
        self.run.rows_updated += len(existing)
        self.run.rows_inserted += len(vendors) - len(existing)

    def _create_or_widen_cities(self, parsed: list[source_rows.VendorRow]) -> None:
        """Unknown city codes become cities spanning their vendors + 10 km (widened per chunk)."""
        points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for row in parsed:
            if row.city not in self.cities or row.city in self.created:
                points[row.city].append((row.latitude, row.longitude))
        for code, new_points in points.items():
            self.created.setdefault(code, []).extend(new_points)
            low_lat, high_lat, low_lng, high_lng = source_rows.bounds_with_margin(
                self.created[code], CITY_MARGIN_KM
            )
            city, _ = City.objects.update_or_create(
                code=code,
                defaults={
                    "name": code,
                    "min_latitude": low_lat,
                    "max_latitude": high_lat,
                    "min_longitude": low_lng,
                    "max_longitude": high_lng,
                },
            )
            self.cities[code] = city
            self.run.summary["cities_created"] = sorted(self.created)


class _OrderLoader(_Loader):
    parse = staticmethod(source_rows.parse_order)

    def __init__(self, run: RefreshRun) -> None:
        super().__init__(run)
        self.touched: dict[int, set[date]] = defaultdict(set)
        self.months_ready: set[date] = set()

    def load(self, chunk: list[tuple[int, dict]]) -> None:
        parsed = self.parsed(chunk)
        vendors = dict(
            Vendor.objects.filter(code__in={row.vendor_code for _, row in parsed}).values_list(
                "code", "pk"
            )
        )
        orders: dict[str, tuple] = {}
        for line, row in parsed:
            if self.since is not None and row.created_at < self.since:
                self.run.summary["skipped_before_window"] = (
                    self.run.summary.get("skipped_before_window", 0) + 1
                )
                continue
            city = self.cities.get(row.city)
            reason = (
                f"unknown city {row.city!r}"
                if city is None
                else f"unknown vendor {row.vendor_code!r}"
                if row.vendor_code not in vendors
                else f"({row.latitude}, {row.longitude}) is outside city {city.code}"
                if not city.contains(row.latitude, row.longitude)
                else None
            )
            if reason:
                self.reject(line, reason)
                continue
            orders[row.order_id] = (
                row.order_id,
                vendors[row.vendor_code],
                city.pk,
                row.business_line,
                row.created_at,
                row.latitude,
                row.longitude,
                row.user_id,
                row.is_organic,
                cell_of(row.latitude, row.longitude),
            )
        if not orders:
            return
        rows = list(orders.values())
        tz = timezone.get_current_timezone()
        days = {(values[2], values[4].astimezone(tz).date()) for values in rows}
        months = {day.replace(day=1) for _, day in days}
        partitions.ensure_months(months - self.months_ready)
        self.months_ready |= months
        replaced = replace_orders(rows)
        # The days an update moves an order away from must be rebuilt too.
        days.update((city_id, created_at.astimezone(tz).date()) for city_id, created_at in replaced)
        for city_id, day in days:
            self.touched[city_id].add(day)
        self.run.rows_updated += len(replaced)
        self.run.rows_inserted += len(rows) - len(replaced)

    def finish(self) -> None:
        for city_id, days in self.touched.items():
            rollup_rebuild(city_id=city_id, first_day=min(days), last_day=max(days))


LOADERS: dict[str, type[_Loader]] = {
    "orders": _OrderLoader,
    "vendors": _VendorLoader,
    "grades": _GradeLoader,
}


_ORDER_WRITERS_LOCK = 0x6E0_0A18  # pg_advisory_xact_lock key: one order writer at a time


def replace_orders(values: list[tuple]) -> list[tuple[int, datetime]]:
    """Write orders (tuples in ORDER_FIELDS order, distinct order ids); (city, created_at) replaced.

    Run inside a transaction. An order id already loaded (found in ``OrderKey``) has its row
    deleted — from the partition of its stored created_at — and the new row inserted, so an
    order whose created_at changed moves partitions and is never duplicated; ``OrderKey`` is
    written in the same transaction. A unique key on ``order_id`` alone is impossible on the
    partitioned table (see ``models.OrderKey``). On PostgreSQL order writers are serialised by
    a transaction-level advisory lock (two refreshes inserting the same new order id would
    otherwise both see it missing), and the chunk is written with ``COPY``.
    """
    if connection.vendor == "postgresql":
        return _replace_orders_postgresql(values)
    ids = [row[0] for row in values]
    keys = list(OrderKey.objects.filter(order_id__in=ids).values_list("city_id", "created_at"))
    replaced = []
    if keys:
        times = [created_at for _, created_at in keys]
        stored = Order.objects.filter(
            order_id__in=ids,
            city_id__in={city_id for city_id, _ in keys},
            created_at__gte=min(times),
            created_at__lte=max(times),
        )
        replaced = list(stored.values_list("city_id", "created_at"))
        stored.delete()
    table = connection.ops.quote_name(Order._meta.db_table)
    marks = ", ".join(["%s"] * len(ORDER_FIELDS))
    when = ORDER_FIELDS.index("created_at")
    adapt = connection.ops.adapt_datetimefield_value
    rows = [(*row[:when], adapt(row[when]), *row[when + 1 :]) for row in values]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(ORDER_FIELDS)}) VALUES ({marks})", rows
        )
    OrderKey.objects.bulk_create(
        [OrderKey(order_id=row[0], city_id=row[2], created_at=row[when]) for row in values],
        update_conflicts=True,
        unique_fields=["order_id"],
        update_fields=["city", "created_at"],
        batch_size=1000,
    )
    return replaced


def _replace_orders_postgresql(values: list[tuple]) -> list[tuple[int, datetime]]:
    """Known keys, delete their rows, COPY the chunk into the orders and the new keys.

    Raw SQL because the ORM has no COPY. ``COPY`` goes straight into the partitioned table (it
    routes rows to their partitions) and the key table: no staging pass, the delete of replaced
    orders and the update of their keys having been done first.
    """
    table = Order._meta.db_table
    keys = OrderKey._meta.db_table
    columns = ", ".join(ORDER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ORDER_WRITERS_LOCK])
        # A chunk is re-loadable from its source (the next refresh's overlap window): its
        # commit need not wait for the WAL flush. A crash may lose the last chunks, never
        # corrupt or half-write one.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"SELECT order_id, city_id, created_at FROM {keys} WHERE order_id = ANY(%s)",
            [[row[0] for row in values]],
        )
        old = cursor.fetchall()
        replaced = []
        if old:
            # The stored rows of orders already loaded, found through their keys: (city_id,
            # created_at) is an index, and created_at picks the partition of each old row.
            cursor.execute(
                f"DELETE FROM {table} o USING unnest(%s::varchar[], %s::bigint[], "
                "%s::timestamptz[]) AS r(order_id, city_id, created_at) "
                "WHERE o.city_id = r.city_id AND o.created_at = r.created_at "
                "AND o.order_id = r.order_id RETURNING o.city_id, o.created_at",
                [list(column) for column in zip(*old, strict=True)],
            )
            replaced = cursor.fetchall()
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        known = {order_id for order_id, _, _ in old}
        moved = [(row[0], row[2], row[4]) for row in values if row[0] in known]
        if moved:
            cursor.execute(
                f"UPDATE {keys} k SET city_id = r.city_id, created_at = r.created_at "
                "FROM unnest(%s::varchar[], %s::bigint[], %s::timestamptz[]) "
                "AS r(order_id, city_id, created_at) WHERE k.order_id = r.order_id",
                [list(column) for column in zip(*moved, strict=True)],
            )
        with cursor.cursor.copy(f"COPY {keys} (order_id, city_id, created_at) FROM STDIN") as copy:
            for row in values:
                if row[0] not in known:
                    copy.write_row((row[0], row[2], row[4]))
    return replaced


def orders_bulk_insert(rows: list[tuple], *, chunk: int = 50_000) -> None:
    """Write orders (tuples in ORDER_FIELDS order) on the bulk path: demo data, benchmarks.

    The refresh's own write (``replace_orders``: COPY on PostgreSQL, keys kept), with the
    months' partitions created first. Rebuild the rollup afterwards.
    """
    months = {timezone.localtime(row[4]).date().replace(day=1) for row in rows}
    with transaction.atomic():
        partitions.ensure_months(months)
    for start in range(0, len(rows), chunk):
        with transaction.atomic():
            replace_orders(rows[start : start + chunk])


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def rollup_counts(rows: Iterable[tuple[datetime, int, str, bool]]) -> Counter:
    """Orders per (local month, cell, line, organic) from (created_at, cell, line, organic)."""
    tz = timezone.get_current_timezone()
    counts: Counter = Counter()
    for created_at, cell, line, organic in rows:
        counts[(created_at.astimezone(tz).date().replace(day=1), cell, line, organic)] += 1
    return counts


def rollup_write(*, city_id: int, counts: Counter) -> None:
    """Write res-9 rollup rows, then their coarser levels (their months must have been cleared).

    One executemany of plain INSERTs: bulk_create spent most of a 200,000-order demo load
    building model instances and SQL for ~100,000 rows.
    """
    table = connection.ops.quote_name(OrderCellMonth._meta.db_table)
    sql = (
        f"INSERT INTO {table} (city_id, month, resolution, cell, business_line, is_organic, "
        "orders) VALUES (%s, %s, 9, %s, %s, %s, %s)"
    )
    adapt = connection.ops.adapt_datefield_value
    rows = [
        (city_id, adapt(month), cell, line, organic, count)
        for (month, cell, line, organic), count in counts.items()
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])
    months = {month for month, *_ in counts}
    if months:
        first_month, end = min(months), next_month(max(months))
        _rollup_coarser(city_id=city_id, first_month=first_month, end=end)
        _rollup_totals(city_id=city_id, first_month=first_month, end=end)


def _rollup_coarser(*, city_id: int, first_month: date, end: date) -> None:
    """Resolutions 8 down to 5 for these months, each summed from the level below it in SQL."""
    table = connection.ops.quote_name(OrderCellMonth._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for resolution in range(STORED_RESOLUTION - 1, MIN_RESOLUTION - 1, -1):
            and_mask, or_mask = parent_masks(resolution)
            parent = f"((cell & {and_mask}) | {or_mask})"
            cursor.execute(
                f"INSERT INTO {table} (city_id, month, resolution, cell, business_line, "
                f"is_organic, orders) SELECT city_id, month, {resolution}, {parent}, "
                f"business_line, is_organic, SUM(orders) FROM {table} WHERE city_id = %s "
                f"AND resolution = {resolution + 1} AND month >= %s AND month < %s "
                f"GROUP BY city_id, month, {parent}, business_line, is_organic",
                [city_id, adapt(first_month), adapt(end)],
            )


def _rollup_totals(*, city_id: int, first_month: date, end: date) -> None:
    """``OrderCellMonthTotal`` for these months: the rollup summed over business lines."""
    OrderCellMonthTotal.objects.filter(
        city_id=city_id, month__gte=first_month, month__lt=end
    ).delete()
    table = connection.ops.quote_name(OrderCellMonth._meta.db_table)
    totals = connection.ops.quote_name(OrderCellMonthTotal._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {totals} (city_id, month, resolution, cell, orders, organic_orders) "
            "SELECT city_id, month, resolution, cell, SUM(orders), "
            f"SUM(CASE WHEN is_organic THEN orders ELSE 0 END) FROM {table} "
            "WHERE city_id = %s AND month >= %s AND month < %s "
            "GROUP BY city_id, month, resolution, cell",
            [city_id, adapt(first_month), adapt(end)],
        )


@transaction.atomic
def rollup_rebuild(*, city_id: int, first_day: date, last_day: date) -> int:
    """Recompute the rollup of one city for the local months holding first_day..last_day.

    PostgreSQL aggregates the orders in one ``INSERT … SELECT … GROUP BY`` (the local month by
    ``AT TIME ZONE``). Elsewhere in Python over a streamed read of (created_at, cell, line,
    organic): the local month of a timestamp is one astimezone() here, while SQLite would call a
    Python function per row for TruncMonth(tzinfo) anyway. The coarser resolutions are then
    summed from the res-9 rows in SQL. Returns the number of res-9 rows.
    """
    first_month, end = month_start(first_day), next_month(last_day)
    OrderCellMonth.objects.filter(city_id=city_id, month__gte=first_month, month__lt=end).delete()
    since, until = _local_midnight(first_month), _local_midnight(end)
    if connection.vendor != "postgresql":
        rows = Order.objects.filter(
            city_id=city_id, created_at__gte=since, created_at__lt=until
        ).values_list("created_at", "cell", "business_line", "is_organic")
        counts = rollup_counts(rows.iterator(chunk_size=20_000))
        rollup_write(city_id=city_id, counts=counts)
        if not counts:
            _rollup_totals(city_id=city_id, first_month=first_month, end=end)
        return len(counts)
    month = "(date_trunc('month', created_at AT TIME ZONE %s))::date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OrderCellMonth._meta.db_table} (city_id, month, resolution, cell, "
            f"business_line, is_organic, orders) SELECT city_id, {month}, 9, cell, "
            f"business_line, is_organic, COUNT(*) FROM {Order._meta.db_table} "
            "WHERE city_id = %s AND created_at >= %s AND created_at < %s "
            f"GROUP BY city_id, {month}, cell, business_line, is_organic",
            [settings.TIME_ZONE, city_id, since, until, settings.TIME_ZONE],
        )
        written = cursor.rowcount
    _rollup_coarser(city_id=city_id, first_month=first_month, end=end)
    _rollup_totals(city_id=city_id, first_month=first_month, end=end)
    return written


def rollup_rebuild_city(*, city_id: int) -> int:
    """Rebuild the whole rollup of one city (after a bulk load that bypassed refresh_data)."""
    span = Order.objects.filter(city_id=city_id).aggregate(
        first=models.Min("created_at"), last=Max("created_at")
    )
    if span["first"] is None:
        OrderCellMonthTotal.objects.filter(city_id=city_id).delete()
        return OrderCellMonth.objects.filter(city_id=city_id).delete()[0]
    return rollup_rebuild(
        city_id=city_id,
        first_day=timezone.localtime(span["first"]).date(),
        last_day=timezone.localtime(span["last"]).date(),
    )
