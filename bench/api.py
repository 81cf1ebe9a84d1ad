"""Benchmark: the API read path (and document create+post) under gunicorn, PostgreSQL and Redis.

Run (a throw-away database <name>_api beside the one in DATABASE_URL is created, migrated,
filled with the demo data and dropped again; REDIS_URL is the cache gunicorn uses):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partline \
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/api.py [--seconds 10]

gunicorn runs as deployed (deploy/gunicorn.conf.py, production settings, the rate limit raised so
this measures the server, not the throttle; workers recycled after --max-requests, 20,000 by
default as deployed) on a free
127.0.0.1 port. An API token of the demo
storekeeper authenticates every request. Each endpoint is driven alone, back to back, for a
bounded time (--seconds) by keep-alive clients (one http.client connection per client thread;
the threads spread over several processes so the client is not the bottleneck). Printed per
endpoint: requests, errors, requests/s and p50/p95/p99 latency (ms), next to /health/live (the
ceiling of the machine) in the same run, and the CPU the gunicorn processes spent per request
(from /proc: what a request costs the application, which a busy machine stretches in wall time
but hardly changes), then `uptime`.

Endpoints, 20 clients each: /health/live, /api/parts/?page_size=25,
/api/stock-levels/?page_size=25, /api/racks/{id}/layout/ (the demo's fullest rack); then 8
clients each creating a 10-line RECEIPT over HTTP and posting it (one "document" = both calls).

Targets (issue 11, 2-core machine): parts list, stock levels and rack layout each >= 300
requests/s with p95 < 100 ms at 20 clients; create+post >= 50 documents/s with p95 < 200 ms at
8 clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.throwaway import postgres_throwaway_database, stop_gracefully  # noqa: E402

READ_CLIENTS = 20
WRITE_CLIENTS = 8
LINES_PER_DOCUMENT = 10
USER = "storekeeper"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(env: dict[str, str]) -> str:
    """Migrate, load the demo, collect static files; return an API token of the storekeeper."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    local = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "1"}
    local.pop("PROMETHEUS_MULTIPROC_DIR")  # gunicorn's metric files only
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=local, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=local, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=local, check=True, cwd=ROOT)
    out = subprocess.run(
        [*manage, "api_token", "create", USER],
        env=local,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().split()[-1]


class Client:
    """One keep-alive connection; request() answers (status, body, seconds)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            # The server closed the keep-alive connection (worker recycled): reconnect once.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        return response.status, data, time.perf_counter() - started


def _read_loop(client: Client, path: str, until: float, out: list[float], errors: list[int]):
    while time.perf_counter() < until:
        status, _, seconds = client.request("GET", path)
        if status == 200:
            out.append(seconds)
        else:
            errors.append(status)


def _write_loop(
    client: Client, spec: dict[str, Any], until: float, out: list[float], errors: list[int]
):
    rng = random.Random(os.getpid() * 1000 + threading.get_ident() % 1000)
    while time.perf_counter() < until:
        lines = [
            {"part": part, "quantity": "1", "unit_cost": "1.00"}
            for part in rng.sample(spec["parts"], LINES_PER_DOCUMENT)
        ]
        body = {"doc_type": "RECEIPT", "destination_location": spec["location"], "lines": lines}
        started = time.perf_counter()
        status, data, _ = client.request("POST", "/api/documents/", body)
        if status != 201:
            errors.append(status)
            continue
        document = json.loads(data)["id"]
        status, _, _ = client.request("POST", f"/api/documents/{document}/post/")
        if status != 200:
            errors.append(status)
            continue
        out.append(time.perf_counter() - started)


def _group(args: tuple) -> tuple[list[float], list[int]]:
    """One client process: `threads` keep-alive clients, each in its own thread."""
    port, token, kind, target, threads, start_at, seconds = args
    clients = [Client(port, token) for _ in range(threads)]
    latencies: list[float] = []
    errors: list[int] = []
    time.sleep(max(0.0, start_at - time.time()))
    until = time.perf_counter() + seconds
    loop = _read_loop if kind == "read" else _write_loop
    workers = [
        threading.Thread(target=loop, args=(client, target, until, latencies, errors))
        for client in clients
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors


def _drive(
    pool: Any, port: int, token: str, kind: str, target: Any, clients: int, seconds: float
) -> tuple[list[float], list[int], float]:
    processes = pool._processes
    sizes = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start_at = time.time() + 0.5
    jobs = [(port, token, kind, target, n, start_at, seconds) for n in sizes if n]
    latencies: list[float] = []
    errors: list[int] = []
    for group_latencies, group_errors in pool.map(_group, jobs):
        latencies += group_latencies
        errors += group_errors
    return latencies, errors, seconds


def _server_cpu_seconds(master: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's master and its workers.

    Read from /proc (Linux): the CPU a request costs the application, which a busy machine
    stretches in wall time but hardly changes.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid ... utime (12th) stime (13th).
        if int(entry) == master or int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _row(
    name: str,
    clients: int,
    latencies: list[float],
    errors: list[int],
    seconds: float,
    cpu: float,
) -> str:
    ms = [value * 1000 for value in latencies]
    done = len(latencies) + len(errors)
    return (
        f"{name:<36} {clients:>4} {len(latencies):>7} {len(errors):>5} "
        f"{len(latencies) / seconds:>8.1f} {_percentile(ms, 0.50):>7.1f} "
        f"{_percentile(ms, 0.95):>7.1f} {_percentile(ms, 0.99):>7.1f} "
        f"{cpu * 1000 / max(done, 1):>7.2f}"
    )


def _json(port: int, token: str, path: str) -> Any:
    status, data, _ = Client(port, token).request("GET", path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}: {data[:300]!r}")
    return json.loads(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="Per endpoint (default 10).")
    parser.add_argument(
        "--client-processes", type=int, default=4, help="Client processes (default 4)."
    )
    parser.add_argument(
        "--max-requests",
        default="20000",
        help="GUNICORN_MAX_REQUESTS for the run (default 20000, as deployed; a lower value "
        "measures a worker restart, about 1.4 s of CPU, every that many requests too).",
    )
    parser.add_argument("--only", default="", help="Comma-separated names: live,parts,stock,...")
    options = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not base_url.startswith("postgres") or not redis_url:
        print("bench/api.py needs DATABASE_URL (PostgreSQL) and REDIS_URL.", file=sys.stderr)
        return 2
    url, drop = postgres_throwaway_database(base_url, "api")
    work = Path(tempfile.mkdtemp(prefix="partline-bench-api-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(work),
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "RATE_LIMIT_PER_MINUTE": "100000000",
        "CONN_MAX_AGE": "60",
        "CONN_HEALTH_CHECKS": "true",
        "LOG_LEVEL": "WARNING",
        "GEO_DEMO_ORDERS": os.environ.get("GEO_DEMO_ORDERS", "2000"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": options.max_requests,
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    subprocess.run(
        ["redis-cli", "-u", redis_url, "flushdb"], check=False, capture_output=True
    )  # a fresh cache: nothing left from another database
    gunicorn = None
    pool = None
    try:
        token = _prepare(env)
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "-c", "deploy/gunicorn.conf.py"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /health/ready within 60 s")
            time.sleep(0.2)

        racks = _json(port, token, "/api/racks/?page_size=100")["results"]
        rack = max(racks, key=lambda r: r.get("device_count") or r.get("used_u") or 0)["id"]
        parts = [p["id"] for p in _json(port, token, "/api/parts/?page_size=100")["results"]]
        location = _json(port, token, "/api/locations/?page_size=1&kind=bin")["results"]
        if not location:
            location = _json(port, token, "/api/locations/?page_size=1")["results"]
        spec = {"parts": parts, "location": location[0]["id"]}

        reads = {
            "live": "/health/live",
            "parts": "/api/parts/?page_size=25",
            "stock": "/api/stock-levels/?page_size=25",
            "layout": f"/api/racks/{rack}/layout/",
        }
        only = set(filter(None, options.only.split(",")))
        pool = multiprocessing.get_context("fork").Pool(options.client_processes)
        lines = [
            f"{'endpoint':<36} {'cli':>4} {'ok':>7} {'err':>5} {'req/s':>8} "
            f"{'p50':>7} {'p95':>7} {'p99':>7} {'cpu/req':>7}"
        ]
        for name, path in reads.items():
            if only and name not in only:
                continue
            # A short warm-up (connections, caches), not counted.
            _drive(pool, port, token, "read", path, READ_CLIENTS, 1.0)
            cpu = _server_cpu_seconds(gunicorn.pid)
            latencies, errors, seconds = _drive(
                pool, port, token, "read", path, READ_CLIENTS, options.seconds
            )
            cpu = _server_cpu_seconds(gunicorn.pid) - cpu
            lines.append(_row(path, READ_CLIENTS, latencies, errors, seconds, cpu))
            print(lines[-1], flush=True)
        if not only or "documents" in only:
            cpu = _server_cpu_seconds(gunicorn.pid)
            latencies, errors, seconds = _drive(
                pool, port, token, "write", spec, WRITE_CLIENTS, options.seconds
            )
            cpu = _server_cpu_seconds(gunicorn.pid) - cpu
            name = f"create+post {LINES_PER_DOCUMENT}-line document"
            lines.append(_row(name, WRITE_CLIENTS, latencies, errors, seconds, cpu))
            print(lines[-1], flush=True)
        print()
        print("\n".join(lines))
        print(
            "latency in ms; cpu/req: CPU ms of the gunicorn processes per request (per document:"
            " create + post); documents: one row = create (POST) + post (POST .../post/)"
        )
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        return 0
    finally:
        if pool is not None:
            pool.terminate()
        stop_gracefully(gunicorn)
        drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
