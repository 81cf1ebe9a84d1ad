"""A slow stock verification for the killed-worker tests, imported by its worker with -I.

It counts its starts and finishes in the broker's Redis (so a test knows when it is mid-task and
how often it ran) and writes its result through the same service call as the real nightly task
(`stock_verify(job_id=<task id>)`), sleeping before or after the write so that a test can kill
the worker on either side of it. A redelivered task finds the result of its task id and does
not write a second one.
"""

import time

import redis
from celery import shared_task
from django.conf import settings


def starts_key(marker: str) -> str:
    return f"fault:{marker}:starts"


def finishes_key(marker: str) -> str:
    return f"fault:{marker}:finishes"


@shared_task(bind=True, name="faults.slow_verify", acks_late=True, reject_on_worker_lost=True)
def slow_verify(self, marker: str, delay: float, sleep_after_write: bool = False) -> int:
    from warehouse.services import stock_verify

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.incr(starts_key(marker))
    if not sleep_after_write:
        time.sleep(delay)
    pk = stock_verify(triggered_by=marker, job_id=self.request.id).pk
    if sleep_after_write:
        time.sleep(delay)
    broker.incr(finishes_key(marker))
    return pk
