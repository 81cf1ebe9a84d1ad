"""Reads of the order map: heatmaps, coverage, freshness, the data version.

Heatmaps group by the H3 cell at the asked resolution inside the database (parents by bit masks,
``cells.parent_masks``). Counts of orders come from the monthly rollup (``OrderCellMonth``, whose
rows at the asked resolution are read as they are; with an area filter its res-9 rows, grouped
up) for the period's whole months, and from the orders for its partial months at either end,
unless the question needs the order rows throughout: ``user_density`` (distinct users do not
add up across months or cells, so they are counted from the orders, never summed), an hour or
weekday filter, and a ``grade`` filter (a vendor's grade is today's, not the order's). Every path
gives the same counts as a brute-force count (tested).
Results are cached in the shared cache under the normalised parameters and the data version,
which every finished refresh bumps (the newest finished run's id), so no entry outlives a refresh.
"""

import hashlib
import json
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import h3
from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from analytics.geo import cells as h3cells
from analytics.geo import coverage as reach_math
from analytics.geo.areas import assign
from analytics.geo.errors import GeoError
from analytics.geo.models import (
    City,
    DataSource,
    MarketingArea,
    Order,
    OrderCellMonth,
    OrderCellMonthTotal,
    RefreshRun,
    Vendor,
)
from analytics.geo.normalise import describe, normalise
from analytics.geo.params import CoverageParams, HeatmapParams
from analytics.geo.refresh import month_start, next_month

CACHE_SECONDS = 6 * 3600
STALE_AFTER = {"vendors": timedelta(minutes=30), "orders": timedelta(hours=26)}


def data_version() -> int:
    """Bumped by every finished refresh: the newest finished run's id (0 before any)."""
    return (
        RefreshRun.objects.filter(finished_at__isnull=False).aggregate(version=Max("pk"))["version"]
        or 0
    )


def _cached(prefix: str, parts: dict[str, Any], compute: Any) -> dict[str, Any]:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    key = f"geo:{prefix}:{digest[:32]}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def city_get(code: str) -> City:
    city = City.objects.filter(code=code).first()
    if city is None:
        raise GeoError({"city": [f"Unknown city {code!r}."]})
    return city


def area_cells(area: MarketingArea) -> list[int]:
    """Stored-resolution cells whose centre lies in the area (the area filter's definition)."""
    cells = h3.geo_to_cells(area.geojson, h3cells.STORED_RESOLUTION)
    return sorted(h3.str_to_int(cell) for cell in cells)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _cell_expression(resolution: int) -> Any:
    if resolution == h3cells.STORED_RESOLUTION:
        return F("cell")
    and_mask, or_mask = h3cells.parent_masks(resolution)
    return F("cell").bitand(and_mask).bitor(or_mask)


def _area_for(params: HeatmapParams | CoverageParams, city: City) -> MarketingArea | None:
    area_id = getattr(params, "area", None)
    if area_id is None:
        return None
    area = MarketingArea.objects.filter(pk=area_id, city=city).first()
    if area is None:
        raise GeoError({"area": [f"No marketing area {area_id} in city {city.code}."]})
    return area


def _order_rows(params: HeatmapParams, city: City, first: date, last: date) -> QuerySet:
    tz = timezone.get_current_timezone()
    rows = Order.objects.filter(
        city=city,
        created_at__gte=_local_midnight(first),
        created_at__lt=_local_midnight(last + timedelta(days=1)),
    )
    if params.hours:
        rows = rows.annotate(hour=ExtractHour("created_at", tzinfo=tz)).filter(
            hour__gte=params.hours[0], hour__lte=params.hours[1]
        )
    if params.weekdays:
        rows = rows.annotate(weekday=ExtractIsoWeekDay("created_at", tzinfo=tz)).filter(
            weekday__in=params.weekdays
        )
    if params.grade:
        rows = rows.filter(vendor__grade=params.grade)
    return rows


def _common_filters(rows: QuerySet, params: HeatmapParams, cells: list[int] | None) -> QuerySet:
    if params.business_line:
        rows = rows.filter(business_line=params.business_line)
    if params.type in ("organic", "non_organic"):
        rows = rows.filter(is_organic=params.type == "organic")
    if cells is not None:
        rows = rows.filter(cell__in=cells)
    return rows


def _grouped(rows: QuerySet, resolution: int, aggregate: Any) -> dict[int, int]:
    grouped = (
        rows.annotate(bucket=_cell_expression(resolution))
        .values("bucket")
        .annotate(count=aggregate)
        .order_by()
        .values_list("bucket", "count")
    )
    return {bucket: int(count) for bucket, count in grouped if count}


def whole_months(first: date, last: date) -> tuple[date, date] | None:
    """(first month start, end month start) of the whole local months inside first..last."""
    start = first if first.day == 1 else next_month(first)
    end = month_start(last + timedelta(days=1))
    return (start, end) if start < end else None


def heatmap_counts(params: HeatmapParams) -> dict[int, int]:
    """{cell at params.resolution: exact count} — computed by the database, uncached.

    Distinct users, hours, weekdays and grades read the orders of the whole period; otherwise
    whole months come from the rollup and the partial months at either end from the orders.
    """
    city = city_get(params.city)
    area = _area_for(params, city)
    cells = area_cells(area) if area is not None else None
    if params.type == "user_density":
        rows = _order_rows(params, city, params.date_from, params.date_to)
        return _grouped(
            _common_filters(rows, params, cells), params.resolution, Count("user_id", distinct=True)
        )
    months = whole_months(params.date_from, params.date_to)
    if params.hours or params.weekdays or params.grade or months is None:
        rows = _order_rows(params, city, params.date_from, params.date_to)
        return _grouped(_common_filters(rows, params, cells), params.resolution, Count("id"))
    total: Counter = Counter()
    if cells is None and not params.business_line:
        # Every business line: the totals, one row per cell and month at the asked resolution.
        counted = {
            "organic": Sum("organic_orders"),
            "non_organic": Sum(F("orders") - F("organic_orders")),
        }.get(params.type, Sum("orders"))
        totals = OrderCellMonthTotal.objects.filter(
            city=city, resolution=params.resolution, month__gte=months[0], month__lt=months[1]
        )
        total.update(_grouped(totals, h3cells.STORED_RESOLUTION, counted))
        return _add_partial_months(total, params, city, cells, months)
    # The rollup rows at the asked resolution; an area (a set of res-9 cells) needs res 9 rows.
    level = params.resolution if cells is None else h3cells.STORED_RESOLUTION
    rollup = OrderCellMonth.objects.filter(
        city=city, resolution=level, month__gte=months[0], month__lt=months[1]
    )
    regroup = h3cells.STORED_RESOLUTION if cells is None else params.resolution
    total.update(_grouped(_common_filters(rollup, params, cells), regroup, Sum("orders")))
    return _add_partial_months(total, params, city, cells, months)


def _add_partial_months(
    total: Counter, params: HeatmapParams, city: City, cells: list[int] | None, months: tuple
) -> dict[int, int]:
    """The partial months at either end of the period, counted from the orders, added."""
    edges = [(params.date_from, months[0] - timedelta(days=1)), (months[1], params.date_to)]
    for first, last in edges:
        if first <= last:
            rows = _order_rows(params, city, first, last)
            total.update(
                _grouped(_common_filters(rows, params, cells), params.resolution, Count("id"))
            )
    return dict(total)


def heatmap(params: HeatmapParams) -> dict[str, Any]:
    """The heatmap answer of GET /api/geo/heatmap/ (cached; see the module docstring)."""
    version = data_version()
    parts = {**params.cache_key_parts(), "version": version}
    if params.area is not None:
        parts["area_updated"] = str(
            MarketingArea.objects.filter(pk=params.area)
            .values_list("updated_at", flat=True)
            .first()
        )

    def compute() -> dict[str, Any]:
        return heatmap_packed(params, heatmap_counts(params), version)

    return heatmap_unpacked(_cached("heatmap-columns", parts, compute))


def heatmap_packed(params: HeatmapParams, counts: dict[int, int], version: int) -> dict[str, Any]:
    """The heatmap answer for these counts with its cells as three columns (h3, count, value):
    how it is cached (a year at resolution 9 is ~10,000 cells, and three flat lists unpickle
    several times faster than 10,000 small dicts)."""
    ordered = sorted(counts.items())
    values = normalise([count for _, count in ordered])
    return {
        "type": params.type,
        "city": params.city,
        "resolution": params.resolution,
        "from": params.date_from.isoformat(),
        "to": params.date_to.isoformat(),
        "data_version": version,
        "columns": (
            [h3cells.to_text(cell) for cell, _ in ordered],
            [count for _, count in ordered],
            values,
        ),
        "stats": describe([count for _, count in ordered]),
    }


def heatmap_unpacked(packed: dict[str, Any]) -> dict[str, Any]:
    """The answer of GET /api/geo/heatmap/ from its packed form: one dict per cell."""
    answer = {key: value for key, value in packed.items() if key != "columns"}
    answer["cells"] = [
        {"h3": h3, "count": count, "value": value}
        for h3, count, value in zip(*packed["columns"], strict=True)
    ]
    return answer


def as_geojson(answer: dict[str, Any]) -> dict[str, Any]:
    """The same cells as a GeoJSON FeatureCollection of hexagons (for GIS tools)."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [h3cells.boundary(h3.str_to_int(cell["h3"]))],
            },
            "properties": cell,
        }
        for cell in answer["cells"]
    ]
    meta = {key: value for key, value in answer.items() if key != "cells"}
    return {"type": "FeatureCollection", "features": features, "properties": meta}


# --- coverage


def _city_grid(city: City, resolution: int) -> list[int]:
    polygon = h3.LatLngPoly(
        [
            (city.min_latitude, city.min_longitude),
            (city.min_latitude, city.max_longitude),
            (city.max_latitude, city.max_longitude),
            (city.max_latitude, city.min_longitude),
        ]
    )
    return sorted(h3.str_to_int(cell) for cell in h3.polygon_to_cells(polygon, resolution))


def coverage_vendors(params: CoverageParams, city: City) -> list[Vendor]:
    vendors = Vendor.objects.filter(city=city)
    if not params.include_closed:
        vendors = vendors.filter(Q(status="active") | Q(status=""), visible=True, open=True)
    if params.grade:
        vendors = vendors.filter(grade=params.grade)
    if params.business_line:
        vendors = vendors.filter(business_line=params.business_line)
    return list(vendors.order_by("pk"))


def coverage(params: CoverageParams) -> dict[str, Any]:
    """Vendors reaching each cell, coverage % per area against its target, top uncovered cells."""
    city = city_get(params.city)
    parts = {**{k: str(v) for k, v in vars(params).items()}, "version": data_version()}
    parts["areas"] = str(
        MarketingArea.objects.filter(city=city).aggregate(latest=Max("updated_at"), n=Count("pk"))
    )
    parts["vendors"] = str(Vendor.objects.filter(city=city).aggregate(latest=Max("updated_at")))
    return _cached("coverage", parts, lambda: _coverage(params, city))


def _coverage(params: CoverageParams, city: City) -> dict[str, Any]:
    grid = _city_grid(city, params.resolution)
    centres = [h3cells.centre(cell) for cell in grid]
    vendors = coverage_vendors(params, city)
    reaches = [
        reach_math.VendorReach(
            latitude=vendor.latitude,
            longitude=vendor.longitude,
            radius_km=reach_math.scaled_radius(
                float(vendor.radius_km),
                scale_percent=params.radius_scale,
                fixed_km=params.radius_km,
            ),
            business_line=vendor.business_line,
            grade=vendor.grade,
        )
        for vendor in vendors
    ]
    reached = reach_math.reach(centres, reaches)
    demand = _orders_per_cell(params, city)
    areas = list(MarketingArea.objects.filter(city=city).order_by("name"))
    area_of = assign(centres, [area.geojson for area in areas])
    covered = {cell for cell, hit in zip(grid, reached, strict=True) if hit}
    cells = []
    for cell, hit in zip(grid, reached, strict=True):
        by_line: dict[str, int] = {}
        by_grade: dict[str, int] = {}
        for index in hit:
            by_line[reaches[index].business_line] = by_line.get(reaches[index].business_line, 0) + 1
            by_grade[reaches[index].grade] = by_grade.get(reaches[index].grade, 0) + 1
        cells.append(
            {
                "h3": h3cells.to_text(cell),
                "vendors": len(hit),
                "orders": demand.get(cell, 0),
                "by_business_line": by_line,
                "by_grade": by_grade,
            }
        )
    area_rows = []
    for index, area in enumerate(areas):
        inside = {
            cell: demand.get(cell, 0)
            for cell, found in zip(grid, area_of, strict=True)
            if found == index
        }
        covered_orders, total, percent = reach_math.area_share(inside, covered)
        area_rows.append(
            {
                "id": area.pk,
                "name": area.name,
                "cells": len(inside),
                "orders": total,
                "covered_orders": covered_orders,
                "coverage_percent": percent,
                "target_percent": float(area.target_percent),
                "meets_target": percent >= float(area.target_percent),
            }
        )
    covered_orders, total, percent = reach_math.area_share(
        {cell: demand.get(cell, 0) for cell in grid}, covered
    )
    uncovered = sorted(
        (row for row in cells if row["vendors"] == 0 and row["orders"] > 0),
        key=lambda row: (-row["orders"], row["h3"]),
    )[: params.top]
    return {
        "city": city.code,
        "resolution": params.resolution,
        "radius_scale": params.radius_scale,
        "radius_km": params.radius_km,
        "vendors": len(vendors),
        "data_version": data_version(),
        "summary": {"orders": total, "covered_orders": covered_orders, "coverage_percent": percent},
        "areas": area_rows,
        "top_uncovered": [{"h3": row["h3"], "orders": row["orders"]} for row in uncovered],
        "cells": cells if params.cells else [],
    }


def _orders_per_cell(params: CoverageParams, city: City) -> dict[int, int]:
    """The period's demand per cell: the order_density heatmap's counts."""
    return heatmap_counts(
        HeatmapParams(
            type="order_density",
            city=city.code,
            resolution=params.resolution,
            date_from=params.date_from,
            date_to=params.date_to,
            hours=None,
            weekdays=None,
            grade=None,
            business_line=params.business_line,
            area=None,
        )
    )


# --- one vendor


def cells_within(latitude: float, longitude: float, radius_km: float) -> list[int]:
    """Stored-resolution cells whose centre is within radius_km of the point (haversine)."""
    if radius_km <= 0:
        return []
    origin = h3.latlng_to_cell(latitude, longitude, h3cells.STORED_RESOLUTION)
    # Centres of neighbouring res-9 cells are ≥ 0.3 km apart: k rings reach beyond radius_km.
    ring = h3.grid_disk(origin, int(radius_km / 0.3) + 2)
    candidates = [h3.str_to_int(cell) for cell in ring]
    centres = [h3cells.centre(cell) for cell in candidates]
    reached = reach_math.reach(centres, [reach_math.VendorReach(latitude, longitude, radius_km)])
    return sorted(cell for cell, hit in zip(candidates, reached, strict=True) if hit)


def vendor_summary(*, vendor: Vendor, date_from: date, date_to: date) -> dict[str, Any]:
    """A vendor's orders per local day, and its share of the demand inside its radius."""
    tz = timezone.get_current_timezone()
    period = Order.objects.filter(
        city_id=vendor.city_id,
        created_at__gte=_local_midnight(date_from),
        created_at__lt=_local_midnight(date_to + timedelta(days=1)),
    )
    per_day = (
        period.filter(vendor=vendor)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(orders=Count("id"))
        .order_by("day")
    )
    reach_cells = cells_within(vendor.latitude, vendor.longitude, float(vendor.radius_km))
    inside = period.filter(cell__in=reach_cells)
    demand = inside.count()
    own = inside.filter(vendor=vendor).count()
    return {
        "vendor": vendor.code,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "orders_per_day": [
            {"day": row["day"].isoformat(), "orders": row["orders"]} for row in per_day
        ],
        "radius_km": float(vendor.radius_km),
        "cells_in_radius": len(reach_cells),
        "demand_in_radius": demand,
        "own_orders_in_radius": own,
        "share_percent": round(100 * own / demand, 2) if demand else 0.0,
    }


# --- freshness


def freshness() -> dict[str, dict[str, Any]]:
    """Age of the last good refresh per kind (succeeded or partial), for health, metrics, map."""
    now = timezone.now()
    result = {}
    for kind in DataSource.Kind.values:
        last = (
            RefreshRun.objects.filter(
                kind=kind,
                status__in=(RefreshRun.Status.SUCCEEDED, RefreshRun.Status.PARTIAL),
                finished_at__isnull=False,
            )
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        age = (now - last).total_seconds() if last else None
        limit = STALE_AFTER.get(kind)
        result[kind] = {
            "last_good_refresh": last.isoformat() if last else None,
            "age_seconds": int(age) if age is not None else None,
            "stale": age is None or (limit is not None and age > limit.total_seconds()),
        }
    return result


def refresh_freshness() -> dict[str, Any]:
    """HEALTH_REFRESH_PROVIDERS entry: one key per kind of order-map data."""
    return {
        f"geo_{kind}": {**fresh, "ok": not fresh["stale"]}
        for kind, fresh in freshness().items()
        if kind != "grades"
    }
