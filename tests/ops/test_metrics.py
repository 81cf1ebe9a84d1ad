from datetime import UTC, datetime

import pytest
from django.test import override_settings

from tests.factories import StockVerificationFactory
from warehouse.services import stock_verify


@pytest.mark.django_db
def test_metrics_are_served_to_loopback(client):
    client.get("/health/")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "django_http_requests_latency_seconds_by_view_method" in text


@pytest.mark.django_db
def test_metrics_are_refused_to_other_addresses_without_a_token(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


@pytest.mark.django_db
def test_metrics_accept_a_token_from_any_address(client):
    with override_settings(OPS_TOKEN="metrics-token-1"):
        response = client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer metrics-token-1"
        )
    assert response.status_code == 200


@pytest.mark.django_db
def test_allowed_networks_can_be_configured(client):
    with override_settings(METRICS_ALLOWED_IPS=["10.0.0.0/8"]):
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def metric_lines(client, name: str) -> list[str]:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return [line for line in response.content.decode().splitlines() if line.startswith(name + " ")]


@pytest.mark.django_db
def test_metrics_export_the_latest_stock_verification_from_the_database(client):
    StockVerificationFactory(started_at=datetime(2026, 3, 1, 2, 30, tzinfo=UTC), mismatch_count=7)
    latest = StockVerificationFactory(
        started_at=datetime(2026, 3, 2, 2, 30, tzinfo=UTC),
        finished_at=datetime(2026, 3, 2, 2, 31, 5, tzinfo=UTC),
        mismatch_count=3,
    )
    assert metric_lines(client, "partline_stock_verify_mismatches") == [
        "partline_stock_verify_mismatches 3.0"
    ]
    (line,) = metric_lines(client, "partline_stock_verify_last_run_timestamp_seconds")
    assert float(line.split()[1]) == latest.finished_at.timestamp()


@pytest.mark.django_db
def test_a_verification_run_in_this_process_is_exported_once_from_the_database(client):
    StockVerificationFactory(mismatch_count=99)
    stock_verify(triggered_by="command")  # as a worker's verification would, here: 0 mismatches
    assert metric_lines(client, "partline_stock_verify_mismatches") == [
        "partline_stock_verify_mismatches 0.0"
    ]


@pytest.mark.django_db
def test_no_verification_yet_exports_no_verification_series(client):
    assert metric_lines(client, "partline_stock_verify_mismatches") == []
    assert metric_lines(client, "partline_stock_verify_last_run_timestamp_seconds") == []


@pytest.mark.django_db
def test_the_verification_is_exported_once_when_metrics_come_from_worker_files(
    client, tmp_path, monkeypatch
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # gunicorn, as in the image
    StockVerificationFactory(mismatch_count=2)
    assert metric_lines(client, "partline_stock_verify_mismatches") == [
        "partline_stock_verify_mismatches 2.0"
    ]


def test_metrics_are_served_without_verification_figures_when_the_database_is_down(
    client, unreachable_database, caplog
):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "partline_stock_verify_mismatches " not in text
    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "stock verification metrics unavailable" in caplog.text
