"""Checks that an edit to a rack or an asset leaves the devices already mounted valid.

Location.clean() and Asset.clean() call these, so the admin, the API and every full_clean()
refuse a rack made lower, shallower or weaker than what it already holds, and a mounted asset
whose part (and so its height and depth) would change under its placement.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from warehouse.choices import LocationKind
from warehouse.racks.layout import (
    RULE_DEPTH,
    RULE_INSIDE,
    RULE_POWER,
    RULE_WEIGHT,
    Layout,
    RackSpec,
    Slot,
    check_layout,
    units_label,
)

if TYPE_CHECKING:
    from warehouse.models import Asset, Location

LISTED = 5  # devices named in one message before "and N more"
MAX_RACK_U = 60  # the tallest rack the schema allows: no height given, no height rule


def _number(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None  # clean_fields reports the bad value itself
    return number if number.is_finite() else None


def _fmt(value: Decimal | float) -> str:
    value = Decimal(str(value))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


def _candidate_spec(rack: Location) -> RackSpec:
    """The rack's limits as edited (unsaved); a blank or malformed value enforces nothing."""
    height, depth, weight, power = (
        _number(getattr(rack, field))
        for field in ("rack_height_u", "rack_depth_mm", "max_weight_kg", "max_power_w")
    )
    return RackSpec(
        height_u=int(height) if height is not None else MAX_RACK_U,
        depth_mm=int(depth) if depth is not None else None,
        max_weight_kg=float(weight) if weight is not None else None,
        max_power_w=float(power) if power is not None else None,
    )


def rack_limits_errors(rack: Location) -> dict[str, list[str]]:
    """Field errors for a rack's (possibly unsaved) limits against the devices mounted in it.

    The rules are layout.check_layout's, run on the mounted devices in the edited rack; this
    function only turns the rules they break into messages on the limit fields.
    """
    if rack.pk is None:
        return {}
    from warehouse.models import RackPlacement
    from warehouse.racks.selectors import device_from_asset

    placements = list(
        RackPlacement.objects.filter(rack_id=rack.pk)
        .select_related("asset__part")
        .order_by("-start_u", "face")
    )
    if not placements:
        return {}
    if rack.kind != LocationKind.RACK:
        return {
            "kind": [
                f"{rack.code} holds {len(placements)} mounted device(s) "
                f"({_names([p.asset.name for p in placements])}); remove them before it stops "
                "being a rack."
            ]
        }
    layout = Layout(
        _candidate_spec(rack),
        {p.asset_id: device_from_asset(p.asset, p) for p in placements},
        {p.asset_id: Slot(p.start_u, p.face) for p in placements},
    )
    broken: dict[str, set[int | None]] = {}
    for violation in check_layout(layout):
        broken.setdefault(violation.rule, set()).add(violation.device_id)
    errors: dict[str, list[str]] = {}
    if RULE_INSIDE in broken:
        above = [
            f"{p.asset.name} at {units_label(p.start_u, p.height_u)}"
            for p in placements
            if p.asset_id in broken[RULE_INSIDE]
        ]
        height = layout.rack.height_u
        errors["rack_height_u"] = [
            f"{height} U is too low for the devices mounted above U{height}: "
            f"{_names(above)}; move or remove them first."
        ]
    if RULE_DEPTH in broken:
        deep = [
            f"{p.asset.name} ({p.asset.part.depth_mm} mm)"
            for p in placements
            if p.asset_id in broken[RULE_DEPTH]
        ]
        errors["rack_depth_mm"] = [
            f"{_fmt(layout.rack.depth_mm)} mm is shallower than mounted devices: {_names(deep)}."
        ]
    for rule, field, attribute, unit, what in (
        (RULE_WEIGHT, "max_weight_kg", "weight_kg", "kg", "weigh"),
        (RULE_POWER, "max_power_w", "power_w", "W", "draw"),
    ):
        if rule in broken:
            errors[field] = [_total_message(rack, placements, field, attribute, unit, what)]
    return errors


def _total_message(
    rack: Location, placements: list, field: str, attribute: str, unit: str, what: str
) -> str:
    loads = sorted(
        ((getattr(p.asset.part, attribute) or Decimal(0), p.asset.name) for p in placements),
        reverse=True,
    )
    total = sum(value for value, _ in loads)
    largest = [f"{name} {_fmt(value)} {unit}" for value, name in loads if value > 0]
    return (
        f"The {len(placements)} devices mounted {what} {_fmt(total)} {unit}, more than "
        f"{_fmt(_number(getattr(rack, field)))} {unit} (largest: {_names(largest)}); "
        "remove devices first."
    )


def asset_part_change_errors(asset: Asset) -> dict[str, list[str]]:
    """A mounted asset keeps its part: its placement was checked with that part's height and
    depth, and copied its height; changing the part would leave the rack's rules unchecked."""
    if asset.pk is None or asset.part_id is None:
        return {}
    from warehouse.models import Asset as AssetModel
    from warehouse.models import RackPlacement

    stored_part = AssetModel.objects.filter(pk=asset.pk).values_list("part_id", flat=True).first()
    if stored_part is None or stored_part == asset.part_id:
        return {}
    placement = RackPlacement.objects.filter(asset_id=asset.pk).select_related("rack").first()
    if placement is None:
        return {}
    return {
        "part": [
            f"{asset.name} is mounted in {placement.rack} at "
            f"{units_label(placement.start_u, placement.height_u)} {placement.face}; remove it "
            "from the rack before changing its part (the placement was checked against the "
            "current part's height and depth)."
        ]
    }
