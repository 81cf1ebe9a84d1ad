"""Benchmark: optimise a 42U rack holding 30 devices; print the time and the score improvement.

Run: .venv/bin/python bench/racks.py [--seed N] [--runs N]

The optimiser is a pure function, so the rack is built in memory (no database). The baseline is a
first-fit placement (devices in catalogue order, each at the lowest free units on its face) — what
a person racking devices one after another tends to end up with. Target: < 2 s per optimisation.
"""

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from warehouse.racks.analysis import analyse
from warehouse.racks.layout import FRONT, REAR, Device, Layout, RackSpec, Slot, check_layout
from warehouse.racks.optimiser import first_fit, optimise

# (model, type, U, full depth, kg, W, airflow, access frequency), real catalogue figures.
CATALOGUE = [
    ("Dell PowerEdge R650", "server", 1, True, 21.0, 550, "front_to_back", 3),
    ("Dell PowerEdge R750", "server", 2, True, 28.6, 800, "front_to_back", 3),
    ("HPE ProLiant DL380 Gen10", "server", 2, True, 24.5, 500, "front_to_back", 2),
    ("Cisco Catalyst 9300-48P", "switch", 1, False, 7.9, 350, "back_to_front", 6),
    ("Juniper EX4300-48T", "switch", 1, False, 8.4, 175, "front_to_back", 5),
    ("Palo Alto PA-3220", "firewall", 2, True, 10.9, 240, "front_to_back", 4),
    ("NetApp AFF A250", "storage", 2, True, 26.0, 800, "front_to_back", 1),
    ("APC Smart-UPS SRT 3000", "ups", 2, True, 27.0, 150, "front_to_back", 1),
    ("Panduit 24-port Cat6 patch panel", "patch_panel", 1, False, 1.5, 0, "passive", 8),
    ("APC KVM 2G 8-port", "kvm", 1, False, 4.5, 25, "passive", 9),
]
# How many of each, in catalogue order: 30 devices, 38 of 42 U on the front face.
COUNTS = [6, 4, 4, 3, 2, 2, 3, 1, 3, 2]


def build_rack(seed: int) -> Layout:
    rng = random.Random(seed)
    rack = RackSpec(
        height_u=42,
        name="BENCH-42U",
        depth_mm=1200,
        max_weight_kg=1360,
        max_power_w=14000,
        cooling_capacity_btu_h=40000,
        max_inlet_temp_c=27,
        ambient_temp_c=21,
    )
    devices: dict[int, Device] = {}
    slots: dict[int, Slot] = {}
    next_id = 1
    half_depth_faces = [FRONT, REAR]
    for (model, kind, height, full, kg, watts, airflow, freq), count in zip(
        CATALOGUE, COUNTS, strict=True
    ):
        for _ in range(count):
            devices[next_id] = Device(
                id=next_id,
                name=f"{kind}-{next_id:02d}",
                model=model,
                device_type=kind,
                height_u=height,
                is_full_depth=full,
                depth_mm=750,
                weight_kg=kg,
                power_w=watts,
                heat_btu_h=round(watts * 3.412, 1),
                airflow=airflow,
                access_frequency=freq,
            )
            face = FRONT if full else half_depth_faces[next_id % 2]
            slots[next_id] = Slot(1, face)
            next_id += 1
    order = list(devices)
    rng.shuffle(order)
    connections = tuple(
        (a, b)
        for a in devices
        for b in devices
        if a < b
        and devices[a].device_type == "server"
        and devices[b].device_type == "switch"
        and (a + b) % 3 == 0
    )
    layout = Layout(rack, devices, slots, frozenset(), connections)
    return first_fit(layout, order)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    baseline = build_rack(args.seed)
    assert not check_layout(baseline), check_layout(baseline)
    times = []
    proposal = None
    for _ in range(args.runs):
        started = time.perf_counter()
        proposal = optimise(baseline, seed=args.seed)
        times.append(time.perf_counter() - started)
    assert proposal is not None
    after = baseline.with_slots(proposal.slots)
    assert not check_layout(after), "the proposal broke a hard rule"
    before_analysis, after_analysis = analyse(baseline), analyse(after)
    print(f"rack: 42U, {len(baseline.devices)} devices, {len(baseline.connections)} connections")
    print(f"seed: {args.seed}, runs: {args.runs}, iterations per run: {proposal.iterations}")
    print(
        f"optimiser time: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s (target < 2 s)"
    )
    print(f"weighted score first-fit: {proposal.before.total:.2f}")
    print(f"weighted score optimised: {proposal.after.total:.2f}")
    print(
        f"improvement over first-fit: {proposal.improvement:+.2f} points, "
        f"{len(proposal.moves)} moves"
    )
    for name in proposal.before.breakdown:
        print(
            f"  {name:<8} {proposal.before.breakdown[name]:6.2f} -> "
            f"{proposal.after.breakdown[name]:6.2f}"
        )
    print(
        f"hot spots {len(before_analysis.hot_spots)} -> {len(after_analysis.hot_spots)}, "
        f"airflow conflicts {len(before_analysis.airflow_conflicts)} -> "
        f"{len(after_analysis.airflow_conflicts)}"
    )


if __name__ == "__main__":
    main()
