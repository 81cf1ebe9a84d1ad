"""With the Celery broker down, stock documents still post; enqueueing a job is refused readably.

The broker is pointed at a loopback port where nothing listens (and, for the working case, at a
redis-server of our own). Jobs are sent through config.tasks.enqueue, which turns a broker outage
into BackgroundJobUnavailable: a 503 with a message through the API, never a 500.
"""

import time
from decimal import Decimal

import pytest
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from config.tasks import BackgroundJobUnavailable, enqueue
from tests.factories import LocationFactory, PartFactory
from tests.faults.conftest import free_port
from warehouse.models import StockLevel
from warehouse.tasks import verify_stock_task

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def _use_broker(url: str):
    previous = {
        "broker_url": celery_app.conf.broker_url,
        "task_always_eager": celery_app.conf.task_always_eager,
    }
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _reset_pools()
    return previous


def _reset_pools() -> None:
    """Drop the cached connection and producer pools so the next send uses the new broker.

    kombu keeps its pools in process-wide groups keyed by connection: closing one pool but
    leaving it in its group would hand the closed pool back when the old broker returns.
    """
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    previous = _use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    yield
    celery_app.conf.update(**previous)
    _reset_pools()


@pytest.fixture
def broker_up(redis_server):
    previous = _use_broker(redis_server.url)
    yield redis_server
    celery_app.conf.update(**previous)
    _reset_pools()


def test_posting_a_receipt_through_the_api_works_with_the_broker_down(client_for, broker_down):
    part, location = PartFactory(), LocationFactory()
    client = client_for("storekeeper")
    created = client.post(
        "/api/documents/",
        {
            "doc_type": "RECEIPT",
            "lines": [{"part": part.pk, "quantity": "4", "to_location": location.pk}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    posted = client.post(f"/api/documents/{created.json()['id']}/post/")
    assert posted.status_code == 200, posted.content
    assert StockLevel.objects.get(part=part, location=location).quantity == Decimal("4")


def test_enqueueing_with_the_broker_down_is_refused_at_once_with_a_readable_message(broker_down):
    started = time.monotonic()
    with pytest.raises(BackgroundJobUnavailable) as refused:
        enqueue(verify_stock_task)
    assert time.monotonic() - started < 10, "enqueue must not hang on a dead broker"
    message = refused.value.messages[0]
    assert "background job queue is unreachable" in message
    assert "Nothing was started or changed" in message


def test_the_api_answers_503_with_the_message_when_the_broker_is_down(client_for, broker_down):
    response = client_for("manager").post("/api/stock-verifications/run/")
    assert response.status_code == 503
    assert "background job queue is unreachable" in response.json()["detail"]


def test_enqueueing_with_the_broker_up_puts_the_job_on_the_queue(broker_up):
    result = enqueue(verify_stock_task)
    assert result.id
    assert broker_up.client().llen("celery") == 1


def test_enqueueing_in_eager_mode_runs_the_job_in_process():
    assert celery_app.conf.task_always_eager
    result = enqueue(verify_stock_task)
    assert result.get()["mismatch_count"] == 0


def test_starting_a_verification_through_the_api_queues_it_when_the_broker_is_up(
    client_for, broker_up
):
    response = client_for("manager").post("/api/stock-verifications/run/")
    assert response.status_code == 202
    assert broker_up.client().llen("celery") == 1
