from decimal import Decimal

import pytest

from analytics.selectors import stock_movement_chart
from tests.factories import LocationFactory, PartFactory, UserFactory
from warehouse.choices import DocumentType
from warehouse.services import document_create, document_post


def post(doc_type: str, *, part, location, quantity: str) -> None:
    clerk = UserFactory(role="storekeeper")
    side = "to_location" if doc_type == DocumentType.RECEIPT else "from_location"
    document = document_create(
        doc_type=doc_type,
        user=clerk,
        lines=[{"part": part, "quantity": Decimal(quantity), side: location}],
    )
    document_post(document=document, user=clerk)


@pytest.mark.django_db
def test_the_movement_chart_sums_units_in_and_out_for_today(user_in_role):
    part, location = PartFactory(), LocationFactory()
    post(DocumentType.RECEIPT, part=part, location=location, quantity="5")
    post(DocumentType.RECEIPT, part=part, location=location, quantity="3")
    post(DocumentType.ISSUE, part=part, location=location, quantity="2")
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
    post(DocumentType.RECEIPT, part=PartFactory(), location=LocationFactory(), quantity="4")
    client.force_login(user_in_role("viewer"))
    content = client.get("/").content
    assert b'<script id="chart-1" type="application/json">' in content
    assert b"vendor/chartjs/chart.umd.min.js" in content


def test_the_analytics_page_links_the_oee_dashboard_and_the_order_map(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    html = client.get("/analytics/").content.decode()
    assert 'href="/analytics/oee/"' in html
    assert 'href="/analytics/map/"' in html
    assert 'href="/analytics/map/coverage/"' in html
    assert "on the way" not in html
