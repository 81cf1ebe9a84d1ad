"""Pure placement optimiser: greedy construction plus simulated annealing under the hard rules.

Score: six objectives, each a cost in [0, 1] shown as a score 0–100 (higher is better), combined
by the caller's weights (0–10 each, the same scale on the page and in the API) into one weighted
score:

* thermal — heat low and spread out: 40 % heat-weighted mean height, 30 % imbalance of heat
  between the bottom/middle/top thirds, 30 % share of devices in an airflow conflict;
* weight — weight-weighted mean height (heavy devices low);
* power — imbalance of power draw between the thirds;
* cable — mean vertical distance between connected devices, as a fraction of the rack height;
* access — access-frequency-weighted distance from waist height (U20 in a 42U rack, ~1 m up);
* moves — the share of devices that change place (the current layout scores 100). Its small
  default weight makes every move cost something, so a device stays put unless moving it helps
  the other objectives by more than the move costs.

Hard rules are never relaxed: a move is only considered when the device stays inside the rack
and overlaps nobody (a full-depth device blocks both faces); weight, power and depth do not
depend on positions. Devices keep their face (a rear-facing switch stays rear-facing) and locked
devices do not move. The result is never worse than the current layout on the same weighted
score (the current layout is scored with the same weights, its moves term being 100): when the
search finds nothing better it proposes no moves.

Airflow relative to the rack: a device mounted on the rear face faces the rear, so whatever its
depth it takes air in at the rack's rear and its airflow is reversed (see analysis.py).

Determinism: every random choice comes from `random.Random(seed)` and the search stops after a
fixed number of steps (DEFAULT_STEPS), never after a wall-clock time, so a seed reproduces the
proposal exactly however loaded the machine is. The wall-clock cap is a safety net only: if it
is ever hit the search stops early and the proposal says so (`truncated`), because it may then
differ from another run with the same seed.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field

from warehouse.racks.analysis import effective_airflow
from warehouse.racks.layout import (
    BACK_TO_FRONT,
    FRONT,
    FRONT_TO_BACK,
    Layout,
    Slot,
    check_layout,
    layout_fingerprint,
)

OBJECTIVES = ("thermal", "weight", "power", "cable", "access", "moves")
MAX_WEIGHT = 10.0
# Every objective counts once by default; a move costs a fifth of that, so moving one device of
# 30 costs ~0.1 point of the weighted score and only moves that gain more are proposed.
DEFAULT_WEIGHTS = {name: 1.0 for name in OBJECTIVES} | {"moves": 0.2}
AIRFLOW_SIGN = {FRONT_TO_BACK: 1, BACK_TO_FRONT: -1}
WAIST_HEIGHT_MM = 1000
UNIT_MM = 44.45
PLINTH_MM = 100
# 50,000 steps take ~0.8 s for a 42U rack with 30 devices on an unloaded 2-core machine (bench).
DEFAULT_STEPS = 50000
# Safety cap only (never reached normally): hitting it marks the proposal truncated.
DEFAULT_TIME_CAP_S = 10.0


@dataclass
class Move:
    device_id: int
    name: str
    from_slot: Slot
    to_slot: Slot

    def to_dict(self) -> dict:
        return {
            "asset": self.device_id,
            "name": self.name,
            "from_u": self.from_slot.start_u,
            "from_face": self.from_slot.face,
            "to_u": self.to_slot.start_u,
            "to_face": self.to_slot.face,
        }


@dataclass
class Score:
    total: float
    breakdown: dict[str, float]

    def to_dict(self) -> dict:
        return {"total": self.total, **self.breakdown}


@dataclass
class Proposal:
    before: Score
    after: Score
    moves: list[Move]
    slots: dict[int, Slot]
    weights: dict[str, float]
    seed: int
    iterations: int
    elapsed_ms: float
    violations: list[str] = field(default_factory=list)
    step_budget: int = DEFAULT_STEPS
    truncated: bool = False
    # The rack the proposal was computed for (layout_fingerprint), and the signature of that
    # fingerprint with the complete move set (set by the service that hands proposals out).
    fingerprint: str = ""
    signature: str = ""

    @property
    def improvement(self) -> float:
        return round(self.after.total - self.before.total, 2)

    @property
    def move_count(self) -> int:
        return len(self.moves)

    def to_dict(self) -> dict:
        return {
            "score_before": self.before.to_dict(),
            "score_after": self.after.to_dict(),
            "improvement": self.improvement,
            "moves": [m.to_dict() for m in self.moves],
            "move_count": self.move_count,
            "weights": self.weights,
            "seed": self.seed,
            "iterations": self.iterations,
            "step_budget": self.step_budget,
            "truncated": self.truncated,
            "elapsed_ms": self.elapsed_ms,
            "violations": self.violations,
            "fingerprint": self.fingerprint,
            "signature": self.signature,
        }


class WeightsError(ValueError):
    """Weights the optimiser cannot use; the message names the weight and the rule."""


def normalise_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Every objective's weight, the defaults filling what is not given.

    The one rule for weights, which the API's serializer and the page's form call too: known
    objective names only, each 0–MAX_WEIGHT, and at least one objective other than moves above 0.
    """
    unknown = sorted(str(name) for name in (weights or {}) if name not in DEFAULT_WEIGHTS)
    if unknown:
        raise WeightsError(
            f"Unknown weight {', '.join(unknown)}; the objectives are {', '.join(OBJECTIVES)}."
        )
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if not 0 <= value <= MAX_WEIGHT:
            raise WeightsError(f"The weight of {name} must be between 0 and {MAX_WEIGHT:g}.")
        merged[name] = float(value)
    if sum(v for k, v in merged.items() if k != "moves") <= 0:
        raise WeightsError("At least one weight must be above 0.")
    return merged


def waist_unit(height_u: int) -> float:
    """The unit at about 1 m above the floor, or the middle of a rack lower than that."""
    return min((WAIST_HEIGHT_MM - PLINTH_MM) / UNIT_MM, (height_u + 1) / 2)


class _Model:
    """The layout as flat arrays, so one evaluation is a few hundred arithmetic steps."""

    def __init__(self, layout: Layout, weights: dict[str, float]) -> None:
        self.layout = layout
        self.weights = weights
        self.height = layout.rack.height_u
        self.ids = sorted(layout.slots)
        self.index = {device_id: i for i, device_id in enumerate(self.ids)}
        devices = [layout.devices[i] for i in self.ids]
        self.n = len(devices)
        self.h = [d.height_u for d in devices]
        self.full = [d.is_full_depth for d in devices]
        self.face = [0 if layout.slots[d.id].face == FRONT else 1 for d in devices]
        self.heat = [d.heat for d in devices]
        self.weight = [d.weight_kg for d in devices]
        self.power = [d.power_w for d in devices]
        self.freq = [d.access_frequency for d in devices]
        # Airflow relative to the rack (+1 front to back, -1 back to front, 0 none), as the
        # analysis sees it: a device on the rear face blows the other way.
        self.flow = [AIRFLOW_SIGN.get(effective_airflow(d, layout.slots[d.id]), 0) for d in devices]
        self.movable = [
            i
            for i, d in enumerate(devices)
            if d.id not in layout.locked and d.height_u < self.height
        ]
        self.links = [
            (self.index[a], self.index[b])
            for a, b in layout.connections
            if a in self.index and b in self.index
        ]
        self.zones = []
        first_cut, second_cut = round(self.height / 3), round(2 * self.height / 3)
        self.zones = [(1, first_cut), (first_cut + 1, second_cut), (second_cut + 1, self.height)]
        self.denominator = max(1, self.height - 1)
        self.waist = waist_unit(self.height)
        self.total_heat = sum(self.heat) or 1.0
        self.total_weight = sum(self.weight) or 1.0
        self.total_power = sum(self.power) or 1.0
        self.total_freq = sum(self.freq)
        self.flow_count = sum(1 for f in self.flow if f)
        self.weight_sum = sum(weights.values())
        # Where each device is now: a device elsewhere counts as moved (the moves objective).
        self.origin = [layout.slots[d.id].start_u for d in devices]
        self.build_tables()

    # Occupancy: occ[face][unit] = device index or -1.
    def faces(self, i: int) -> tuple[int, ...]:
        return (0, 1) if self.full[i] else (self.face[i],)

    def empty_occupancy(self) -> list[list[int]]:
        return [[-1] * (self.height + 2), [-1] * (self.height + 2)]

    def occupancy(self, starts: list[int]) -> list[list[int]]:
        occ = self.empty_occupancy()
        for i, start in enumerate(starts):
            if start > 0:
                self.mark(occ, i, start, i)
        return occ

    def mark(self, occ: list[list[int]], i: int, start: int, value: int) -> None:
        for f in self.faces(i):
            row = occ[f]
            for unit in range(start, start + self.h[i]):
                row[unit] = value

    def fits(self, occ: list[list[int]], i: int, start: int) -> bool:
        if start < 1 or start + self.h[i] - 1 > self.height:
            return False
        for f in self.faces(i):
            row = occ[f]
            for unit in range(start, start + self.h[i]):
                if row[unit] != -1:
                    return False
        return True

    # --- Per-device contributions, precomputed for every possible start unit ---------------

    def build_tables(self) -> None:
        """table[i][start] = the device's additive terms at that start (SUMS layout below)."""
        self.table: list[list[tuple[float, ...] | None]] = []
        for i in range(self.n):
            h = self.h[i]
            rows: list[tuple[float, ...] | None] = [None] * (self.height + 2)
            for start in range(1, self.height - h + 2):
                end = start + h - 1
                mid = start + (h - 1) / 2
                rel = (mid - 1) / self.denominator
                heat_zones = [0.0, 0.0, 0.0]
                power_zones = [0.0, 0.0, 0.0]
                for z, (first, last) in enumerate(self.zones):
                    overlap = min(end, last) - max(start, first) + 1
                    if overlap > 0:
                        heat_zones[z] = self.heat[i] * overlap / h
                        power_zones[z] = self.power[i] * overlap / h
                rows[start] = (
                    self.heat[i] * rel,
                    self.weight[i] * rel,
                    self.freq[i] * abs(mid - self.waist) / self.denominator,
                    *heat_zones,
                    *power_zones,
                )
            self.table.append(rows)
        self.links_of: list[list[tuple[int, int]]] = [[] for _ in range(self.n)]
        for a, b in self.links:
            self.links_of[a].append((a, b))
            self.links_of[b].append((a, b))

    def conflicted(self, occ: list[list[int]], starts: list[int], i: int) -> set[int]:
        """Neighbours of device i whose effective airflow opposes its own."""
        flow = self.flow[i]
        start = starts[i]
        if not flow or start <= 0:
            return set()
        end = start + self.h[i] - 1
        found = set()
        for f in self.faces(i):
            row = occ[f]
            for j in (row[start - 1], row[end + 1]):
                if j >= 0 and self.flow[j] == -flow:
                    found.add(j)
        if not self.full[i]:
            row = occ[1 - self.face[i]]
            for unit in range(start, end + 1):
                j = row[unit]
                if j >= 0 and self.flow[j] == -flow:
                    found.add(j)
        return found

    def cable_length(self, starts: list[int], links) -> float:
        total = 0.0
        h = self.h
        for a, b in links:
            if starts[a] > 0 and starts[b] > 0:
                total += abs(starts[a] + (h[a] - 1) / 2 - starts[b] - (h[b] - 1) / 2)
        return total / self.denominator

    def sums(self, starts: list[int], occ: list[list[int]]) -> list[float]:
        """From scratch: 9 table terms, cable length, conflict count, placed heat/weight/power/
        access frequency, placed links, devices away from their current place."""
        totals = [0.0] * 9
        placed = [0.0, 0.0, 0.0, 0.0]
        pairs = set()
        for i, start in enumerate(starts):
            if start <= 0:
                continue
            for k, value in enumerate(self.table[i][start]):
                totals[k] += value
            placed[0] += self.heat[i]
            placed[1] += self.weight[i]
            placed[2] += self.power[i]
            placed[3] += self.freq[i]
            for j in self.conflicted(occ, starts, i):
                pairs.add((min(i, j), max(i, j)))
        placed_links = [(a, b) for a, b in self.links if starts[a] > 0 and starts[b] > 0]
        return [
            *totals,
            self.cable_length(starts, placed_links),
            float(len(pairs)),
            *placed,
            float(len(placed_links)),
            float(sum(1 for i, start in enumerate(starts) if start != self.origin[i])),
        ]

    def costs_from_sums(self, s: list[float]) -> dict[str, float]:
        heat_total = s[11] or 1.0
        power_total = s[13] or 1.0
        return {
            "thermal": 0.4 * s[0] / heat_total
            + 0.3 * (max(s[3], s[4], s[5]) - min(s[3], s[4], s[5])) / heat_total
            + 0.3 * min(1.0, 2 * s[10] / max(1, self.flow_count)),
            "weight": s[1] / (s[12] or 1.0),
            "power": (max(s[6], s[7], s[8]) - min(s[6], s[7], s[8])) / power_total,
            "cable": s[9] / s[15] if s[15] else 0.0,
            "access": s[2] / s[14] if s[14] else 0.0,
            "moves": s[16] / self.n if self.n else 0.0,
        }

    def weighted_cost(self, costs: dict[str, float]) -> float:
        return sum(self.weights[k] * costs[k] for k in OBJECTIVES) / self.weight_sum

    def cost(self, starts: list[int], occ: list[list[int]] | None = None) -> float:
        occ = occ if occ is not None else self.occupancy(starts)
        return self.weighted_cost(self.costs_from_sums(self.sums(starts, occ)))

    def score(self, starts: list[int]) -> Score:
        costs = self.costs_from_sums(self.sums(starts, self.occupancy(starts)))
        breakdown = {k: round(100 * (1 - costs[k]), 2) for k in OBJECTIVES}
        return Score(round(100 * (1 - self.weighted_cost(costs)), 2), breakdown)


def _greedy(model: _Model, current: list[int]) -> list[int] | None:
    """Place the movable devices one by one (heaviest, then hottest first) where they cost least."""
    starts = list(current)
    for i in model.movable:
        starts[i] = 0
    occ = model.occupancy(starts)
    order = sorted(model.movable, key=lambda i: (-model.weight[i], -model.heat[i], model.ids[i]))
    for i in order:
        best_start, best_cost = 0, math.inf
        for start in range(1, model.height - model.h[i] + 2):
            if not model.fits(occ, i, start):
                continue
            starts[i] = start
            model.mark(occ, i, start, i)
            cost = model.cost(starts, occ)
            model.mark(occ, i, start, -1)
            if cost < best_cost - 1e-12:
                best_start, best_cost = start, cost
        if not best_start:
            return None
        starts[i] = best_start
        model.mark(occ, i, best_start, i)
    return starts


def _anneal(
    model: _Model,
    starts: list[int],
    rng: random.Random,
    iterations: int,
    deadline: float,
) -> tuple[list[int], float, int, bool]:
    """Simulated annealing over relocations and swaps, with incremental cost updates."""
    occ = model.occupancy(starts)
    sums = model.sums(starts, occ)
    cost = model.weighted_cost(model.costs_from_sums(sums))
    best, best_cost = list(starts), cost
    movable = model.movable
    if not movable:
        return best, best_cost, 0, False
    table, h, origin = model.table, model.h, model.origin
    t_start, t_end = 0.02, 0.0002
    done = 0
    truncated = False
    for step in range(iterations):
        # The step budget ends the search; the clock is only a safety cap, reported if hit.
        if step % 256 == 0 and time.perf_counter() > deadline:
            truncated = True
            break
        done = step + 1
        temperature = t_start * (t_end / t_start) ** (step / iterations)
        i = movable[rng.randrange(len(movable))]
        if len(movable) > 1 and rng.random() < 0.4:
            j = movable[rng.randrange(len(movable))]
            if j == i:
                continue
            a_start, b_start = starts[i], starts[j]
            # Swap; with different heights keep the pair's outer edges where they were.
            new_i, new_j = b_start, a_start
            if h[i] != h[j] and a_start < b_start:
                new_i = b_start + h[j] - h[i]
            elif h[i] != h[j]:
                new_j = a_start + h[i] - h[j]
            movers = (i, j)
            targets = (new_i, new_j)
        else:
            new = rng.randint(1, model.height - h[i] + 1)
            if new == starts[i]:
                continue
            movers = (i,)
            targets = (new,)
        links = {link for k in movers for link in model.links_of[k]}
        conflicts_before = _pair_count(model, occ, starts, movers)
        cable_before = model.cable_length(starts, links)
        olds = tuple(starts[k] for k in movers)
        for k in movers:
            model.mark(occ, k, starts[k], -1)
        ok = True
        placed = []
        for k, target in zip(movers, targets, strict=True):
            if not model.fits(occ, k, target):
                ok = False
                break
            model.mark(occ, k, target, k)
            placed.append((k, target))
        if not ok:
            for k, target in placed:
                model.mark(occ, k, target, -1)
            for k, old in zip(movers, olds, strict=True):
                model.mark(occ, k, old, k)
            continue
        saved = list(sums)
        for k, target in zip(movers, targets, strict=True):
            old_row, new_row = table[k][starts[k]], table[k][target]
            for m in range(9):
                sums[m] += new_row[m] - old_row[m]
            sums[16] += (target != origin[k]) - (starts[k] != origin[k])
            starts[k] = target
        sums[9] += model.cable_length(starts, links) - cable_before
        sums[10] += _pair_count(model, occ, starts, movers) - conflicts_before
        new_cost = model.weighted_cost(model.costs_from_sums(sums))
        delta = new_cost - cost
        if delta <= 0 or rng.random() < math.exp(-delta / temperature):
            cost = new_cost
            if cost < best_cost - 1e-12:
                best, best_cost = list(starts), cost
            continue
        sums = saved
        for k, target in zip(movers, targets, strict=True):
            model.mark(occ, k, target, -1)
        for k, old in zip(movers, olds, strict=True):
            model.mark(occ, k, old, k)
            starts[k] = old
    # Re-evaluate from scratch so rounding drift in the running sums cannot mislead the caller.
    return best, model.cost(best), done, truncated


def _pair_count(model: _Model, occ: list[list[int]], starts: list[int], movers) -> int:
    """Airflow conflicts that involve any of the movers, each pair counted once."""
    pairs = set()
    for k in movers:
        for j in model.conflicted(occ, starts, k):
            pairs.add((min(k, j), max(k, j)))
    return len(pairs)


def score_layout(layout: Layout, weights: dict[str, float] | None = None) -> Score:
    weights = normalise_weights(weights)
    model = _Model(layout, weights)
    return model.score([layout.slots[i].start_u for i in model.ids])


def optimise(
    layout: Layout,
    *,
    weights: dict[str, float] | None = None,
    seed: int = 0,
    iterations: int = DEFAULT_STEPS,
    time_budget_s: float = DEFAULT_TIME_CAP_S,
) -> Proposal:
    """Propose a layout scoring at least as well as `layout`; the input is not modified."""
    started = time.perf_counter()
    weights = normalise_weights(weights)
    model = _Model(layout, weights)
    current = [layout.slots[i].start_u for i in model.ids]
    current_cost = model.cost(current)
    rng = random.Random(seed)
    deadline = started + time_budget_s
    candidates = [current]
    greedy = _greedy(model, current)
    if greedy is not None:
        candidates.append(greedy)
    best, best_cost, done, truncated = list(current), current_cost, 0, False
    share = max(1, iterations // len(candidates))
    for start in candidates:
        if truncated:
            break
        found, found_cost, steps, truncated = _anneal(model, list(start), rng, share, deadline)
        done += steps
        if found_cost < best_cost - 1e-12:
            best, best_cost = found, found_cost
    if best_cost >= current_cost - 1e-12:
        best = current
    new_slots = {
        device_id: Slot(best[i], layout.slots[device_id].face)
        for i, device_id in enumerate(model.ids)
    }
    moves = [
        Move(
            device_id, layout.devices[device_id].name, layout.slots[device_id], new_slots[device_id]
        )
        for device_id in model.ids
        if new_slots[device_id] != layout.slots[device_id]
    ]
    moves.sort(key=lambda m: (-m.from_slot.start_u, m.name))
    proposed = layout.with_slots(new_slots)
    return Proposal(
        before=model.score(current),
        after=model.score(best),
        moves=moves,
        slots=new_slots,
        weights=weights,
        seed=seed,
        iterations=done,
        elapsed_ms=round(1000 * (time.perf_counter() - started), 1),
        violations=[v.message for v in check_layout(proposed)],
        step_budget=share * len(candidates),
        truncated=truncated,
        fingerprint=layout_fingerprint(layout),
    )


def first_fit(layout: Layout, order: list[int] | None = None) -> Layout:
    """Each device at the lowest free units on its face, in `order` (the benchmark's baseline)."""
    model = _Model(layout, DEFAULT_WEIGHTS)
    starts = [0] * model.n
    occ = model.empty_occupancy()
    for device_id in order or model.ids:
        i = model.index[device_id]
        for start in range(1, model.height - model.h[i] + 2):
            if model.fits(occ, i, start):
                starts[i] = start
                model.mark(occ, i, start, i)
                break
        else:
            raise ValueError(f"{layout.devices[device_id].label} does not fit anywhere.")
    return layout.with_slots(
        {d: Slot(starts[model.index[d]], layout.slots[d].face) for d in model.ids}
    )
