"""Refreshing vendors, orders and grades from CSV: per-row rejects, upserts, cities, rollup."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.geo.cells import parent
from analytics.geo.models import (
    City,
    Order,
    OrderCellMonth,
    OrderCellMonthTotal,
    RefreshRun,
    Vendor,
)
from analytics.geo.refresh import refresh_data
from tests.factories import CityFactory, OrderFactory, VendorFactory

pytestmark = pytest.mark.django_db

VENDOR_HEADER = (
    "vendor_code,vendor_name,city,latitude,longitude,business_line,grade,status,visible,open,"
    "radius_km,extra\n"
)
ORDER_HEADER = (
    "order_id,vendor_code,city,business_line,created_at,customer_latitude,customer_longitude,"
    "user_id,is_organic\n"
)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_vendors_load_and_an_unknown_city_is_created_from_their_extent_plus_ten_km(tmp_path):
    path = write(
        tmp_path,
        "vendors.csv",
        VENDOR_HEADER
        + "V1,One,NEW,52.50,13.40,food,A,active,true,true,3,x\n"
        + "V2,Two,NEW,52.60,13.50,pharma,b,active,1,0,2.5,y\n",
    )
    run = refresh_data(kind="vendors", path=path)
    assert run.status == RefreshRun.Status.SUCCEEDED
    assert (run.rows_read, run.rows_inserted, run.rows_rejected) == (2, 2, 0)
    assert run.summary["cities_created"] == ["NEW"]
    city = City.objects.get(code="NEW")
    assert city.min_latitude == pytest.approx(52.50 - 10 / 111.32)
    assert city.max_latitude == pytest.approx(52.60 + 10 / 111.32)
    assert Vendor.objects.get(code="V2").grade == "B"
    assert Vendor.objects.get(code="V2").open is False


def test_bad_vendor_rows_are_rejected_with_reasons_and_good_rows_still_load(tmp_path):
    city = CityFactory(code="BER")
    path = write(
        tmp_path,
        "vendors.csv",
        VENDOR_HEADER
        + "V1,One,BER,52.50,13.40,food,A,active,true,true,3,\n"
        + "V2,Two,BER,95,13.40,food,A,active,true,true,3,\n"
        + "V3,Three,BER,48.1,11.5,food,A,active,true,true,3,\n"
        + "V4,Four,BER,52.5,13.4,food,Z,active,true,true,3,\n",
    )
    run = refresh_data(kind="vendors", path=path)
    assert run.status == RefreshRun.Status.PARTIAL
    assert run.rows_inserted == 1 and run.rows_rejected == 3
    reasons = {reject["row"]: reject["reason"] for reject in run.rejects}
    assert "outside -90..90" in reasons[3]
    assert f"outside city {city.code}" in reasons[4]
    assert "grade" in reasons[5]


def test_orders_upsert_by_order_id_and_reject_unknown_vendors_and_points_outside_the_city(
    tmp_path,
):
    vendor = VendorFactory(code="V1", city=CityFactory(code="BER"))
    OrderFactory(order_id="O1", vendor=vendor, user_id="old")
    path = write(
        tmp_path,
        "orders.csv",
        ORDER_HEADER
        + "O1,V1,BER,food,2026-03-01T10:00:00+01:00,52.51,13.41,u1,true\n"
        + "O2,V1,BER,food,2026-03-01T11:30:00+01:00,52.52,13.42,u2,false\n"
        + "O3,NOPE,BER,food,2026-03-01T11:30:00+01:00,52.52,13.42,u2,false\n"
        + "O4,V1,BER,food,2026-03-01T11:30:00+01:00,48.1,11.5,u2,false\n"
        + "O5,V1,BER,food,yesterday,52.52,13.42,u2,false\n"
        + "O6,V1,XXX,food,2026-03-01T11:30:00+01:00,52.52,13.42,u2,false\n",
    )
    run = refresh_data(kind="orders", path=path, full=True)
    assert (run.rows_read, run.rows_inserted, run.rows_updated, run.rows_rejected) == (6, 1, 1, 4)
    assert Order.objects.get(order_id="O1").user_id == "u1"
    assert Order.objects.get(order_id="O1").is_organic is True
    reasons = [reject["reason"] for reject in run.rejects]
    assert reasons[0] == "unknown vendor 'NOPE'"
    assert "outside city BER" in reasons[1]
    assert "ISO 8601" in reasons[2]
    assert reasons[3] == "unknown city 'XXX'"


def test_grades_update_vendors_and_reject_unknown_codes(tmp_path):
    VendorFactory(code="V1", grade="A")
    path = write(tmp_path, "grades.csv", "vendor_code,grade\nV1,c\nV9,A\n")
    run = refresh_data(kind="grades", path=path)
    assert Vendor.objects.get(code="V1").grade == "C"
    assert run.rows_updated == 1 and run.rejects == [{"row": 3, "reason": "unknown vendor 'V9'"}]


def test_a_file_missing_columns_fails_the_run_and_writes_nothing(tmp_path):
    path = write(tmp_path, "orders.csv", "order_id,city\nO1,BER\n")
    run = refresh_data(kind="orders", path=path)
    assert run.status == RefreshRun.Status.FAILED
    assert "The orders file cannot be read: Wrong columns (missing vendor_code" in run.error
    assert Order.objects.count() == 0


def test_the_rollup_equals_the_raw_aggregate_after_loads_and_updates(tmp_path):
    vendor = VendorFactory(code="V1", city=CityFactory(code="BER"))
    lines = [
        f"O{i},V1,BER,{'food' if i % 3 else 'pharma'},"
        f"2026-03-0{1 + i % 3}T{i % 24:02d}:15:00+01:00,"
        f"{52.4 + (i % 7) * 0.01},{13.3 + (i % 5) * 0.01},u{i % 4},{'true' if i % 2 else 'false'}\n"
        for i in range(60)
    ]
    refresh_data(kind="orders", path=write(tmp_path, "a.csv", ORDER_HEADER + "".join(lines)))
    # An update moves O1 to another month: both months must be rebuilt.
    moved = "O1,V1,BER,food,2026-04-05T08:00:00+01:00,52.45,13.35,u1,true\n"
    refresh_data(kind="orders", path=write(tmp_path, "b.csv", ORDER_HEADER + moved), full=True)
    raw = {(o.cell, o.business_line, o.is_organic): 0 for o in Order.objects.filter(vendor=vendor)}
    for order in Order.objects.all():
        raw[(order.cell, order.business_line, order.is_organic)] += 1
    for resolution in range(5, 10):  # every stored level equals the raw aggregate
        expected: dict = {}
        for (cell, line, organic), count in raw.items():
            key = (parent(cell, resolution), line, organic)
            expected[key] = expected.get(key, 0) + count
        rolled: dict = {}
        for row in OrderCellMonth.objects.filter(resolution=resolution):
            key = (row.cell, row.business_line, row.is_organic)
            rolled[key] = rolled.get(key, 0) + row.orders
        assert rolled == expected
        totals = {
            row.cell: (row.orders, row.organic_orders)
            for row in OrderCellMonthTotal.objects.filter(resolution=resolution)
            if row.month.month == 3
        }
        march = {
            cell: (count, organic)
            for cell, count, organic in _per_cell(
                Order.objects.filter(created_at__month=3), resolution
            )
        }
        assert totals == march
    assert OrderCellMonth.objects.filter(month="2026-04-01", resolution=9).count() == 1


def _per_cell(orders, resolution: int) -> list[tuple[int, int, int]]:
    counts: dict[int, list[int]] = {}
    for order in orders:
        both = counts.setdefault(parent(order.cell, resolution), [0, 0])
        both[0] += 1
        both[1] += order.is_organic
    return [(cell, count, organic) for cell, (count, organic) in counts.items()]


def test_refresh_data_command_exits_non_zero_when_the_run_fails(tmp_path):
    with pytest.raises(CommandError, match="nope.csv"):
        call_command(
            "refresh_data", "orders", "--file", str(tmp_path / "nope.csv"), stdout=StringIO()
        )
    assert RefreshRun.objects.get().status == RefreshRun.Status.FAILED


def test_refresh_data_command_without_a_source_or_file_names_what_to_give():
    with pytest.raises(Exception, match="--source NAME"):
        call_command("refresh_data", "vendors", stdout=StringIO())


def test_the_beat_task_refreshes_every_enabled_source_of_its_kind(tmp_path):
    from analytics.geo.tasks import refresh_kind
    from tests.factories import DataSourceFactory

    VendorFactory(code="V1", grade="A")
    path = write(tmp_path, "grades.csv", "vendor_code,grade\nV1,D\n")
    enabled = DataSourceFactory(kind="grades", url=path)
    DataSourceFactory(kind="grades", url=path, enabled=False)
    assert refresh_kind("grades") == [enabled.pk]
    assert Vendor.objects.get(code="V1").grade == "D"
    assert RefreshRun.objects.get().source == enabled
