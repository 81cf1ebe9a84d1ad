"""Orders at scale: monthly partitions on PostgreSQL, order ids unique across them, the schedule."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from analytics.geo import partitions
from analytics.geo.models import Order, OrderCellMonth, OrderKey
from analytics.geo.refresh import refresh_data
from analytics.geo.tasks import create_order_partitions
from tests.factories import CityFactory, OrderFactory, VendorFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="declarative partitioning is PostgreSQL's"
)

HEADER = (
    "order_id,vendor_code,city,business_line,created_at,customer_latitude,customer_longitude,"
    "user_id,is_organic\n"
)


def load(tmp_path, name: str, lines: list[str], *, full: bool = True):
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return refresh_data(kind="orders", path=str(path), full=full)


def order_line(order_id: str, when: str, user: str = "u1") -> str:
    return f"{order_id},V1,BER,food,{when},52.51,13.41,{user},false\n"


@pytest.fixture
def vendor():
    return VendorFactory(code="V1", city=CityFactory(code="BER"))


def test_an_order_whose_created_at_changes_is_replaced_not_duplicated(tmp_path, vendor):
    first = load(
        tmp_path,
        "a.csv",
        [
            order_line("O1", "2026-03-10T10:00:00+00:00"),
            order_line("O2", "2026-03-11T10:00:00+00:00"),
        ],
    )
    assert (first.rows_inserted, first.rows_updated) == (2, 0)
    # A later refresh moves O1 two months on (another partition on PostgreSQL), O3 is new.
    second = load(
        tmp_path,
        "b.csv",
        [
            order_line("O1", "2026-05-02T09:00:00+00:00", "u9"),
            order_line("O3", "2026-05-03T09:00:00+00:00"),
        ],
    )
    assert (second.rows_inserted, second.rows_updated) == (1, 1)
    assert Order.objects.filter(order_id="O1").count() == 1
    moved = Order.objects.get(order_id="O1")
    assert (moved.created_at, moved.user_id) == (datetime(2026, 5, 2, 9, tzinfo=UTC), "u9")
    assert OrderKey.objects.get(order_id="O1").created_at == moved.created_at
    assert Order.objects.count() == OrderKey.objects.count() == 3
    # Both months were rebuilt: March now holds O2 only, May O1 and O3.
    months = {row.month: row.orders for row in OrderCellMonth.objects.filter(resolution=9)}
    assert months == {date(2026, 3, 1): 1, date(2026, 5, 1): 2}
    # The same order id twice in a later run is still one row.
    load(tmp_path, "c.csv", [order_line("O1", "2026-05-02T09:00:00+00:00", "u9")])
    assert Order.objects.filter(order_id="O1").count() == 1


def test_an_order_written_by_the_factory_is_also_replaced_by_a_refresh(tmp_path, vendor):
    OrderFactory(order_id="O1", vendor=vendor, created_at=datetime(2026, 1, 5, tzinfo=UTC))
    run = load(tmp_path, "a.csv", [order_line("O1", "2026-02-05T10:00:00+00:00")])
    assert run.rows_updated == 1
    assert list(Order.objects.values_list("created_at", flat=True)) == [
        datetime(2026, 2, 5, 10, tzinfo=UTC)
    ]


def test_the_migration_schedules_partitions_ahead_as_an_editable_beat_row(settings):
    task = PeriodicTask.objects.get(name="geo: order partitions ahead")
    assert task.task == "analytics.geo.create_order_partitions"
    assert (task.crontab.minute, task.crontab.hour) == ("30", "0")
    assert str(task.crontab.timezone) == settings.TIME_ZONE


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the plain-table case")
def test_partitioning_is_a_no_op_on_other_databases():
    assert create_order_partitions() == []
    assert partitions.partitions() == []


@postgresql_only
def test_the_orders_table_is_partitioned_with_the_partition_key_in_its_primary_key():
    assert partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'analytics_order'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, created_at)"
    assert partitions.DEFAULT_PARTITION in partitions.partitions()


@postgresql_only
def test_the_beat_task_creates_this_and_the_next_months_partitions():
    with transaction.atomic():
        for name in partitions.partitions():
            if name != partitions.DEFAULT_PARTITION:
                connection.cursor().execute(f"DROP TABLE {name}")
    created = create_order_partitions(2)
    today = timezone.localdate().replace(day=1)
    expected = [partitions.partition_name(partitions.add_months(today, n)) for n in range(3)]
    assert created == expected
    assert create_order_partitions(2) == []  # idempotent


def _partition_of(order_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM analytics_order WHERE order_id = %s", [order_id]
        )
        return cursor.fetchone()[0]


@postgresql_only
def test_rows_of_a_month_without_a_partition_wait_in_the_default_and_move_when_it_is_created(
    vendor,
):
    month = date(2019, 4, 1)
    assert partitions.partition_name(month) not in partitions.partitions()
    order = OrderFactory(order_id="OLD", vendor=vendor, created_at=datetime(2019, 4, 9, tzinfo=UTC))
    assert _partition_of("OLD") == partitions.DEFAULT_PARTITION
    with transaction.atomic():
        assert partitions.ensure_months([month]) == ["analytics_order_y2019m04"]
    assert _partition_of("OLD") == "analytics_order_y2019m04"
    assert Order.objects.get(order_id="OLD").pk == order.pk


@postgresql_only
def test_a_refresh_creates_its_months_partitions_and_a_date_filter_reads_only_those(
    tmp_path, vendor
):
    lines = [
        order_line(f"O{month}{day}", f"2025-{month:02d}-{day:02d}T12:00:00+00:00")
        for month in (1, 2, 3, 4)
        for day in (3, 17)
    ]
    load(tmp_path, "a.csv", lines)
    names = partitions.partitions()
    for month in (1, 2, 3, 4):
        assert f"analytics_order_y2025m{month:02d}" in names
        assert _partition_of(f"O{month}3") == f"analytics_order_y2025m{month:02d}"
    start, end = partitions.month_bounds(date(2025, 2, 1))  # local midnights, as partitioned
    february = Order.objects.filter(city=vendor.city, created_at__gte=start, created_at__lt=end)
    plan = february.explain()
    scanned = {name for name in names if name in plan}
    assert scanned == {"analytics_order_y2025m02"}, plan
    assert february.count() == 2


def test_an_incremental_refresh_skips_orders_older_than_the_newest_minus_the_overlap(
    tmp_path, vendor
):
    other = VendorFactory(code="V2", city=CityFactory(code="HAM", min_latitude=53, max_latitude=54))
    OrderFactory(order_id="H1", vendor=other, created_at=datetime(2026, 3, 20, tzinfo=UTC))
    load(tmp_path, "a.csv", [order_line("O1", "2026-03-10T10:00:00+00:00")])
    lines = [
        order_line("O2", "2026-03-18T12:00:00+00:00"),  # within 48 h of the newest (H1)
        order_line("O3", "2026-03-10T12:00:00+00:00"),  # older: skipped
    ]
    run = load(tmp_path, "b.csv", lines, full=False)
    assert run.rows_inserted == 1 and run.summary["skipped_before_window"] == 1
    assert set(Order.objects.values_list("order_id", flat=True)) == {"H1", "O1", "O2"}
