"""Domain errors shared by every app: a service raises one, the API handler maps it to HTTP once.

A domain error is a Django ``ValidationError`` (so forms, the admin and commands show its
messages as they show any validation error) with two class attributes the one API exception
handler (``config.api.exceptions.exception_handler``) reads: ``http_status`` and ``reason`` (a
short machine word, used in metrics and logs). Views and serializers raise these or let them pass;
they never translate them into responses themselves.

- ``DomainError``      400: the input breaks a rule; the body is ``{field: [messages]}`` for
                        field errors or ``{"detail": message}``.
- ``ConflictError``    409: the object's state does not allow it (posted twice, not a draft,
                        still in use); the body is ``{"detail", "errors"}`` plus ``extra_body()``.
- ``ShortageError``    409 with ``shortages``: one entry per short line.
- ``NotFoundError``    404: a referenced object does not exist.
- ``UnavailableError`` 503: a dependency (the job queue) cannot take the work now.
"""

from typing import Any

from django.core.exceptions import ValidationError


def validation_error_detail(exc: ValidationError) -> Any:
    """Field errors keep their field names; a plain message becomes {"detail": ...}."""
    if hasattr(exc, "error_dict"):
        return {
            field: [message for error in errors for message in error.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"detail": exc.messages[0] if len(exc.messages) == 1 else exc.messages}


class DomainError(ValidationError):
    """A rule of the domain refused the operation; the message says why, for a person."""

    http_status = 400
    reason = "invalid"

    def extra_body(self) -> dict[str, Any]:
        """More keys for the API body (a subclass's structured detail)."""
        return {}

    def as_dict(self) -> dict[str, Any]:
        """The API's body for this error."""
        if self.http_status == 400:
            body = validation_error_detail(self)
            return {**body, **self.extra_body()} if isinstance(body, dict) else body
        messages = list(self.messages)
        return {
            "detail": messages[0] if len(messages) == 1 else " ".join(messages),
            "errors": messages,
            **self.extra_body(),
        }


class ConflictError(DomainError):
    """The current state of an object does not allow the operation."""

    http_status = 409
    reason = "state"


class ShortageError(ConflictError):
    """Not enough of something; ``shortages`` lists each short line for programs."""

    reason = "insufficient_stock"

    def __init__(self, messages: Any, shortages: list[dict[str, str]] | None = None) -> None:
        super().__init__(messages)
        self.shortages = shortages or []

    def extra_body(self) -> dict[str, Any]:
        return {"shortages": self.shortages}


class NotFoundError(DomainError):
    """A referenced object does not exist."""

    http_status = 404
    reason = "not_found"

    def as_dict(self) -> dict[str, Any]:
        messages = list(self.messages)
        return {"detail": messages[0] if len(messages) == 1 else " ".join(messages)}


class UnavailableError(DomainError):
    """A dependency cannot take the work now; nothing was started and nothing was changed."""

    http_status = 503
    reason = "unavailable"

    def as_dict(self) -> dict[str, Any]:
        messages = list(self.messages)
        return {"detail": messages[0] if len(messages) == 1 else " ".join(messages)}
