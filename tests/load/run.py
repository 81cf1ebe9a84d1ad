"""`make loadtest`: the locustfile against gunicorn on 127.0.0.1 with PostgreSQL and Redis.

Steps: a throw-away database <name>_loadtest beside DATABASE_URL (created, migrated, filled with
the demo data, API tokens for the demo roles; dropped at the end), gunicorn with the production
settings and deploy/gunicorn.conf.py as it is (its workers and threads; GUNICORN_* variables
change them, as in production) on a free loopback port (rate limits raised: this measures the
server, not the throttle), then three headless locust phases:

1. the mix: LOADTEST_USERS (default 50) people, each waiting 1-5 s between actions, for
   LOADTEST_SECONDS (default 60);
2. a typical API list (/api/parts/) alone, the same number of users back to back, for a third
   of that;
3. /health/live alone, back to back, as long: the ceiling of this machine.

Printed: per phase and endpoint, requests/s, p50/p95/p99 (ms) and failures (and the first
failure messages), the load average and gunicorn's worker restarts; then one PASS/FAIL line per
target of issue 14 (50 users on this 2-core machine: no errors; reads p95 < 100 ms and p99 <
500 ms, each read endpoint of the mix; the API list at least half the requests/s of
/health/live). Exits 1 when a target fails.

locust runs as one process by default: with FastHttpUser it needs a small part of one core for
the few hundred requests per second this machine serves, and every further process would take
CPU from gunicorn on the same 2 cores. LOADTEST_PROCESSES=N runs it with `--processes N` for a
bigger machine or a remote server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline \
    REDIS_URL=redis://127.0.0.1:6379/2 LOADTEST_SECONDS=60 .venv/bin/python tests/load/run.py
"""

import csv
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.throwaway import postgres_throwaway_database, stop_gracefully  # noqa: E402
from tests.faults.conftest import free_port, wait_until  # noqa: E402

ROLES = ("viewer", "storekeeper", "planner")
MIX = ["StaffBrowsing", "ApiConsumer", "Storekeeper", "Planner", "MapUser"]


WARM_UP_SECONDS = 15


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


def _locust(
    host: str, users: int, seconds: int, classes: list[str], prefix: Path, env, ramp: float
) -> None:
    """One headless locust run; `ramp`: seconds over which the users start."""
    processes = int(env.get("LOADTEST_PROCESSES", "1"))
    with open(f"{prefix}.log", "wb") as log:
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"),
                "--headless", "--host", host, "--users", str(users),
                "--spawn-rate", f"{users / ramp:.2f}", "--run-time", f"{seconds}s",
                "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
                "--loglevel", "WARNING",
                *(["--processes", str(processes)] if processes > 1 else []),
                *classes,
            ],
            env=env,
            cwd=ROOT,
            check=False,  # locust exits 1 when any request failed; the table says which
            stdout=log, stderr=subprocess.STDOUT,
            timeout=seconds + 120,
        )  # fmt: skip


def _locust_warnings(prefix: Path) -> list[str]:
    """locust's own warnings (e.g. its CPU above 90 %: its figures would be its own limit)."""
    text = Path(f"{prefix}.log").read_text(errors="replace")
    return [
        "  locust: " + line.split(": ", 1)[-1][:150]
        for line in text.splitlines()
        if "/WARNING/" in line or "/ERROR/" in line or "/CRITICAL/" in line
    ]


def _server_errors(log: Path, limit: int = 5) -> list[str]:
    """The errors gunicorn and the application logged (a 500's exception, a worker timeout), the
    most frequent first: what the failures column cannot say."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = {"level": "ERROR", "message": line} if "Traceback" in line else {}
        if record.get("level") not in ("ERROR", "CRITICAL"):
            continue
        cause = (record.get("exc_info") or "").strip().splitlines()
        text = f"{record.get('logger', '')}: {record.get('message', '')}".splitlines()[0][:100]
        key = text + (f" / {cause[-1][:150]}" if cause else "")
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:limit]
    return [f"  server log: {count} x {text}" for text, count in ranked]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:  # "N/A" for an endpoint without requests
        return None


def _stats(prefix: Path) -> list[dict]:
    """One row per endpoint (and "ALL"): type, name, requests, failures, req/s, percentiles."""
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "type": row["Type"] or "",
                    "name": row["Name"] if row["Name"] != "Aggregated" else "ALL",
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": _number(row["50%"]),
                    "p95": _number(row["95%"]),
                    "p99": _number(row["99%"]),
                }
            )
    return rows


def _failures(prefix: Path, limit: int = 5) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: -int(r["Occurrences"]))
    return [f"  {r['Occurrences']} x {r['Method']} {r['Name']}: {r['Error'][:150]}" for r in rows][
        :limit
    ]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _table(rows: list[dict], title: str) -> str:
    lines = [
        title,
        f"{'endpoint':<34} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'fail':>5} {'reqs':>7}",
    ]
    for row in rows:
        label = f"{row['type']} {row['name']}".strip() if row["name"] != "ALL" else "ALL"
        lines.append(
            f"{label[:34]:<34} {row['rps']:>7.1f} {_ms(row['p50']):>6} {_ms(row['p95']):>6} "
            f"{_ms(row['p99']):>6} {row['failures']:>5} {row['requests']:>7}"
        )
    return "\n".join(lines)


def _targets(mix: list[dict], api_list: list[dict], ceiling: list[dict]) -> list[tuple[bool, str]]:
    """(passed, line) per target of issue 14."""
    every = [row for rows in (mix, api_list, ceiling) for row in rows if row["name"] == "ALL"]
    failures = sum(row["failures"] for row in every)
    requests = sum(row["requests"] for row in every)
    reads = [row for row in mix if row["type"] == "GET" and row["requests"]]
    results = [(failures == 0 and requests > 0, f"no errors: {failures} of {requests} failed")]
    for percentile, limit in (("p95", 100), ("p99", 500)):
        worst = max(reads, key=lambda row: row[percentile] or 0, default=None)
        slow = [row["name"] for row in reads if (row[percentile] or 0) >= limit]
        results.append(
            (
                bool(reads) and not slow,
                f"reads {percentile} < {limit} ms: worst {_ms(worst and worst[percentile])} ms"
                f" ({worst['name'] if worst else 'no reads'})"
                + (f"; over the limit: {', '.join(slow)}" if slow else ""),
            )
        )
    api = next(row["rps"] for row in api_list if row["name"] == "ALL")
    live = next(row["rps"] for row in ceiling if row["name"] == "ALL")
    results.append(
        (
            live > 0 and api >= live / 2,
            f"API list >= 1/2 of /health/live: {api:.1f} vs {live:.1f} req/s ({api / live:.0%})"
            if live
            else "API list >= 1/2 of /health/live: no ceiling",
        )
    )
    return results


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


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
    log = work / "gunicorn.log"
    try:
        env.update(_prepare(env))
        config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
        with log.open("wb") as output:
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                 "-c", "deploy/gunicorn.conf.py"],
                env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        host = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return urllib.request.urlopen(f"{host}/health/ready", timeout=2).status == 200
            except OSError:
                return False

        wait_until(ready, timeout=60, what="gunicorn to answer /health/ready")
        boots = log.read_text().count("Booting worker")
        load_before = _load()
        ceiling = max(10, seconds // 3)
        # A short warm-up of the same mix, not counted: every gunicorn worker has imported its
        # views, compiled its templates and filled its caches before the measured run, as a
        # deployment in service has (the first request to a fresh worker is slower).
        _locust(host, users, WARM_UP_SECONDS, MIX, work / "warm-up", env, ramp=2)
        # People arrive over the first quarter of the run, not all in one second (each logs in
        # or reads its first lists when it starts); the back-to-back phases start at once.
        _locust(host, users, seconds, MIX, work / "mix", env, ramp=max(5, seconds / 4))
        _locust(host, users, ceiling, ["ApiListCeiling"], work / "api-list", env, ramp=2)
        _locust(host, users, ceiling, ["HealthProbe"], work / "ceiling", env, ramp=2)
        restarts = log.read_text().count("Booting worker") - boots
        back_to_back = f"{users} users back to back, {ceiling} s"
        phases = {
            "mix": f"1. Mix: {users} people (1-5 s between actions), {seconds} s "
            f"(after a {WARM_UP_SECONDS} s warm-up, not counted)",
            "api-list": f"2. /api/parts/ alone, {back_to_back}",
            "ceiling": f"3. Ceiling: /health/live alone, {back_to_back}",
        }
        stats = {name: _stats(work / name) for name in phases}
        print(
            f"gunicorn: {config['workers']} workers x {config['threads']} threads "
            f"({config['worker_class']}), {restarts} worker restarts during the run "
            f"(max_requests {config['max_requests']}); locust processes: "
            f"{env.get('LOADTEST_PROCESSES', '1')}; load average (1/5/15 min) before "
            f"{load_before}, after {_load()} on {os.cpu_count()} CPUs"
        )
        for name, title in phases.items():
            print()
            print(_table(stats[name], title + " (ms, req/s)"))
            for line in _failures(work / name) + _locust_warnings(work / name):
                print(line)
        errors = _server_errors(log)
        if errors:
            print("\nErrors in gunicorn's log (all phases):")
            print("\n".join(errors))
        results = _targets(stats["mix"], stats["api-list"], stats["ceiling"])
        print()
        for passed, line in results:
            print(f"{'PASS' if passed else 'FAIL'}  {line}")
        return 0 if all(passed for passed, _ in results) else 1
    finally:
        stop_gracefully(gunicorn)
        drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
