"""`make loadtest`: the locustfile against gunicorn on 127.0.0.1 with PostgreSQL and Redis.

Steps: a throw-away database <name>_loadtest beside DATABASE_URL (created, migrated, filled with
the demo data, API tokens for the demo roles; dropped at the end), gunicorn with the production
settings on a free loopback port (rate limits raised: this measures the server, not the
throttle), then three headless locust phases: the mix of users for LOADTEST_SECONDS (default 60)
with LOADTEST_USERS (default 50), then for a third of that each, back to back, a typical API list
(/api/parts/) alone and /health/live alone (the ceiling of the machine).
Printed: per endpoint, requests, failures, p50/p95/p99 (ms) and requests/s, for each phase.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline \
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python tests/load/run.py
"""

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.throwaway import postgres_throwaway_database  # noqa: E402
from tests.faults.conftest import free_port, wait_until  # noqa: E402

ROLES = ("viewer", "storekeeper", "planner")
MIX = ["StaffBrowsing", "ApiConsumer", "Storekeeper", "Planner"]


def _prepare(env: dict[str, str]) -> dict[str, str]:
    """Migrate, load the demo and create one API token per role; return the token variables."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    local = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "1"}
    local.pop("PROMETHEUS_MULTIPROC_DIR")  # gunicorn's metric files only
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=local, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=local, check=True, cwd=ROOT, capture_output=True)
    # The production settings serve hashed static names from the manifest collectstatic writes.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=local, check=True, cwd=ROOT)
    tokens = {}
    for role in ROLES:
        out = subprocess.run(
            [*manage, "api_token", "create", role],
            env=local,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        tokens[f"LOADTEST_TOKEN_{role.upper()}"] = out.strip().split()[-1]
    return tokens


def _locust(host: str, users: int, seconds: int, classes: list[str], prefix: Path, env) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"),
            "--headless", "--host", host, "--users", str(users),
            "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s",
            "--stop-timeout", "5", "--csv", str(prefix), "--only-summary",
            "--loglevel", "WARNING", *classes,
        ],
        env=env,
        cwd=ROOT,
        check=False,  # locust exits 1 when any request failed; the table says which
        stdout=subprocess.DEVNULL,
        timeout=seconds + 120,
    )  # fmt: skip


def _table(prefix: Path, title: str) -> str:
    lines = [
        title,
        f"{'endpoint':<30} {'reqs':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}",
    ]
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
            lines.append(
                f"{name[:30]:<30} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {float(row['Requests/s']):>7.1f}"
            )
    return "\n".join(lines)


def main() -> int:
    base_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not base_url.startswith("postgres") or not redis_url:
        print("make loadtest needs DATABASE_URL (PostgreSQL) and REDIS_URL.", file=sys.stderr)
        return 2
    seconds = int(os.environ.get("LOADTEST_SECONDS", "60"))
    users = int(os.environ.get("LOADTEST_USERS", "50"))
    url, drop = postgres_throwaway_database(base_url, "loadtest")
    work = Path(tempfile.mkdtemp(prefix="partline-loadtest-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(work),
        "SECRET_KEY": "loadtest-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "RATE_LIMIT_PER_MINUTE": "10000000",
        "CONN_MAX_AGE": "60",
        "CONN_HEALTH_CHECKS": "true",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    gunicorn = None
    try:
        env.update(_prepare(env))
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "-c", "deploy/gunicorn.conf.py"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        host = f"http://127.0.0.1:{port}"

        def live() -> bool:
            try:
                return urllib.request.urlopen(f"{host}/health/ready", timeout=2).status == 200
            except OSError:
                return False

        wait_until(live, timeout=60, what="gunicorn to answer /health/ready")
        _locust(host, users, seconds, MIX, work / "mix", env)
        ceiling = max(10, seconds // 3)
        _locust(host, users, ceiling, ["ApiListCeiling"], work / "api-list", env)
        _locust(host, users, ceiling, ["HealthProbe"], work / "ceiling", env)
        out = io.StringIO()
        print(
            _table(work / "mix", f"Mix of users: {users} users, {seconds} s (ms, req/s)"), file=out
        )
        print(file=out)
        print(_table(work / "api-list", "A typical API list alone, back to back"), file=out)
        print(file=out)
        print(_table(work / "ceiling", "Ceiling: /health/live alone, back to back"), file=out)
        print(out.getvalue())
        return 0
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        time.sleep(0.5)
        drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
