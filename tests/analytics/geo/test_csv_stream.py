"""The refresh reads sources through csv_io's streaming mode: an order export loads back to the
same values (formula quotes undone), bad rows are rejected one by one, and rows are yielded as
they are read (memory stays flat)."""

import csv
import io
from datetime import UTC, datetime

import pytest

from analytics.geo.models import Order, RefreshRun
from analytics.geo.refresh import refresh_data
from analytics.geo.rows import COLUMNS, read_rows
from config.csv_io import CsvProblem, CsvRow, iter_csv, read_csv
from tests.factories import CityFactory, OrderFactory, VendorFactory

ORDER_HEADER = ",".join(COLUMNS["orders"]) + "\n"
GOOD = "O{n},V1,BER,food,2026-01-05T10:00:00+00:00,52.51,13.41,U1,false\n"


def _fields(order: Order) -> tuple:
    return (
        order.order_id,
        order.vendor.code,
        order.city.code,
        order.business_line,
        order.created_at,
        order.latitude,
        order.longitude,
        order.user_id,
        order.is_organic,
        order.cell,
    )


@pytest.mark.django_db
def test_an_order_export_with_formula_like_cells_loads_back_to_the_same_values(
    client_for, tmp_path
):
    city = CityFactory(code="BER")
    vendor = VendorFactory(code="=HYPERLINK(1)", city=city)
    other = VendorFactory(code="-V2", city=city)
    OrderFactory(order_id="=1+2", vendor=vendor, user_id="@me", business_line="+food")
    OrderFactory(order_id="-7", vendor=other, user_id="'=quoted", is_organic=True)
    OrderFactory(order_id="O3", vendor=other, created_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    before = sorted(_fields(order) for order in Order.objects.all())

    response = client_for("viewer").get("/api/geo/orders/export/?city=BER")
    exported = b"".join(response.streaming_content)
    assert b"'=1+2" in exported and b"'=HYPERLINK(1)" in exported  # neutralised in the file
    Order.objects.all().delete()
    path = tmp_path / "orders.csv"
    path.write_bytes(exported)
    run = refresh_data(kind="orders", path=str(path), full=True)

    assert run.status == RefreshRun.Status.SUCCEEDED, run.rejects
    assert sorted(_fields(order) for order in Order.objects.all()) == before


@pytest.mark.django_db
def test_rows_that_are_not_utf8_hold_nul_or_overlong_cells_are_rejected_and_the_rest_loads(
    tmp_path,
):
    VendorFactory(code="V1", city=CityFactory(code="BER"))
    content = (
        ORDER_HEADER.encode()
        + GOOD.format(n=1).encode()
        + GOOD.format(n="2\xff").encode("latin-1")
        + GOOD.format(n="3\x00").encode()
        + GOOD.format(n=4).encode()
    )
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    run = refresh_data(kind="orders", path=str(path), full=True)
    assert run.status == RefreshRun.Status.PARTIAL
    assert sorted(Order.objects.values_list("order_id", flat=True)) == ["O1", "O4"]
    assert run.rejects == [
        {"row": 3, "reason": "the row is not UTF-8 text"},
        {"row": 4, "reason": "a cell holds a NUL byte (binary data, not CSV text)"},
    ]


def test_a_cell_over_the_csv_limit_is_one_problem_and_reading_goes_on():
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(100)
        items = list(iter_csv(b"a,b\n" + b"x" * 200 + b",1\n2,3\n", required=["a", "b"]))
    finally:
        csv.field_size_limit(limit)
    assert items == [
        CsvProblem(2, "a cell is longer than 100 characters", unreadable=True),
        CsvRow(3, {"a": "2", "b": "3"}),
    ]


def test_the_stream_yields_its_first_row_before_reading_the_rest():
    read = []

    def lines():
        yield ORDER_HEADER.encode()
        for number in range(100_000):
            read.append(number)
            yield GOOD.format(n=number).encode()

    rows = read_rows(lines(), "orders")
    line, first = next(rows)
    assert (line, first["order_id"]) == (2, "O0")
    assert len(read) <= 2  # the first row, at most one line of look-ahead, not the 100,000


def test_streaming_and_whole_file_reading_share_the_header_check_and_the_unquote():
    content = "Order_ID ,b\n'=1+2,'-x\n"
    whole = read_csv(content, required=["order_id", "b"])
    streamed = list(iter_csv(content, required=["order_id", "b"]))
    assert whole.rows == streamed == [CsvRow(2, {"order_id": "=1+2", "b": "-x"})]
    for reader in (read_csv, lambda text, **kw: list(iter_csv(io.StringIO(text), **kw))):
        with pytest.raises(Exception, match=r"Wrong columns \(missing b; unexpected c\)"):
            reader("order_id,c\n1,2\n", required=["order_id", "b"])
