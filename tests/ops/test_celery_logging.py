"""Worker-side logging: JSON lines that carry the request id of the request that enqueued."""

import json
import logging
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from celery import Celery, shared_task
from celery.signals import setup_logging

from config.celery import _use_django_logging
from config.ops.context import request_id_var
from config.ops.logging import JsonFormatter, RequestContextFilter
from tests.faults.conftest import RedisServer, wait_until

ROOT = Path(__file__).resolve().parents[2]
task_logger = logging.getLogger("partline.tests.task")


@shared_task
def _log_inside_a_task() -> str:
    task_logger.info("inside the task")
    return request_id_var.get()


class JsonLines(logging.Handler):
    """The production handler's filter and formatter, writing to a list."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestContextFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def test_the_worker_keeps_djangos_logging_instead_of_celerys():
    from config.celery import app

    assert app.conf.worker_hijack_root_logger is False
    assert _use_django_logging in [receiver() for _, receiver in setup_logging.receivers]


def test_a_task_run_from_its_message_headers_logs_the_request_id_and_clears_it_after():
    """As on a worker: another thread, no id in its context, the id only in the headers."""
    handler = JsonLines()
    task_logger.addHandler(handler)
    task_logger.setLevel(logging.INFO)
    outcome: dict = {}

    def worker_thread() -> None:
        outcome["before"] = request_id_var.get()
        result = _log_inside_a_task.apply(headers={"request_id": "trace-worker-0001"})
        outcome["inside"] = result.get()
        outcome["after"] = request_id_var.get()
        task_logger.info("after the task")

    try:
        thread = threading.Thread(target=worker_thread)
        thread.start()
        thread.join(timeout=30)
    finally:
        task_logger.removeHandler(handler)
    assert outcome == {"before": "-", "inside": "trace-worker-0001", "after": "-"}
    by_message = {line["message"]: line for line in handler.lines}
    assert by_message["inside the task"]["request_id"] == "trace-worker-0001"
    assert by_message["after the task"]["request_id"] == "-"


@pytest.fixture
def private_redis():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def worker_log(tmp_path, private_redis):
    """A real `celery -A config worker` with production settings, on a Redis of our own."""
    log = tmp_path / "worker.log"
    drop = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="partline.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'partline.sqlite3'}",
        REDIS_URL=private_redis.url,
    )
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "--quiet",  # no banner: the only text that is not a log line
        "worker",
        "--pool=solo",
        "-I",
        "tests.ops.worker_tasks",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=info",
        "--hostname",
        f"ops-{uuid.uuid4().hex[:6]}@%h",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield log, private_redis.url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def json_lines(log: Path) -> list[dict]:
    """Every complete line the worker wrote so far, each parsed as one JSON object."""
    complete = log.read_text().split("\n")[:-1]
    return [json.loads(line) for line in complete if line.strip()]


def test_a_real_worker_logs_json_lines_with_the_request_id_of_the_enqueuing_request(worker_log):
    log, broker_url = worker_log
    # Not the current app: shared tasks elsewhere in this process must keep the project app.
    client = Celery("ops-test", broker=broker_url, backend=broker_url, set_as_current=False)
    marker = uuid.uuid4().hex
    token = request_id_var.set("trace-worker-real-0001")
    try:
        try:
            # Published like the web process does: before_task_publish adds the header.
            result = client.send_task("ops_tests.log_request_id", args=[marker])
        finally:
            request_id_var.reset(token)
        assert result.get(timeout=60) == "trace-worker-real-0001"
    finally:
        client.close()

    def task_line() -> dict | None:
        return next((x for x in json_lines(log) if x.get("message") == f"task ran {marker}"), None)

    line = wait_until(task_line, timeout=10, what="the task's log line")
    assert line["request_id"] == "trace-worker-real-0001"
    assert line["logger"] == "partline.tests.worker" and line["level"] == "INFO"
    # Celery's own lines go through the same JSON handler.
    assert any(x["logger"].startswith("celery") for x in json_lines(log)), log.read_text()
