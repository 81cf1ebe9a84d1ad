"""Rules for the text of identifiers (SKUs, warehouse and location codes, document references,
idempotency keys, production line codes): the one validator the models, and so the API, the
admin, the pages and the imports, apply.

An identifier is shown in pages, written to CSV files and download names, and compared by
people: it may not hold characters that are invisible or that change how the text around them
reads — control characters (CR, LF, NUL, tab and every other Unicode ``Cc``), the bidirectional
embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and zero-width characters
(U+200B–U+200D, U+FEFF).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# The refused characters as one regular-expression class, written with \uXXXX escapes that
# Python's re and ECMAScript (the OpenAPI schema's `pattern`) read alike: the control characters
# (Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F), the zero-width characters
# and the bidirectional embeddings, overrides and isolates.
FORBIDDEN_IDENTIFIER_CHARACTERS = (
    r"\u0000-\u001f\u007f-\u009f\u200b-\u200d\ufeff\u202a-\u202e\u2066-\u2069"
)
# What the API schema states for every identifier field (config/api/schema.py).
IDENTIFIER_PATTERN = rf"^[^{FORBIDDEN_IDENTIFIER_CHARACTERS}]*$"
_FORBIDDEN = re.compile(rf"[{FORBIDDEN_IDENTIFIER_CHARACTERS}]")
IDENTIFIER_MESSAGE = (
    "must not contain control characters (such as line breaks or NUL), bidirectional "
    "overrides or zero-width characters"
)


def identifier_problem(value: str) -> str:
    """ "" for an acceptable identifier, else what is wrong with it (the first bad character)."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return ""
    return f"{IDENTIFIER_MESSAGE}; character {found.start() + 1} is U+{ord(found.group()):04X}"


def validate_identifier(value: str | None) -> None:
    """Model field validator: refuse an identifier with an invisible or reordering character."""
    problem = identifier_problem(value or "")
    if problem:
        raise ValidationError(f"This identifier {problem}.", code="identifier_characters")
