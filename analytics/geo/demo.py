"""Demo data of the order map: one city, a few hundred vendors, 200,000 orders, a few areas.

Orders follow a weekly rhythm (weekends busier), an hourly one (lunch and dinner peaks) and
hot spots (five Gaussian centres over a uniform background), over the last 90 days. Generated
with numpy and written with the bulk path (executemany, COPY on PostgreSQL), then the rollup is
built once: a few seconds, so `make run` stays fast. Idempotent: a city that has orders is kept.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import h3
import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analytics.geo.models import City, MarketingArea, Order, OrderCellMonth, RefreshRun, Vendor
from analytics.geo.refresh import orders_bulk_insert, rollup_counts, rollup_write

CITY = {"code": "DMO", "name": "Demo City"}
BOUNDS = (52.35, 52.65, 13.10, 13.70)
HOT_SPOTS = [(52.52, 13.40, 0.015), (52.50, 13.30, 0.02), (52.47, 13.45, 0.012),
             (52.55, 13.52, 0.018), (52.42, 13.25, 0.02)]  # fmt: skip
VENDORS = 300
DAYS = 90
LINES = ("food", "groceries", "pharmacy")
HOUR_WEIGHTS = [0.2] * 7 + [0.6, 0.8, 0.7, 0.9, 1.6, 2.0, 1.4, 0.8, 0.7, 0.9, 1.5, 2.2, 2.4, 1.8,
                           1.1, 0.6, 0.3]  # fmt: skip
AREAS = [
    ("Centre", (52.49, 52.55, 13.35, 13.45), 90),
    ("West", (52.45, 52.53, 13.20, 13.33), 75),
    ("East", (52.50, 52.58, 13.46, 13.58), 70),
    ("South", (52.38, 52.47, 13.20, 13.40), 60),
]


def _points(rng: np.random.Generator, count: int, background: float) -> np.ndarray:
    low_lat, high_lat, low_lng, high_lng = BOUNDS
    spots = rng.integers(0, len(HOT_SPOTS) + 1, count)
    lat = rng.uniform(low_lat, high_lat, count)
    lng = rng.uniform(low_lng, high_lng, count)
    hot = rng.random(count) > background
    for index, (slat, slng, spread) in enumerate(HOT_SPOTS):
        chosen = hot & (spots == index)
        lat[chosen] = rng.normal(slat, spread, chosen.sum())
        lng[chosen] = rng.normal(slng, spread * 1.6, chosen.sum())
    return np.column_stack(
        [
            np.clip(lat, low_lat + 0.001, high_lat - 0.001),
            np.clip(lng, low_lng + 0.001, high_lng - 0.001),
        ]
    )


@transaction.atomic
def load_demo_geo(*, orders: int | None = None, seed: int = 13) -> str:
    orders = orders or settings.GEO_DEMO_ORDERS
    low_lat, high_lat, low_lng, high_lng = BOUNDS
    city, _ = City.objects.get_or_create(
        code=CITY["code"],
        defaults={
            "name": CITY["name"],
            "min_latitude": low_lat,
            "max_latitude": high_lat,
            "min_longitude": low_lng,
            "max_longitude": high_lng,
        },
    )
    if Order.objects.filter(city=city).exists():
        return "Order map: demo city already loaded."
    rng = np.random.default_rng(seed)
    places = _points(rng, VENDORS, background=0.4)
    grades = rng.choice(list("ABCD"), VENDORS, p=[0.2, 0.35, 0.3, 0.15])
    lines = rng.choice(LINES, VENDORS, p=[0.6, 0.25, 0.15])
    Vendor.objects.bulk_create(
        Vendor(
            code=f"DMO-V{index:04d}",
            name=f"Demo vendor {index}",
            city=city,
            latitude=float(lat),
            longitude=float(lng),
            grade=str(grades[index]),
            business_line=str(lines[index]),
            status="active" if index % 25 else "paused",
            open=bool(index % 17),
            radius_km=Decimal(str(round(float(rng.uniform(1.5, 4.5)), 1))),
        )
        for index, (lat, lng) in enumerate(places)
    )
    vendor_rows = list(Vendor.objects.filter(city=city).values_list("pk", "business_line"))
    for name, (a, b, c, d), target in AREAS:
        ring = [[c, a], [d, a], [d, b], [c, b], [c, a]]
        MarketingArea.objects.get_or_create(
            city=city,
            name=name,
            defaults={
                "geojson": {"type": "Polygon", "coordinates": [ring]},
                "target_percent": target,
            },
        )
    # When: day weights (weekends ×1.4), hour weights (lunch and dinner peaks).
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=DAYS)
    day_weight = np.array(
        [1.4 if (start + timedelta(days=d)).weekday() >= 5 else 1.0 for d in range(DAYS)]
    )
    hour_weight = np.array(HOUR_WEIGHTS)
    days = rng.choice(DAYS, orders, p=day_weight / day_weight.sum())
    hours = rng.choice(24, orders, p=hour_weight / hour_weight.sum())
    minutes = rng.integers(0, 60, orders)
    points = _points(rng, orders, background=0.3)
    vendor_index = rng.integers(0, len(vendor_rows), orders)
    users = rng.zipf(1.3, orders) % 40_000
    organic = rng.random(orders) < 0.35
    base = start.timestamp()
    rows = []
    for i in range(orders):
        lat, lng = float(points[i, 0]), float(points[i, 1])
        vendor_id, line = vendor_rows[vendor_index[i]]
        rows.append(
            (
                f"DMO-{i:07d}",
                vendor_id,
                city.pk,
                line,
                datetime.fromtimestamp(
                    base + int(days[i]) * 86400 + int(hours[i]) * 3600 + int(minutes[i]) * 60,
                    tz=UTC,
                ),
                lat,
                lng,
                f"user{int(users[i])}",
                bool(organic[i]),
                h3.str_to_int(h3.latlng_to_cell(lat, lng, 9)),
            )
        )
    orders_bulk_insert(rows)
    # The rollup from the rows in hand: the same aggregation as a refresh, without re-reading.
    OrderCellMonth.objects.filter(city=city).delete()
    rollup_write(city_id=city.pk, counts=rollup_counts((r[4], r[9], r[3], r[8]) for r in rows))
    finished = timezone.now()
    for kind, count in (("vendors", VENDORS), ("orders", orders)):
        RefreshRun.objects.create(
            kind=kind,
            origin="demo data (analytics.geo.demo)",
            status=RefreshRun.Status.SUCCEEDED,
            finished_at=finished,
            rows_read=count,
            rows_inserted=count,
        )
    return f"Order map: {VENDORS} vendors, {orders:,} orders, {len(AREAS)} areas in {city.name}."
