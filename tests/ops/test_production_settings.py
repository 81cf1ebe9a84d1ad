"""Production settings are imported in a child process with a controlled environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "partline.example.com",
    "DEBUG": "False",
}


def load_production(
    code: str | None = None, **overrides: str | None
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    env.update(GOOD)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    code = code or (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_starts_with_a_complete_environment():
    result = load_production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"DEBUG": "True"}, "DEBUG must be False"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start(override, message):
    result = load_production(**override)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("proxies", "header"),
    [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")],
)
def test_x_forwarded_proto_is_trusted_only_behind_the_configured_proxies(proxies, header):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_PROXY_SSL_HEADER)"
    )
    result = load_production(code, TRUSTED_PROXY_COUNT=proxies)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == header


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """STATIC_ROOT after `manage.py collectstatic` under production settings (run once)."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    env.update(
        GOOD, DJANGO_SETTINGS_MODULE="config.settings.production", STATIC_ROOT=str(static_root)
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return static_root


def test_collectstatic_builds_the_hashed_manifest_under_production_settings(collected_static):
    assert (collected_static / "staticfiles.json").exists()


READY_PROBE = (
    "import json, django; django.setup(); from django.test import Client; "
    "response = Client().get('/health/ready'); "
    "print('READY:' + json.dumps({'status': response.status_code, 'body': response.json()}))"
)


def ready_under_production(static_root: Path) -> dict:
    result = load_production(
        READY_PROBE, STATIC_ROOT=str(static_root), DATABASE_URL="sqlite://:memory:", REDIS_URL=None
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("READY:"))
    return json.loads(line.removeprefix("READY:"))


def test_readiness_fails_when_static_files_were_not_collected(tmp_path):
    # Every page would answer 500 (the manifest storage cannot name a stylesheet): not ready.
    ready = ready_under_production(tmp_path)
    assert ready["status"] == 503
    assert ready["body"]["failed"] == ["static"]
    assert "static files not collected" in ready["body"]["checks"]["static"]["error"]


def test_readiness_passes_once_static_files_are_collected(collected_static):
    ready = ready_under_production(collected_static)
    assert ready["status"] == 200, ready
    assert ready["body"]["checks"]["static"]["ok"] is True
