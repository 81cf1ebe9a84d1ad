"""Monthly partitions of the orders table (PostgreSQL declarative partitioning).

On PostgreSQL ``analytics_order`` is partitioned by range of ``created_at``: one partition per
local calendar month (``analytics_order_y2026m03``, bounds at local midnight of the first day,
``TIME_ZONE``) and a default partition (``analytics_order_default``) for rows of months without
one yet. A date filter then reads only its months' partitions (pruning). Partitions are created
ahead by a daily beat task (``create_ahead``, the current month and the next ``AHEAD_MONTHS``),
and by the refresh for any month it loads that has none (``ensure_months``), so the default
partition stays empty in practice; when it does hold rows of a month, creating that month's
partition moves them. Migration ``0005_geo_partitions`` converts the table. Other databases have
one plain table: every function here is a no-op there.
"""

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import connection
from django.utils import timezone

TABLE = "analytics_order"
DEFAULT_PARTITION = f"{TABLE}_default"
AHEAD_MONTHS = 3
_LOCK_KEY = 0x6E0_0A17  # pg_advisory_xact_lock key serialising partition creation


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """Local midnight of the month's first day and of the next month's (aware datetimes)."""
    tz = timezone.get_current_timezone()
    first = month_start(month)
    return (
        timezone.make_aware(datetime.combine(first, time.min), tz),
        timezone.make_aware(datetime.combine(add_months(first, 1), time.min), tz),
    )


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions() -> list[str]:
    """Names of the orders table's partitions (empty when it is not partitioned)."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits "
            "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
            "WHERE pg_inherits.inhparent = to_regclass(%s) ORDER BY 1",
            [TABLE],
        )
        return [name for (name,) in cursor.fetchall()]


def ensure_months(months: Iterable[date]) -> list[str]:
    """Create the partitions of these months that do not exist yet; the names created.

    Call inside a transaction (the refresh's chunk, the beat task's). Serialised by an advisory
    lock, so two workers never race to create the same partition. Rows of a created month found
    in the default partition are moved into it in the same transaction.
    """
    wanted = sorted({month_start(month) for month in months})
    if not wanted or not is_partitioned():
        return []
    existing = set(partitions())
    missing = [month for month in wanted if partition_name(month) not in existing]
    if not missing:
        return []
    created = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        existing = set(partitions())
        has_default = DEFAULT_PARTITION in existing
        for month in missing:
            name = partition_name(month)
            if name in existing:
                continue
            start, end = month_bounds(month)
            moved = False
            if has_default:
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} "
                    "WHERE created_at >= %s AND created_at < %s)",
                    [start, end],
                )
                moved = cursor.fetchone()[0]
            if moved:
                cursor.execute(
                    f"CREATE TEMP TABLE geo_partition_moving (LIKE {TABLE}) ON COMMIT DROP"
                )
                cursor.execute(
                    f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} "
                    "WHERE created_at >= %s AND created_at < %s RETURNING *) "
                    "INSERT INTO geo_partition_moving SELECT * FROM moved",
                    [start, end],
                )
            # DDL takes no bind parameters: the bounds are our own ISO timestamps.
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
            if moved:
                cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM geo_partition_moving")
                cursor.execute("DROP TABLE geo_partition_moving")
            created.append(name)
    return created


def ensure_default() -> bool:
    """Create the default partition if missing; whether it was created."""
    if not is_partitioned() or DEFAULT_PARTITION in partitions():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT"
        )
    return True


def create_ahead(*, ahead: int = AHEAD_MONTHS, today: date | None = None) -> list[str]:
    """The beat task's work: partitions for this month and the next ``ahead``, and the default."""
    first = month_start(today or timezone.localdate())
    ensure_default()
    return ensure_months(add_months(first, step) for step in range(ahead + 1))
