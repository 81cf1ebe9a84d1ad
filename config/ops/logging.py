"""Log filter and JSON formatter: every line carries the request id and user."""

import logging

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from config.ops.context import request_id_var, user_var


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user"):
            record.user = user_var.get()
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line with the fields operators search by."""

    FIELDS = ("request_id", "user", "method", "path", "status", "duration_ms")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        for field in self.FIELDS:
            log_record.setdefault(field, getattr(record, field, None))
