"""Reading the cells of the inventory CSV files: numbers, yes/no words, SKUs and names."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from config.numbers import FOUR_PLACES, parse_decimal
from inventory.models import Part

TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
SKU_MAX = Part._meta.get_field("sku").max_length
NAME_MAX = Part._meta.get_field("name").max_length


class CellError(ValueError):
    """One cell cannot be read; the message names the column."""


def decimal_cell(text: str, column: str) -> Decimal:
    """A number with at most four decimals (the stored precision); the sign is the caller's."""
    try:
        value = parse_decimal(text, column)
    except ValidationError as exc:
        raise CellError(exc.messages[0])
    if value != value.quantize(FOUR_PLACES):
        raise CellError(f"{column} {text} has more than 4 decimal places")
    return value


def amount_cell(text: str, column: str) -> Decimal:
    """A cost or a quantity that may be zero but not negative."""
    value = decimal_cell(text, column)
    if value < 0:
        raise CellError(f"{column} cannot be negative ({text})")
    return value


def bool_cell(text: str, column: str, *, default: bool = False) -> bool:
    word = text.strip().lower()
    if word == "":
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{column} must be true or false, not {text!r}")
