"""A task for the real worker that test_celery_logging.py starts: it logs one line and returns."""

import logging

from celery import shared_task

from config.ops.context import request_id_var

logger = logging.getLogger("partline.tests.worker")


@shared_task(name="ops_tests.log_request_id")
def log_request_id(marker: str) -> str:
    logger.info("task ran %s", marker, extra={"marker": marker})
    return request_id_var.get()
