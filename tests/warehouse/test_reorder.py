"""Parts at or below their reorder point: per warehouse, company-wide, and the stock filter."""

from decimal import Decimal

import pytest

from tests.factories import LocationFactory, PartFactory
from warehouse.selectors import (
    dashboard_figures,
    part_stock_card,
    parts_below_reorder,
    warehouse_summaries,
)
from warehouse.services import warehouse_create

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_warehouse_that_never_stocked_a_part_does_not_count_it_below_reorder(warehouse, part):
    server_room = warehouse_create(code="DC1", name="Server room")

    assert not parts_below_reorder(warehouse=server_room).exists()
    low = {row["warehouse"].code: row["low"] for row in warehouse_summaries()}
    assert low["DC1"] == 0


def test_a_warehouse_that_stocks_a_part_at_its_reorder_point_counts_it(
    warehouse, bin_a, part, receive
):
    receive(part, bin_a, "5")

    assert list(parts_below_reorder(warehouse=warehouse)) == [part]


def test_a_warehouse_above_the_reorder_point_does_not_count_the_part(
    warehouse, bin_a, part, receive
):
    receive(part, bin_a, "6")

    assert not parts_below_reorder(warehouse=warehouse).exists()


def test_stock_exactly_at_the_reorder_point_counts_even_when_summed_from_fractions(
    warehouse, bin_a, bin_b, receive
):
    part = PartFactory(reorder_point=D("0.3"))
    receive(part, bin_a, "0.1")
    receive(part, bin_b, "0.2")  # SQLite sums floats: 0.1 + 0.2 = 0.30000000000000004

    assert list(parts_below_reorder(warehouse=warehouse)) == [part]
    assert list(parts_below_reorder().filter(pk=part.pk)) == [part]


def test_company_wide_a_part_with_no_stock_anywhere_is_below_reorder(part):
    assert list(parts_below_reorder()) == [part]


def test_company_wide_a_part_without_a_reorder_point_is_never_below_it(db):
    PartFactory(reorder_point=D("0"))

    assert not parts_below_reorder().exists()


def test_the_stock_api_refuses_an_unknown_below_reorder_value(client_for):
    response = client_for("viewer").get("/api/stock-levels/", {"below_reorder": "maybe"})

    assert response.status_code == 400
    assert "below_reorder" in response.json()


def test_the_stock_page_offers_any_rather_than_unknown_for_below_reorder(client, user_in_role):
    client.force_login(user_in_role("viewer"))

    html = client.get("/warehouse/").content.decode()

    assert ">Any<" in html and "Unknown" not in html


def test_stock_rows_are_highlighted_by_the_chosen_warehouses_rule(
    client, user_in_role, warehouse, bin_a, part, receive
):
    other = warehouse_create(code="WH2", name="Second")
    receive(part, LocationFactory(warehouse=other), "1")
    receive(part, bin_a, "50")
    client.force_login(user_in_role("viewer"))

    html = client.get("/warehouse/", {"warehouse": other.pk}).content.decode()

    assert 'class="low" title="At or below the reorder point in WH2"' in html


def test_dashboard_overview_cards_part_card_and_api_filter_count_low_stock_by_one_rule(
    warehouse, bin_a, bin_b, receive, client_for, user_in_role
):
    """Stock where the old rules disagreed: bins at or below the reorder point in a warehouse
    whose total is above it, and a part low in one warehouse but not company-wide."""
    second = warehouse_create(code="WH2", name="Second")
    split = PartFactory(sku="SPLIT", reorder_point=D("5"))
    receive(split, bin_a, "3")  # each bin of WH1 is below 5, WH1's total 6 is not
    receive(split, bin_b, "3")
    receive(split, LocationFactory(warehouse=second), "2")  # low in WH2; company-wide 8
    short = PartFactory(sku="SHORT", reorder_point=D("5"))
    receive(short, bin_a, "4")  # low in WH1 and company-wide
    api = client_for("viewer")

    def api_low_parts(**params):
        rows = api.get("/api/stock-levels/", {"below_reorder": "true", **params}).json()
        return {row["part_sku"] for row in rows["results"]}

    cards = {row["warehouse"].code: row["low"] for row in warehouse_summaries()}
    dashboard = next(
        figure["value"]
        for figure in dashboard_figures(user=user_in_role("viewer"))
        if figure["label"] == "Parts at or below reorder point"
    )

    assert dashboard == len(api_low_parts()) == 1
    assert cards["WH1"] == len(api_low_parts(warehouse="WH1")) == 1
    assert cards["WH2"] == len(api_low_parts(warehouse="WH2")) == 1
    assert api_low_parts(warehouse="WH1") == {"SHORT"}
    assert api_low_parts(warehouse="WH2") == {"SPLIT"}
    assert not part_stock_card(part=split)["below_reorder"]
    assert part_stock_card(part=short)["below_reorder"]


def test_the_part_stock_card_of_an_inactive_part_is_not_flagged_low(warehouse, bin_a, receive):
    retired = PartFactory(reorder_point=D("5"), is_active=False)
    receive(retired, bin_a, "1")

    assert not part_stock_card(part=retired)["below_reorder"]
