"""The embedded default (no environment): SQLite under var/, usable from a fresh clone.

Settings are loaded in child processes with DATABASE_URL and REDIS_URL removed, as on a fresh
machine, and VAR_DIR pointed at a directory that does not exist yet.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.db.utils import OperationalError, load_backend

ROOT = Path(__file__).resolve().parents[2]


def embedded_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    drop = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", VAR_DIR=str(var_dir))
    env.update(overrides)
    return env


def manage(var_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=embedded_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def embedded_database(tmp_path_factory) -> dict:
    """The default database's settings as the local settings build them."""
    var_dir = tmp_path_factory.mktemp("fresh-clone") / "var"
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=embedded_env(var_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {"var_dir": var_dir, **json.loads(result.stdout)}


def test_the_embedded_database_is_sqlite_in_the_var_directory(embedded_database):
    assert embedded_database["ENGINE"].endswith("sqlite3")
    assert Path(embedded_database["NAME"]) == embedded_database["var_dir"] / "partline.sqlite3"


def test_sqlite_writers_begin_immediate_and_wait_up_to_the_timeout(embedded_database):
    assert embedded_database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert embedded_database["OPTIONS"]["timeout"] == 20


def test_loading_the_settings_creates_the_var_directory(embedded_database):
    assert embedded_database["var_dir"].is_dir()


def test_a_fresh_clone_migrates_and_loads_the_demo_as_make_run_does(tmp_path):
    var_dir = tmp_path / "var"  # does not exist, as on a fresh clone before any make target
    migrate = manage(var_dir, "migrate", "--noinput", "-v", "0")
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    demo = manage(var_dir, "load_demo", "--url", "http://127.0.0.1:8111/")
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "Demo data loaded. Log in at http://127.0.0.1:8111/" in demo.stdout
    assert (var_dir / "partline.sqlite3").is_file()


@pytest.fixture
def own_connections(django_db_blocker):
    """Connections this test opens itself, to its own file (not the test database)."""
    with django_db_blocker.unblock():
        yield


def test_concurrent_read_then_write_transactions_on_a_sqlite_file_do_not_fail(
    embedded_database, tmp_path, own_connections
):
    """Writers that read first: with DEFERRED, all but one fail at once, "database is locked"."""
    settings_dict = {
        **{k: v for k, v in embedded_database.items() if k != "var_dir"},
        "NAME": str(tmp_path / "race.sqlite3"),
    }
    setup = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "race")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
    setup.close()
    errors: list[BaseException] = []

    def writer() -> None:
        connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "race")
        connections["race"] = connection  # per thread, like Django's own connections
        try:
            with transaction.atomic(using="race"), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM counter")
                (seen,) = cursor.fetchone()
                time.sleep(0.3)  # both transactions are open here at the same time
                cursor.execute("INSERT INTO counter (n) VALUES (%s)", [seen + 1])
        except OperationalError as exc:
            errors.append(exc)
        finally:
            connection.close()
            del connections["race"]

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    check = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "race")
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [1, 2, 3]  # serialised, none lost
    check.close()
