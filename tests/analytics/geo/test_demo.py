"""The order map's demo data: quick, idempotent, and its heatmap adds up to its orders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.geo.demo import load_demo_geo
from analytics.geo.models import MarketingArea, Order, OrderCellMonth, Vendor
from analytics.geo.params import heatmap_params
from analytics.geo.selectors import heatmap_counts

pytestmark = pytest.mark.django_db


def test_the_demo_city_loads_once_and_its_rollup_adds_up_to_its_orders():
    assert "3,000 orders" in load_demo_geo(orders=3000)
    assert "already loaded" in load_demo_geo(orders=3000)
    assert Order.objects.count() == 3000 and Vendor.objects.count() == 300
    assert MarketingArea.objects.count() == 4
    for resolution in range(5, 10):  # every level of the rollup holds every order once
        rows = OrderCellMonth.objects.filter(resolution=resolution)
        assert sum(row.orders for row in rows) == 3000
    today = timezone.localdate()
    period = {"from": str(today - timedelta(days=100)), "to": str(today + timedelta(days=1))}
    counts = heatmap_counts(heatmap_params({"city": "DMO", "resolution": "7", **period}))
    assert sum(counts.values()) == 3000
