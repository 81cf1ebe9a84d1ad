import pytest
from django.test import override_settings


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
