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
from warehouse.racks.catalogue import DEVICE_MODELS
from warehouse.racks.layout import FRONT, REAR, Device, Layout, RackSpec, Slot, check_layout
from warehouse.racks.optimiser import first_fit, optimise

# (catalogue SKU, how many, access frequency): 30 devices from the catalogue the demo uses, so
# the benchmark's specs cannot drift from the demo's.
MIX = [
    ("RK-DELL-R650", 6, 3),
    ("RK-DELL-R750", 4, 3),
    ("RK-HPE-DL380G10", 4, 2),
    ("RK-CSC-C9300-48P", 3, 6),
    ("RK-JNP-EX4300-48T", 2, 5),
    ("RK-PAN-PA3220", 2, 4),
    ("RK-NTAP-AFF-A250", 3, 1),
    ("RK-APC-SRT3000", 1, 1),
    ("RK-PAN-CP24BLY", 3, 8),
    ("RK-APC-KVM2116P", 2, 9),
]


def build_rack(seed: int) -> Layout:
    rng = random.Random(seed)
    rack = RackSpec(
        height_u=42,
        name="BENCH-42U",
        depth_mm=1200,
        max_weight_kg=1360,
        max_power_w=14000,
        cooling_capacity_btu_h=48000,  # sized for max power: 14 kW ≈ 47,800 BTU/h
        max_inlet_temp_c=27,
        ambient_temp_c=22,
    )
    devices: dict[int, Device] = {}
    slots: dict[int, Slot] = {}
    next_id = 1
    half_depth_faces = [FRONT, REAR]
    for sku, count, freq in MIX:
        model = DEVICE_MODELS[sku]
        for _ in range(count):
            devices[next_id] = model.device(next_id, f"{model.device_type}-{next_id:02d}", freq)
            face = FRONT if model.is_full_depth else half_depth_faces[next_id % 2]
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
    proposals = []
    for _ in range(args.runs):
        started = time.perf_counter()
        proposals.append(optimise(baseline, seed=args.seed))
        times.append(time.perf_counter() - started)
    proposal = proposals[0]
    reproducible = all(
        p.slots == proposal.slots and p.after == proposal.after for p in proposals[1:]
    )
    after = baseline.with_slots(proposal.slots)
    assert not check_layout(after), "the proposal broke a hard rule"
    before_analysis, after_analysis = analyse(baseline), analyse(after)
    print(f"rack: 42U, {len(baseline.devices)} devices, {len(baseline.connections)} connections")
    truncated = sum(1 for p in proposals if p.truncated)
    print(
        f"seed: {args.seed}, runs: {args.runs}, steps per run: "
        f"{', '.join(str(p.iterations) for p in proposals)} of {proposal.step_budget}, "
        f"truncated by the time cap: {truncated} of {args.runs}"
    )
    print(f"same seed, same proposal in every run: {'yes' if reproducible else 'NO'}")
    print(
        f"optimiser time: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s (target < 2 s)"
    )
    print(f"weighted score first-fit: {proposal.before.total:.2f}")
    print(f"weighted score optimised: {proposal.after.total:.2f}")
    print(
        f"improvement over first-fit: {proposal.improvement:+.2f} points, "
        f"{proposal.move_count} of {len(baseline.devices)} devices moved"
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
