"""Demo racks: a server room with two 42U racks and 25 devices with real manufacturers' specs.

The device models come from warehouse/racks/catalogue.py (shared with the benchmark). Idempotent
and never failing on a changed room: parts by SKU, assets by serial number, racks by code; a
device already mounted is left where it is, and a demo device that is missing from its rack is
placed again only if its units are still free — otherwise it is skipped and the summary says so.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inventory.models import Category, Manufacturer, Part
from warehouse.choices import LocationKind
from warehouse.models import Asset, Connection, Location, RackPlacement, Warehouse
from warehouse.racks.catalogue import DEVICE_MODELS
from warehouse.racks.services import RackRuleError, placement_create

WAREHOUSE_CODE = "DC1"

MANUFACTURERS = {
    "Dell": "https://www.dell.com",
    "HPE": "https://www.hpe.com",
    "Cisco": "https://www.cisco.com",
    "Juniper Networks": "https://www.juniper.net",
    "Palo Alto Networks": "https://www.paloaltonetworks.com",
    "Synology": "https://www.synology.com",
    "NetApp": "https://www.netapp.com",
    "APC by Schneider Electric": "https://www.apc.com",
    "Panduit": "https://www.panduit.com",
}

# Supply (ambient) air 22 °C and a maximum inlet of 27 °C, the upper end of the ASHRAE A1
# recommended envelope; cooling sized for the rack's maximum power (8 kW ≈ 27,300 BTU/h, 6 kW ≈
# 20,500 BTU/h) with headroom. With these the thermal model flags the two devices at the very
# top of R02, whose top third makes almost all of its heat: a few hot spots, each explainable.
RACKS = {
    # code: (name, depth mm, max kg, max W, cooling BTU/h, max inlet °C, ambient °C)
    "R01": ("Core rack", 1200, "1360", "8000", "30000", "27", "22"),
    "R02": ("Edge rack", 1000, "1000", "6000", "24000", "27", "22"),
}

# (rack, asset name, sku, start U, face, access frequency)
DEVICES = [
    ("R01", "ups-r01", "RK-APC-SRT3000", 1, "front", 1),
    ("R01", "nas-01", "RK-NTAP-AFF-A250", 3, "front", 2),
    ("R01", "backup-01", "RK-SYN-RS3621XS", 5, "front", 2),
    ("R01", "db-01", "RK-DELL-R750", 7, "front", 3),
    ("R01", "db-02", "RK-DELL-R750", 9, "front", 3),
    ("R01", "vm-01", "RK-HPE-DL380G10", 11, "front", 3),
    ("R01", "web-01", "RK-DELL-R650", 13, "front", 4),
    ("R01", "web-02", "RK-DELL-R650", 14, "front", 4),
    ("R01", "web-03", "RK-DELL-R650", 15, "front", 4),
    ("R01", "kvm-01", "RK-APC-KVM2116P", 20, "front", 9),
    ("R01", "fw-01", "RK-PAN-PA3220", 30, "front", 4),
    ("R01", "pdu-r01", "RK-APC-AP7920B", 38, "rear", 1),
    ("R01", "sw-core-01", "RK-CSC-C9300-48P", 38, "front", 6),
    ("R01", "sw-core-02", "RK-CSC-C9300-48P", 39, "front", 6),
    ("R01", "pp-r01-a", "RK-PAN-CP24BLY", 40, "front", 8),
    ("R01", "pp-r01-b", "RK-PAN-CP24BLY", 41, "front", 8),
    ("R02", "ups-r02", "RK-APC-SRT3000", 1, "front", 1),
    ("R02", "pdu-r02", "RK-APC-AP7920B", 3, "rear", 1),
    ("R02", "app-01", "RK-DELL-R750", 30, "front", 3),
    ("R02", "app-02", "RK-DELL-R650", 35, "front", 3),
    ("R02", "app-03", "RK-DELL-R650", 36, "front", 3),
    ("R02", "app-04", "RK-DELL-R650", 37, "front", 3),
    ("R02", "sw-edge-01", "RK-JNP-EX4300-48T", 38, "front", 6),
    ("R02", "rtr-01", "RK-CSC-ISR4331", 40, "front", 5),
    ("R02", "pp-r02", "RK-PAN-CP24BLY", 42, "front", 8),
]

# (a asset, a port, b asset, b port, cable, metres)
CONNECTIONS = [
    ("db-01", "eth0", "sw-core-01", "Gi1/0/1", "cat6a", "2.0"),
    ("db-02", "eth0", "sw-core-01", "Gi1/0/2", "cat6a", "2.0"),
    ("vm-01", "eth0", "sw-core-01", "Gi1/0/3", "cat6a", "2.0"),
    ("web-01", "eth0", "sw-core-02", "Gi1/0/1", "cat6", "1.5"),
    ("web-02", "eth0", "sw-core-02", "Gi1/0/2", "cat6", "1.5"),
    ("nas-01", "e0a", "sw-core-01", "Te1/1/1", "fiber_om4", "3.0"),
    ("fw-01", "ethernet1/1", "sw-core-01", "Gi1/0/48", "cat6a", "1.0"),
    ("app-01", "eth0", "sw-edge-01", "ge-0/0/1", "cat6", "1.0"),
    ("app-02", "eth0", "sw-edge-01", "ge-0/0/2", "cat6", "1.0"),
    ("rtr-01", "Gi0/0/0", "sw-edge-01", "ge-0/0/47", "cat6", "0.5"),
    ("rtr-01", "Gi0/0/1", "fw-01", "ethernet1/2", "fiber_os2", "15.0"),
]


def _warehouse() -> Warehouse:
    existing = Warehouse.objects.filter(code=WAREHOUSE_CODE).first()
    if existing:
        return existing
    try:
        from warehouse.services import warehouse_create
    except ImportError:  # the stock services are not there yet
        return Warehouse.objects.create(code=WAREHOUSE_CODE, name="Data centre — server room")
    return warehouse_create(code=WAREHOUSE_CODE, name="Data centre — server room")


def _parts() -> dict[str, Part]:
    category, _ = Category.objects.get_or_create(name="Rack equipment", parent=None)
    makers = {
        name: Manufacturer.objects.get_or_create(name=name, defaults={"website": site})[0]
        for name, site in MANUFACTURERS.items()
    }
    parts = {}
    for sku, model in DEVICE_MODELS.items():
        parts[sku], _ = Part.objects.get_or_create(
            sku=sku,
            defaults={
                "name": model.name,
                "manufacturer": makers[model.manufacturer],
                "category": category,
                "mpn": model.mpn,
                "device_type": model.device_type,
                "height_u": model.height_u,
                "width_class": "full",
                "depth_mm": model.depth_mm,
                "is_full_depth": model.is_full_depth,
                "weight_kg": model.weight_kg,
                "power_w": model.power_w,
                "heat_btu_h": model.heat_btu_h,
                "airflow": model.airflow,
            },
        )
    return parts


@transaction.atomic
def load_demo_racks() -> str:
    """Create (or complete) the demo server room; returns a one-line summary."""
    warehouse = _warehouse()
    room, _ = Location.objects.get_or_create(
        warehouse=warehouse,
        code="SR1",
        defaults={"name": "Server room 1", "kind": LocationKind.ROOM},
    )
    racks = {}
    for code, (name, depth, kg, watts, cooling, inlet, ambient) in RACKS.items():
        racks[code], _ = Location.objects.get_or_create(
            warehouse=warehouse,
            code=code,
            defaults={
                "name": name,
                "parent": room,
                "kind": LocationKind.RACK,
                "rack_height_u": 42,
                "rack_width": 19,
                "rack_depth_mm": depth,
                "max_weight_kg": Decimal(kg),
                "max_power_w": Decimal(watts),
                "cooling_capacity_btu_h": Decimal(cooling),
                "max_inlet_temp_c": Decimal(inlet),
                "ambient_temp_c": Decimal(ambient),
            },
        )
    parts = _parts()
    assets = {}
    placed = 0
    skipped: list[str] = []
    for index, (rack_code, name, sku, start_u, face, frequency) in enumerate(DEVICES, start=1):
        asset, _ = Asset.objects.get_or_create(
            serial_number=f"DEMO-{rack_code}-{index:03d}",
            defaults={
                "part": parts[sku],
                "name": name,
                "asset_tag": f"PL-{index:05d}",
                "hostname": f"{name}.dc1.example.net",
                "ip_address": f"10.10.{1 if rack_code == 'R01' else 2}.{index}",
                "access_frequency": frequency,
            },
        )
        assets[name] = asset
        if RackPlacement.objects.filter(asset=asset).exists():
            continue
        # Someone removed the demo device and used its units (or changed the rack): leave the
        # room as they made it rather than fail the whole demo load.
        try:
            placement_create(rack=racks[rack_code], asset=asset, start_u=start_u, face=face)
        except RackRuleError as refusal:
            skipped.append(f"{name} (U{start_u} {face}: {refusal.rule.replace('_', ' ')})")
            continue
        placed += 1
    for a_name, a_port, b_name, b_port, cable, metres in CONNECTIONS:
        Connection.objects.get_or_create(
            a_asset=assets[a_name],
            a_port=a_port,
            defaults={
                "b_asset": assets[b_name],
                "b_port": b_port,
                "cable_type": cable,
                "length_m": Decimal(metres),
            },
        )
    summary = (
        f"Racks: {len(racks)} racks in {warehouse.code}, {len(assets)} devices "
        f"({placed} newly placed), {len(CONNECTIONS)} connections."
    )
    if skipped:
        summary += (
            f" Not placed again, their units are no longer free: {len(skipped)} "
            f"({', '.join(skipped)})."
        )
    return summary
