"""OpenAPI post-processing: document the error answers every operation can give.

DRF answers 400 (invalid input, a bad ?page= or ?page_size= included), 401/403 (authentication,
permission), 404 (unknown id) and 429 (throttled, anonymous callers included) from any view, but
drf-spectacular documents only the success answer. Adding them here keeps the schema honest for
clients and lets the fuzz tests check every status code.
"""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for a person."}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "description": (
        'Field name → messages, {"detail": message} for a whole-request error, or a plain list '
        "of messages (DRF's answer to a bad query parameter, e.g. a null character in ?search=)."
    ),
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": {
                "oneOf": [{"type": "string"}, {"type": "array", "items": {}}, {"type": "object"}]
            },
        },
        {"type": "array", "items": {"type": "string"}},
    ],
}
ERROR_RESPONSES = {
    "400": (
        "Invalid input: the messages say which field or query parameter and why (on a list, a "
        "?page= or ?page_size= that is not a whole number from 1, or a page past the end).",
        VALIDATION_ERROR_SCHEMA,
    ),
    "401": ("Not authenticated: send a session cookie or `Authorization: Token …`.", ERROR_SCHEMA),
    "403": ("Authenticated, but the role does not allow this.", ERROR_SCHEMA),
    "404": ("No such object.", ERROR_SCHEMA),
    "429": ("Too many requests: retry after the `Retry-After` seconds.", ERROR_SCHEMA),
}
METHODS = ("get", "put", "patch", "post", "delete", "head", "options", "trace")


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the common error answers where not documented."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, schema) in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result
