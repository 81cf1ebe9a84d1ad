"""A worker killed mid-task: the task is redelivered (acks late) and its result written once.

A real `celery -A config worker` (solo pool, so SIGKILL hits the process running the task) is
started against a redis-server of our own and the test database, given a slow stock
verification, and killed with SIGKILL while the task sleeps. A second worker must then receive
the same task again and write exactly one StockVerification row. Needs PostgreSQL: the worker
is another process and must see the test's database.
"""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from tests.faults.conftest import ROOT, wait_until
from tests.faults.worker_tasks import finishes_key, starts_key
from warehouse.models import StockVerification

pytestmark = pytest.mark.faults

TASK_SECONDS = 6  # long enough to be killed in the middle of it


def start_worker(broker_url: str, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        CELERY_BROKER_URL=broker_url,
        CELERY_RESULT_BACKEND=broker_url,
        CELERY_TASK_ALWAYS_EAGER="False",
    )
    celery = Path(sys.executable).with_name("celery")
    return subprocess.Popen(
        [
            str(celery),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-I",
            "tests.faults.worker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=info",
            "--hostname",
            f"fault-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def workers():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_the_settings_ask_for_late_acks_and_requeue_on_a_lost_worker(settings):
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_the_nightly_verification_task_acks_late_and_retries_database_errors():
    from django.db import DatabaseError

    from warehouse.tasks import verify_stock_task

    assert verify_stock_task.acks_late is True
    assert DatabaseError in verify_stock_task.autoretry_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_is_redone_and_writes_its_result_once(
    redis_server, workers, tmp_path
):
    marker = f"fault-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    workers.append(start_worker(redis_server.url, log))
    # Not the current app: shared tasks run later in this process must keep the project app.
    sender = Celery(broker=redis_server.url, set_as_current=False)
    sender.send_task("faults.slow_verify", args=[marker, TASK_SECONDS])
    broker = redis_server.client()

    wait_until(
        lambda: broker.get(starts_key(marker)) == b"1",
        timeout=30,
        what=f"the first worker to start the task (log: {log.read_text()[-2000:]})",
    )
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait(timeout=10)
    assert not StockVerification.objects.filter(triggered_by=marker).exists()

    workers.append(start_worker(redis_server.url, log))
    wait_until(
        lambda: StockVerification.objects.filter(triggered_by=marker).exists(),
        timeout=60,
        interval=0.5,
        what=f"the second worker to finish the task (log: {log.read_text()[-2000:]})",
    )
    assert StockVerification.objects.filter(triggered_by=marker).count() == 1
    assert broker.get(starts_key(marker)) == b"2"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_killed_after_writing_its_result_is_redone_without_a_second_row(
    redis_server, workers, tmp_path
):
    marker = f"fault-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    workers.append(start_worker(redis_server.url, log))
    # Not the current app: shared tasks run later in this process must keep the project app.
    sender = Celery(broker=redis_server.url, set_as_current=False)
    sender.send_task("faults.slow_verify", args=[marker, TASK_SECONDS, True])
    broker = redis_server.client()

    wait_until(
        lambda: StockVerification.objects.filter(triggered_by=marker).exists(),
        timeout=30,
        interval=0.2,
        what=f"the first worker to write its result (log: {log.read_text()[-2000:]})",
    )
    workers[0].send_signal(signal.SIGKILL)  # written, but never acknowledged
    workers[0].wait(timeout=10)
    assert broker.get(finishes_key(marker)) is None

    workers.append(start_worker(redis_server.url, log))
    wait_until(
        lambda: broker.get(finishes_key(marker)) == b"1",
        timeout=60,
        interval=0.5,
        what=f"the second worker to finish the task (log: {log.read_text()[-2000:]})",
    )
    assert broker.get(starts_key(marker)) == b"2"
    assert StockVerification.objects.filter(triggered_by=marker).count() == 1
