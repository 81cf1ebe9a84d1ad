"""Rack writes: place and remove devices, and apply an optimiser proposal atomically.

Every write locks the rack's Location row first (`select_for_update`), then reads the layout
and checks the rules, so two concurrent placements into the same units are serialised and the
second one sees the first and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from warehouse.choices import LocationKind
from warehouse.models import Asset, Location, RackPlacement
from warehouse.racks import layout as rules
from warehouse.racks.layout import Slot, Violation, check_layout, check_placement
from warehouse.racks.selectors import device_from_asset, rack_layout

CONFLICT_RULES = {rules.RULE_OVERLAP, rules.RULE_STALE, rules.RULE_PLACED}


class RackRuleError(ValidationError):
    """A placement rule refused the change; `rule` names the rule, the message names the device."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = list(violations)
        self.rule = self.violations[0].rule
        self.rules = sorted({v.rule for v in self.violations})
        self.http_status = 409 if self.rule in CONFLICT_RULES else 400
        super().__init__([v.message for v in self.violations], code=self.rule)


def _refuse(rule: str, message: str, device_id: int | None = None) -> RackRuleError:
    return RackRuleError([Violation(rule, message, device_id)])


def _lock_rack(rack: Location) -> Location:
    locked = Location.objects.select_for_update().select_related("warehouse").get(pk=rack.pk)
    if locked.kind != LocationKind.RACK or not locked.rack_height_u:
        raise _refuse(rules.RULE_INSIDE, f"{locked} is not a rack.")
    return locked


def placement_check(
    *, rack: Location, asset: Asset, start_u: int, face: str = rules.FRONT
) -> list[Violation]:
    """The rules placement_create would apply, without writing or locking (for form previews)."""
    part = asset.part
    if not part.height_u:
        return [
            Violation(
                rules.RULE_SPECS,
                f"{asset.name} ({part.name}) is not a rack-mountable device: "
                "its part has no height in U.",
                asset.pk,
            )
        ]
    if asset.pk and RackPlacement.objects.filter(asset=asset).exists():
        return [
            Violation(
                rules.RULE_PLACED, f"{asset.name} ({part.name}) is already mounted.", asset.pk
            )
        ]
    layout = rack_layout(rack, with_connections=False)
    return check_placement(layout, device_from_asset(asset), Slot(start_u, face))


@transaction.atomic
def placement_create(
    *,
    rack: Location,
    asset: Asset,
    start_u: int,
    face: str = rules.FRONT,
    is_locked: bool = False,
    user: Any = None,
) -> RackPlacement:
    """Mount `asset` in `rack` from `start_u` upwards on `face`, after checking every rule."""
    rack = _lock_rack(rack)
    asset = Asset.objects.select_related("part").get(pk=asset.pk)
    part = asset.part
    if not part.height_u:
        raise _refuse(
            rules.RULE_SPECS,
            f"{asset.name} ({part.name}) is not a rack-mountable device: "
            "its part has no height in U.",
            asset.pk,
        )
    existing = RackPlacement.objects.filter(asset=asset).select_related("rack").first()
    if existing is not None:
        raise _refuse(
            rules.RULE_PLACED,
            f"{asset.name} ({part.name}) is already mounted in {existing.rack} at "
            f"{rules.units_label(existing.start_u, existing.height_u)} {existing.face}; "
            "remove it there first.",
            asset.pk,
        )
    layout = rack_layout(rack, with_connections=False)
    violations = check_placement(layout, device_from_asset(asset), Slot(start_u, face))
    if violations:
        raise RackRuleError(violations)
    try:
        with transaction.atomic():
            return RackPlacement.objects.create(
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
            rules.RULE_PLACED, f"{asset.name} ({part.name}) was just mounted elsewhere.", asset.pk
        )


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


@transaction.atomic
def proposal_apply(
    *, rack: Location, moves: Iterable[Mapping[str, Any]], user: Any = None
) -> list[RackPlacement]:
    """Apply an optimiser proposal's moves in one transaction, re-checking every rule.

    Each move is {"asset", "from_u", "from_face", "to_u", "to_face"}. If anything changed since
    the proposal was made (a device moved, removed or added in the way), nothing is moved.
    """
    rack = _lock_rack(rack)
    layout = rack_layout(rack, with_connections=False)
    new_slots = dict(layout.slots)
    violations: list[Violation] = []
    seen: set[int] = set()
    for move in moves:
        asset_id = int(_move_value(move, "asset"))
        from_slot = Slot(int(_move_value(move, "from_u")), str(_move_value(move, "from_face")))
        to_slot = Slot(int(_move_value(move, "to_u")), str(_move_value(move, "to_face")))
        if asset_id in seen:
            raise ValidationError({"moves": [f"Asset {asset_id} appears in more than one move."]})
        seen.add(asset_id)
        device = layout.devices.get(asset_id)
        if device is None:
            violations.append(
                Violation(rules.RULE_STALE, f"Asset {asset_id} is no longer in {rack}.", asset_id)
            )
            continue
        current = layout.slots[asset_id]
        if current != from_slot:
            violations.append(
                Violation(
                    rules.RULE_STALE,
                    f"{device.label} has moved since the proposal: it is now at "
                    f"{rules.units_label(current.start_u, device.height_u)} {current.face}.",
                    asset_id,
                )
            )
            continue
        if asset_id in layout.locked:
            violations.append(
                Violation(
                    rules.RULE_LOCKED, f"{device.label} is locked and must not move.", asset_id
                )
            )
            continue
        new_slots[asset_id] = to_slot
    if violations:
        raise RackRuleError(violations)
    violations = check_layout(layout.with_slots(new_slots))
    if violations:
        raise RackRuleError(violations)
    placements = {p.asset_id: p for p in RackPlacement.objects.filter(rack=rack, asset_id__in=seen)}
    changed = []
    for asset_id in seen:
        placement = placements[asset_id]
        placement.start_u = new_slots[asset_id].start_u
        placement.face = new_slots[asset_id].face
        changed.append(placement)
    RackPlacement.objects.bulk_update(changed, ["start_u", "face"])
    return changed
