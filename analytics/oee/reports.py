"""Background jobs of the OEE pages, registered in config.reports.REPORTS and run by a ReportJob
worker with progress:

- ``oee_daily``: the OEE report (CSV or XLSX), one row per line and day over a date range, flags
  included; ``progress(done, total)`` every few hundred rows;
- ``oee_refit``: fit the forecasts of every active line (or one), ``progress`` per line fitted;
  its file is the outcome per line (the method chosen, or why the line was skipped).
"""

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from analytics.oee.models import OeeDaily, ProductionLine
from analytics.oee.services import MAX_HORIZON, forecast_refresh_all
from config.csv_io import CsvWriter

COLUMNS = ["line", "date", *OeeDaily.FIGURE_FIELDS, "flags"]
CHUNK = 500


def _rows(parameters: dict[str, Any]) -> Any:
    days = OeeDaily.objects.filter(
        date__gte=date.fromisoformat(parameters["date_from"]),
        date__lte=date.fromisoformat(parameters["date_to"]),
    )
    if parameters.get("line"):
        days = days.filter(line__code=parameters["line"])
    return days.order_by("line__code", "date").values_list("line__code", *COLUMNS[1:-1], "flags")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """openpyxl stores a string starting with ``=`` as a formula: store it as text (the XLSX
    counterpart of CsvWriter's formula rule)."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def oee_daily_report(
    *, parameters: dict[str, Any], file_format: str, progress: Callable[[int, int], None]
) -> tuple[str, bytes]:
    rows = _rows(parameters)
    total = rows.count()
    name = (
        f"oee-{parameters.get('line') or 'plant'}-{parameters['date_from']}-{parameters['date_to']}"
    )
    if file_format == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("OEE")
        sheet.append(COLUMNS)

        def write(row: list[Any]) -> None:
            sheet.append([_xlsx_value(sheet, value) for value in row])
    else:
        text = io.StringIO()
        writer = CsvWriter(text)
        writer.writerow(COLUMNS)
        write = writer.writerow
    for done, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        write([_cell(value) if not hasattr(value, "as_tuple") else float(value) for value in row])
        if done % CHUNK == 0:
            progress(done, total)
    progress(total, total)
    if file_format == "xlsx":
        buffer = io.BytesIO()
        book.save(buffer)
        return f"{name}.xlsx", buffer.getvalue()
    return f"{name}.csv", text.getvalue().encode("utf-8")


def forecast_refit_report(
    *, parameters: dict[str, Any], file_format: str, progress: Callable[..., None]
) -> tuple[str, bytes]:
    """Refit every active line (``parameters["line"]`` None) or the one named, as one job."""
    code = parameters.get("line")
    lines = ProductionLine.objects.filter(is_active=True).order_by("code")
    if code:
        lines = ProductionLine.objects.filter(code=code)
    outcome = forecast_refresh_all(
        horizon=parameters.get("horizon") or MAX_HORIZON,
        lines=lines,
        progress=lambda done, total, line: progress(done, total, f"lines fitted (last {line})"),
    )
    text = io.StringIO()
    writer = CsvWriter(text)
    writer.writerow(["line", "outcome"])
    writer.writerows(outcome.items())
    return f"forecast-refit-{code or 'plant'}.csv", text.getvalue().encode("utf-8")
