"""Marketing-area polygons: validating an upload, and assigning points to areas. Django-free.

An upload is a GeoJSON Polygon or MultiPolygon (a Feature wrapping one is unwrapped): every ring
closed (first position = last), at least four positions, a valid shape (no self-intersection)
and inside the city's bounding box. Points are assigned with a shapely STRtree over the area
polygons (one query for all points), not a loop over polygons.
"""

from collections.abc import Sequence
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree


class AreaShapeError(ValueError):
    """The polygon cannot be a marketing area; the message says why."""


def polygon_from_geojson(
    geojson: Any, *, bounds: tuple[float, float, float, float] | None = None
) -> dict:
    """The cleaned geometry, or AreaShapeError; bounds = (min_lat, max_lat, min_lng, max_lng)."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise AreaShapeError("must be a GeoJSON Polygon or MultiPolygon.")
    coordinates = geojson.get("coordinates")
    polygons = [coordinates] if geojson["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise AreaShapeError("has no coordinates.")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise AreaShapeError("a polygon needs at least one ring.")
        for ring in polygon:
            _check_ring(ring)
    try:
        geometry = shape(geojson)
    except Exception as error:  # shapely raises several types for malformed coordinates
        raise AreaShapeError(f"is not a valid shape: {error}")
    if not geometry.is_valid:
        raise AreaShapeError(f"is not a valid shape: {shapely.is_valid_reason(geometry)}.")
    if bounds is not None:
        min_lng, min_lat, max_lng, max_lat = geometry.bounds
        low_lat, high_lat, low_lng, high_lng = bounds
        if min_lat < low_lat or max_lat > high_lat or min_lng < low_lng or max_lng > high_lng:
            raise AreaShapeError("lies (partly) outside the city's bounds.")
    return {"type": geojson["type"], "coordinates": coordinates}


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise AreaShapeError("every ring needs at least four positions.")
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        ):
            raise AreaShapeError("every position must be [longitude, latitude] numbers.")
        longitude, latitude = position[0], position[1]
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            raise AreaShapeError(
                f"position {list(position[:2])} is not a valid longitude/latitude."
            )
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise AreaShapeError("every ring must be closed (its first and last positions equal).")


def assign(points: Sequence[tuple[float, float]], polygons: Sequence[dict]) -> list[int | None]:
    """For each (lat, lng) point, the index of the first polygon containing it, or None."""
    if not points or not polygons:
        return [None] * len(points)
    tree = STRtree([shape(polygon) for polygon in polygons])
    geometries = shapely.points([(lng, lat) for lat, lng in points])
    point_index, polygon_index = tree.query(geometries, predicate="intersects")
    found: list[int | None] = [None] * len(points)
    for point, polygon in zip(point_index.tolist(), polygon_index.tolist(), strict=False):
        if found[point] is None or polygon < found[point]:
            found[point] = polygon
    return found
