"""Demo production data: three lines, 180 days of shifts with a weekly rhythm, downtime by reason,
a few impossible historical days imported from a "plant report", and fitted forecasts.

Generated in memory with a fixed seed and written with bulk_create (a few thousand rows in well
under a second), then daily OEE is recomputed once; loading again changes nothing.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from analytics.oee.choices import REASON_CATEGORY, DowntimeReason
from analytics.oee.models import (
    DowntimeEvent,
    Holiday,
    LineProduct,
    ProductionLine,
    ProductionRun,
    ShiftCalendar,
    ShiftWindow,
)
from analytics.oee.services import (
    forecast_refresh_all,
    oee_daily_import,
    oee_daily_recompute_range,
)
from inventory.models import Part
from warehouse.models import Warehouse

DAYS = 180
SHIFT = timedelta(hours=8)
BREAK_SECONDS = 30 * 60
# code: (name, product SKU, fallback name, ideal cycle s, weekdays, shifts, target)
LINES = {
    "ARM-1": ("Arm line 1", "SO-ARM100-F", "SO-ARM100 follower arm", 95, range(5), (6, 14), "0.85"),
    "ARM-2": ("Arm line 2", "SO-ARM100-L", "SO-ARM100 leader arm", 110, range(5), (6, 14), "0.80"),
    "KIWI": ("LeKiwi cell", "LEKIWI-12V", "LeKiwi mobile robot", 1500, range(6), (7,), "0.75"),
}
# Availability loss by weekday: Mondays start slow, Fridays stop early (the weekly rhythm).
WEEKDAY_STOPS = {0: 1.5, 1: 1.0, 2: 0.8, 3: 0.9, 4: 1.3, 5: 1.1}
# Unplanned reasons and their relative frequency and typical minutes.
REASONS = [
    (DowntimeReason.MECHANICAL_FAILURE, 2, 45),
    (DowntimeReason.ELECTRICAL_FAILURE, 1, 30),
    (DowntimeReason.TOOLING_FAILURE, 1, 25),
    (DowntimeReason.CHANGEOVER, 4, 20),
    (DowntimeReason.CALIBRATION, 2, 10),
    (DowntimeReason.JAM, 8, 4),
    (DowntimeReason.MATERIAL_WAIT, 5, 8),
    (DowntimeReason.SENSOR_BLOCKED, 3, 3),
]


def _calendar(name: str, weekdays: range, shifts: tuple[int, ...], today: date) -> ShiftCalendar:
    calendar, created = ShiftCalendar.objects.get_or_create(name=name)
    if created:
        ShiftWindow.objects.bulk_create(
            ShiftWindow(
                calendar=calendar,
                weekday=weekday,
                start=time(hour),
                end=time(hour + 8),
                break_minutes=30,
            )
            for weekday in weekdays
            for hour in shifts
        )
        Holiday.objects.bulk_create(
            Holiday(calendar=calendar, date=today - timedelta(days=offset), name="Plant holiday")
            for offset in (45, 120)
        )
    return calendar


def _product(sku: str, name: str) -> Part:
    part = Part.objects.filter(sku=sku).first()
    return part or Part.objects.create(sku=sku, name=name, is_assembly=True)


def _shift(rng: random.Random, line: ProductionLine, product: LineProduct, start: datetime):
    """One shift: its run and its downtime events (breaks are planned downtime)."""
    planned = int(SHIFT.total_seconds()) - BREAK_SECONDS
    events, cursor = [], start + timedelta(minutes=20)
    stops = rng.randint(2, 6) * WEEKDAY_STOPS[start.weekday()]
    lost = 0
    for _ in range(int(stops)):
        reason, _, minutes = rng.choices(REASONS, weights=[w for _, w, _ in REASONS])[0]
        length = timedelta(minutes=max(1, rng.gauss(minutes, minutes / 3)))
        cursor += timedelta(minutes=rng.randint(5, 60))
        if cursor + length > start + SHIFT - timedelta(minutes=40) or lost > planned / 3:
            break
        events.append((cursor, cursor + length, reason))
        lost += int(length.total_seconds())
        cursor += length
    brk = start + timedelta(hours=4)
    if all(
        end <= brk or begin >= brk + timedelta(seconds=BREAK_SECONDS) for begin, end, _ in events
    ):
        events.append((brk, brk + timedelta(seconds=BREAK_SECONDS), DowntimeReason.BREAK))
    run = planned - lost
    speed = rng.uniform(0.82, 0.97)
    total = int(run * speed / float(product.ideal_cycle_seconds))
    good = int(total * rng.uniform(0.95, 0.995))
    return (
        ProductionRun(
            line=line,
            product=product,
            shift_start=start,
            shift_end=start + SHIFT,
            day=start.date(),
            planned_seconds=planned,
            run_seconds=run,
            ideal_cycle_seconds=product.ideal_cycle_seconds,
            total_count=total,
            good_count=good,
            reject_count=total - good,
        ),
        [
            DowntimeEvent(
                line=line,
                start=begin,
                end=end,
                day=begin.date(),
                seconds=int((end - begin).total_seconds()),
                reason=reason,
                category=REASON_CATEGORY[reason],
            )
            for begin, end, reason in events
        ],
    )


def _impossible_days(today: date) -> list[dict]:
    """Four days of ARM-2 from the old plant report that cannot be true (they load flagged)."""
    base = {"line": "ARM-2", "ideal_cycle_seconds": Decimal(110), "reported": {}}
    days = [today - timedelta(days=offset) for offset in (150, 110, 70, 30)]
    days = [day - timedelta(days=max(0, day.weekday() - 4)) for day in days]
    figures = [
        (27000, 24000, 400, 390),  # 400 × 110 s = 44 000 s in 24 000 s: performance 183 %
        (27000, 0, 180, 170),  # output with no run time
        (0, 20000, 150, 150),  # run time with no planned time
        (27000, 25000, 300, 290),  # 33 000 s of ideal work in 25 000 s: performance 132 %
    ]
    return [
        {
            **base,
            "date": day,
            "planned_seconds": planned,
            "run_seconds": run,
            "total_count": total,
            "good_count": good,
            "row_number": number,
        }
        for number, (day, (planned, run, total, good)) in enumerate(
            zip(days, figures, strict=True), start=2
        )
    ]


@transaction.atomic
def _load(today: date) -> tuple[int, int]:
    rng = random.Random(12)
    warehouse = Warehouse.objects.order_by("code").first()
    flagged_days = {row["date"] for row in _impossible_days(today)}
    runs, events = [], []
    for code, (name, sku, fallback, cycle, weekdays, shifts, target) in LINES.items():
        calendar = _calendar(f"{code} shifts", weekdays, shifts, today)
        holidays = set(calendar.holidays.values_list("date", flat=True))
        line = ProductionLine.objects.create(
            code=code,
            name=name,
            warehouse=warehouse,
            calendar=calendar,
            oee_target=Decimal(target),
        )
        product = LineProduct.objects.create(
            line=line, part=_product(sku, fallback), ideal_cycle_seconds=Decimal(cycle)
        )
        for offset in range(DAYS, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() not in weekdays or day in holidays:
                continue
            if code == "ARM-2" and day in flagged_days:
                continue  # the plant report's (impossible) figures stand for this day
            for hour in shifts:
                start = datetime.combine(day, time(hour), tzinfo=UTC)
                run, stops = _shift(rng, line, product, start)
                runs.append(run)
                events += stops
    ProductionRun.objects.bulk_create(runs, batch_size=1000)
    DowntimeEvent.objects.bulk_create(events, batch_size=1000)
    oee_daily_recompute_range(date_from=today - timedelta(days=DAYS), date_to=today)
    oee_daily_import(rows=_impossible_days(today))
    return len(runs), len(events)


def load_demo_analytics() -> str:
    """Create the demo lines and their history once; fit their forecasts; returns a summary."""
    if ProductionLine.objects.filter(code__in=LINES).exists():
        return "analytics: demo lines already loaded"
    today = timezone.localdate()
    runs, events = _load(today)
    # A forecast made 30 days ago, then today's: the older one's predictions have actuals now,
    # so the page shows live accuracy beside the backtest from the start.
    forecast_refresh_all(horizon=30, today=today - timedelta(days=30))
    outcome = forecast_refresh_all(horizon=30)
    methods = ", ".join(f"{code} {method}" for code, method in outcome.items())
    return f"analytics: 3 lines, {runs} runs, {events} downtime events; forecasts: {methods}"
