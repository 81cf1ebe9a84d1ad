"""Editing a rack or an asset cannot invalidate the devices already mounted; racks via the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from tests.factories import PartFactory, UserFactory, WarehouseFactory
from tests.warehouse.racks.conftest import device
from warehouse.models import Asset, Location

pytestmark = pytest.mark.django_db


def _admin(client):
    client.force_login(UserFactory(role="manager", is_staff=True, is_superuser=True))
    return client


def _location_form(rack, **changes):
    data = {k: ("" if v is None else v) for k, v in model_to_dict(rack).items()}
    data.update(changes)
    return data


def test_lowering_a_rack_below_its_devices_is_refused_naming_them(rack, placed):
    rack.rack_height_u = 15
    with pytest.raises(ValidationError) as error:
        rack.full_clean()
    [message] = error.value.message_dict["rack_height_u"]
    assert "web-01 at U20" in message and "db-01" not in message


def test_limits_below_the_mounted_load_are_refused_naming_the_largest_devices(rack, placed):
    rack.max_power_w = Decimal("100")
    rack.max_weight_kg = Decimal("10")
    rack.rack_depth_mm = 300
    with pytest.raises(ValidationError) as error:
        rack.full_clean()
    errors = error.value.message_dict
    assert "draw 1,700 W, more than 100 W (largest: db-01 800 W" in errors["max_power_w"][0]
    assert "db-01 28.6 kg" in errors["max_weight_kg"][0]
    assert "rack_depth_mm" in errors


def test_limits_that_still_hold_the_devices_are_accepted(rack, placed):
    rack.rack_height_u, rack.max_power_w = 20, Decimal("1700")
    rack.full_clean()


def test_the_admin_refuses_a_rack_edit_that_strands_its_devices(client, rack, placed):
    limits = (rack.rack_height_u, rack.max_power_w)
    response = _admin(client).post(
        f"/admin/warehouse/location/{rack.pk}/change/",
        _location_form(rack, rack_height_u=19, max_power_w=100),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "web-01 at U20" in page and "1,700 W" in page
    rack.refresh_from_db()
    assert (rack.rack_height_u, rack.max_power_w) == limits


def test_a_rack_with_devices_cannot_stop_being_a_rack(rack, placed):
    rack.kind = "shelf"
    with pytest.raises(ValidationError) as error:
        rack.full_clean()
    assert "remove them before it stops being a rack" in error.value.message_dict["kind"][0]


def test_changing_the_part_of_a_mounted_asset_is_refused(rack, placed):
    asset = Asset.objects.get(pk=placed["web"].asset_id)
    asset.part = device("other", height_u=4).part
    with pytest.raises(ValidationError) as error:
        asset.full_clean()
    assert "remove it from the rack before changing its part" in error.value.message_dict["part"][0]


def test_the_admin_refuses_changing_the_part_of_a_mounted_asset(client, rack, placed):
    asset = Asset.objects.get(pk=placed["web"].asset_id)
    old_part = asset.part_id
    new_part = device("other", height_u=4).part
    data = {k: ("" if v is None else v) for k, v in model_to_dict(asset).items()}
    data.update(
        {
            "part": new_part.pk,
            "placement-TOTAL_FORMS": "1",
            "placement-INITIAL_FORMS": "1",
            "placement-MIN_NUM_FORMS": "0",
            "placement-MAX_NUM_FORMS": "1",
            "placement-0-id": placed["web"].pk,
            "placement-0-asset": asset.pk,
        }
    )
    response = _admin(client).post(f"/admin/warehouse/asset/{asset.pk}/change/", data)
    assert response.status_code == 200
    assert "remove it from the rack before changing its part" in response.content.decode()
    asset.refresh_from_db()
    assert asset.part_id == old_part


def test_an_unmounted_asset_may_change_its_part(db):
    asset = device("spare-01")
    asset.part = device("other", height_u=2).part
    asset.full_clean()


def test_an_asset_of_a_part_that_is_not_a_device_model_is_refused(db):
    asset = device("spare-01")
    asset.part = PartFactory(name="Cat6 cable")
    with pytest.raises(ValidationError) as error:
        asset.full_clean()
    assert "part" in error.value.message_dict


def test_the_part_autocomplete_for_assets_offers_only_device_models(client, db):
    PartFactory(name="Zebra cable")
    server = device("srv").part
    response = _admin(client).get(
        "/admin/autocomplete/",
        {"app_label": "warehouse", "model_name": "asset", "field_name": "part", "term": ""},
    )
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert server.pk in ids
    assert all(Asset._meta.get_field("part").related_model.objects.get(pk=i).height_u for i in ids)


def test_a_rack_is_created_through_the_api_with_its_fields(client_for):
    warehouse = WarehouseFactory()
    response = client_for("manager").post(
        "/api/locations/",
        {
            "warehouse": warehouse.pk,
            "code": "R9",
            "kind": "rack",
            "rack_height_u": 42,
            "rack_width": 19,
            "rack_depth_mm": 1200,
            "max_weight_kg": "1360",
            "max_power_w": "8000",
            "cooling_capacity_btu_h": "30000",
            "max_inlet_temp_c": "27",
            "ambient_temp_c": "22",
        },
    )
    assert response.status_code == 201, response.json()
    rack = Location.objects.get(pk=response.json()["id"])
    assert (rack.rack_height_u, rack.max_power_w) == (42, Decimal("8000"))
    assert response.json()["cooling_capacity_btu_h"] is not None


def test_a_rack_without_a_height_gets_a_readable_field_message(client_for):
    response = client_for("manager").post(
        "/api/locations/", {"warehouse": WarehouseFactory().pk, "code": "R9", "kind": "rack"}
    )
    assert response.status_code == 400
    assert response.json() == {"rack_height_u": ["A rack needs its height in U (1–60)."]}


def test_lowering_a_rack_through_the_api_is_a_400_naming_the_device(client_for, rack, placed):
    response = client_for("manager").patch(
        f"/api/locations/{rack.pk}/", {"rack_height_u": 15}, format="json"
    )
    assert response.status_code == 400
    assert "web-01 at U20" in response.json()["rack_height_u"][0]
