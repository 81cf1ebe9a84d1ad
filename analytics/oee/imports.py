"""Plant OEE report import: parse and check the whole CSV, then load it through the service.

Columns (the format plants already export): PRODUCTION_LINE, Date, Planned_Production_Time_Seconds,
Actual_Run_Time_Seconds, Total_Actual_Output, Ideal_Cycle_Time_Seconds; optional Good_Output
(absent: every unit good) and Availability, Performance, Quality, OEE (kept as stated, never used
for computation; a row whose own figures differ from the recomputed ones by more than 0.001 is
reported). A malformed row (bad date, negative or non-numeric figure, a line and date twice)
refuses the whole file with every bad row listed by number; a well-formed row that cannot be true
loads flagged (analytics.oee.compute.day_flags).

The file is read by the one CSV reader (``config.csv_io``): headers are matched case-insensitively
and columns other systems add are ignored.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from analytics.oee.models import ProductionLine
from analytics.oee.services import ImportSummary, oee_daily_import
from config.csv_io import read_csv
from config.errors import DomainError
from config.validators import identifier_problem

REQUIRED = (
    "PRODUCTION_LINE",
    "Date",
    "Planned_Production_Time_Seconds",
    "Actual_Run_Time_Seconds",
    "Total_Actual_Output",
    "Ideal_Cycle_Time_Seconds",
)
OPTIONAL = ("Good_Output",)
STATED = {"Availability": "availability", "Performance": "performance", "Quality": "quality"}
STATED_OEE = "OEE"
CODE_MAX = ProductionLine._meta.get_field("code").max_length
MAX_FIGURE = Decimal("1e12")


class OeeImportError(DomainError):
    """The file was refused; ``messages`` has one entry per bad row, with its number."""


class _ReportRow(dict):
    """A row's cells looked up by the plants' column names (the reader lower-cases headers)."""

    def get(self, column: str, default: Any = None) -> Any:
        return super().get(column.lower(), default)

    def __getitem__(self, column: str) -> Any:
        return super().__getitem__(column.lower())


def _figure(raw: str, column: str, *, whole: bool) -> tuple[Decimal | None, str | None]:
    text = (raw or "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"{column} '{text}' is not a number"
    if not value.is_finite() or abs(value) > MAX_FIGURE:
        return None, f"{column} '{text}' is not a finite number below 10^12"
    if value < 0:
        return None, f"{column} {text} is negative"
    if whole and value != value.to_integral_value():
        return None, f"{column} {text} is not a whole number"
    return value, None


def parse_oee_report(content: bytes) -> list[dict[str, Any]]:
    """The rows of a plant report as plain dicts for ``oee_daily_import``; refuse the whole file
    with every malformed row named by its number (the header is row 1)."""
    table = read_csv(
        content,
        required=[name.lower() for name in REQUIRED],
        optional=[name.lower() for name in (*OPTIONAL, *STATED, STATED_OEE)],
        error=OeeImportError,
        row_label="Row",
        ignore_unknown=True,
    )
    rows, problems, seen = [], list(table.errors), {}
    for row in table:
        number, raw = row.line, _ReportRow(row.values)
        errors = []
        code = (raw.get("PRODUCTION_LINE") or "").strip()
        if not code or len(code) > CODE_MAX:
            errors.append(f"PRODUCTION_LINE must be 1–{CODE_MAX} characters")
        elif identifier_problem(code):
            errors.append(f"PRODUCTION_LINE {identifier_problem(code)}")
        try:
            day = date.fromisoformat((raw.get("Date") or "").strip())
        except ValueError:
            day = None
            errors.append(f"Date '{raw.get('Date')}' is not a date (YYYY-MM-DD)")
        figures: dict[str, Decimal | None] = {}
        for column, key, whole in (
            ("Planned_Production_Time_Seconds", "planned_seconds", True),
            ("Actual_Run_Time_Seconds", "run_seconds", True),
            ("Total_Actual_Output", "total_count", True),
            ("Ideal_Cycle_Time_Seconds", "ideal_cycle_seconds", False),
        ):
            figures[key], error = _figure(raw.get(column), column, whole=whole)
            errors += [error] if error else []
        if (raw.get("Good_Output") or "").strip():
            figures["good_count"], error = _figure(raw["Good_Output"], "Good_Output", whole=True)
            errors += [error] if error else []
        else:
            figures["good_count"] = figures["total_count"]
        reported = {}
        for column, key in (*STATED.items(), (STATED_OEE, "oee")):
            if (raw.get(column) or "").strip():
                value, error = _figure(raw[column], column, whole=False)
                errors += [error] if error else []
                reported[key] = str(value) if value is not None else None
        if code and day:
            if (code, day) in seen:
                errors.append(f"{code} on {day} is already on row {seen[(code, day)]}")
            seen.setdefault((code, day), number)
        if errors:
            problems.append(f"Row {number}: {'; '.join(errors)}.")
            continue
        rows.append(
            {"line": code, "date": day, "row_number": number, "reported": reported, **figures}
        )
    if problems:
        raise OeeImportError(problems)
    if not rows:
        raise OeeImportError("The file has no rows.")
    return rows


def oee_report_import(*, content: bytes) -> ImportSummary:
    """Check the whole file, then load it (all or nothing)."""
    return oee_daily_import(rows=parse_oee_report(content))


def summary_lines(summary: ImportSummary) -> list[str]:
    """The summary a person reads after an import (command, admin and page say the same)."""
    from analytics.oee.choices import OeeFlag

    labels = dict(OeeFlag.choices)
    flagged = sum(summary.flagged.values())
    lines = [
        f"Loaded {summary.loaded} row(s), updated {summary.updated}, "
        f"unchanged {summary.unchanged}, flagged {flagged}."
    ]
    lines += [
        f"  flagged {count}: {labels[flag]}" for flag, count in sorted(summary.flagged.items())
    ]
    if summary.lines_created:
        lines.append(f"  new lines: {', '.join(summary.lines_created)}")
    if summary.disagreements:
        lines.append(f"  {len(summary.disagreements)} row(s) state figures that differ:")
        lines += [f"    {message}" for message in summary.disagreements]
    return lines
