"""The Celery app: tasks are discovered from the domain apps; request ids travel with them."""

import os
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("partline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def _attach_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    from config.ops.context import request_id_var

    if headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id_var.get()


_tokens: dict[str, Any] = {}


@task_prerun.connect
def _restore_request_id(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    from config.ops.context import request_id_var

    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id and request_id != "-" and task_id:
        _tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect
def _clear_request_id(task_id: str | None = None, **_: Any) -> None:
    from config.ops.context import request_id_var

    token = _tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)
