import json
import logging

import pytest

from config.celery import app as celery_app
from config.ops.context import request_id_var
from config.ops.logging import JsonFormatter, RequestContextFilter

seen_in_task: list[str] = []


@celery_app.task
def _record_request_id() -> str:
    seen_in_task.append(request_id_var.get())
    return request_id_var.get()


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_generated_one(client):
    response = client.get("/health/")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_well_formed_client_id_is_kept(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="abc-123-def-456")
    assert response["X-Request-ID"] == "abc-123-def-456"


@pytest.mark.django_db
def test_a_malformed_client_id_is_replaced(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_access_log_line_carries_request_id_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="partline.access")
    client.get("/health/", HTTP_X_REQUEST_ID="trace-0000-0001")
    records = [r for r in caplog.records if r.name == "partline.access"]
    assert records, "no access log line"
    record = records[-1]
    RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-0000-0001"
    assert line["status"] == 200 and line["method"] == "GET" and line["path"] == "/health/"
    assert line["duration_ms"] >= 0
    assert {"timestamp", "level", "logger", "message", "user"} <= set(line)


def test_the_request_id_is_carried_into_a_task_it_enqueues():
    token = request_id_var.set("trace-task-00001")
    try:
        result = _record_request_id.delay()
    finally:
        request_id_var.reset(token)
    assert result.get(timeout=10) == "trace-task-00001"


def test_the_request_id_travels_in_the_task_message_headers():
    from config.celery import _attach_request_id

    headers: dict = {}
    token = request_id_var.set("trace-header-0001")
    try:
        _attach_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers["request_id"] == "trace-header-0001"
