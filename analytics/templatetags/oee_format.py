"""Template filters of the OEE pages: a ratio shown as a percentage, a missing one as a dash."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """0.7345 → "73.5 %"; None → "—" (a figure that cannot be computed is never shown as 0 %).
    Values above 100 % stay as they are: flagged days are shown as reported, not capped."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:,.{int(places)}f} %"


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """mapping[key], or None when missing (backtest scores by horizon)."""
    return (mapping or {}).get(key)
