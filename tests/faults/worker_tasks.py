"""A slow stock verification for the killed-worker test, imported by its worker with -I.

It counts its starts in the broker's Redis (so the test knows when it is mid-task and how often
it ran), sleeps, then runs the real stock_verify service once per marker: a redelivered task
that already wrote its result does not write it again.
"""

import time

import redis
from celery import shared_task
from django.conf import settings


def starts_key(marker: str) -> str:
    return f"fault:{marker}:starts"


@shared_task(name="faults.slow_verify", acks_late=True, reject_on_worker_lost=True)
def slow_verify(marker: str, delay: float) -> int:
    from warehouse.models import StockVerification
    from warehouse.services import stock_verify

    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(starts_key(marker))
    time.sleep(delay)
    existing = StockVerification.objects.filter(triggered_by=marker).first()
    if existing is not None:
        return existing.pk
    return stock_verify(triggered_by=marker).pk
