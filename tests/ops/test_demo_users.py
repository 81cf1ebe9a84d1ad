import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from config.demo import DEMO_PASSWORD, demo_users_ensure

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_demo_users_are_created_once_with_their_roles_and_the_printed_password():
    demo_users_ensure()
    demo_users_ensure()
    User = get_user_model()
    assert User.objects.filter(username="admin", is_superuser=True).count() == 1
    for role in ("viewer", "storekeeper", "planner", "manager"):
        user = User.objects.get(username=role)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff and not user.is_superuser
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_a_demo_viewer_in_the_admin_may_look_but_not_change(client):
    demo_users_ensure()
    login = client.post("/accounts/login/", {"username": "viewer", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    assert client.get("/admin/inventory/part/").status_code == 200
    assert client.get("/admin/inventory/part/add/").status_code == 403


def load_demo_in_a_child(tmp_path, settings_module: str, *args: str, **env_vars: str):
    drop = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=f"sqlite:///{tmp_path / 'partline.sqlite3'}",
        **env_vars,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "load_demo", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_load_demo_refuses_under_production_settings_with_one_line_and_a_failing_exit(tmp_path):
    result = load_demo_in_a_child(
        tmp_path,
        "config.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="partline.example.com",
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: Refusing to load demo data: DEBUG is off, and the demo resets the 'admin' "
        "superuser to the public demo password; pass --force if this database is really a demo."
    ]
    assert result.stdout == ""


def test_load_demo_refuses_when_debug_is_turned_off_in_the_local_settings(tmp_path):
    result = load_demo_in_a_child(tmp_path, "config.settings.local", DEBUG="False")
    assert result.returncode != 0
    assert "Refusing to load demo data" in result.stderr


@pytest.mark.django_db
def test_a_refused_load_demo_leaves_the_admin_password_alone(settings):
    settings.DEMO_DATA_ALLOWED = False
    admin = get_user_model().objects.create_user("admin", password="a-real-secret-1")
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("load_demo", stdout=StringIO())
    admin.refresh_from_db()
    assert admin.check_password("a-real-secret-1") and not admin.is_superuser


@pytest.mark.django_db
def test_load_demo_with_force_runs_where_debug_is_off(settings):
    settings.DEMO_DATA_ALLOWED = False
    call_command("load_demo", "--force", stdout=StringIO())
    assert get_user_model().objects.get(username="admin").check_password(DEMO_PASSWORD)
