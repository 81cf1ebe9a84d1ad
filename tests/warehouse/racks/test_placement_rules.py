"""The placement service: one test per rule, full-depth and half-depth behaviour."""

from decimal import Decimal

import pytest

from tests.factories import AssetFactory, DevicePartFactory, PartFactory, RackFactory
from warehouse.models import RackPlacement
from warehouse.racks import layout as rules
from warehouse.racks.services import RackRuleError, placement_create, placement_delete

pytestmark = pytest.mark.django_db


def _asset(name="db-01", **part_fields):
    part_fields.setdefault("name", "Dell PowerEdge R650")
    return AssetFactory(name=name, part=DevicePartFactory(**part_fields))


def test_a_device_that_fits_is_placed_with_its_part_height_and_depth_copied():
    rack = RackFactory()
    asset = _asset(height_u=2, is_full_depth=False)
    placement = placement_create(rack=rack, asset=asset, start_u=10, face="rear")
    assert (placement.start_u, placement.face, placement.height_u) == (10, "rear", 2)
    assert placement.is_full_depth is False


def test_a_device_sticking_out_of_the_top_is_refused_as_outside_the_rack():
    rack = RackFactory(rack_height_u=42)
    with pytest.raises(RackRuleError) as error:
        placement_create(rack=rack, asset=_asset(height_u=2), start_u=42, face="front")
    assert error.value.rule == rules.RULE_INSIDE
    assert (
        "db-01 (Dell PowerEdge R650) (2U) does not fit at U42–U43 front" in error.value.messages[0]
    )
    assert not RackPlacement.objects.exists()


def test_unit_zero_is_refused_as_outside_the_rack():
    with pytest.raises(RackRuleError) as error:
        placement_create(rack=RackFactory(), asset=_asset(), start_u=0, face="front")
    assert error.value.rule == rules.RULE_INSIDE


def test_overlapping_a_device_on_the_same_face_is_refused_naming_that_device():
    rack = RackFactory()
    placement_create(rack=rack, asset=_asset(height_u=2), start_u=12, face="front")
    with pytest.raises(RackRuleError) as error:
        placement_create(rack=rack, asset=_asset("web-02"), start_u=13, face="front")
    assert error.value.rule == rules.RULE_OVERLAP
    assert error.value.http_status == 409
    assert "U12–U13 front is taken by db-01 (Dell PowerEdge R650)" in error.value.messages[0]


def test_a_full_depth_device_blocks_the_rear_face_too():
    rack = RackFactory()
    placement_create(rack=rack, asset=_asset(is_full_depth=True), start_u=5, face="front")
    with pytest.raises(RackRuleError) as error:
        placement_create(
            rack=rack, asset=_asset("sw-01", is_full_depth=False), start_u=5, face="rear"
        )
    assert error.value.rule == rules.RULE_OVERLAP
    assert "full depth" in error.value.messages[0]


def test_two_half_depth_devices_share_a_unit_on_opposite_faces():
    rack = RackFactory()
    placement_create(rack=rack, asset=_asset("pp-01", is_full_depth=False), start_u=5, face="front")
    placement_create(rack=rack, asset=_asset("sw-01", is_full_depth=False), start_u=5, face="rear")
    assert RackPlacement.objects.filter(rack=rack, start_u=5).count() == 2


def test_a_device_deeper_than_the_rack_is_refused():
    rack = RackFactory(rack_depth_mm=800)
    with pytest.raises(RackRuleError) as error:
        placement_create(rack=rack, asset=_asset(depth_mm=900), start_u=1, face="front")
    assert error.value.rule == rules.RULE_DEPTH
    assert "900 mm deep; the rack is 800 mm deep" in error.value.messages[0]


def test_a_device_that_would_exceed_the_rack_weight_is_refused():
    rack = RackFactory(max_weight_kg=Decimal("40"))
    placement_create(rack=rack, asset=_asset(weight_kg=Decimal("25")), start_u=1, face="front")
    with pytest.raises(RackRuleError) as error:
        placement_create(
            rack=rack, asset=_asset("db-02", weight_kg=Decimal("20")), start_u=2, face="front"
        )
    assert error.value.rule == rules.RULE_WEIGHT
    assert "45 kg; its maximum is 40 kg" in error.value.messages[0]
    assert "db-02" in error.value.messages[0]


def test_a_device_that_would_exceed_the_rack_power_is_refused():
    rack = RackFactory(max_power_w=Decimal("1000"))
    placement_create(rack=rack, asset=_asset(power_w=Decimal("600")), start_u=1, face="front")
    with pytest.raises(RackRuleError) as error:
        placement_create(
            rack=rack, asset=_asset("db-02", power_w=Decimal("500")), start_u=2, face="front"
        )
    assert error.value.rule == rules.RULE_POWER
    assert "1,100 W" in error.value.messages[0]


def test_a_part_without_a_height_is_refused_as_not_a_device():
    asset = AssetFactory(name="cable", part=PartFactory(name="Cat6 cable"))
    with pytest.raises(RackRuleError) as error:
        placement_create(rack=RackFactory(), asset=asset, start_u=1, face="front")
    assert error.value.rule == rules.RULE_SPECS


def test_an_asset_already_mounted_is_refused_until_removed():
    asset = _asset()
    placement = placement_create(rack=RackFactory(), asset=asset, start_u=1, face="front")
    other_rack = RackFactory()
    with pytest.raises(RackRuleError) as error:
        placement_create(rack=other_rack, asset=asset, start_u=1, face="front")
    assert error.value.rule == rules.RULE_PLACED
    placement_delete(placement=placement)
    assert (
        placement_create(rack=other_rack, asset=asset, start_u=1, face="front").rack == other_rack
    )


def test_removing_a_device_frees_its_units():
    rack = RackFactory()
    placement = placement_create(rack=rack, asset=_asset(), start_u=3, face="front")
    placement_delete(placement=placement)
    assert placement_create(rack=rack, asset=_asset("db-02"), start_u=3, face="front")
