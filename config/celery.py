"""The Celery app: tasks are discovered from the domain apps; request ids travel with them."""

import os
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("partline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**_: Any) -> None:
    """The worker logs through Django's LOGGING: JSON in production, with the request id.

    With a receiver here Celery configures no logging of its own (and, with
    CELERY_WORKER_HIJACK_ROOT_LOGGER off, leaves the root logger's handlers alone), so its own
    lines and the tasks' lines go through the same handler and filter as the web process's.
    """
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@before_task_publish.connect
def _attach_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    from config.ops.context import request_id_var

    if headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id_var.get()


_tokens: dict[str, Any] = {}


@task_prerun.connect
def _restore_request_id(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    from config.ops.context import request_id_var

    request_id = None
    if task is not None:
        # A worker puts the message's headers on the request; apply() keeps them in .headers.
        request_id = getattr(task.request, "request_id", None) or (
            getattr(task.request, "headers", None) or {}
        ).get("request_id")
    if request_id and request_id != "-" and task_id:
        _tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect
def _clear_request_id(task_id: str | None = None, **_: Any) -> None:
    from config.ops.context import request_id_var

    token = _tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)
