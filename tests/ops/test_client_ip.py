"""The client address behind trusted proxies: login lockout and rate limits count real clients."""

import pytest
from django.test import RequestFactory

from config.ops.client_ip import client_ip


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; nginx appended the address it saw.
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", "203.0.113.9, 10.0.0.1")) == "203.0.113.9"


@pytest.mark.django_db
def test_the_login_lockout_counts_the_forwarded_client(settings, client):
    from axes.models import AccessAttempt

    from tests.factories import UserFactory

    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="lock-me")
    client.post(
        "/accounts/login/",
        {"username": "lock-me", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AccessAttempt.objects.get(username="lock-me").ip_address == "203.0.113.9"


# --- With TRUSTED_PROXY_COUNT=0 no forwarding header influences the client address anywhere.


@pytest.fixture
def production_rate(settings):
    """The default production rate (60/min) instead of the test settings' 100,000/min."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"anon": "60/min", "user": "60/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    yield
    SimpleRateThrottle.THROTTLE_RATES = original
    api_settings.reload()


@pytest.mark.django_db
def test_wrong_token_calls_with_a_new_forwarded_for_each_time_are_still_throttled(
    settings, production_rate
):
    from rest_framework.test import APIClient

    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    statuses = [
        client.get("/api/parts/", HTTP_X_FORWARDED_FOR=f"10.{n // 250}.{n % 250}.1").status_code
        for n in range(300)
    ]
    assert statuses[:60] == [401] * 60
    assert set(statuses[60:]) == {429}


@pytest.mark.django_db
def test_behind_one_proxy_the_throttle_counts_the_address_the_proxy_appended(
    settings, production_rate
):
    from rest_framework.test import APIClient

    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    for _ in range(60):
        client.get("/api/parts/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    # Forging the leftmost entry does not help; another real client has its own count.
    assert client.get("/api/parts/", HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.9").status_code == 429
    assert client.get("/api/parts/", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 401


@pytest.mark.django_db
def test_without_trusted_proxies_the_login_lockout_ignores_forwarded_for(settings, client):
    from axes.models import AccessAttempt

    from tests.factories import UserFactory

    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="lock-me-too", password="pass-word-123")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "lock-me-too", "password": "wrong"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert AccessAttempt.objects.get(username="lock-me-too").ip_address == "198.51.100.7"
    response = client.post(
        "/accounts/login/",
        {"username": "lock-me-too", "password": "pass-word-123"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_without_trusted_proxies_no_log_line_carries_a_forwarded_address(settings, client, caplog):
    import logging

    settings.TRUSTED_PROXY_COUNT = 0
    forged = "203.0.113.66"
    with caplog.at_level(logging.DEBUG):
        client.post(
            "/accounts/login/",
            {"username": "nobody", "password": "wrong"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=forged,
        )
        client.get("/api/parts/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=forged)
    assert caplog.records, "the requests were logged"
    for record in caplog.records:
        assert forged not in record.getMessage()
        assert forged not in str(vars(record))
