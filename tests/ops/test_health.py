import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings


def test_live_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/health/startup", "/health/"])
def test_probes_answer_head_for_load_balancers_that_use_it(client, path):
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db
def test_ready_reports_database_and_cache_ok(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


def test_ready_answers_503_naming_the_database_when_it_is_unreachable(client, unreachable_database):
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert "error" in response.json()["checks"]["database"]
    assert elapsed < 10  # the 2 s target is measured by the fault tests; this only guards hangs


def test_live_stays_up_when_the_database_is_unreachable(client, unreachable_database):
    assert client.get("/health/live").status_code == 200


@pytest.mark.django_db
def test_startup_is_ok_when_all_migrations_are_applied(client):
    response = client.get("/health/startup")
    assert response.status_code == 200
    assert response.json() == {"status": "started"}


@pytest.mark.django_db
def test_summary_has_status_database_and_version(client, settings):
    response = client.get("/health/")
    assert response.json() == {
        "status": "healthy",
        "database": "connected",
        "version": settings.VERSION,
    }


@pytest.mark.django_db
def test_detailed_is_refused_to_anonymous_and_non_staff(client, user_in_role):
    assert client.get("/health/detailed").status_code == 403
    client.force_login(user_in_role("viewer"))
    assert client.get("/health/detailed").status_code == 403


@pytest.mark.django_db
def test_detailed_for_staff_reports_every_check(client, user_in_role):
    client.force_login(user_in_role("manager"))
    body = client.get("/health/detailed").json()
    for key in (
        "database",
        "cache",
        "broker",
        "celery",
        "pending_migrations",
        "disk",
        "data_refreshes",
    ):
        assert key in body
    assert body["pending_migrations"] == []
    assert body["database"]["latency_ms"] >= 0
    assert 0 < body["disk"]["free_percent"] <= 100


@pytest.mark.django_db
def test_detailed_accepts_the_operations_token(client):
    with override_settings(OPS_TOKEN="s3cret-token"):
        assert client.get("/health/detailed", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        response = client.get("/health/detailed", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200


def test_the_postgres_probe_says_why_when_nothing_listens():
    from config.ops.health import postgres_answers

    assert postgres_answers("127.0.0.1", 1, timeout=1.0).startswith("ConnectionRefusedError")


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_postgres_probe_is_answered_by_the_real_server():
    from config.ops.health import postgres_answers

    host = connections[DEFAULT_DB_ALIAS].settings_dict["HOST"] or "127.0.0.1"
    port = int(connections[DEFAULT_DB_ALIAS].settings_dict["PORT"] or 5432)
    assert postgres_answers(host, port, timeout=1.0) is None


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["partline.example.com"]
    settings.DEBUG = False
    return settings


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.42.3.17:8000", "[fd00::17]:8000"])
@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/health/startup", "/health/"])
@pytest.mark.django_db
def test_probes_by_address_are_answered_when_only_the_site_name_is_allowed(
    client, production_hosts, path, host
):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, response.content
    # Only the Host check is skipped: the rest of the middleware still answers.
    assert response["X-Request-ID"] and response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_and_the_detailed_report_still_refuse_an_unlisted_host(client, production_hosts):
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/health/detailed", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/health/live", HTTP_HOST="partline.example.com").status_code == 200


@pytest.fixture
def sessions_migrated_back(transactional_db):
    """A real unapplied migration: the sessions app migrated to zero, then forward again."""
    from django.core.management import call_command

    call_command("migrate", "sessions", "zero", verbosity=0)
    try:
        yield "sessions.0001_initial"
    finally:
        call_command("migrate", "sessions", verbosity=0)


def test_startup_answers_503_naming_the_pending_migrations(client, sessions_migrated_back):
    response = client.get("/health/startup")
    assert response.status_code == 503
    assert response.json() == {"status": "starting", "pending_migrations": [sessions_migrated_back]}


def test_startup_is_ok_again_once_the_migration_is_applied(client, sessions_migrated_back):
    from django.core.management import call_command

    call_command("migrate", "sessions", verbosity=0)
    assert client.get("/health/startup").status_code == 200


def test_the_embedded_default_is_ready_without_collected_static_files(settings, tmp_path):
    """make run serves with DEBUG and the manifest storage but never runs collectstatic: the
    storage needs no manifest there, so readiness must not fail on it."""
    from config.ops.health import check_static

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = True
    assert check_static()["ok"] is True
    settings.DEBUG = False
    assert check_static()["ok"] is False
