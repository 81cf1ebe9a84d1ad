"""Idempotency-Key for posting and cancelling: a retry replays the first answer.

A program that lost the answer to "post this document" can send the same request again with
the same key: the first successful answer is stored with the key and returned again, and
nothing is posted twice. The same key with a different request is refused; a refusal (stock
short) is not stored, so the request may be retried with its key once the stock has arrived.
Keys belong to the user who sent them: records are stored and looked up by (user, key), so
the same key from another user is another request, never a replay of this user's answer.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from config.validators import identifier_problem
from warehouse.models import IdempotencyRecord, StockDocument
from warehouse.services.errors import IdempotencyKeyReusedError, StockError
from warehouse.services.posting import document_cancel, document_post

KEY_LENGTH = 128  # IdempotencyRecord.key
DOCUMENT_ACTIONS: dict[str, Callable[..., StockDocument]] = {
    "post": document_post,
    "cancel": document_cancel,
}


@dataclass(frozen=True)
class IdempotentAnswer:
    """What to answer: the body (rendered now, or stored by the first request) and status."""

    body: Any
    status: int = 200
    replayed: bool = False


def request_fingerprint(*, target: Any, body: Any) -> str:
    """A hash of what the request asks for, to tell a retry from another request."""
    payload = json.dumps({"document": target, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _replay(user: Any, key: str, scope: str, fingerprint: str) -> IdempotentAnswer | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key, scope=scope).first()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReusedError(
            "This Idempotency-Key was already used for a different request."
        )
    return IdempotentAnswer(record.response_body, record.response_status, replayed=True)


def document_action_once(
    *,
    action: str,
    document: StockDocument,
    user: Any,
    idempotency_key: str | None,
    request_body: Any,
    render: Callable[[StockDocument], Any],
) -> IdempotentAnswer:
    """Post or cancel (``action``) the document once per ``idempotency_key``.

    ``render`` turns the resulting document into the answer's body, which is stored with the
    key in the same transaction. Without a key the action simply runs.
    """
    operation = DOCUMENT_ACTIONS[action]
    key = (idempotency_key or "").strip()[:KEY_LENGTH]
    if not key:
        return IdempotentAnswer(render(operation(document=document, user=user)))
    if identifier_problem(key):
        raise StockError(f"The Idempotency-Key {identifier_problem(key)}.")
    scope = f"documents.{action}"
    fingerprint = request_fingerprint(target=document.pk, body=request_body)
    replay = _replay(user, key, scope, fingerprint)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            body = render(operation(document=document, user=user))
            IdempotencyRecord.objects.create(
                user=user,
                key=key,
                scope=scope,
                request_hash=fingerprint,
                response_status=200,
                response_body=json.loads(json.dumps(body, default=str)),
            )
    except (StockError, IntegrityError):
        # A concurrent retry with the same key may have won: answer as it did.
        replay = _replay(user, key, scope, fingerprint)
        if replay is not None:
            return replay
        raise
    return IdempotentAnswer(body)
