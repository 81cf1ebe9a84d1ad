"""A placement that makes devices run hot is allowed, but the page and the API warn, naming them."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import RackFactory, UserFactory
from tests.warehouse.racks.conftest import device
from warehouse.models import RackPlacement
from warehouse.racks.services import placement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cooling_rack(db):
    """A rack whose cooling (2,000 BTU/h) one 3,000 BTU/h device overwhelms."""
    return RackFactory(
        code="HOT",
        cooling_capacity_btu_h=Decimal("2000"),
        ambient_temp_c=Decimal("22"),
        max_inlet_temp_c=Decimal("27"),
    )


def _heater():
    return device("heater-01", power_w=Decimal("900"), heat_btu_h=Decimal("3000"))


def test_the_placement_service_lists_the_hot_spots_it_creates(small_cooling_rack):
    placement = placement_create(rack=small_cooling_rack, asset=_heater(), start_u=40)
    assert [spot.name for spot in placement.new_hot_spots] == ["heater-01"]


def test_a_placement_that_creates_no_hot_spot_lists_none(rack):
    placement = placement_create(rack=rack, asset=device("cool-01"), start_u=5)
    assert placement.new_hot_spots == []


def test_placing_from_the_page_warns_and_names_the_new_hot_spots(small_cooling_rack):
    client = Client()
    client.force_login(UserFactory(role="planner"))
    response = client.post(
        f"/warehouse/racks/{small_cooling_rack.pk}/placements/",
        {"asset": _heater().pk, "start_u": 40, "face": "front"},
        follow=True,
    )
    [message] = list(response.context["messages"])
    assert message.level_tag == "warning"
    assert "Placed heater-01 at U40, but it creates hot spots" in message.message
    assert "heater-01" in message.message.split("hot spots:")[1]
    assert RackPlacement.objects.filter(asset__name="heater-01").exists()


def test_placing_from_the_page_without_hot_spots_is_a_plain_success(rack):
    client = Client()
    client.force_login(UserFactory(role="planner"))
    response = client.post(
        f"/warehouse/racks/{rack.pk}/placements/",
        {"asset": device("cool-01").pk, "start_u": 5, "face": "front"},
        follow=True,
    )
    [message] = list(response.context["messages"])
    assert (message.level_tag, message.message) == ("success", "Placed cool-01 at U5.")


def test_placing_through_the_api_returns_the_hot_spots_as_warnings(client_for, small_cooling_rack):
    response = client_for("planner").post(
        f"/api/racks/{small_cooling_rack.pk}/placements/", {"asset": _heater().pk, "start_u": 40}
    )
    assert response.status_code == 201
    [warning] = response.json()["warnings"]
    assert warning.startswith("heater-01") and "exceeds the rack's maximum of 27.0 °C" in warning


def test_placing_through_the_api_without_hot_spots_has_no_warnings(client_for, rack):
    response = client_for("planner").post(
        f"/api/racks/{rack.pk}/placements/", {"asset": device("cool-01").pk, "start_u": 5}
    )
    assert response.status_code == 201 and response.json()["warnings"] == []


def test_placing_in_the_admin_warns_of_the_new_hot_spots(client, small_cooling_rack):
    client.force_login(UserFactory(role="manager", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/warehouse/rackplacement/add/",
        {"asset": _heater().pk, "rack": small_cooling_rack.pk, "start_u": 40, "face": "front"},
        follow=True,
    )
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith("New hot spot: heater-01")
    assert RackPlacement.objects.filter(asset__name="heater-01").exists()
