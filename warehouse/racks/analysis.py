"""Pure rack analysis: space, weight, power, heat, thermal zones, hot spots and airflow conflicts.

Estimated inlet temperature (the model behind hot spots)
---------------------------------------------------------
We do not measure temperatures, so each powered device gets an estimate built from three
well-known effects, each with a documented constant:

    inlet = ambient
          + STRATIFICATION_C × (middle unit − 1) / (rack height − 1)
          + RECIRCULATION_C × load × √concentration
          + CONFLICT_C      if a neighbour blows its exhaust at the device (airflow conflict)

    load          = the rack's heat / its cooling capacity
    concentration = heat of the device's third / (the rack's heat / 3)   (1 when spread evenly)

* Stratification: cold air comes from the floor; intakes near the top of a rack typically run a
  few degrees warmer than at the bottom (ASHRAE TC 9.9 measurements: ~2–4 °C), we use 3 °C.
* Recirculation: hot exhaust finding its way back to the intakes grows with the rack's load on
  its cooling: a rack running at its full cooling capacity with its heat spread evenly adds
  RECIRCULATION_C (4 °C) at every intake. Cooling air reaches the whole front of the rack, so a
  third making more than its share of the heat is penalised less than proportionally (square
  root): all the heat in one third at full load adds ~6.9 °C there. (An earlier version gave each
  third a third of the cooling, which flagged half of a rack loaded to 40 % of its cooling as hot
  spots — more pessimistic than measurements in contained rooms.) Without a recorded cooling
  capacity this term is left out.
* Airflow conflict: a neighbour (the unit directly above or below on a shared face, or the same
  units on the other face) whose effective airflow runs the other way adds CONFLICT_C (3 °C).
  A placement's face is the side of the rack the device's front panel faces, for half-depth and
  full-depth devices alike: a device mounted on the rear face takes its air in on the side its
  airflow says, seen from the device, so relative to the rack its airflow is reversed (a
  front-to-back server mounted facing the rear blows its exhaust into the front of the rack).

A hot spot is a powered device (not passive, heat > 0) whose estimate exceeds the rack's maximum
inlet temperature. Defaults when the rack does not say: ambient 22 °C, maximum inlet 27 °C (the
upper end of the ASHRAE recommended envelope).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from warehouse.racks.layout import (
    BACK_TO_FRONT,
    FACES,
    FRONT_TO_BACK,
    REAR,
    Device,
    Layout,
    Slot,
    faces_of,
    units_label,
)

STRATIFICATION_C = 3.0
RECIRCULATION_C = 4.0
CONFLICT_C = 3.0
DEFAULT_AMBIENT_C = 22.0
DEFAULT_MAX_INLET_C = 27.0
ZONE_NAMES = ("bottom", "middle", "top")


@dataclass
class Zone:
    name: str
    first_u: int
    last_u: int
    heat_btu_h: float = 0.0
    power_w: float = 0.0
    share_pct: float = 0.0


@dataclass
class HotSpot:
    device_id: int
    name: str
    inlet_c: float
    max_inlet_c: float
    message: str


@dataclass
class AirflowConflict:
    device_ids: tuple[int, int]
    names: tuple[str, str]
    message: str


@dataclass
class RackAnalysis:
    height_u: int
    used_u: int
    free_u: int
    largest_free_block_u: int
    largest_free_block_start_u: int | None
    utilisation_pct: float
    device_count: int
    weight_kg: float
    max_weight_kg: float | None
    weight_pct: float | None
    power_w: float
    max_power_w: float | None
    power_pct: float | None
    heat_btu_h: float
    cooling_capacity_btu_h: float | None
    heat_pct: float | None
    ambient_c: float
    max_inlet_c: float
    zones: list[Zone] = field(default_factory=list)
    inlet_c: dict[int, float] = field(default_factory=dict)
    hot_spots: list[HotSpot] = field(default_factory=list)
    airflow_conflicts: list[AirflowConflict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["inlet_c"] = {str(k): v for k, v in self.inlet_c.items()}
        return data


def zone_bounds(height_u: int) -> list[tuple[str, int, int]]:
    """Bottom, middle and top thirds as (name, first unit, last unit); 42U → 1–14, 15–28, 29–42."""
    first_cut = round(height_u / 3)
    second_cut = round(2 * height_u / 3)
    return [
        ("bottom", 1, first_cut),
        ("middle", first_cut + 1, second_cut),
        ("top", second_cut + 1, height_u),
    ]


def zone_of_unit(height_u: int, unit: int) -> int:
    for index, (_, first, last) in enumerate(zone_bounds(height_u)):
        if first <= unit <= last:
            return index
    return len(ZONE_NAMES) - 1


def middle_unit(device: Device, slot: Slot) -> float:
    return slot.start_u + (device.height_u - 1) / 2


def relative_height(layout: Layout, device: Device, slot: Slot) -> float:
    """0 at the bottom unit, 1 at the top unit."""
    if layout.rack.height_u <= 1:
        return 0.0
    return (middle_unit(device, slot) - 1) / (layout.rack.height_u - 1)


def occupied_units(layout: Layout) -> list[set[str]]:
    """Index u (1-based) → the faces taken at that unit."""
    taken: list[set[str]] = [set() for _ in range(layout.rack.height_u + 2)]
    for device_id, slot in layout.slots.items():
        device = layout.devices[device_id]
        for unit in range(slot.start_u, slot.start_u + device.height_u):
            if 1 <= unit <= layout.rack.height_u:
                taken[unit].update(faces_of(device, slot))
    return taken


def zone_loads(layout: Layout) -> list[Zone]:
    """Heat and power per third, each device spread over the units it occupies."""
    zones = [Zone(name, first, last) for name, first, last in zone_bounds(layout.rack.height_u)]
    for device_id, slot in layout.slots.items():
        device = layout.devices[device_id]
        per_unit_heat = device.heat / device.height_u
        per_unit_power = device.power_w / device.height_u
        for unit in range(slot.start_u, slot.start_u + device.height_u):
            zone = zones[zone_of_unit(layout.rack.height_u, unit)]
            zone.heat_btu_h += per_unit_heat
            zone.power_w += per_unit_power
    total = sum(z.heat_btu_h for z in zones)
    for zone in zones:
        zone.heat_btu_h = round(zone.heat_btu_h, 1)
        zone.power_w = round(zone.power_w, 1)
        zone.share_pct = round(100 * zone.heat_btu_h / total, 1) if total else 0.0
    return zones


def effective_airflow(device: Device, slot: Slot) -> str:
    """Airflow relative to the rack: a device mounted on the rear face blows the other way,
    whatever its depth (the face is the device's orientation, not only the units it blocks)."""
    if device.airflow not in (FRONT_TO_BACK, BACK_TO_FRONT):
        return ""
    if slot.face == REAR:
        return BACK_TO_FRONT if device.airflow == FRONT_TO_BACK else FRONT_TO_BACK
    return device.airflow


def _are_neighbours(a: Device, a_slot: Slot, b: Device, b_slot: Slot) -> bool:
    a_end = a_slot.start_u + a.height_u - 1
    b_end = b_slot.start_u + b.height_u - 1
    shared_faces = set(faces_of(a, a_slot)) & set(faces_of(b, b_slot))
    if shared_faces and (a_end + 1 == b_slot.start_u or b_end + 1 == a_slot.start_u):
        return True
    # Half-depth devices back to back on opposite faces.
    return not shared_faces and a_slot.start_u <= b_end and b_slot.start_u <= a_end


def airflow_conflicts(layout: Layout) -> list[AirflowConflict]:
    conflicts = []
    placed = sorted(layout.slots.items(), key=lambda item: (item[1].start_u, item[0]))
    for index, (a_id, a_slot) in enumerate(placed):
        a = layout.devices[a_id]
        a_flow = effective_airflow(a, a_slot)
        if not a_flow:
            continue
        for b_id, b_slot in placed[index + 1 :]:
            b = layout.devices[b_id]
            b_flow = effective_airflow(b, b_slot)
            if not b_flow or b_flow == a_flow or not _are_neighbours(a, a_slot, b, b_slot):
                continue
            conflicts.append(
                AirflowConflict(
                    (a_id, b_id),
                    (a.name, b.name),
                    f"{a.label} ({a_flow.replace('_', ' ')}) next to {b.label} "
                    f"({b_flow.replace('_', ' ')}): one blows its exhaust into the other's intake.",
                )
            )
    return conflicts


def inlet_temperatures(
    layout: Layout, zones: list[Zone], conflicts: list[AirflowConflict]
) -> dict[int, float]:
    rack = layout.rack
    ambient = rack.ambient_temp_c if rack.ambient_temp_c is not None else DEFAULT_AMBIENT_C
    cooling = rack.cooling_capacity_btu_h or 0
    rack_heat = sum(zone.heat_btu_h for zone in zones)
    load = rack_heat / cooling if cooling > 0 else 0.0
    in_conflict = {i for c in conflicts for i in c.device_ids}
    estimates = {}
    for device_id, slot in layout.slots.items():
        device = layout.devices[device_id]
        estimate = ambient + STRATIFICATION_C * relative_height(layout, device, slot)
        if load > 0:
            zone = zones[zone_of_unit(rack.height_u, round(middle_unit(device, slot)))]
            concentration = zone.heat_btu_h / (rack_heat / len(zones))
            estimate += RECIRCULATION_C * load * math.sqrt(concentration)
        if device_id in in_conflict:
            estimate += CONFLICT_C
        estimates[device_id] = round(estimate, 1)
    return estimates


def inlet_formula() -> str:
    """The inlet estimate in words, from the same constants the estimate uses (for the pages)."""
    return (
        f"ambient + {STRATIFICATION_C:g} °C × relative height in the rack"
        f" + {RECIRCULATION_C:g} °C × (rack heat ÷ cooling capacity)"
        " × √(heat of the device's third ÷ a third of the rack's heat)"
        f" + {CONFLICT_C:g} °C next to an opposing airflow"
    )


def _free_blocks(taken: list[set[str]], height_u: int) -> tuple[int, int | None]:
    """Largest run of units with nothing mounted on either face: (size, first unit)."""
    best, best_start, run, run_start = 0, None, 0, None
    for unit in range(1, height_u + 1):
        if taken[unit]:
            run, run_start = 0, None
            continue
        if run == 0:
            run_start = unit
        run += 1
        if run > best:
            best, best_start = run, run_start
    return best, best_start


def _pct(value: float, limit: float | None) -> float | None:
    return round(100 * value / limit, 1) if limit else None


def analyse(layout: Layout) -> RackAnalysis:
    """Every figure of the rack page, the API and the report, from one pure pass."""
    rack = layout.rack
    taken = occupied_units(layout)
    used = sum(1 for unit in range(1, rack.height_u + 1) if taken[unit])
    largest, largest_start = _free_blocks(taken, rack.height_u)
    devices = [layout.devices[i] for i in layout.slots]
    zones = zone_loads(layout)
    conflicts = airflow_conflicts(layout)
    inlet = inlet_temperatures(layout, zones, conflicts)
    max_inlet = rack.max_inlet_temp_c if rack.max_inlet_temp_c is not None else DEFAULT_MAX_INLET_C
    hot_spots = []
    for device, slot in layout.placed():
        if device.heat <= 0 or device.airflow == "passive":
            continue
        if inlet[device.id] > max_inlet:
            hot_spots.append(
                HotSpot(
                    device.id,
                    device.name,
                    inlet[device.id],
                    max_inlet,
                    f"{device.label} at {units_label(slot.start_u, device.height_u)}: "
                    "estimated inlet "
                    f"{inlet[device.id]:.1f} °C exceeds the rack's maximum of {max_inlet:.1f} °C.",
                )
            )
    weight = round(sum(d.weight_kg for d in devices), 2)
    power = round(sum(d.power_w for d in devices), 1)
    heat = round(sum(d.heat for d in devices), 1)
    return RackAnalysis(
        height_u=rack.height_u,
        used_u=used,
        free_u=rack.height_u - used,
        largest_free_block_u=largest,
        largest_free_block_start_u=largest_start,
        utilisation_pct=round(100 * used / rack.height_u, 1) if rack.height_u else 0.0,
        device_count=len(devices),
        weight_kg=weight,
        max_weight_kg=rack.max_weight_kg,
        weight_pct=_pct(weight, rack.max_weight_kg),
        power_w=power,
        max_power_w=rack.max_power_w,
        power_pct=_pct(power, rack.max_power_w),
        heat_btu_h=heat,
        cooling_capacity_btu_h=rack.cooling_capacity_btu_h,
        heat_pct=_pct(heat, rack.cooling_capacity_btu_h),
        ambient_c=rack.ambient_temp_c if rack.ambient_temp_c is not None else DEFAULT_AMBIENT_C,
        max_inlet_c=max_inlet,
        zones=zones,
        inlet_c=inlet,
        hot_spots=hot_spots,
        airflow_conflicts=conflicts,
    )


def hot_spots_added(before: Layout, after: Layout) -> list[HotSpot]:
    """Hot spots of `after` that `before` did not have (a placement warns about these)."""
    hot_before = {spot.device_id for spot in analyse(before).hot_spots}
    return [spot for spot in analyse(after).hot_spots if spot.device_id not in hot_before]


def face_units(layout: Layout) -> dict[str, dict[int, int]]:
    """Per face, unit → the id of the device there (used by the text and SVG elevations)."""
    result: dict[str, dict[int, int]] = {face: {} for face in FACES}
    for device_id, slot in layout.slots.items():
        device = layout.devices[device_id]
        for face in faces_of(device, slot):
            for unit in range(slot.start_u, slot.start_u + device.height_u):
                result[face][unit] = device_id
    return result
