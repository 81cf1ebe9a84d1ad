"""The device catalogue shared by the demo racks and the benchmark, so their specs cannot diverge.

Figures are from the vendors' data sheets and hardware guides (height, depth, weight, airflow) and
typical, not nameplate, power draw; heat is W × 3.412 BTU/h. Airflow is relative to the device's
front panel (the port side for switches): Juniper's "AFO" (air flow out) models take air in at the
port side and exhaust at the power supplies, i.e. front to back; Cisco's Catalyst 9300 breathes in
at the front and out at the rear fans; the PA-3220 (PA-3200 series) is a 2U full-depth chassis.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from warehouse.racks.layout import BTU_PER_WATT, Device


@dataclass(frozen=True)
class DeviceModel:
    manufacturer: str
    name: str
    mpn: str
    device_type: str
    height_u: int
    is_full_depth: bool
    depth_mm: int
    weight_kg: Decimal
    power_w: Decimal
    airflow: str

    @property
    def heat_btu_h(self) -> Decimal:
        return (self.power_w * Decimal(str(BTU_PER_WATT))).quantize(Decimal("0.1"))

    def device(self, device_id: int, name: str, access_frequency: int = 0) -> Device:
        """A pure layout Device of this model (the benchmark's devices)."""
        return Device(
            id=device_id,
            name=name,
            model=self.name,
            device_type=self.device_type,
            height_u=self.height_u,
            is_full_depth=self.is_full_depth,
            depth_mm=self.depth_mm,
            weight_kg=float(self.weight_kg),
            power_w=float(self.power_w),
            heat_btu_h=float(self.heat_btu_h),
            airflow=self.airflow,
            access_frequency=access_frequency,
        )


def _model(maker, name, mpn, kind, height, full, depth, kg, watts, airflow) -> DeviceModel:
    return DeviceModel(
        maker, name, mpn, kind, height, full, depth, Decimal(kg), Decimal(watts), airflow
    )


# SKU → model. (manufacturer, name, mpn, type, U, full depth, depth mm, kg, W, airflow)
DEVICE_MODELS: dict[str, DeviceModel] = {
    "RK-DELL-R650": _model(
        "Dell",
        "Dell PowerEdge R650",
        "R650",
        "server",
        1,
        True,
        751,
        "21.2",
        "450",
        "front_to_back",
    ),
    "RK-DELL-R750": _model(
        "Dell",
        "Dell PowerEdge R750",
        "R750",
        "server",
        2,
        True,
        751,
        "28.6",
        "700",
        "front_to_back",
    ),
    "RK-HPE-DL380G10": _model(
        "HPE",
        "HPE ProLiant DL380 Gen10",
        "868703-B21",
        "server",
        2,
        True,
        679,
        "24.5",
        "500",
        "front_to_back",
    ),
    "RK-CSC-C9300-48P": _model(
        "Cisco",
        "Cisco Catalyst 9300-48P",
        "C9300-48P-E",
        "switch",
        1,
        False,
        445,
        "7.9",
        "350",
        "front_to_back",
    ),
    "RK-CSC-ISR4331": _model(
        "Cisco",
        "Cisco ISR 4331",
        "ISR4331/K9",
        "router",
        1,
        False,
        438,
        "6.8",
        "90",
        "side_to_side",
    ),
    "RK-JNP-EX4300-48T": _model(
        "Juniper Networks",
        "Juniper EX4300-48T (AFO)",
        "EX4300-48T-AFO",
        "switch",
        1,
        False,
        417,
        "8.4",
        "175",
        "front_to_back",
    ),
    "RK-PAN-PA3220": _model(
        "Palo Alto Networks",
        "Palo Alto PA-3220",
        "PAN-PA-3220",
        "firewall",
        2,
        True,
        508,
        "10.3",
        "240",
        "front_to_back",
    ),
    "RK-SYN-RS3621XS": _model(
        "Synology",
        "Synology RackStation RS3621xs+",
        "RS3621xs+",
        "storage",
        2,
        True,
        724,
        "18.0",
        "220",
        "front_to_back",
    ),
    "RK-NTAP-AFF-A250": _model(
        "NetApp",
        "NetApp AFF A250",
        "AFF-A250",
        "storage",
        2,
        True,
        543,
        "25.5",
        "500",
        "front_to_back",
    ),
    "RK-APC-SRT3000": _model(
        "APC by Schneider Electric",
        "APC Smart-UPS SRT 3000VA RM",
        "SRT3000RMXLI",
        "ups",
        2,
        True,
        617,
        "38.4",
        "150",
        "front_to_back",
    ),
    "RK-APC-AP7920B": _model(
        "APC by Schneider Electric",
        "APC Switched Rack PDU 1U",
        "AP7920B",
        "pdu",
        1,
        False,
        191,
        "3.2",
        "10",
        "passive",
    ),
    "RK-PAN-CP24BLY": _model(
        "Panduit",
        "Panduit 24-port Cat6 patch panel",
        "CP24BLY",
        "patch_panel",
        1,
        False,
        100,
        "1.1",
        "0",
        "passive",
    ),
    "RK-APC-KVM2116P": _model(
        "APC by Schneider Electric",
        "APC KVM 2G 16-port",
        "KVM2116P",
        "kvm",
        1,
        False,
        305,
        "3.4",
        "20",
        "passive",
    ),
}
