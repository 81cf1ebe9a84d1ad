"""The read replica: analytics reads go to it, writes never; connection settings from the env."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from config import db_router
from config.db_router import ReplicaRouter, reads_from_replica, replica_reads

ROOT = Path(__file__).resolve().parents[2]


def model_of(app_label: str) -> type:
    return type("Model", (), {"_meta": SimpleNamespace(app_label=app_label)})


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


def test_without_a_replica_the_router_leaves_every_read_to_the_primary():
    assert ReplicaRouter().db_for_read(model_of("analytics")) is None


def test_analytics_reads_go_to_the_replica_and_other_reads_to_the_primary(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(model_of("analytics")) == "replica"
    assert router.db_for_read(model_of("warehouse")) == "default"


def test_reads_marked_read_only_go_to_the_replica_only_inside_the_mark(with_replica):
    router = ReplicaRouter()

    @reads_from_replica
    def selector() -> str | None:
        return router.db_for_read(model_of("warehouse"))

    assert selector() == "replica"
    with replica_reads():
        assert router.db_for_read(model_of("inventory")) == "replica"
    assert router.db_for_read(model_of("inventory")) == "default"


def test_writes_always_go_to_the_primary(with_replica):
    router = ReplicaRouter()
    loaded_from_replica = SimpleNamespace(_state=SimpleNamespace(db="replica"))
    with replica_reads():
        assert router.db_for_write(model_of("analytics")) == "default"
        assert router.db_for_write(model_of("warehouse"), instance=loaded_from_replica) == (
            "default"
        )


def test_migrations_never_run_on_the_replica():
    assert ReplicaRouter().allow_migrate("replica", "warehouse") is False
    assert ReplicaRouter().allow_migrate("default", "warehouse") is None


def _settings_with(tmp_path, **env: str) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: {'ENGINE': v['ENGINE'], 'CONN_MAX_AGE': v['CONN_MAX_AGE'], "
        "'CONN_HEALTH_CHECKS': v['CONN_HEALTH_CHECKS'], 'TEST': v.get('TEST', {})} "
        "for k, v in settings.DATABASES.items()}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CONN_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_connection_age_and_health_checks_come_from_the_environment(tmp_path):
    databases = _settings_with(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        CONN_MAX_AGE="60",
        CONN_HEALTH_CHECKS="true",
    )
    assert set(databases) == {"default"}
    assert databases["default"]["CONN_MAX_AGE"] == 60
    assert databases["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_replica_url_adds_a_replica_alias_like_the_primary(tmp_path):
    databases = _settings_with(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}",
        CONN_MAX_AGE="30",
    )
    replica = databases["replica"]
    assert replica["ENGINE"] == databases["default"]["ENGINE"]
    assert replica["CONN_MAX_AGE"] == 30
    assert replica["TEST"]["MIRROR"] == "default"


def test_with_two_databases_analytics_reads_the_replica_and_writes_reach_the_primary(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CONN_"))}
    result = subprocess.run(
        [sys.executable, "-m", "tests.ops.replica_script"],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite3'}",
            "DATABASE_REPLICA_URL": f"sqlite:///{tmp_path / 'replica.sqlite3'}",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["primary_moves"] == 1
    assert seen["replica_moves"] == 0
    # The dashboard's chart reads the replica: the receipt is not there until it replicates.
    assert seen["chart_before_replication"] == 0
    assert seen["chart_inside_transaction"] == 5  # a transaction reads its own database
    assert seen["chart_after_replication"] == 5
    assert seen["plain_read_alias"] == "default"
    assert seen["write_alias_for_replica_object"] == "default"
    assert seen["primary_name"] == "renamed on the primary"
    assert seen["replica_name"] != "renamed on the primary"
