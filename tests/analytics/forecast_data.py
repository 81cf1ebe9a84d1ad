"""A line with 20 weeks of weekday history and a weekly rhythm, shared by the forecast tests."""

import datetime
from decimal import Decimal

TODAY = datetime.date.today()
FIRST = TODAY - datetime.timedelta(days=TODAY.weekday(), weeks=20)  # a Monday, 20 weeks back
WEEK = [0.60, 0.70, 0.75, 0.72, 0.50]
FAST = ("seasonal_naive", "seasonal_mean")


def report_row(code, day, oee_like, number=2):
    # planned 10 000 s; run = availability × planned; performance and quality 1.
    return {
        "line": code,
        "date": day,
        "planned_seconds": 10000,
        "run_seconds": int(10000 * oee_like),
        "total_count": int(10000 * oee_like) // 10,
        "good_count": int(10000 * oee_like) // 10,
        "ideal_cycle_seconds": Decimal("10"),
        "reported": {},
        "row_number": number,
    }
