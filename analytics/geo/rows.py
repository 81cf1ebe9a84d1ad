"""Reading source files: the CSV columns of each kind, and one row parsed or refused.

The file is read by the project's one CSV reader in its streaming mode (``config.csv_io.iter_csv``):
the same header check as every import (extra columns ignored; a missing column refuses the whole
file before any row is read), cells stripped and a formula quote that ``CsvWriter`` added taken
off again (so an order export loads back unchanged), and a row that is not UTF-8, holds a NUL
byte or a cell over the csv limit refused on its own. A refused row raises ``RowError`` in
``parse_*``, whose message is the reason recorded on the refresh run
("customer_latitude: '91.5' is outside -90..90").
"""

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from config.csv_io import CsvProblem, iter_csv

COLUMNS = {
    "orders": (
        "order_id",
        "vendor_code",
        "city",
        "business_line",
        "created_at",
        "customer_latitude",
        "customer_longitude",
        "user_id",
        "is_organic",
    ),
    "vendors": (
        "vendor_code",
        "vendor_name",
        "city",
        "latitude",
        "longitude",
        "business_line",
        "grade",
        "status",
        "visible",
        "open",
        "radius_km",
    ),
    "grades": ("vendor_code", "grade"),
}
GRADES = ("A", "B", "C", "D")
TRUE_WORDS = {"1", "true", "t", "yes", "y"}
FALSE_WORDS = {"0", "false", "f", "no", "n", ""}


class RowError(ValueError):
    """One row cannot be loaded; the message is the reason."""


class FileFormatError(ValueError):
    """The whole file cannot be read (missing columns, not UTF-8)."""


@dataclass(frozen=True)
class OrderRow:
    order_id: str
    vendor_code: str
    city: str
    business_line: str
    created_at: datetime
    latitude: float
    longitude: float
    user_id: str
    is_organic: bool


@dataclass(frozen=True)
class VendorRow:
    code: str
    name: str
    city: str
    latitude: float
    longitude: float
    business_line: str
    grade: str
    status: str
    visible: bool
    open: bool
    radius_km: Decimal


@dataclass(frozen=True)
class GradeRow:
    code: str
    grade: str


class UnreadableRow(dict):
    """What ``read_rows`` yields for a row the CSV reader refused; ``parse_*`` rejects it."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


def read_rows(
    stream: IO[bytes] | Iterable[bytes] | Iterable[str], kind: str
) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each data row of a UTF-8 CSV, streamed; refuses a file missing
    columns with ``FileFormatError`` before any row. A row the reader refused comes as an
    ``UnreadableRow`` (rejected with its reason by ``parse_*``), and the reading goes on."""
    items = iter_csv(stream, required=COLUMNS[kind], error=FileFormatError, ignore_unknown=True)
    try:
        first = next(items, None)
    except FileFormatError as error:
        raise FileFormatError(f"The {kind} file cannot be read: {error}")
    for item in itertools.chain([first] if first is not None else [], items):
        if isinstance(item, CsvProblem):
            yield item.line, UnreadableRow(item.problem)
        else:
            yield item.line, item.values


def _readable(row: dict) -> dict:
    if isinstance(row, UnreadableRow):
        raise RowError(row.problem)
    return row


def _text(row: dict, column: str, *, required: bool = True, max_length: int = 64) -> str:
    value = (row.get(column) or "").strip()
    if required and not value:
        raise RowError(f"{column} is empty")
    if len(value) > max_length:
        raise RowError(f"{column} is longer than {max_length} characters")
    if "\x00" in value:
        raise RowError(f"{column} contains a null character")
    return value


def _float(row: dict, column: str, low: float, high: float) -> float:
    raw = (row.get(column) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise RowError(f"{column}: {raw[:20]!r} is not a number")
    if not low <= value <= high:  # also refuses nan
        raise RowError(f"{column}: {raw[:20]!r} is outside {low:g}..{high:g}")
    return value


def _bool(row: dict, column: str, default: bool) -> bool:
    raw = (row.get(column) or "").strip().lower()
    if raw == "":
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise RowError(f"{column}: {raw[:20]!r} is not true or false")


def _grade(row: dict, *, required: bool) -> str:
    grade = (row.get("grade") or "").strip().upper()
    if grade == "" and not required:
        return ""
    if grade not in GRADES:
        raise RowError(f"grade: {grade[:20]!r} is not one of A, B, C, D")
    return grade


def parse_order(row: dict) -> OrderRow:
    row = _readable(row)
    raw_time = (row.get("created_at") or "").strip()
    try:
        created_at = datetime.fromisoformat(raw_time)
    except ValueError:
        raise RowError(f"created_at: {raw_time[:40]!r} is not an ISO 8601 date-time")
    if created_at.tzinfo is None:
        raise RowError(f"created_at: {raw_time[:40]!r} has no UTC offset")
    return OrderRow(
        order_id=_text(row, "order_id"),
        vendor_code=_text(row, "vendor_code"),
        city=_text(row, "city", max_length=32),
        business_line=_text(row, "business_line", required=False),
        created_at=created_at,
        latitude=_float(row, "customer_latitude", -90, 90),
        longitude=_float(row, "customer_longitude", -180, 180),
        user_id=_text(row, "user_id"),
        is_organic=_bool(row, "is_organic", False),
    )


def parse_vendor(row: dict) -> VendorRow:
    row = _readable(row)
    raw_radius = (row.get("radius_km") or "").strip() or "3"
    try:
        radius = Decimal(raw_radius)
    except InvalidOperation:
        raise RowError(f"radius_km: {raw_radius[:20]!r} is not a number")
    if not radius.is_finite() or not 0 <= radius <= 100:
        raise RowError(f"radius_km: {raw_radius[:20]!r} is outside 0..100")
    return VendorRow(
        code=_text(row, "vendor_code"),
        name=_text(row, "vendor_name", max_length=200),
        city=_text(row, "city", max_length=32),
        latitude=_float(row, "latitude", -90, 90),
        longitude=_float(row, "longitude", -180, 180),
        business_line=_text(row, "business_line", required=False),
        grade=_grade(row, required=False),
        status=_text(row, "status", required=False, max_length=32) or "active",
        visible=_bool(row, "visible", True),
        open=_bool(row, "open", True),
        radius_km=radius.quantize(Decimal("0.01")),
    )


def parse_grade(row: dict) -> GradeRow:
    return GradeRow(code=_text(_readable(row), "vendor_code"), grade=_grade(row, required=True))


def bounds_with_margin(
    points: Iterable[tuple[float, float]], margin_km: float
) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of the points widened by ``margin_km`` each side."""
    import math

    lats, lngs = zip(*points, strict=False)
    dlat = margin_km / 111.32
    middle = math.radians((min(lats) + max(lats)) / 2)
    dlng = margin_km / (111.32 * max(math.cos(middle), 0.01))
    return (
        max(min(lats) - dlat, -90),
        min(max(lats) + dlat, 90),
        max(min(lngs) - dlng, -180),
        min(max(lngs) + dlng, 180),
    )
