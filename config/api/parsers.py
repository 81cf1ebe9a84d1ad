"""The API's JSON parser: DRF's, refusing a body nested deeper than API_JSON_MAX_DEPTH first.

Python's json module recurses once per level of nesting: 1,000 levels (2 KB of "[[[[…") raised
RecursionError, a 500. The depth is measured before parsing, without recursion and at the speed
of the regular expression engine: strings are blanked out, everything but brackets is dropped,
then innermost pairs ("[]", "{}") are removed one level per pass. A body still holding brackets
after API_JSON_MAX_DEPTH passes is too deep (400); one whose brackets stop pairing up is malformed
and left for the parser to name.
"""

import re
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")


def nesting_exceeds(text: str, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects more than ``limit`` levels deep."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub('""', text))
    for _ in range(limit):
        if not brackets:
            return False
        brackets, removed = _INNERMOST_PAIR.subn("", brackets)
        if not removed:
            return False  # unbalanced: malformed, the JSON parser says where
    return bool(brackets) and _INNERMOST_PAIR.search(brackets) is not None


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - the body is not {encoding} text: {exc}") from exc
        limit = int(getattr(settings, "API_JSON_MAX_DEPTH", 32))
        if nesting_exceeds(text, limit):
            raise ParseError(
                f"JSON parse error - the body nests arrays and objects more than {limit} levels "
                "deep."
            )
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
