"""The planner's shortage list as CSV: one header row, then data rows only.

Totals (buildable now, total cost, earliest date) stay on the page and in the API: rows of
another shape after the data break a spreadsheet's or a program's import.
"""

from __future__ import annotations

from typing import IO

from config.csv_io import CsvWriter
from config.numbers import format_quantity
from warehouse.planning.selectors import BuildPlan, shortage_rows

SHORTAGE_COLUMNS = [
    "sku",
    "name",
    "required",
    "on_hand",
    "short",
    "order_quantity",
    "unit_price",
    "cost",
    "lead_time_days",
    "supplier",
    "supplier_sku",
]


def shortages_filename(plan: BuildPlan) -> str:
    scope = plan.warehouse.code if plan.warehouse else "all"
    return f"shortages-{plan.part.sku}-{plan.quantity}-{scope}.csv"


def write_shortages_csv(plan: BuildPlan, out: IO[str]) -> None:
    """Quantities as a spreadsheet reads them (2, 2.5, never 2.0000), money with two decimals."""
    writer = CsvWriter(out)
    writer.writerow(SHORTAGE_COLUMNS)
    for row in shortage_rows(plan):
        writer.writerow(
            [
                row["part"].sku,
                row["part"].name,
                format_quantity(row["required"]),
                format_quantity(row["available"]),
                format_quantity(row["short"]),
                format_quantity(row["order_quantity"]),
                "" if row["unit_price"] is None else f"{row['unit_price']:.2f}",
                f"{row['cost']:.2f}",
                row["lead_time_days"],
                row["supplier"].code if row["supplier"] else "",
                row["supplier_sku"],
            ]
        )
