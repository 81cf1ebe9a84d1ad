"""Rack writes: place and remove devices, and apply an optimiser proposal atomically.

Every write locks the rack's Location row first (`select_for_update`), then reads the layout
and checks the rules, so two concurrent placements into the same units are serialised and the
second one sees the first and is refused.

A proposal (proposal_make) carries the fingerprint of the rack it was computed for and a
signature of that fingerprint with its complete move set. proposal_apply accepts it only whole
and unchanged (400 otherwise) and only while the rack still has that fingerprint (409 otherwise),
so a plan is never applied in part or to a rack that changed under it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare

from config.errors import DomainError
from warehouse.choices import LocationKind
from warehouse.models import Asset, Location, RackPlacement
from warehouse.racks.analysis import hot_spots_added
from warehouse.racks.layout import (
    FRONT,
    RULE_INSIDE,
    RULE_LOCKED,
    RULE_OVERLAP,
    RULE_PLACED,
    RULE_PROPOSAL,
    RULE_SPECS,
    RULE_STALE,
    Layout,
    Slot,
    Violation,
    check_layout,
    check_placement,
    layout_fingerprint,
    units_label,
)
from warehouse.racks.optimiser import Proposal, optimise
from warehouse.racks.selectors import device_from_asset, rack_layout, rack_revision_bump

PROPOSAL_SALT = "warehouse.racks.proposal"
MOVE_KEYS = ("asset", "from_u", "from_face", "to_u", "to_face")

CONFLICT_RULES = {RULE_OVERLAP, RULE_STALE, RULE_PLACED}


class RackRuleError(DomainError):
    """A placement rule refused the change; `rule` names the rule, the message names the device."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = list(violations)
        self.rule = self.violations[0].rule
        self.rules = sorted({v.rule for v in self.violations})
        self.http_status = 409 if self.rule in CONFLICT_RULES else 400
        self.device_ids = sorted({v.device_id for v in self.violations if v.device_id})
        super().__init__([v.message for v in self.violations], code=self.rule)

    def as_dict(self) -> dict[str, Any]:
        """The API's refusal body: every message, the first rule, all rules, the devices."""
        return {
            "detail": " ".join(self.messages),
            "rule": self.rule,
            "rules": self.rules,
            "devices": self.device_ids,
        }


def _refuse(rule: str, message: str, device_id: int | None = None) -> RackRuleError:
    return RackRuleError([Violation(rule, message, device_id)])


def _lock_rack(rack: Location) -> Location:
    locked = Location.objects.select_for_update().select_related("warehouse").get(pk=rack.pk)
    if locked.kind != LocationKind.RACK or not locked.rack_height_u:
        raise _refuse(RULE_INSIDE, f"{locked} is not a rack.")
    # Every rack write locks the rack first; some write with update()/bulk_update(), which send
    # no signal: the cached layouts are forgotten here (and again when the write commits).
    rack_revision_bump()
    return locked


def _placement_violations(
    *, layout: Layout, asset: Asset, start_u: int, face: str
) -> list[Violation]:
    """Every rule for mounting `asset` at `start_u` on `face` of the rack whose layout is given."""
    part = asset.part
    if not part.height_u:
        return [
            Violation(
                RULE_SPECS,
                f"{asset.name} ({part.name}) is not a rack-mountable device: "
                "its part has no height in U.",
                asset.pk,
            )
        ]
    existing = (
        RackPlacement.objects.filter(asset=asset).select_related("rack").first()
        if asset.pk
        else None
    )
    if existing is not None:
        return [
            Violation(
                RULE_PLACED,
                f"{asset.name} ({part.name}) is already mounted in {existing.rack} at "
                f"{units_label(existing.start_u, existing.height_u)} {existing.face}; "
                "remove it there first.",
                asset.pk,
            )
        ]
    return check_placement(layout, device_from_asset(asset), Slot(start_u, face))


def placement_check(
    *, rack: Location, asset: Asset, start_u: int, face: str = FRONT
) -> list[Violation]:
    """The rules placement_create applies, without writing or locking (for form previews)."""
    layout = rack_layout(rack, with_connections=False)
    return _placement_violations(layout=layout, asset=asset, start_u=start_u, face=face)


@transaction.atomic
def placement_create(
    *,
    rack: Location,
    asset: Asset,
    start_u: int,
    face: str = FRONT,
    is_locked: bool = False,
    user: Any = None,
) -> RackPlacement:
    """Mount `asset` in `rack` from `start_u` upwards on `face`, after checking every rule.

    A placement that makes devices run hot is allowed (heat is an estimate, not a hard rule),
    but the returned placement lists them in `new_hot_spots` (analysis.HotSpot) so the pages
    and the API warn, naming them.
    """
    rack = _lock_rack(rack)
    asset = Asset.objects.select_related("part").get(pk=asset.pk)
    layout = rack_layout(rack, with_connections=False)
    violations = _placement_violations(layout=layout, asset=asset, start_u=start_u, face=face)
    if violations:
        raise RackRuleError(violations)
    part = asset.part
    try:
        with transaction.atomic():
            placement = RackPlacement.objects.create(
                asset=asset,
                rack=rack,
                start_u=start_u,
                face=face,
                height_u=part.height_u,
                is_full_depth=part.is_full_depth,
                is_locked=is_locked,
            )
    except IntegrityError:
        # The asset was mounted elsewhere (another rack, another lock) in the meantime.
        raise _refuse(
            RULE_PLACED, f"{asset.name} ({part.name}) was just mounted elsewhere.", asset.pk
        )
    after = layout.with_slots({**layout.slots, asset.pk: Slot(start_u, face)})
    after.devices = {**layout.devices, asset.pk: device_from_asset(asset, placement)}
    placement.new_hot_spots = hot_spots_added(layout, after)
    return placement


@transaction.atomic
def placement_delete(*, placement: RackPlacement, user: Any = None) -> None:
    """Take a device out of its rack."""
    _lock_rack(placement.rack)
    RackPlacement.objects.filter(pk=placement.pk).delete()


@transaction.atomic
def placement_set_locked(*, placement: RackPlacement, is_locked: bool, user: Any = None) -> None:
    _lock_rack(placement.rack)
    RackPlacement.objects.filter(pk=placement.pk).update(is_locked=is_locked)


def _move_value(move: Mapping[str, Any], key: str) -> Any:
    if key not in move:
        raise ValidationError({"moves": [f"Each move needs {key!r}."]})
    return move[key]


def _canonical_moves(moves: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    try:
        rows = [
            [
                int(_move_value(m, "asset")),
                int(_move_value(m, "from_u")),
                str(_move_value(m, "from_face")),
                int(_move_value(m, "to_u")),
                str(_move_value(m, "to_face")),
            ]
            for m in moves
        ]
    except (TypeError, ValueError):
        raise ValidationError({"moves": ["Asset ids and units must be whole numbers."]})
    return sorted(rows)


def proposal_signature(
    *, rack: Location, fingerprint: str, moves: Iterable[Mapping[str, Any]]
) -> str:
    """Signature (HMAC with the SECRET_KEY) of the rack, its fingerprint and the complete moves."""
    payload = json.dumps(
        [rack.pk, fingerprint, _canonical_moves(moves)], separators=(",", ":"), sort_keys=True
    )
    return signing.Signer(salt=PROPOSAL_SALT).signature(payload)


def proposal_make(
    *,
    rack: Location,
    layout: Layout | None = None,
    weights: Mapping[str, float] | None = None,
    seed: int = 0,
    locked: Iterable[int] = (),
    **options: Any,
) -> Proposal:
    """Run the optimiser on the rack (nothing is written) and sign the proposal.

    `layout` is the rack's layout when the caller has read it already (the preview page draws
    it too); otherwise it is read here. `locked` adds devices to keep in place.
    """
    if layout is None:
        layout = rack_layout(rack)
    layout = replace(layout, locked=layout.locked | frozenset(locked))
    proposal = optimise(layout, weights=dict(weights) if weights else None, seed=seed, **options)
    proposal.signature = proposal_signature(
        rack=rack,
        fingerprint=proposal.fingerprint,
        moves=[m.to_dict() for m in proposal.moves],
    )
    return proposal


@transaction.atomic
def proposal_apply(
    *,
    rack: Location,
    fingerprint: str,
    signature: str,
    moves: Iterable[Mapping[str, Any]],
    user: Any = None,
) -> list[RackPlacement]:
    """Apply an optimiser proposal in one transaction, re-checking every rule.

    The proposal must come back whole: its fingerprint, its signature and all of its moves
    ({"asset", "from_u", "from_face", "to_u", "to_face"} each), unchanged. A partial or edited
    move set is refused (400); if the rack changed since the proposal (a device placed, moved or
    removed, a limit edited) nothing moves (409); otherwise the moves are checked against every
    rule under the rack's lock and written together.
    """
    moves = list(moves)
    expected = proposal_signature(rack=rack, fingerprint=fingerprint, moves=moves)
    if not constant_time_compare(expected, signature or ""):
        raise _refuse(
            RULE_PROPOSAL,
            "These moves are not the proposal's complete, unchanged set of "
            f"{len(moves)} move(s) with its fingerprint: apply all of its moves as proposed, "
            "or run the optimiser again.",
        )
    rack = _lock_rack(rack)
    layout = rack_layout(rack, with_connections=False)
    if layout_fingerprint(layout) != fingerprint:
        raise _refuse(
            RULE_STALE,
            "The rack changed since the proposal; run the optimiser again. Nothing was moved: "
            f"in {rack} a device was placed, moved or removed, or a limit was edited.",
        )
    new_slots = dict(layout.slots)
    violations: list[Violation] = []
    seen: set[int] = set()
    for asset_id, from_u, from_face, to_u, to_face in _canonical_moves(moves):
        if asset_id in seen:
            raise ValidationError({"moves": [f"Asset {asset_id} appears in more than one move."]})
        seen.add(asset_id)
        device = layout.devices.get(asset_id)
        if device is None or layout.slots[asset_id] != Slot(from_u, from_face):
            # Cannot happen with a matching fingerprint and signature; kept as a guard.
            violations.append(
                Violation(RULE_STALE, f"Asset {asset_id} is not where the proposal saw it.")
            )
            continue
        if asset_id in layout.locked:
            violations.append(
                Violation(RULE_LOCKED, f"{device.label} is locked and must not move.", asset_id)
            )
            continue
        new_slots[asset_id] = Slot(to_u, to_face)
    if violations:
        raise RackRuleError(violations)
    violations = check_layout(layout.with_slots(new_slots))
    if violations:
        raise RackRuleError(violations)
    placements = {p.asset_id: p for p in RackPlacement.objects.filter(rack=rack, asset_id__in=seen)}
    changed = []
    for asset_id in sorted(seen):
        placement = placements[asset_id]
        placement.start_u = new_slots[asset_id].start_u
        placement.face = new_slots[asset_id].face
        changed.append(placement)
    RackPlacement.objects.bulk_update(changed, ["start_u", "face"])
    return changed
