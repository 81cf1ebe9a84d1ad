"""Heatmaps: counts equal a brute-force count at every resolution; rollup equals raw; caching."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import h3
import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.geo import cells
from analytics.geo.models import Order, OrderCellMonth, OrderCellMonthTotal
from analytics.geo.params import heatmap_params
from analytics.geo.refresh import rollup_rebuild_city
from analytics.geo.selectors import area_cells, heatmap, heatmap_counts
from tests.factories import CityFactory, MarketingAreaFactory, VendorFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 20, tzinfo=UTC)  # orders over 80 days: Jan 20 – Apr 10
SPAN_MINUTES = 80 * 24 * 60


def make_orders(count: int = 300, seed: int = 7) -> list[Order]:
    rng = random.Random(seed)
    city = CityFactory(code="BER")
    vendors = [
        VendorFactory(city=city, grade=grade, business_line=line)
        for grade, line in (("A", "food"), ("B", "food"), ("C", "pharma"))
    ]
    orders = []
    for index in range(count):
        latitude = 52.5 + rng.gauss(0, 0.03)
        longitude = 13.4 + rng.gauss(0, 0.05)
        vendor = rng.choice(vendors)
        orders.append(
            Order(
                order_id=f"P{index}",
                vendor=vendor,
                city=city,
                business_line=vendor.business_line,
                created_at=START + timedelta(minutes=rng.randrange(0, SPAN_MINUTES)),
                latitude=latitude,
                longitude=longitude,
                user_id=f"u{rng.randrange(40)}",
                is_organic=rng.random() < 0.4,
                cell=cells.cell_of(latitude, longitude),
            )
        )
    Order.objects.bulk_create(orders)
    rollup_rebuild_city(city_id=city.pk)
    return list(Order.objects.select_related("vendor"))


def brute_force(orders, query: dict) -> dict[int, int]:
    params = heatmap_params(query)
    tz = timezone.get_current_timezone()
    counted: dict[int, set | int] = {}
    for order in orders:
        local = order.created_at.astimezone(tz)
        if not params.date_from <= local.date() <= params.date_to:
            continue
        if params.hours and not params.hours[0] <= local.hour <= params.hours[1]:
            continue
        if params.weekdays and local.isoweekday() not in params.weekdays:
            continue
        if params.grade and order.vendor.grade != params.grade:
            continue
        if params.business_line and order.business_line != params.business_line:
            continue
        if params.type == "organic" and not order.is_organic:
            continue
        if params.type == "non_organic" and order.is_organic:
            continue
        parent = h3.str_to_int(
            h3.cell_to_parent(
                h3.latlng_to_cell(order.latitude, order.longitude, 9), params.resolution
            )
        )
        if params.type == "user_density":
            counted.setdefault(parent, set()).add(order.user_id)
        else:
            counted[parent] = counted.get(parent, 0) + 1
    return {cell: len(v) if isinstance(v, set) else v for cell, v in counted.items()}


BASE = {"city": "BER", "from": "2026-01-15", "to": "2026-04-20"}


@pytest.mark.parametrize("resolution", [5, 6, 7, 8, 9])
@pytest.mark.parametrize("kind", ["order_density", "organic", "non_organic", "user_density"])
def test_heatmap_counts_equal_a_brute_force_count_at_every_resolution(resolution, kind):
    orders = make_orders(200)
    query = {**BASE, "type": kind, "resolution": str(resolution)}
    assert heatmap_counts(heatmap_params(query)) == brute_force(orders, query)


@settings(max_examples=25, deadline=None)
@given(
    resolution=st.integers(5, 9),
    kind=st.sampled_from(["order_density", "organic", "non_organic", "user_density"]),
    first=st.integers(0, 80),
    days=st.integers(0, 80),
    hours=st.none() | st.tuples(st.integers(0, 23), st.integers(0, 23)).map(sorted),
    weekdays=st.none() | st.sets(st.integers(1, 7), min_size=1),
    grade=st.sampled_from([None, "A", "B", "C", "D"]),
    line=st.sampled_from([None, "food", "pharma"]),
)
def test_filtered_heatmaps_equal_brute_force(
    resolution, kind, first, days, hours, weekdays, grade, line
):
    Order.objects.all().delete()
    orders = make_orders(120, seed=first)
    day = date(2026, 1, 20) + timedelta(days=first)
    query = {
        "city": "BER",
        "type": kind,
        "resolution": str(resolution),
        "from": day.isoformat(),
        "to": (day + timedelta(days=days)).isoformat(),
    }
    if hours:
        query["hours"] = f"{hours[0]}-{hours[1]}"
    if weekdays:
        query["weekdays"] = ",".join(map(str, sorted(weekdays)))
    if grade:
        query["grade"] = grade
    if line:
        query["business_line"] = line
    assert heatmap_counts(heatmap_params(query)) == brute_force(orders, query)


def test_a_period_of_whole_months_reads_the_rollup_and_equals_the_raw_count():
    orders = make_orders(300)
    query = {**BASE, "from": "2026-02-01", "to": "2026-03-31", "resolution": "8"}
    assert heatmap_counts(heatmap_params(query)) == brute_force(orders, query)
    Order.objects.all().delete()  # the rollup alone now answers the whole months
    assert sum(heatmap_counts(heatmap_params(query)).values()) == sum(
        brute_force(orders, query).values()
    )


@pytest.mark.parametrize("resolution", [5, 6, 7, 8, 9])
@pytest.mark.parametrize("kind", ["order_density", "organic", "non_organic"])
def test_whole_months_from_the_rollup_alone_equal_the_raw_aggregate_at_every_resolution(
    resolution, kind
):
    """The rollup's own rows at each resolution (the area case: its res-9 rows grouped up)."""
    orders = make_orders(300)
    area = MarketingAreaFactory(city=orders[0].city)
    query = {**BASE, "type": kind, "from": "2026-02-01", "to": "2026-03-31"}
    query["resolution"] = str(resolution)
    expected = brute_force(orders, query)
    inside = set(area_cells(area))
    in_area = {**query, "area": str(area.pk)}
    expected_in_area = brute_force([order for order in orders if order.cell in inside], in_area)
    one_line = {**query, "business_line": "food"}
    expected_one_line = brute_force(orders, one_line)
    Order.objects.all().delete()  # only the rollup can answer now
    assert heatmap_counts(heatmap_params(query)) == expected  # the totals
    assert heatmap_counts(heatmap_params(one_line)) == expected_one_line  # rows per line
    assert heatmap_counts(heatmap_params(in_area)) == expected_in_area  # res-9 rows grouped
    assert OrderCellMonth.objects.filter(resolution=resolution).exists()
    assert OrderCellMonthTotal.objects.filter(resolution=resolution).exists()


def test_the_rollup_path_and_the_raw_path_give_the_same_counts():
    make_orders(300)
    # A grade filter reads raw orders; every vendor of a line having grade A..C, the union of
    # the grades equals the rollup's answer.
    from_rollup = heatmap_counts(heatmap_params({**BASE, "resolution": "7"}))
    from_raw: Counter = Counter()
    for grade in "ABC":
        from_raw.update(heatmap_counts(heatmap_params({**BASE, "resolution": "7", "grade": grade})))
    assert from_rollup == dict(from_raw)


def test_an_area_filter_counts_the_orders_whose_cell_centre_is_in_the_area():
    orders = make_orders(300)
    area = MarketingAreaFactory(city=orders[0].city)
    inside = set(area_cells(area))
    answer = heatmap_counts(heatmap_params({**BASE, "resolution": "9", "area": str(area.pk)}))
    assert sum(answer.values()) == sum(1 for order in orders if order.cell in inside) > 0


def test_the_heatmap_answer_keeps_raw_counts_and_values_from_0_to_100_and_is_cached(
    django_assert_max_num_queries,
):
    make_orders(300)
    params = heatmap_params({**BASE, "resolution": "8"})
    first = heatmap(params)
    assert first["cells"] and all(0 <= cell["value"] <= 100 for cell in first["cells"])
    assert sum(cell["count"] for cell in first["cells"]) == 300 == first["stats"]["total"]
    with django_assert_max_num_queries(1):  # the data version only
        assert heatmap(params) == first
