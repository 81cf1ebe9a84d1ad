"""With the database unreachable, /health/live stays 200 and /health/ready answers 503 quickly.

"Unreachable" here is the nasty kind: a server that accepts the TCP connection and then never
answers (a hung PostgreSQL, a black-holed route), simulated by a listener of our own on a
loopback port. A refused connection fails at once; this one is bounded by the readiness
check's 1 s protocol probe (config/ops/health.py), and otherwise by connect_timeout (2 s,
DATABASE_CONNECT_TIMEOUT, also libpq's minimum). The swapped-in connection is a
real PostgreSQL one on both the SQLite and the PostgreSQL runs.
"""

import copy
import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

pytestmark = pytest.mark.faults

CONNECT_TIMEOUT = 2  # seconds: config/settings/base.py's default DATABASE_CONNECT_TIMEOUT
# /health/ready must answer within 2 s: a protocol probe (HEALTH_DB_PROBE_TIMEOUT, 1 s) gives up
# on a hung server before libpq's own 2 s minimum connect timeout would.
READY_DEADLINE = 2.0


@pytest.fixture
def hung_database(db, hung_server):
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(original.settings_dict)
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("connect_timeout")
    settings_dict.update(
        ENGINE="django.db.backends.postgresql",
        NAME="partline",
        USER="postgres",
        PASSWORD="",
        HOST="127.0.0.1",
        PORT=str(hung_server.port),
        OPTIONS={"connect_timeout": timeout or CONNECT_TIMEOUT},
    )
    hung = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = hung
    yield hung_server
    hung.close()
    connections[DEFAULT_DB_ALIAS] = original


def test_the_default_connect_timeout_is_two_seconds_on_postgresql():
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"].get("connect_timeout") is None
    else:
        assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == CONNECT_TIMEOUT


def test_live_stays_200_while_the_database_hangs(client, hung_database):
    started = time.monotonic()
    response = client.get("/health/live")
    assert response.status_code == 200
    assert time.monotonic() - started < 1, "live must not wait for the database"
    assert hung_database.accepted == [], "live must not even try to connect"


def test_ready_answers_503_within_the_deadline_while_the_database_hangs(client, hung_database):
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "database" in response.json()["failed"]
    assert hung_database.accepted, "the check should have reached the hung server"
    assert elapsed < READY_DEADLINE, f"/health/ready took {elapsed:.2f} s"
