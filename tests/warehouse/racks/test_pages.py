"""Rack pages: list, detail with SVG elevations, optimiser preview, apply, place and remove."""

import json
import re

import pytest
from django.test import Client

from tests.factories import RackFactory, UserFactory
from tests.warehouse.racks.conftest import device
from warehouse.models import RackPlacement

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    def login(role: str) -> Client:
        client = Client()
        client.force_login(UserFactory(role=role))
        return client

    return login


def test_the_racks_list_shows_each_rack_with_its_utilisation(browser, rack, placed):
    page = browser("viewer").get("/warehouse/racks/").content.decode()
    assert "R1" in page
    assert f"{round(100 * 4 / 42, 1)} %" in page


def test_rack_pages_answer_head_like_get_and_refuse_post(browser, rack):
    client = browser("viewer")
    for url in ("/warehouse/racks/", f"/warehouse/racks/{rack.pk}/"):
        head = client.head(url)
        assert head.status_code == 200 and head.content == b""
        assert client.post(url).status_code == 405


def test_the_racks_list_explains_how_to_add_racks_when_there_are_none(browser):
    page = browser("viewer").get("/warehouse/racks/").content.decode()
    assert "No racks yet" in page


def test_the_rack_page_draws_front_and_rear_with_a_labelled_box_per_device(browser, rack, placed):
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/").content.decode()
    assert page.count("<svg") == 2
    assert "db-01 · server" in page
    # The half-depth switch on the rear shows only on the rear elevation.
    front, rear = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert "sw-01" not in front and "sw-01" in rear
    assert "Thermal zones" in page and "Run optimiser" in page


def test_the_rack_page_states_the_inlet_formula_its_figures_follow(browser, rack, placed):
    from html import unescape

    from warehouse.racks import analysis

    page = unescape(browser("viewer").get(f"/warehouse/racks/{rack.pk}/").content.decode())
    assert f"Inlet estimate: {analysis.inlet_formula()}." in page
    assert "+ 4 °C × (rack heat ÷ cooling capacity) × √(heat of the device's third" in page


def test_an_empty_rack_page_says_so(browser, rack):
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/").content.decode()
    assert "This rack is empty" in page


def test_a_viewer_sees_no_place_or_remove_buttons(browser, rack, placed):
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/").content.decode()
    assert "Place a device" not in page and ">Remove<" not in page


def test_the_optimiser_preview_shows_current_and_proposed_side_by_side(browser, rack, placed):
    page = browser("planner").get(f"/warehouse/racks/{rack.pk}/optimise/?seed=1").content.decode()
    assert page.count("<svg") == 4
    assert "Score breakdown" in page and "Apply" in page
    assert set(RackPlacement.objects.values_list("start_u", flat=True)) == {1, 10, 20}


def test_a_viewer_may_preview_but_not_apply(browser, rack, placed):
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/optimise/?seed=1").content.decode()
    assert "may preview proposals but not apply" in page


def test_all_weights_zero_is_shown_as_a_form_error(browser, rack, placed):
    query = "thermal=0&weight=0&power=0&cable=0&access=0"
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/optimise/?{query}").content.decode()
    assert "At least one weight must be above 0." in page


def test_applying_from_the_page_moves_the_devices(browser, rack, placed):
    client = browser("planner")
    page = client.get(f"/warehouse/racks/{rack.pk}/optimise/?seed=1").content.decode()
    moves = json.loads(_hidden(page, "moves").replace("&quot;", '"'))
    response = client.post(
        f"/warehouse/racks/{rack.pk}/apply/",
        {
            "moves": json.dumps(moves),
            "fingerprint": _hidden(page, "fingerprint"),
            "signature": _hidden(page, "signature"),
        },
    )
    assert response.status_code == 302
    for move in moves:
        assert RackPlacement.objects.get(asset_id=move["asset"]).start_u == move["to_u"]


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_applying_a_stale_preview_from_the_page_moves_nothing_and_says_why(browser, rack, placed):
    client = browser("planner")
    page = client.get(f"/warehouse/racks/{rack.pk}/optimise/?seed=1").content.decode()
    RackPlacement.objects.filter(pk=placed["web"].pk).update(start_u=30)
    before = sorted(RackPlacement.objects.values_list("asset_id", "start_u"))
    response = client.post(
        f"/warehouse/racks/{rack.pk}/apply/",
        {
            "moves": _hidden(page, "moves").replace("&quot;", '"'),
            "fingerprint": _hidden(page, "fingerprint"),
            "signature": _hidden(page, "signature"),
        },
        follow=True,
    )
    assert "changed since the proposal; run the optimiser again" in response.content.decode()
    assert sorted(RackPlacement.objects.values_list("asset_id", "start_u")) == before


def test_a_viewer_cannot_apply(browser, rack, placed):
    response = browser("viewer").post(f"/warehouse/racks/{rack.pk}/apply/", {"moves": "[]"})
    assert response.status_code == 403


def test_placing_from_the_page_reports_the_rule_that_refused_it(browser, rack, placed):
    client = browser("planner")
    asset = device("new-01")
    response = client.post(
        f"/warehouse/racks/{rack.pk}/placements/",
        {"asset": asset.pk, "start_u": 1, "face": "front"},
        follow=True,
    )
    assert "taken by db-01" in response.content.decode()
    assert not RackPlacement.objects.filter(asset=asset).exists()


def test_placing_and_removing_from_the_page(browser, rack):
    client = browser("planner")
    asset = device("new-01")
    client.post(
        f"/warehouse/racks/{rack.pk}/placements/",
        {"asset": asset.pk, "start_u": 7, "face": "front"},
    )
    placement = RackPlacement.objects.get(asset=asset)
    assert placement.start_u == 7
    client.post(f"/warehouse/racks/{rack.pk}/placements/{placement.pk}/delete/")
    assert not RackPlacement.objects.filter(asset=asset).exists()


def test_a_location_that_is_not_a_rack_is_a_404(browser):
    from tests.factories import LocationFactory

    response = browser("viewer").get(f"/warehouse/racks/{LocationFactory().pk}/")
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client):
    rack = RackFactory()
    assert client.get(f"/warehouse/racks/{rack.pk}/").status_code == 302


def test_svg_tooltips_name_one_unit_for_a_1u_device_and_a_range_for_taller_ones(
    browser, rack, placed
):
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/").content.decode()
    assert "U20 front" in page and "U20–U20" not in page
    assert "U1–U2 front" in page


def test_every_optimiser_weight_starts_on_a_value_its_input_accepts():
    """A browser refuses to submit a number input whose value is off its step (the e2e journey
    caught 'moves' = 0.2 with step 0.5): each initial weight must be a multiple of its step."""
    from decimal import Decimal

    from warehouse.racks.forms import OptimiseForm

    form = OptimiseForm()
    for name, field in form.fields.items():
        step = field.widget.attrs.get("step")
        if step in (None, "any") or field.initial is None:
            continue
        assert Decimal(str(field.initial)) % Decimal(step) == 0, (name, field.initial, step)


def test_the_optimiser_preview_reads_the_rack_layout_once(browser, rack, placed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = browser("viewer")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/warehouse/racks/{rack.pk}/optimise/?seed=1")
    assert response.status_code == 200
    reads = [q["sql"] for q in queries if 'FROM "warehouse_rackplacement"' in q["sql"]]
    assert len(reads) == 1, reads
    assert len(queries) <= 7  # session, user, 2 × permissions, rack, placements, connections


def test_a_weight_out_of_range_gets_the_same_message_on_the_page_and_in_the_api(
    browser, client_for, rack, placed
):
    message = "The weight of thermal must be between 0 and 10."
    page = browser("viewer").get(f"/warehouse/racks/{rack.pk}/optimise/?thermal=11")
    assert message in page.content.decode()
    response = client_for("viewer").post(
        f"/api/racks/{rack.pk}/optimize/", {"weights": {"thermal": 11}}, format="json"
    )
    assert response.status_code == 400 and message in str(response.json()["weights"])


def test_the_racks_page_filters_by_warehouse_code_like_the_api(browser, rack):
    other = RackFactory(code="R-OTHER")
    page = browser("viewer").get(f"/warehouse/racks/?warehouse={rack.warehouse.code}")
    codes = [row[0].code for row in page.context["rows"]]
    assert codes == ["R1"] and other.code not in codes


def test_without_javascript_a_device_typed_by_name_is_placed_and_an_unknown_one_refused(
    browser, rack
):
    client = browser("planner")
    asset = device("typed-01")
    page = client.get(f"/warehouse/racks/{rack.pk}/").content.decode()
    assert "/warehouse/racks/devices/search/" in page and "typed-01" not in page

    refused = client.post(
        f"/warehouse/racks/{rack.pk}/placements/",
        {"asset": "no-such-device", "start_u": 9, "face": "front"},
        follow=True,
    )
    client.post(
        f"/warehouse/racks/{rack.pk}/placements/",
        {"asset": "TYPED-01", "start_u": 9, "face": "front"},
    )

    assert "no-such-device is not one of the choices" in refused.content.decode()
    assert RackPlacement.objects.get(asset=asset).start_u == 9
