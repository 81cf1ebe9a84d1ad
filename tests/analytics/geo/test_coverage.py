"""Coverage: vendor counts per cell equal a brute-force distance check; areas; what-if radii."""

import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.geo import cells
from analytics.geo.areas import AreaShapeError, assign, polygon_from_geojson
from analytics.geo.coverage import VendorReach, haversine_km, reach
from analytics.geo.models import Vendor
from analytics.geo.params import coverage_params
from analytics.geo.refresh import rollup_rebuild_city
from analytics.geo.selectors import coverage
from tests.factories import CityFactory, MarketingAreaFactory, OrderFactory, VendorFactory


def slow_distance_km(lat1, lon1, lat2, lon2):
    """Haversine written out with math only, as the reference."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


points = st.tuples(st.floats(52.3, 52.7), st.floats(13.1, 13.7))


@settings(max_examples=60, deadline=None)
@given(
    centres=st.lists(points, min_size=1, max_size=40),
    vendors=st.lists(st.tuples(points, st.floats(0, 8)), max_size=10),
)
def test_vendors_per_cell_equal_a_brute_force_distance_check(centres, vendors):
    reaches = [VendorReach(lat, lng, radius) for (lat, lng), radius in vendors]
    got = reach(centres, reaches)
    for centre, found in zip(centres, got, strict=True):
        for index, vendor in enumerate(reaches):
            distance = slow_distance_km(vendor.latitude, vendor.longitude, *centre)
            if abs(distance - vendor.radius_km) < 1e-6:
                continue  # on the circle itself: float rounding may fall either way
            expected = vendor.radius_km > 0 and distance <= vendor.radius_km
            assert (index in found) == expected, (centre, vendor, distance)


def test_haversine_of_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(52.0, 13.0, 53.0, 13.0) == pytest.approx(111.2, abs=0.1)


def test_points_are_assigned_to_areas_with_the_spatial_index():
    square = {
        "type": "Polygon",
        "coordinates": [[[13.3, 52.4], [13.5, 52.4], [13.5, 52.6], [13.3, 52.6], [13.3, 52.4]]],
    }
    assert assign([(52.5, 13.4), (52.7, 13.4)], [square]) == [0, None]


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        ({"type": "Point", "coordinates": [13.4, 52.5]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[13.3, 52.4], [13.5, 52.4], [13.4, 52.5]]]}, "four"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[13.3, 52.4], [13.5, 52.4], [13.4, 52.5], [13.3, 52.41]]],
            },
            "closed",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[13.3, 52.4], [13.5, 52.6], [13.5, 52.4], [13.3, 52.6], [13.3, 52.4]]
                ],
            },
            "valid shape",
        ),
        (
            {"type": "Polygon", "coordinates": [[[1.3, 2.4], [1.5, 2.4], [1.4, 2.5], [1.3, 2.4]]]},
            "outside the city",
        ),
    ],
)
def test_an_area_upload_must_be_a_closed_valid_polygon_inside_the_city(geojson, message):
    with pytest.raises(AreaShapeError, match=message):
        polygon_from_geojson(geojson, bounds=(52.3, 52.7, 13.1, 13.7))


@pytest.mark.django_db
def test_coverage_counts_vendors_orders_and_area_shares_and_what_if_radii_change_only_numbers():
    city = CityFactory(code="BER")
    vendor = VendorFactory(city=city, latitude=52.5, longitude=13.4, radius_km=Decimal("1"))
    VendorFactory(city=city, latitude=52.5, longitude=13.4, open=False)
    near = (52.505, 13.405)  # about 0.65 km away
    far = (52.55, 13.45)  # about 6.5 km away
    when = datetime(2026, 3, 2, 12, tzinfo=UTC)
    for point, count in ((near, 3), (far, 1)):
        for _ in range(count):
            OrderFactory(vendor=vendor, latitude=point[0], longitude=point[1], created_at=when)
    rollup_rebuild_city(city_id=city.pk)
    area = MarketingAreaFactory(city=city, target_percent=Decimal("80"))
    query = {"city": "BER", "from": "2026-03-01", "to": "2026-03-31"}
    answer = coverage(coverage_params(query))
    assert answer["vendors"] == 1  # the closed vendor does not deliver
    assert answer["summary"] == {"orders": 4, "covered_orders": 3, "coverage_percent": 75.0}
    (area_row,) = answer["areas"]
    assert area_row["id"] == area.pk
    assert (area_row["orders"], area_row["coverage_percent"], area_row["meets_target"]) == (
        3,
        100.0,
        True,
    )
    assert answer["top_uncovered"] == [{"h3": cells.to_text(cells.cell_of(*far)), "orders": 1}]
    wider = coverage(coverage_params({**query, "radius_scale": "800"}))
    assert wider["summary"]["coverage_percent"] == 100.0
    assert (
        coverage(coverage_params({**query, "radius_km": "0.1"}))["summary"]["covered_orders"] == 0
    )
    assert Vendor.objects.get(pk=vendor.pk).radius_km == Decimal("1")
