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

import unicodedata

from django.core.exceptions import ValidationError

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff")
IDENTIFIER_MESSAGE = (
    "must not contain control characters (such as line breaks or NUL), bidirectional "
    "overrides or zero-width characters"
)


def identifier_problem(value: str) -> str:
    """ "" for an acceptable identifier, else what is wrong with it (the first bad character)."""
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS or char in ZERO_WIDTH:
            return f"{IDENTIFIER_MESSAGE}; character {position} is U+{ord(char):04X}"
    return ""


def validate_identifier(value: str | None) -> None:
    """Model field validator: refuse an identifier with an invisible or reordering character."""
    problem = identifier_problem(value or "")
    if problem:
        raise ValidationError(f"This identifier {problem}.", code="identifier_characters")
