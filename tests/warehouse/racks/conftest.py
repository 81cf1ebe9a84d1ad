"""Rack test helpers: a rack with a few real-looking devices placed through the service."""

from decimal import Decimal

import pytest

from tests.factories import AssetFactory, DevicePartFactory, RackFactory
from warehouse.racks.services import placement_create


def device(asset_name: str, /, **part_fields):
    """An asset of a new device part; part_fields override the factory's 1U 300 W server."""
    return AssetFactory(name=asset_name, part=DevicePartFactory(**part_fields))


@pytest.fixture
def rack(db):
    return RackFactory(code="R1", rack_height_u=42)


@pytest.fixture
def placed(rack):
    """A 2U server at U1, a half-depth switch at U10 rear and a 1U server at U20."""
    server = device(
        "db-01",
        name="Dell PowerEdge R750",
        height_u=2,
        weight_kg=Decimal("28.6"),
        power_w=Decimal("800"),
        heat_btu_h=Decimal("2729.6"),
    )
    switch = device(
        "sw-01",
        name="Cisco Catalyst 9300",
        device_type="switch",
        is_full_depth=False,
        weight_kg=Decimal("7.9"),
        power_w=Decimal("350"),
        heat_btu_h=Decimal("1194.2"),
        airflow="back_to_front",
    )
    web = device(
        "web-01",
        name="Dell PowerEdge R650",
        weight_kg=Decimal("21"),
        power_w=Decimal("550"),
        heat_btu_h=Decimal("1876.6"),
    )
    return {
        "db": placement_create(rack=rack, asset=server, start_u=1, face="front"),
        "sw": placement_create(rack=rack, asset=switch, start_u=10, face="rear"),
        "web": placement_create(rack=rack, asset=web, start_u=20, face="front"),
    }
