import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_every_response_has_the_security_headers(client):
    response = client.get("/health/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_hsts_is_sent_over_https_in_production_mode(client):
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        response = client.get("/health/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client, user_in_role, settings):
    user = user_in_role("viewer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "pass-word-123"}
    )
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


@pytest.mark.django_db
def test_a_correct_login_works(client, user_in_role):
    user = user_in_role("viewer")
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "pass-word-123"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_home_shows_the_dashboard_and_nav(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    response = client.get("/")
    assert response.status_code == 200
    for label in (b"Inventory", b"Warehouse", b"Analytics", b"API docs"):
        assert label in response.content


@pytest.mark.django_db
def test_admin_is_branded_partline(client, user_in_role):
    client.force_login(user_in_role("superuser"))
    assert b"Partline administration" in client.get("/admin/").content


@pytest.mark.django_db
def test_home_shows_an_empty_state_for_the_movement_chart_when_nothing_moved(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    response = client.get("/")
    assert b"No stock has moved in this period" in response.content
