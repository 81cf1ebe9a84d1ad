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


# --- Password change and reset (Django's views, the lockout still applying).


def _change(client, old: str, new: str = "a-new-pass-word-7"):
    return client.post(
        "/accounts/password_change/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.django_db
def test_a_user_changes_their_own_password_and_logs_in_with_the_new_one(client, user_in_role):
    user = user_in_role("viewer")
    client.force_login(user)
    response = _change(client, "pass-word-123")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    client.logout()
    login = {"username": user.username, "password": "a-new-pass-word-7"}
    assert client.post("/accounts/login/", login).status_code == 302


@pytest.mark.django_db
def test_the_user_menu_links_to_the_password_change_page(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    assert b'href="/accounts/password_change/"' in client.get("/").content
    assert client.get("/accounts/password_change/").status_code == 200


@pytest.mark.django_db
def test_wrong_old_passwords_count_as_failed_logins_and_lock_the_account(
    client, user_in_role, settings
):
    user = user_in_role("viewer")
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _change(client, "wrong")
        assert response.status_code == 200
        assert b"Your old password was entered incorrectly" in response.content
    response = _change(client, "wrong")
    assert response.status_code == 429
    # Locked: even the right old password is refused now, and so is a login.
    assert _change(client, "pass-word-123").status_code == 429
    user.refresh_from_db()
    assert user.check_password("pass-word-123")
    client.logout()
    login = {"username": user.username, "password": "pass-word-123"}
    assert client.post("/accounts/login/", login).status_code == 429


def _reset_link(client, email: str) -> str:
    import re

    from django.core import mail

    assert client.post("/accounts/password_reset/", {"email": email}).status_code == 302
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)


def _set_password_through(client, link: str, new: str) -> None:
    page = client.get(link)
    assert page.status_code == 302  # to the same page without the token in the address
    done = client.post(page["Location"], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"


@pytest.mark.django_db
def test_a_user_resets_a_forgotten_password_through_the_emailed_link(client, user_in_role):
    from django.core import mail

    user = user_in_role("viewer", email="forgetful@example.com")
    link = _reset_link(client, "forgetful@example.com")
    assert mail.outbox[0].subject == "Partline: reset your password"
    _set_password_through(client, link, "a-new-pass-word-7")
    login = {"username": user.username, "password": "a-new-pass-word-7"}
    assert client.post("/accounts/login/", login).status_code == 302
    # The link works once.
    assert b"Invalid reset link" in client.get(link, follow=True).content


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    from django.core import mail

    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_password_reset_does_not_lift_a_login_lockout(client, user_in_role, settings):
    user = user_in_role("viewer", email="locked@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    _set_password_through(client, _reset_link(client, "locked@example.com"), "a-new-pass-word-7")
    login = {"username": user.username, "password": "a-new-pass-word-7"}
    assert client.post("/accounts/login/", login).status_code == 429


def test_reset_emails_go_to_the_console_unless_an_email_backend_is_configured():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "EMAIL_BACKEND"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend", result.stderr
