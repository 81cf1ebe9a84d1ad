from decimal import Decimal

import pytest

from analytics.selectors import stock_movement_chart
from tests.factories import StockMoveFactory


@pytest.mark.django_db
def test_the_movement_chart_sums_units_in_and_out_for_today(user_in_role):
    StockMoveFactory(quantity=Decimal("5"), balance_after=Decimal("5"))
    StockMoveFactory(quantity=Decimal("3"), balance_after=Decimal("8"))
    StockMoveFactory(quantity=Decimal("-2"), balance_after=Decimal("6"))
    chart = stock_movement_chart(user=user_in_role("viewer"))
    assert len(chart["labels"]) == 14
    assert chart["datasets"][0]["data"][-1] == 8.0
    assert chart["datasets"][1]["data"][-1] == 2.0
    assert not chart["empty"]


@pytest.mark.django_db
def test_the_movement_chart_is_hidden_from_users_without_stock_access(user_in_role):
    assert stock_movement_chart(user=user_in_role(None)) is None


@pytest.mark.django_db
def test_the_home_page_embeds_the_chart_data_and_vendored_script(client, user_in_role):
    StockMoveFactory(quantity=Decimal("4"), balance_after=Decimal("4"))
    client.force_login(user_in_role("viewer"))
    content = client.get("/").content
    assert b'<script id="chart-1" type="application/json">' in content
    assert b"vendor/chartjs/chart.umd.min.js" in content
