"""API errors: Django ValidationErrors from services become 400s with field messages."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def validation_error_detail(exc: DjangoValidationError) -> Any:
    """Field errors keep their field names; a plain message becomes {"detail": ...}."""
    if hasattr(exc, "error_dict"):
        return {
            field: [message for error in errors for message in error.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"detail": exc.messages[0] if len(exc.messages) == 1 else exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    status_code = getattr(exc, "http_status", None)
    if isinstance(exc, DjangoValidationError):
        return Response(
            validation_error_detail(exc), status=status_code or status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
