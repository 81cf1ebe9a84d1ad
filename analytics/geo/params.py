"""The map's query parameters, parsed once for the API and the pages; a bad one is named.

``heatmap_params`` and ``coverage_params`` turn a query dict into frozen dataclasses whose
``cache_key_parts`` are the normalised parameters (defaults filled, lists sorted), so two URLs
that ask the same question share one cache entry. Errors are ``GeoError({param: [message]})``.
"""

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from analytics.geo.cells import MIN_RESOLUTION, STORED_RESOLUTION
from analytics.geo.errors import GeoError
from analytics.geo.rows import GRADES

HEATMAP_TYPES = ("order_density", "organic", "non_organic", "user_density")
DEFAULT_DAYS = 30
MAX_DAYS = 800


@dataclass(frozen=True)
class HeatmapParams:
    type: str
    city: str
    resolution: int
    date_from: date
    date_to: date
    hours: tuple[int, int] | None
    weekdays: tuple[int, ...] | None
    grade: str | None
    business_line: str | None
    area: int | None

    def cache_key_parts(self) -> dict[str, Any]:
        return {key: str(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class CoverageParams:
    city: str
    resolution: int
    date_from: date
    date_to: date
    radius_scale: float | None
    radius_km: float | None
    grade: str | None
    business_line: str | None
    include_closed: bool
    top: int
    cells: bool


class _Reader:
    """Collects every bad parameter, so one 400 names them all."""

    def __init__(self, query: Any) -> None:
        self.query, self.errors = query, {}

    def raw(self, name: str) -> str | None:
        value = self.query.get(name)
        if value is None or value.strip() == "":
            return None
        if "\x00" in value:
            self.errors[name] = ["Null characters are not allowed."]
            return None
        return value.strip()

    def whole(self, name: str, default: int | None, low: int, high: int) -> int | None:
        value = self.raw(name)
        if value is None:
            return default
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            self.errors[name] = [f"{name} must be a whole number from {low} to {high}."]
            return default
        return int(value)

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not low <= number <= high:  # refuses nan and inf too
            self.errors[name] = [f"{name} must be a number from {low:g} to {high:g}."]
            return None
        return number

    def day(self, name: str) -> date | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = [f"{name} must be a date YYYY-MM-DD."]
            return None

    def choice(self, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.raw(name)
        if value is None:
            return default
        if value not in choices:
            self.errors[name] = [f"{name} must be one of {', '.join(choices)}."]
            return default
        return value

    def text(self, name: str, max_length: int = 64) -> str | None:
        value = self.raw(name)
        if value is not None and len(value) > max_length:
            self.errors[name] = [f"{name} is longer than {max_length} characters."]
            return None
        return value

    def dates(self) -> tuple[date, date]:
        date_to = self.day("to") or timezone.localdate()
        date_from = self.day("from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            self.errors["from"] = ["from must be on or before to."]
        elif (date_to - date_from).days > MAX_DAYS:
            self.errors["from"] = [f"The period may span at most {MAX_DAYS} days."]
        return date_from, date_to

    def hours(self) -> tuple[int, int] | None:
        value = self.raw("hours")
        if value is None:
            return None
        start, _, end = value.partition("-")
        if not all(part.isascii() and part.isdigit() for part in (start, end)) or not (
            0 <= int(start) <= int(end) <= 23
        ):
            self.errors["hours"] = ["hours must be a range like 8-14 within 0-23."]
            return None
        return int(start), int(end)

    def weekdays(self) -> tuple[int, ...] | None:
        value = self.raw("weekdays")
        if value is None:
            return None
        parts = [part.strip() for part in value.split(",")]
        if not all(part in {"1", "2", "3", "4", "5", "6", "7"} for part in parts):
            self.errors["weekdays"] = ["weekdays must be ISO weekdays 1 (Monday) … 7, like 1,2."]
            return None
        return tuple(sorted({int(part) for part in parts}))

    def check(self) -> None:
        if self.errors:
            raise GeoError(self.errors)


def _city(reader: _Reader) -> str:
    city = reader.text("city", max_length=32)
    if city is None and "city" not in reader.errors:
        reader.errors["city"] = ["city is required: give a city code."]
    return city or ""


def period_params(query: Any) -> tuple[date, date]:
    """(from, to) of a query that asks only for a period (the vendor view)."""
    reader = _Reader(query)
    period = reader.dates()
    reader.check()
    return period


def heatmap_params(query: Any) -> HeatmapParams:
    reader = _Reader(query)
    date_from, date_to = reader.dates()
    params = HeatmapParams(
        type=reader.choice("type", HEATMAP_TYPES, "order_density"),
        city=_city(reader),
        resolution=reader.whole("resolution", 8, MIN_RESOLUTION, STORED_RESOLUTION),
        date_from=date_from,
        date_to=date_to,
        hours=reader.hours(),
        weekdays=reader.weekdays(),
        grade=reader.choice("grade", GRADES, None),
        business_line=reader.text("business_line"),
        area=reader.whole("area", None, 1, 2**62),
    )
    reader.choice("format", ("json", "geojson"), "json")
    reader.check()
    return params


def coverage_params(query: Any) -> CoverageParams:
    reader = _Reader(query)
    date_from, date_to = reader.dates()
    params = CoverageParams(
        city=_city(reader),
        resolution=reader.whole("resolution", STORED_RESOLUTION, 7, STORED_RESOLUTION),
        date_from=date_from,
        date_to=date_to,
        radius_scale=reader.number("radius_scale", 0, 1000),
        radius_km=reader.number("radius_km", 0, 100),
        grade=reader.choice("grade", GRADES, None),
        business_line=reader.text("business_line"),
        include_closed=reader.choice("include_closed", ("true", "false"), "false") == "true",
        top=reader.whole("top", 20, 1, 200),
        cells=reader.choice("cells", ("true", "false"), "true") == "true",
    )
    if params.radius_scale is not None and params.radius_km is not None:
        reader.errors["radius_km"] = ["Give radius_scale or radius_km, not both."]
    reader.check()
    return params
