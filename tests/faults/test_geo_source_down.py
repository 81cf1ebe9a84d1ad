"""A data source that answers 500, breaks off mid-stream or hangs: the run is recorded as failed,
the orders already loaded stay as they were, and the map still serves them.

A real HTTP server on a loopback port plays the source (Metabase's CSV export shape).
"""

import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from analytics.geo import sources
from analytics.geo.models import Order, RefreshRun
from analytics.geo.refresh import refresh_data, rollup_rebuild_city
from tests.factories import CityFactory, DataSourceFactory, OrderFactory, VendorFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

HEADER = (
    b"order_id,vendor_code,city,business_line,created_at,customer_latitude,customer_longitude,"
    b"user_id,is_organic\n"
)
ROW = b"N1,V1,BER,food,2026-03-02T10:00:00+00:00,52.5,13.4,u9,false\n"


class Source(BaseHTTPRequestHandler):
    mode = "500"

    def do_POST(self) -> None:  # Metabase export
        self.do_GET()

    def do_GET(self) -> None:
        if self.mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(HEADER) + len(ROW) * 1000))
        self.end_headers()
        self.wfile.write(HEADER + ROW)
        self.wfile.flush()
        if self.mode == "hang":
            time.sleep(3)
        # "cut": the connection closes well short of the promised length.

    def log_message(self, *args) -> None:
        return None


@pytest.fixture
def source_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Source)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/export.csv"
    server.shutdown()
    server.server_close()


@pytest.fixture
def loaded():
    vendor = VendorFactory(code="V1", city=CityFactory(code="BER"))
    order = OrderFactory(
        order_id="OLD-1", vendor=vendor, created_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    rollup_rebuild_city(city_id=vendor.city_id)
    return order


@pytest.mark.parametrize("mode", ["500", "cut", "hang"])
def test_a_failing_source_fails_the_run_and_leaves_loaded_orders_served(
    mode, source_server, loaded, monkeypatch, client_for
):
    monkeypatch.setattr(Source, "mode", mode)
    monkeypatch.setattr(sources, "READ_TIMEOUT_S", 1)
    before = list(Order.objects.values_list("order_id", "user_id", "cell"))
    source = DataSourceFactory(kind="orders", source_type="csv", url=source_server)
    run = refresh_data(kind="orders", source=source, full=True)
    assert run.status == RefreshRun.Status.FAILED
    assert run.error and run.finished_at is not None
    assert list(Order.objects.values_list("order_id", "user_id", "cell")) == before
    response = client_for("viewer").get("/api/geo/heatmap/?city=BER&from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    assert sum(cell["count"] for cell in response.json()["cells"]) == 1


def test_a_metabase_source_without_its_key_in_the_environment_fails_readably(monkeypatch):
    monkeypatch.delenv("MB_KEY_FOR_TEST", raising=False)
    source = DataSourceFactory(
        kind="orders",
        source_type="metabase",
        url="http://127.0.0.1:9",
        card_id=7,
        secret_env="MB_KEY_FOR_TEST",
    )
    run = refresh_data(kind="orders", source=source)
    assert run.status == RefreshRun.Status.FAILED
    assert "MB_KEY_FOR_TEST" in run.error
