"""The one place where errors become HTTP answers, for every app's API.

Domain errors (``config.errors``) carry their status and render their own body; any other Django
ValidationError is a 400 with field messages; Django's PermissionDenied is DRF's 403. Views and
serializers raise and never build error responses themselves.

Refused callers are throttled too. DRF checks authentication and permissions before throttles,
so a caller without credentials (401 Not authenticated) or with a wrong token (401 Invalid token)
never reached the rate limit and could try forever. The handler counts such a refusal against the
view's throttles (the anonymous rate, keyed by client IP) and answers 429 with Retry-After once the
caller is over it. Being the project's EXCEPTION_HANDLER, it covers every API view.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.api.handlers import body_too_large_detail
from config.api.throttling import throttles_checked
from config.errors import DomainError, validation_error_detail


def throttle_refused_caller(exc: Exception, context: dict[str, Any]) -> Exception:
    """A 401 counts against the rate limit; over it, the answer is the 429 instead."""
    if not isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return exc
    view, request = context.get("view"), context.get("request")
    if view is None or request is None or throttles_checked(request):
        return exc  # the 401 came after the throttles ran (an object check): counted already
    try:
        # request.user is the AnonymousUser here: DRF sets it before an authentication error
        # leaves the authenticator, and the anonymous rate is keyed by the client's address.
        view.check_throttles(request)
    except exceptions.Throttled as throttled:
        return throttled
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = throttle_refused_caller(exc, context)
    if isinstance(exc, RequestDataTooBig):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(body_too_large_detail(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
