"""The stock domain's errors, each a kind of ``config.errors`` error the API handler renders.

Every stock refusal is a ``StockError`` (so pages, the admin and commands catch one class); its
kind says the HTTP answer: a rule of the input (400), the document's state (409) or a shortage
(409 listing each short line under ``shortages``).
"""

from typing import Any

from config.errors import ConflictError, DomainError, ShortageError


class StockError(DomainError):
    """A stock operation that cannot be done; the message says why, for a person."""


class DocumentStateError(StockError, ConflictError):
    """The document's status does not allow the operation (posting twice, editing a posted one)."""

    def extra_body(self) -> dict[str, Any]:
        # Every 409 of the stock documents has the same shape (detail, errors, shortages).
        return {"shortages": []}


class InsufficientStockError(StockError, ShortageError):
    """Lines would drive a stock level below zero; ``shortages`` lists each short line."""


class CancelRefusedError(InsufficientStockError):
    """The stock a posted document brought in has since been used, so it cannot be reversed."""

    reason = "cancel_refused"


class StockImportError(StockError):
    """An import file with row errors; ``messages`` holds one line per bad row."""

    reason = "import"


class IdempotencyKeyReusedError(ConflictError):
    """An Idempotency-Key came back with a different request than the one it first answered."""

    http_status = 422
    reason = "idempotency_key_reused"
