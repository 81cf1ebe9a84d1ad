"""A throw-away PostgreSQL database beside the one a URL names, for the benchmarks (and the
load test), and the graceful stop of the server they start."""

import signal
import subprocess
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def postgres_throwaway_database(url: str, suffix: str) -> tuple[str, Callable[[], None]]:
    """Create <name>_<suffix> (dropped first if a crashed run left it); return its URL and a drop.

    Created and dropped through the maintenance database: the named one need not exist.
    """
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{suffix}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def drop() -> None:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), drop


def sqlite_throwaway_database() -> tuple[str, Callable[[], None]]:
    """A SQLite file in a new temporary folder; return its URL and a removal."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="partline-bench-")
    return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)


def use_throwaway_database(suffix: str) -> tuple[str, Callable[[], None]]:
    """Point this process at a throw-away database (PostgreSQL beside DATABASE_URL's, or SQLite).

    Sets DATABASE_URL and the test settings, and drops REDIS_URL so cached structures of this
    database never land in a shared Redis; returns the URL and the cleanup to call at the end
    (after ``django.db.connections.close_all()``).
    """
    import os

    base_url = os.environ.get("DATABASE_URL", "")
    if base_url.startswith(("postgres://", "postgresql://")):
        url, cleanup = postgres_throwaway_database(base_url, suffix)
    else:
        url, cleanup = sqlite_throwaway_database()
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    return url, cleanup


def stop_gracefully(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """Stop a server started for a benchmark (gunicorn): SIGTERM, then SIGKILL after ``timeout``
    seconds; a moment after, so its database connections are gone before the database is
    dropped."""
    if process is not None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    time.sleep(0.5)
