"""Writes of the order map: marketing areas, data sources picked for a refresh, refresh now,
heavy questions started as report jobs."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from analytics.geo import reports
from analytics.geo.areas import AreaShapeError, polygon_from_geojson
from analytics.geo.errors import GeoError, SourceNotFound
from analytics.geo.models import City, DataSource, MarketingArea, RefreshRun
from analytics.geo.params import coverage_params, heatmap_params
from analytics.geo.selectors import city_get
from config.models import ReportJob
from config.reports import report_job_start


def area_geojson_clean(*, geojson: Any, city: City) -> dict:
    """The area's geometry if it is a valid polygon inside the city; GeoError naming geojson."""
    try:
        return polygon_from_geojson(
            geojson,
            bounds=(city.min_latitude, city.max_latitude, city.min_longitude, city.max_longitude),
        )
    except AreaShapeError as error:
        raise GeoError({"geojson": [f"The area {error}"]})


@transaction.atomic
def area_save(
    *,
    city: City,
    name: str,
    geojson: Any,
    target_percent: Decimal,
    area: MarketingArea | None = None,
) -> MarketingArea:
    area = area or MarketingArea()
    area.city, area.name, area.target_percent = city, name, target_percent
    area.geojson = area_geojson_clean(geojson=geojson, city=city)
    area.save()
    return area


def source_for_refresh(*, kind: str, name: str | None) -> DataSource:
    """The named source, or the one enabled source of ``kind``; SourceNotFound otherwise."""
    sources = DataSource.objects.filter(kind=kind)
    if name:
        source = sources.filter(name=name).first()
        if source is None:
            raise SourceNotFound(f"No {kind} data source named {name!r}.")
        return source
    enabled = list(sources.filter(enabled=True)[:2])
    if len(enabled) != 1:
        raise SourceNotFound(
            f"Name the {kind} source (--source NAME) or give a file (--file PATH): "
            f"{len(enabled) or 'no'} enabled {kind} source(s) configured."
        )
    return enabled[0]


def source_refresh_now(*, source: DataSource, full: bool = False) -> RefreshRun | None:
    """Refresh now where Celery runs eagerly (returns the run), else queue it (returns None)."""
    from analytics.geo.refresh import refresh_data
    from analytics.geo.tasks import refresh_source

    if settings.CELERY_TASK_ALWAYS_EAGER:  # eager retries would re-run at once, in the request
        return refresh_data(kind=source.kind, source=source, full=full)
    refresh_source.delay(source.pk, full)
    return None


def map_job_start(*, kind: str, query: Any, user: Any) -> ReportJob:
    """Start a heavy map question as a report job (``geo_heatmap`` or ``geo_coverage``).

    ``query`` holds the synchronous endpoint's parameters plus ``file_format`` (json or csv);
    they are checked now, so a bad one is a 400 naming it and no job is recorded.
    """
    file_format = str(query.get("file_format") or "json")
    if file_format not in reports.JOB_FORMATS:
        raise GeoError(
            {"file_format": [f"file_format must be one of {', '.join(reports.JOB_FORMATS)}."]}
        )
    parameters = reports.job_parameters(query)
    params = heatmap_params(parameters) if kind == "geo_heatmap" else coverage_params(parameters)
    city_get(params.city)
    return report_job_start(kind=kind, parameters=parameters, file_format=file_format, user=user)
