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
