"""Decimal quantities and money: the one place that parses, reads back and formats them.

Quantities and costs are stored as NUMERIC with four decimals (at most 9,999,999,999.9999).
``parse_decimal`` reads a person's or a program's input and raises a ``DomainError`` naming the
field; ``from_db`` turns what a database driver hands back into a Decimal (PostgreSQL gives
Decimal, SQLite int or float, and sums NUMERIC columns as floats, so SQLite values are rounded
to the stored four places); ``format_quantity`` and ``format_money`` render for people.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from config.errors import DomainError

FOUR_PLACES = Decimal("0.0001")  # the stored precision of quantities and unit costs
MAX_NUMBER = Decimal("1E10")
CURRENCY = "USD"  # the company's book currency (parts default to it)


def parse_decimal(value: Any, label: str, *, error: type[DomainError] = DomainError) -> Decimal:
    """A finite number below 10^10, or ``error`` with "<label>: '<value>' is not a number."."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise error(f"{label}: '{value}' is not a number.")
    if not number.is_finite():
        raise error(f"{label}: '{value}' is not a number.")
    if abs(number) >= MAX_NUMBER:
        raise error(f"{label}: '{value}' is too large (at most 9,999,999,999.9999).")
    return number


def from_db(value: Any, *, places: Decimal | None = FOUR_PLACES) -> Decimal:
    """A database number as Decimal; floats (SQLite sums) rounded to ``places``."""
    if isinstance(value, Decimal):
        return value
    if value is None:
        return Decimal("0")
    number = Decimal(str(value))
    if isinstance(value, float) and places is not None:
        return number.quantize(places, rounding=ROUND_HALF_UP)
    return number


def format_quantity(value: Decimal | int | float | None, *, grouping: bool = False) -> str:
    """10.0000 -> "10", 2.5000 -> "2.5"; with ``grouping`` 12500 -> "12,500"."""
    number = from_db(value)
    text = f"{number:,f}" if grouping else format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_money(value: Decimal | int | float | None, *, currency: str = CURRENCY) -> str:
    """1917.5 -> "1,917.50 USD": two decimals, thousands separated, the currency named."""
    number = from_db(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{number:,.2f} {currency}"
