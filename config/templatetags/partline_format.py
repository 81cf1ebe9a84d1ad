"""Template filters that render money and quantities the one way (``config/numbers.py``).

``{% load partline_format %}`` then ``{{ value|money }}`` → "1,917.50 USD" (``{{ price|money:
part.currency }}`` for another currency) and ``{{ value|quantity }}`` → "12,500.5" (thousands
separated, rounded to the stored four places, trailing zeros dropped; ``|quantity:0`` rounds to
whole numbers). ``None`` renders as "" so that ``|default:"—"`` can follow; text that is not a
number is shown as it is rather than hidden.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

from config.numbers import CURRENCY, format_money, format_quantity, from_db

register = template.Library()


def _number(value: Any) -> Decimal | None:
    """The value as a finite Decimal (SQLite floats rounded as stored), or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = from_db(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    """1917.5 → "1,917.50 USD"; the currency is the book currency unless one is given."""
    number = _number(value)
    if number is None:
        return "" if value is None else str(value)
    return format_money(number, currency=currency or CURRENCY)


@register.filter
def quantity(value: Any, places: int | str = 4) -> str:
    """12500.5000 → "12,500.5"; rounded to ``places`` decimals (4, the stored precision)."""
    number = _number(value)
    if number is None:
        return "" if value is None else str(value)
    number = number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return format_quantity(number + 0, grouping=True)  # + 0 turns -0 into 0
