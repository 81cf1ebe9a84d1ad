"""Pure rack layout: plain dataclasses for a rack and its devices, and the hard placement rules.

Nothing here touches the database, so the analysis, the optimiser, the services and the
benchmark all judge a layout by exactly the same rules.

Occupancy: a device occupies units start_u .. start_u + height_u - 1 on its face; a full-depth
device occupies those units on both faces, so two half-depth devices may share a unit only when
they are mounted on opposite faces. Half-width devices are treated like full-width ones (one per
unit and face): the racks we model have no side-by-side shelves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

FRONT = "front"
REAR = "rear"
FACES = (FRONT, REAR)

FRONT_TO_BACK = "front_to_back"
BACK_TO_FRONT = "back_to_front"

# The rule names a refusal carries (RackRuleError.rule and the API's "rule" field).
RULE_INSIDE = "inside_rack"
RULE_OVERLAP = "no_overlap"
RULE_DEPTH = "depth_fits"
RULE_WEIGHT = "max_weight"
RULE_POWER = "max_power"
RULE_SPECS = "device_specs"
RULE_PLACED = "already_placed"
RULE_LOCKED = "locked"
RULE_STALE = "unchanged_since_proposal"
RULE_PROPOSAL = "complete_proposal"
RULES = (
    RULE_INSIDE,
    RULE_OVERLAP,
    RULE_DEPTH,
    RULE_WEIGHT,
    RULE_POWER,
    RULE_SPECS,
    RULE_PLACED,
    RULE_LOCKED,
    RULE_STALE,
    RULE_PROPOSAL,
)

BTU_PER_WATT = 3.412


@dataclass(frozen=True)
class RackSpec:
    """A rack's limits; None means "not recorded" and the matching rule is not enforced."""

    height_u: int
    name: str = ""
    depth_mm: int | None = None
    max_weight_kg: float | None = None
    max_power_w: float | None = None
    cooling_capacity_btu_h: float | None = None
    max_inlet_temp_c: float | None = None
    ambient_temp_c: float | None = None


@dataclass(frozen=True)
class Device:
    """A device (an asset of a rack-mountable part) with the specs the rules and scores need."""

    id: int
    name: str
    height_u: int
    model: str = ""
    device_type: str = "other"
    is_full_depth: bool = True
    depth_mm: int | None = None
    weight_kg: float = 0.0
    power_w: float = 0.0
    heat_btu_h: float | None = None
    airflow: str = ""
    access_frequency: int = 0

    @property
    def heat(self) -> float:
        """Heat output in BTU/h; estimated from the power draw when the part does not say."""
        if self.heat_btu_h is not None:
            return self.heat_btu_h
        return self.power_w * BTU_PER_WATT

    @property
    def label(self) -> str:
        return f"{self.name} ({self.model})" if self.model else self.name


@dataclass(frozen=True)
class Slot:
    start_u: int
    face: str = FRONT


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    device_id: int | None = None


@dataclass
class Layout:
    """A rack, the devices in it and where each one is mounted."""

    rack: RackSpec
    devices: dict[int, Device] = field(default_factory=dict)
    slots: dict[int, Slot] = field(default_factory=dict)
    locked: frozenset[int] = frozenset()
    # Undirected cable links between devices of this rack: (device id, device id).
    connections: tuple[tuple[int, int], ...] = ()

    def placed(self) -> list[tuple[Device, Slot]]:
        """Devices with their slots, top of the rack first."""
        pairs = [(self.devices[i], s) for i, s in self.slots.items()]
        return sorted(pairs, key=lambda p: (-p[1].start_u, p[1].face, p[0].name))

    def with_slots(self, slots: dict[int, Slot]) -> Layout:
        return Layout(self.rack, self.devices, dict(slots), self.locked, self.connections)


def layout_fingerprint(layout: Layout) -> str:
    """A hash of the rack's limits and of every placement (asset, units, face, depth).

    A proposal carries the fingerprint of the layout it was computed from; applying it requires
    the rack to have the same fingerprint, so any placement, removal, move or change of a limit
    in between refuses the apply instead of moving devices on a stale plan. Locks are left out:
    the apply re-checks them itself.
    """
    rack = layout.rack
    state = {
        "rack": [
            rack.height_u,
            rack.depth_mm,
            rack.max_weight_kg,
            rack.max_power_w,
            rack.cooling_capacity_btu_h,
            rack.max_inlet_temp_c,
            rack.ambient_temp_c,
        ],
        "placements": sorted(
            [
                device_id,
                slot.start_u,
                slot.face,
                layout.devices[device_id].height_u,
                layout.devices[device_id].is_full_depth,
            ]
            for device_id, slot in layout.slots.items()
        ),
    }
    encoded = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def units_label(start_u: int, height_u: int) -> str:
    end_u = start_u + height_u - 1
    return f"U{start_u}" if end_u == start_u else f"U{start_u}–U{end_u}"


def faces_of(device: Device, slot: Slot) -> tuple[str, ...]:
    return FACES if device.is_full_depth else (slot.face,)


def occupies(device: Device, slot: Slot, unit: int, face: str) -> bool:
    return slot.start_u <= unit < slot.start_u + device.height_u and face in faces_of(device, slot)


def collides(a: Device, a_slot: Slot, b: Device, b_slot: Slot) -> bool:
    """True when the two devices need the same unit on the same face."""
    if (
        a_slot.start_u + a.height_u <= b_slot.start_u
        or b_slot.start_u + b.height_u <= a_slot.start_u
    ):
        return False
    return bool(set(faces_of(a, a_slot)) & set(faces_of(b, b_slot)))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def check_slot(layout: Layout, device: Device, slot: Slot) -> list[Violation]:
    """Positional rules for one device at one slot against every other placed device."""
    rack = layout.rack
    where = f"{units_label(slot.start_u, device.height_u)} {slot.face}"
    if slot.face not in FACES:
        return [Violation(RULE_INSIDE, f"{device.label}: unknown face {slot.face!r}.", device.id)]
    end_u = slot.start_u + device.height_u - 1
    if slot.start_u < 1 or end_u > rack.height_u:
        return [
            Violation(
                RULE_INSIDE,
                f"{device.label} ({device.height_u}U) does not fit at {where}: "
                f"the rack has U1–U{rack.height_u}.",
                device.id,
            )
        ]
    violations = []
    for other_id, other_slot in layout.slots.items():
        if other_id == device.id:
            continue
        other = layout.devices[other_id]
        if collides(device, slot, other, other_slot):
            taken = f"{units_label(other_slot.start_u, other.height_u)} {other_slot.face}"
            depth_note = " (full depth, blocks both faces)" if other.is_full_depth else ""
            violations.append(
                Violation(
                    RULE_OVERLAP,
                    f"Cannot place {device.label} at {where}: "
                    f"{taken} is taken by {other.label}{depth_note}.",
                    device.id,
                )
            )
    return violations


def check_depth(rack: RackSpec, device: Device) -> list[Violation]:
    if rack.depth_mm is None or device.depth_mm is None or device.depth_mm <= rack.depth_mm:
        return []
    return [
        Violation(
            RULE_DEPTH,
            f"{device.label} is {device.depth_mm} mm deep; the rack is {rack.depth_mm} mm deep.",
            device.id,
        )
    ]


def check_totals(layout: Layout, adding: Device | None = None) -> list[Violation]:
    """Weight and power of every placed device (plus `adding`) against the rack's limits."""
    rack = layout.rack
    devices = [layout.devices[i] for i in layout.slots]
    if adding is not None and adding.id not in layout.slots:
        devices.append(adding)
    violations = []
    weight = sum(d.weight_kg for d in devices)
    power = sum(d.power_w for d in devices)
    subject = f"Adding {adding.label} ({_fmt(adding.weight_kg)} kg)" if adding else "The devices"
    if rack.max_weight_kg is not None and weight > rack.max_weight_kg + 1e-9:
        violations.append(
            Violation(
                RULE_WEIGHT,
                f"{subject} would load the rack with {_fmt(weight)} kg; "
                f"its maximum is {_fmt(rack.max_weight_kg)} kg.",
                adding.id if adding else None,
            )
        )
    subject = f"Adding {adding.label} ({_fmt(adding.power_w)} W)" if adding else "The devices"
    if rack.max_power_w is not None and power > rack.max_power_w + 1e-9:
        violations.append(
            Violation(
                RULE_POWER,
                f"{subject} would draw {_fmt(power)} W in the rack; "
                f"its maximum is {_fmt(rack.max_power_w)} W.",
                adding.id if adding else None,
            )
        )
    return violations


def check_placement(layout: Layout, device: Device, slot: Slot) -> list[Violation]:
    """Every hard rule for adding `device` at `slot` to the layout, in the order users meet them."""
    return (
        check_slot(layout, device, slot)
        + check_depth(layout.rack, device)
        + check_totals(layout, adding=device)
    )


def check_layout(layout: Layout) -> list[Violation]:
    """Every hard rule for a whole layout (each overlap reported once)."""
    violations: list[Violation] = []
    seen: set[frozenset[int]] = set()
    for device_id, slot in layout.slots.items():
        device = layout.devices[device_id]
        for violation in check_slot(layout, device, slot):
            if violation.rule == RULE_OVERLAP:
                pair = frozenset(
                    (device_id, _overlapping_id(layout, device, slot, violation.message))
                )
                if pair in seen:
                    continue
                seen.add(pair)
            violations.append(violation)
        violations += check_depth(layout.rack, device)
    return violations + check_totals(layout)


def _overlapping_id(layout: Layout, device: Device, slot: Slot, message: str) -> int:
    for other_id, other_slot in layout.slots.items():
        other = layout.devices[other_id]
        if (
            other_id != device.id
            and collides(device, slot, other, other_slot)
            and other.label in message
        ):
            return other_id
    return -1
